/**
 * Upload once (#15 item 2): `POST /v1/materials` streams a signed file into
 * the blob store — each media type accepted by its own bytes; every refusal
 * (type, size by Content-Length and while streaming, digest, signature,
 * replay, empty, encoding) keeps nothing; a cut connection stores nothing;
 * only the owner reads an upload back, byte for byte; the sweeper removes
 * expired, unreferenced uploads and their blobs and nothing else. On SQLite
 * and PostgreSQL, with the file and the PostgreSQL blob store.
 */
import { expect } from 'chai';
import { createHash, randomUUID } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { BlobStore } from '../../../src/domain/materials.js';
import type { Gateway } from '../../../src/gateway.js';
import type { Store } from '../../../src/store/index.js';
import { contentDigest } from '../../../src/trust/content-digest.js';
import { generateKeyPair, type PrivateJwk } from '../../../src/trust/algorithms.js';
import { signRequest } from '../../../src/trust/index.js';
import { verifyResponse } from '../../../src/trust/verify-response.js';
import { blobStoreFixtures, openBlobStore } from '../../helpers/blob-stores.js';
import { devKey } from '../../helpers/dev-keys.js';
import { startTestGateway, type LogCapture } from '../../helpers/gateway.js';
import { tinyGif, tinyJpeg, tinyOfd, tinyPdf, tinyPng, zipOf } from '../../helpers/material-files.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';

const MAX_BYTES = 64 * 1024;

interface Answer { status: number; headers: IncomingHttpHeaders; raw: Buffer; json: Record<string, unknown> | undefined }

interface SendOptions {
  /** Bytes sent, in these chunks (no Content-Length: chunked transfer coding). */
  chunks?: readonly Buffer[];
  /** Send only the headers and the first `n` bytes, then cut the connection. */
  cutAfter?: number;
  /** Send only the headers (with this Content-Length) and wait for the answer. */
  headersOnly?: boolean;
}

for (const fixture of storeFixtures()) {
  // Files beside SQLite; blobs in the database beside PostgreSQL.
  const blobKind = fixture.name === 'sqlite' ? 'file' : 'postgres';
  describe(`material uploads (${fixture.name}, ${blobKind} blob store)`, function () {
    this.timeout(60_000);
    const blobFixture = blobStoreFixtures().find((candidate) => candidate.kind === blobKind)!;
    let store: Store;
    let gateway: Gateway;
    let logs: LogCapture;
    let blobs: BlobStore;
    let platformKey: PrivateJwk;
    let otherKey: PrivateJwk;

    before(async () => {
      store = await fixture.open();
      blobs = await openBlobStore(await blobFixture.setUp());
      ({ gateway, logs } = await startTestGateway({
        ...fixture.gatewayEnv(), TONGBAN_MATERIAL_MAX_BYTES: String(MAX_BYTES), TONGBAN_MATERIAL_SWEEP_INTERVAL_MS: '0', TONGBAN_DISPATCHER: 'false',
      }, { blobStore: blobs }));
      platformKey = await devKey('platform');
      // A second platform: it must not see the first one's uploads.
      const other = await generateKeyPair('EdDSA');
      otherKey = other.privateJwk;
      await gateway.clients.upsert([{ id: 'platform-other', role: 'platform', algorithms: ['EdDSA'], keys: [other.publicJwk] }]);
    });
    after(async function () {
      await gateway?.close();
      await store?.close();
      await blobFixture.tearDown(allPassed(this.test!.parent!));
      await fixture.cleanup(allPassed(this.test!.parent!));
    });

    async function signedHeaders(method: string, path: string, body: Buffer, options: { clientId?: string; key?: PrivateJwk; jti?: string; digestOf?: Buffer } = {}): Promise<Record<string, string>> {
      const headers = await signRequest({
        method, pathAndQuery: path, body: options.digestOf ?? body, clientId: options.clientId ?? 'platform', key: options.key ?? platformKey, ...(options.jti ? { jti: options.jti } : {}),
      });
      return { ...headers };
    }

    /** One request over node:http, so a test controls how the body goes out (chunks, a cut, headers alone). */
    function send(method: string, path: string, headers: Record<string, string>, body: Buffer | undefined, options: SendOptions = {}): Promise<Answer> {
      return new Promise((resolve, reject) => {
        const url = new URL(path, gateway.url);
        const outgoing: Record<string, string> = { ...headers };
        if (body !== undefined && !options.chunks && !('content-length' in outgoing)) outgoing['content-length'] = String(body.length);
        const request = httpRequest(url, { method, headers: outgoing, agent: false });
        let answered = false;
        request.on('response', (response) => {
          answered = true;
          const parts: Buffer[] = [];
          response.on('data', (chunk: Buffer) => parts.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const raw = Buffer.concat(parts);
            let json: Record<string, unknown> | undefined;
            try { json = raw.length > 0 && /json/.test(String(response.headers['content-type'])) ? JSON.parse(raw.toString('utf8')) as Record<string, unknown> : undefined; } catch { json = undefined; }
            resolve({ status: response.statusCode!, headers: response.headers, raw, json });
          });
        });
        // The gateway may close the connection after a refusal while the body is still going out.
        // Its answer may then still be on its way behind an EPIPE of the write: the answer (or the test's timeout) decides.
        request.on('error', (error: NodeJS.ErrnoException) => { if (!answered && error.code !== 'EPIPE') reject(error); });
        if (options.headersOnly) { request.flushHeaders(); return; }
        if (options.cutAfter !== undefined) {
          request.write(body!.subarray(0, options.cutAfter), () => { request.destroy(); resolve({ status: 0, headers: {}, raw: Buffer.alloc(0), json: undefined }); });
          return;
        }
        if (options.chunks) {
          const chunks = [...options.chunks];
          const next = () => {
            if (answered) return;
            const chunk = chunks.shift();
            if (chunk === undefined) { request.end(); return; }
            request.write(chunk, () => setImmediate(next));
          };
          next();
          return;
        }
        request.end(body);
      });
    }

    async function upload(body: Buffer, contentType: string, options: SendOptions & { digestOf?: Buffer; jti?: string; clientId?: string; key?: PrivateJwk; extra?: Record<string, string> } = {}): Promise<Answer> {
      const headers = { 'content-type': contentType, ...(options.extra ?? {}), ...await signedHeaders('POST', '/v1/materials', body, options) };
      return send('POST', '/v1/materials', headers, body, options);
    }

    async function get(path: string, options: { clientId?: string; key?: PrivateJwk } = {}): Promise<Answer> {
      return send('GET', path, await signedHeaders('GET', path, Buffer.alloc(0), options), undefined);
    }

    function expectProblem(answer: Answer, status: number, code: string): Record<string, unknown> {
      expect(answer.status, answer.raw.toString('utf8')).to.equal(status);
      expect(answer.json).to.include({ status, code });
      expect(answer.headers['tongban-signature'], 'refusals are signed too').to.be.a('string');
      return answer.json!;
    }

    async function uploadRows(): Promise<number> {
      const { rows } = await store.query<{ n: number }>('SELECT COUNT(*) AS n FROM material_uploads');
      return Number(rows[0]!.n);
    }

    /** What storage holds: complete blobs and anything else (temporary files). */
    async function stored(): Promise<{ blobs: string[]; leftovers: string[]; rows: number }> {
      return { blobs: await blobFixture.blobNames(), leftovers: await blobFixture.leftovers(), rows: await uploadRows() };
    }

    const sha256Hex = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

    const accepted: { name: string; mediaType: string; bytes: () => Buffer }[] = [
      { name: 'a PDF', mediaType: 'application/pdf', bytes: () => tinyPdf(`pdf ${randomUUID()}`) },
      { name: 'a PNG', mediaType: 'image/png', bytes: () => tinyPng([Math.floor(Math.random() * 256), 1, 2]) },
      { name: 'a JPEG', mediaType: 'image/jpeg', bytes: () => Buffer.concat([tinyJpeg(), Buffer.from(randomUUID())]) },
      { name: 'an OFD (a ZIP whose first entry is OFD.xml)', mediaType: 'application/ofd', bytes: () => Buffer.concat([tinyOfd(), Buffer.from(randomUUID())]) },
    ];
    for (const file of accepted) {
      it(`accepts ${file.name} as ${file.mediaType}: 201 signed, the row and the blob stored, readable back byte for byte`, async () => {
        const bytes = file.bytes();
        const jti = randomUUID();
        const answer = await upload(bytes, file.mediaType, { jti });
        expect(answer.status, answer.raw.toString('utf8')).to.equal(201);
        const body = answer.json!;
        expect(body).to.include({ sha256: sha256Hex(bytes), size: bytes.length, mediaType: file.mediaType });
        expect(answer.headers['location']).to.equal(`/v1/materials/${String(body['id'])}`);
        const expiresAt = Date.parse(String(body['expiresAt']));
        expect(expiresAt - Date.now()).to.be.within(86_400_000 - 60_000, 86_400_000);
        expect(await blobFixture.blobNames()).to.include(sha256Hex(bytes));
        // The answer is signed over its body, for this client and this request.
        await verifyResponse({ body: answer.raw, headers: answer.headers as Record<string, string> }, { keys: gateway.keyring.publicKeys(), audience: 'platform', requestJti: jti });

        const metadata = await get(`/v1/materials/${String(body['id'])}`);
        expect(metadata.status).to.equal(200);
        expect(metadata.json).to.deep.equal(body);
        const content = await get(`/v1/materials/${String(body['id'])}/content`);
        expect(content.status).to.equal(200);
        expect(content.raw.equals(bytes), 'byte-identical').to.equal(true);
        expect(content.headers['content-type']).to.equal(file.mediaType);
        expect(content.headers['content-length']).to.equal(String(bytes.length));
        expect(content.headers['content-digest']).to.equal(contentDigest(bytes));
      });
    }

    it('answers the content signed with the digest of the bytes (verifies with Tongban\'s keys against the request\'s jti)', async () => {
      const bytes = tinyPdf('signed content');
      const id = String((await upload(bytes, 'application/pdf')).json!['id']);
      const path = `/v1/materials/${id}/content`;
      const jti = randomUUID();
      const headers = await signRequest({ method: 'GET', pathAndQuery: path, clientId: 'platform', key: platformKey, jti });
      const answer = await send('GET', path, { ...headers }, undefined);
      const verified = await verifyResponse({ body: answer.raw, headers: answer.headers as Record<string, string> }, { keys: gateway.keyring.publicKeys(), audience: 'platform', requestJti: jti });
      expect(verified.claims.cdg).to.equal(contentDigest(bytes));
    });

    it('the same bytes uploaded twice: two upload ids, one blob', async () => {
      const bytes = tinyPdf('twice');
      const first = await upload(bytes, 'application/pdf');
      const second = await upload(bytes, 'application/pdf');
      expect(first.status).to.equal(201);
      expect(second.status).to.equal(201);
      expect(first.json!['id']).not.to.equal(second.json!['id']);
      expect(first.json!['sha256']).to.equal(second.json!['sha256']);
      expect((await blobFixture.blobNames()).filter((name) => name === sha256Hex(bytes))).to.have.length(1);
    });

    it('a streamed (chunked) upload of many chunks is accepted and stored whole', async () => {
      const bytes = Buffer.concat([tinyPdf('chunked'), Buffer.alloc(40_000, 0x20)]);
      const chunks: Buffer[] = [];
      for (let offset = 0; offset < bytes.length; offset += 3_000) chunks.push(bytes.subarray(offset, offset + 3_000));
      const answer = await upload(bytes, 'application/pdf', { chunks: [bytes.subarray(0, 3), ...chunks.map((chunk, index) => (index === 0 ? chunk.subarray(3) : chunk))] });
      expect(answer.status, answer.raw.toString()).to.equal(201);
      const content = await get(`/v1/materials/${String(answer.json!['id'])}/content`);
      expect(content.raw.equals(bytes)).to.equal(true);
    });

    describe('refusals keep nothing', () => {
      let before: Awaited<ReturnType<typeof stored>>;
      beforeEach(async () => { before = await stored(); });
      afterEach(async function () {
        if (this.currentTest?.state === 'failed') return;
        expect(await stored()).to.deep.equal(before);
      });

      it('bytes of no allowed type → 415 MATERIAL_TYPE_NOT_ALLOWED naming their first bytes', async () => {
        const problem = expectProblem(await upload(tinyGif(), 'image/png'), 415, 'MATERIAL_TYPE_NOT_ALLOWED');
        expect(problem['detail']).to.equal('The bytes are no PDF, OFD, JPEG or PNG (starts with 47 49 46 38 39 61 01 00); a material is a PDF, OFD, JPEG or PNG file');
      });

      it('a Content-Type that disagrees with the bytes → 415 naming both', async () => {
        const problem = expectProblem(await upload(tinyPng(), 'application/pdf'), 415, 'MATERIAL_TYPE_NOT_ALLOWED');
        expect(problem['detail']).to.equal('The bytes are a PNG image, the Content-Type says application/pdf');
        expect(expectProblem(await upload(tinyPdf(), 'image/jpeg'), 415, 'MATERIAL_TYPE_NOT_ALLOWED')['detail']).to.equal('The bytes are a PDF document, the Content-Type says image/jpeg');
      });

      it('a plain ZIP sent as application/ofd → 415: its first entry is not OFD.xml', async () => {
        const zip = zipOf([{ name: 'readme.txt', data: Buffer.from('not an OFD') }, { name: 'OFD.xml', data: Buffer.from('<x/>') }]);
        const problem = expectProblem(await upload(zip, 'application/ofd'), 415, 'MATERIAL_TYPE_NOT_ALLOWED');
        expect(problem['detail']).to.contain('a ZIP archive whose first entry is not OFD.xml').and.to.contain('starts with 50 4B 03 04');
      });

      it('a Content-Type that is no material type → 415 before the body is read', async () => {
        for (const type of ['text/plain', 'application/json', 'image/gif', '']) {
          const problem = expectProblem(await upload(tinyPdf(), type), 415, 'MATERIAL_TYPE_NOT_ALLOWED');
          expect(problem['detail']).to.contain(type === '' ? '(none)' : type);
        }
      });

      it('a Content-Length over TONGBAN_MATERIAL_MAX_BYTES → 413 before a byte is read (only the headers are sent)', async () => {
        const big = Buffer.concat([tinyPdf(), Buffer.alloc(MAX_BYTES)]);
        const answer = await upload(big, 'application/pdf', { headersOnly: true });
        expect(expectProblem(answer, 413, 'PAYLOAD_TOO_LARGE')['detail']).to.contain(String(MAX_BYTES));
        expect(answer.headers['connection']).to.equal('close');
      });

      it('a chunked body passing the limit is cut while streaming → 413', async () => {
        const big = Buffer.concat([tinyPdf(), Buffer.alloc(MAX_BYTES + 1 - tinyPdf().length, 0x20), Buffer.alloc(16_384, 0x20)]);
        const chunks: Buffer[] = [];
        for (let offset = 0; offset < big.length; offset += 8_192) chunks.push(big.subarray(offset, offset + 8_192));
        expectProblem(await upload(big, 'application/pdf', { chunks }), 413, 'PAYLOAD_TOO_LARGE');
      });

      it('a body that does not hash to the signed Content-Digest → 401 DIGEST_MISMATCH', async () => {
        const problem = expectProblem(await upload(tinyPdf('sent'), 'application/pdf', { digestOf: tinyPdf('signed') }), 401, 'DIGEST_MISMATCH');
        expect(problem['detail']).to.contain('does not match the body');
      });

      it('a digest mismatch over bytes someone already stored leaves their blob alone', async () => {
        const theirs = tinyPng([9, 9, 9]);
        expect((await upload(theirs, 'image/png', { clientId: 'platform-other', key: otherKey })).status).to.equal(201);
        before = await stored();
        expectProblem(await upload(theirs, 'image/png', { digestOf: tinyPng([8, 8, 8]) }), 401, 'DIGEST_MISMATCH');
        expect(await blobFixture.blobNames()).to.include(sha256Hex(theirs));
      });

      it('a Content-Digest header other than the signed cdg → 401 DIGEST_MISMATCH before the body is read', async () => {
        const bytes = tinyPdf();
        const headers: Record<string, string> = { 'content-type': 'application/pdf', ...await signedHeaders('POST', '/v1/materials', bytes) };
        headers['content-digest'] = contentDigest(tinyPdf('other'));
        expectProblem(await send('POST', '/v1/materials', headers, bytes, { headersOnly: true }), 401, 'DIGEST_MISMATCH');
      });

      it('unsigned → 401 SIGNATURE_MISSING; a replayed jti → 401 REPLAY_DETECTED', async () => {
        const bytes = tinyPdf('replay');
        expectProblem(await send('POST', '/v1/materials', { 'content-type': 'application/pdf', 'content-digest': contentDigest(bytes) }, bytes), 401, 'SIGNATURE_MISSING');
        const jti = randomUUID();
        const first = await upload(bytes, 'application/pdf', { jti });
        expect(first.status).to.equal(201);
        before = await stored();
        expectProblem(await upload(bytes, 'application/pdf', { jti }), 401, 'REPLAY_DETECTED');
      });

      it('an empty body → 400, with Content-Length: 0 and chunked', async () => {
        expectProblem(await upload(Buffer.alloc(0), 'application/pdf'), 400, 'VALIDATION_FAILED');
        expectProblem(await upload(Buffer.alloc(0), 'application/pdf', { chunks: [] }), 400, 'VALIDATION_FAILED');
      });

      it('a Content-Encoding → 415 UNSUPPORTED_CONTENT_ENCODING, as on every route', async () => {
        expectProblem(await upload(tinyPdf(), 'application/pdf', { extra: { 'content-encoding': 'gzip' } }), 415, 'UNSUPPORTED_CONTENT_ENCODING');
      });

      it('ops and departments may not upload (403 ROLE_NOT_ALLOWED)', async () => {
        expectProblem(await upload(tinyPdf(), 'application/pdf', { clientId: 'ops', key: await devKey('ops') }), 403, 'ROLE_NOT_ALLOWED');
      });

      it('a connection cut mid-upload stores nothing: no row, no blob, no temporary file', async () => {
        const bytes = Buffer.concat([tinyPdf('cut'), Buffer.alloc(30_000, 0x20)]);
        const cutLogged = () => logs.lines.filter((line) => line['message'] === 'upload cut off before its end; nothing stored').length;
        const cutsBefore = cutLogged();
        await upload(bytes, 'application/pdf', { cutAfter: 10_000 });
        const deadline = Date.now() + 10_000;
        while (cutLogged() === cutsBefore) {
          if (Date.now() > deadline) throw new Error('the gateway did not notice the cut connection');
          await new Promise((resolve) => setImmediate(resolve));
        }
        expect(await blobFixture.blobNames()).not.to.include(sha256Hex(bytes));
      });
    });

    it('another client gets 404 for an upload, metadata and content alike (not 403)', async () => {
      const id = String((await upload(tinyPdf('mine'), 'application/pdf')).json!['id']);
      for (const path of [`/v1/materials/${id}`, `/v1/materials/${id}/content`]) {
        expectProblem(await get(path, { clientId: 'platform-other', key: otherKey }), 404, 'NOT_FOUND');
        expect((await get(path)).status).to.equal(200);
      }
      expectProblem(await get(`/v1/materials/${randomUUID()}`), 404, 'NOT_FOUND');
    });

    it('a blob corrupted behind the store\'s back is never delivered complete: the connection is cut before the last byte', async () => {
      const bytes = Buffer.concat([tinyPdf('corrupt'), Buffer.alloc(50_000, 0x41)]);
      const answer = await upload(bytes, 'application/pdf');
      const id = String(answer.json!['id']);
      await blobFixture.corrupt(sha256Hex(bytes));
      const outcome = await get(`/v1/materials/${id}/content`).then((received) => ({ received, error: undefined }), (error: Error) => ({ received: undefined, error }));
      if (outcome.received) {
        // Headers arrived; the body must be short of Content-Length (never a complete answer of bad bytes).
        expect(outcome.received.raw.length).to.be.below(bytes.length);
      } else {
        expect(outcome.error!.message).to.match(/aborted|socket hang up|ECONNRESET/);
      }
    });

    describe('the sweeper', () => {
      async function expire(id: string): Promise<void> {
        await store.query('UPDATE material_uploads SET expires_at = $2 WHERE id = $1', [id, Date.now() - 1]);
      }

      it('removes an expired unreferenced upload and its blob; keeps a referenced one, and a blob another upload still uses', async () => {
        const lone = tinyPdf('lone');
        const referenced = tinyPdf('referenced');
        const shared = tinyPng([1, 2, 3]);
        const loneId = String((await upload(lone, 'application/pdf')).json!['id']);
        const referencedId = String((await upload(referenced, 'application/pdf')).json!['id']);
        const sharedExpiredId = String((await upload(shared, 'image/png')).json!['id']);
        const sharedLiveId = String((await upload(shared, 'image/png', { clientId: 'platform-other', key: otherKey })).json!['id']);
        for (const id of [loneId, referencedId, sharedExpiredId]) await expire(id);
        // What a submission does: mark the upload referenced in its transaction.
        await store.query('UPDATE material_uploads SET referenced_at = $2 WHERE id = $1', [referencedId, Date.now()]);

        const result = await gateway.uploadSweeper.sweep();
        expect([...result.uploads].sort()).to.deep.equal([loneId, sharedExpiredId].sort());
        expect(result.blobs).to.deep.equal([sha256Hex(lone)]);
        const names = await blobFixture.blobNames();
        expect(names).not.to.include(sha256Hex(lone));
        expect(names).to.include(sha256Hex(referenced));
        expect(names).to.include(sha256Hex(shared));
        expectProblem(await get(`/v1/materials/${loneId}`), 404, 'NOT_FOUND');
        expect((await get(`/v1/materials/${referencedId}/content`)).raw.equals(referenced)).to.equal(true);
        expect((await get(`/v1/materials/${sharedLiveId}/content`, { clientId: 'platform-other', key: otherKey })).raw.equals(shared)).to.equal(true);

        // Once the last upload of the shared bytes expires too, the blob goes.
        await expire(sharedLiveId);
        expect((await gateway.uploadSweeper.sweep()).blobs).to.deep.equal([sha256Hex(shared)]);
        expect(await blobFixture.blobNames()).not.to.include(sha256Hex(shared));
      });

      it('keeps a blob an application material names even once its uploads are gone', async () => {
        const bytes = tinyJpeg();
        const id = String((await upload(bytes, 'image/jpeg')).json!['id']);
        // An application (its columns only; the submission's own tests cover how it gets there) naming the bytes as a material.
        const application = randomUUID();
        await store.query(`INSERT INTO applications (id, client_id, idempotency_key, request_digest, response, theme_code, answers, form, provenance, status, created_at, updated_at)
          VALUES ($1, 'platform', $1, 'd', '{}', 'MX-T33', '{}', '{}', '{}', 'received', $2, $2)`, [application, Date.now()]);
        await store.query(`INSERT INTO application_materials (application_id, material_code, version, satisfied_by, upload_id, sha256, size, media_type, created_at)
          VALUES ($1, 'CL999', 1, 'upload', $2, $3, $4, 'image/jpeg', $5)`, [application, id, sha256Hex(bytes), bytes.length, Date.now()]);
        await expire(id);
        const result = await gateway.uploadSweeper.sweep();
        expect(result.uploads).to.include(id);
        expect(result.blobs).not.to.include(sha256Hex(bytes));
        expect(await blobFixture.blobNames()).to.include(sha256Hex(bytes));
      });
    });
  });
}
