/**
 * Contract suite of the REST department channel: the adapter against the
 * simulator over real sockets, and the simulator's events against a fake
 * Tongban that verifies signatures.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import express from 'express';
import { PDFDocument } from 'pdf-lib';
import { createRestDepartmentAdapter, startRestDepartmentSimulator, type RestDepartmentSimulator, type RestDepartmentSimulatorOptions } from '../../../adapters/department-rest/index.js';
import { BATCH_PATH, isReceiptAnswer } from '../../../adapters/department-rest/rest-department-api.js';
import { listenSimulator } from '../../../adapters/common/simulator-server.js';
import { isUpstreamError, type UpstreamError } from '../../../src/domain/upstream-error.js';
import { isDeliveryReceipt, type BatchItemOutcome, type DeliveryReceipt, type SubApplicationDelivery } from '../../../src/domain/department-channel.js';
import { validateLicenceIdentifier } from '../../../src/domain/identifiers/index.js';
import { loadDepartments } from '../../../src/delivery/department-registry.js';
import { generateKeyPair, signRequest, signResponse, verifyResponse, type GeneratedKeyPair, type SignatureAlgorithm } from '../../../src/trust/index.js';
import { waitFor } from '../../helpers/wait.js';
import { sampleDelivery, startFakeTongban, type FakeTongban } from './department-fake-tongban.js';

const algorithmOf = (code: string): SignatureAlgorithm => loadDepartments().find((department) => department.code === code)!.algorithm;

async function rejection(promise: Promise<unknown>): Promise<UpstreamError> {
  try {
    await promise;
  } catch (error) {
    if (isUpstreamError(error)) return error;
    throw error;
  }
  throw new Error('expected the delivery to fail');
}

describe('REST department channel (adapter ↔ simulator, real sockets)', () => {
  const code = 'scjgj';
  let tongban: FakeTongban;
  let department: GeneratedKeyPair;
  let simulator: RestDepartmentSimulator;
  const started: RestDepartmentSimulator[] = [];

  async function start(options: Partial<RestDepartmentSimulatorOptions> = {}, keys = department, departmentCode = code) {
    const running = await startRestDepartmentSimulator({
      departmentCode, departmentKey: keys.privateJwk, tongbanPublicKeys: tongban.publicKeys,
      eventsTarget: { url: tongban.url, clientId: `dept-${departmentCode}`, key: keys.privateJwk, tongbanKeys: tongban.publicKeys },
      ...options,
    });
    started.push(running);
    return running;
  }

  const adapterFor = (target: RestDepartmentSimulator, overrides: Partial<Parameters<typeof createRestDepartmentAdapter>[0]> = {}) => createRestDepartmentAdapter({
    baseUrl: target.url, departmentCode: code, signingKey: tongban.key, departmentPublicKeys: [department.publicJwk], timeoutMs: 2000, ...overrides,
  });

  before(async () => {
    department = await generateKeyPair(algorithmOf(code));
    const gaj = await generateKeyPair(algorithmOf('gaj'));
    tongban = await startFakeTongban([{ code, publicKey: department.publicJwk }, { code: 'gaj', publicKey: gaj.publicJwk }]);
    simulator = await start();
  });

  afterEach(() => simulator.faults.reset());

  after(async () => {
    for (const running of started) await running.close();
    await tongban.close();
  });

  const delivery = (overrides: Partial<SubApplicationDelivery> = {}) => sampleDelivery({ departmentCode: code, matterName: '企业设立登记', ...overrides });

  it('delivers a sub-application and returns the verified, signed receipt with the department 受理号', async () => {
    const sent = delivery();
    const receipt = await adapterFor(simulator).deliver(sent);
    expect(receipt).to.include({ departmentCode: code, deliveryId: sent.deliveryId, subApplicationId: sent.subApplicationId, idempotencyKey: sent.idempotencyKey, duplicate: false, signatureVerified: true });
    expect(receipt.acceptanceNumber).to.match(/^SCJGJ\d{8}\d{5}$/);
    expect(receipt.evidence.format).to.equal('tongban-signature-v1');
    // The simulator got exactly what was sent (special characters, nested groups, nulls and all).
    const received = simulator.received().find((entry) => entry.delivery.idempotencyKey === sent.idempotencyKey)!;
    expect(received.delivery).to.deep.equal(sent);
    expect(received.acceptanceNumber).to.equal(receipt.acceptanceNumber);
    // The evidence stands on its own: it still verifies, bound to the receipt body.
    const { claims } = await verifyResponse({ body: Buffer.from(receipt.evidence.body), headers: { 'tongban-signature': receipt.evidence.signature, 'content-digest': claimsDigest(receipt) } },
      { keys: [department.publicJwk], audience: 'tongban', issuer: code, requestJti: rjtiOf(receipt) });
    expect(claims.iss).to.equal(code);
    expect(JSON.parse(receipt.evidence.body).receipt.acceptanceNumber).to.equal(receipt.acceptanceNumber);
  });

  it('is idempotent: the same key twice is one effect, the same 受理号, the repeat flagged duplicate', async () => {
    const adapter = adapterFor(simulator);
    const sent = delivery();
    const first = await adapter.deliver(sent);
    const again = await adapter.deliver(sent);
    expect(again.acceptanceNumber).to.equal(first.acceptanceNumber);
    expect(again.receivedAt).to.equal(first.receivedAt);
    expect([first.duplicate, again.duplicate]).to.deep.equal([false, true]);
    expect(simulator.effectsByKey().get(sent.idempotencyKey)).to.equal(1);
    expect(simulator.received().filter((entry) => entry.delivery.idempotencyKey === sent.idempotencyKey).map((entry) => entry.duplicate)).to.deep.equal([false, true]);
  });

  it('refuses the same key with different content (409, not retryable) and applies nothing', async () => {
    const adapter = adapterFor(simulator);
    const sent = delivery();
    await adapter.deliver(sent);
    const error = await rejection(adapter.deliver({ ...sent, form: { ...sent.form, 新生儿姓名: '王五' } }));
    expect(error).to.include({ kind: 'rejected', retryable: false, upstreamStatus: 409, upstreamCode: 'IDEMPOTENCY_KEY_CONFLICT' });
    expect(simulator.effectsByKey().get(sent.idempotencyKey)).to.equal(1);
  });

  describe('Tongban signature checked by the department', () => {
    it('a key the department does not know → 401 KEY_UNKNOWN → UpstreamError auth, not retryable, nothing applied', async () => {
      const stranger = await generateKeyPair('EdDSA');
      const sent = delivery();
      const error = await rejection(adapterFor(simulator, { signingKey: stranger.privateJwk }).deliver(sent));
      expect(error).to.include({ system: 'department', operation: 'deliver', kind: 'auth', retryable: false, upstreamStatus: 401, upstreamCode: 'KEY_UNKNOWN' });
      expect(simulator.effectsByKey().has(sent.idempotencyKey)).to.equal(false);
    });

    it('a forged signature under Tongban\'s kid → 401 SIGNATURE_INVALID', async () => {
      const forger = await generateKeyPair('EdDSA', tongban.key.kid);
      const error = await rejection(adapterFor(simulator, { signingKey: forger.privateJwk }).deliver(delivery()));
      expect(error).to.include({ kind: 'auth', retryable: false, upstreamCode: 'SIGNATURE_INVALID' });
    });

    it('a body changed after signing → 401 with an error body naming DIGEST_MISMATCH', async () => {
      const sent = delivery();
      const body = JSON.stringify(sent);
      const headers = await signRequest({ method: 'POST', pathAndQuery: '/api/sub-applications', body, clientId: 'tongban', key: tongban.key, audience: code });
      const response = await fetch(`${simulator.url}/api/sub-applications`, {
        method: 'POST', headers: { ...headers, 'content-type': 'application/json', 'idempotency-key': sent.idempotencyKey }, body: body.replace('张三', '李四'),
      });
      expect(response.status).to.equal(401);
      expect(await response.json()).to.deep.include({ error: { code: 'DIGEST_MISMATCH', message: 'Content-Digest header does not match the body' } });
      expect(simulator.effectsByKey().has(sent.idempotencyKey)).to.equal(false);
    });

    it('a signature for another department (aud) → 401 CLAIM_INVALID', async () => {
      const error = await rejection(adapterFor(simulator, { departmentCode: 'gaj' }).deliver(delivery({ departmentCode: 'gaj' })));
      expect(error).to.include({ kind: 'auth', upstreamCode: 'CLAIM_INVALID' });
    });
  });

  describe('the department\'s receipt signature, checked by the adapter', () => {
    it('a corrupted receipt signature → UpstreamError signature, not retryable', async () => {
      simulator.faults.enqueue({ kind: 'bad-signature' });
      const error = await rejection(adapterFor(simulator).deliver(delivery()));
      expect(error).to.include({ kind: 'signature', retryable: false, upstreamStatus: 201, upstreamCode: 'SIGNATURE_INVALID' });
    });

    it('a receipt signed by a key not registered for the department → signature', async () => {
      const other = await generateKeyPair(algorithmOf(code));
      const error = await rejection(adapterFor(simulator, { departmentPublicKeys: [other.publicJwk] }).deliver(delivery()));
      expect(error).to.include({ kind: 'signature', upstreamCode: 'KEY_UNKNOWN' });
    });
  });

  describe('transport and status failures', () => {
    const cases: [string, () => void, Partial<UpstreamError>][] = [
      ['503', () => simulator.faults.enqueue({ kind: 'status', status: 503 }), { kind: 'unavailable', retryable: true, upstreamStatus: 503 }],
      ['500', () => simulator.faults.enqueue({ kind: 'status', status: 500 }), { kind: 'unavailable', retryable: true, upstreamStatus: 500 }],
      ['429', () => simulator.faults.enqueue({ kind: 'status', status: 429 }), { kind: 'unavailable', retryable: true, upstreamStatus: 429 }],
      ['408', () => simulator.faults.enqueue({ kind: 'status', status: 408 }), { kind: 'unavailable', retryable: true, upstreamStatus: 408 }],
      ['400', () => simulator.faults.enqueue({ kind: 'status', status: 400 }), { kind: 'rejected', retryable: false, upstreamStatus: 400 }],
      ['404', () => simulator.faults.enqueue({ kind: 'status', status: 404 }), { kind: 'rejected', retryable: false, upstreamStatus: 404 }],
      ['a connection reset', () => simulator.faults.enqueue({ kind: 'reset' }), { kind: 'connection', retryable: true }],
      ['a hung request (timeout)', () => simulator.faults.enqueue({ kind: 'timeout' }), { kind: 'timeout', retryable: true, code: 'UPSTREAM_TIMEOUT' }],
      ['a malformed (truncated) answer', () => simulator.faults.enqueue({ kind: 'malformed' }), { kind: 'malformed', retryable: false }],
      ['the department being down', () => simulator.faults.goDown('status'), { kind: 'unavailable', retryable: true, upstreamStatus: 503 }],
    ];
    for (const [what, inject, expected] of cases) {
      it(`${what} → ${String(expected.kind)}${expected.retryable ? ' (retryable)' : ''}`, async () => {
        inject();
        const error = await rejection(adapterFor(simulator, { timeoutMs: 300 }).deliver(delivery()));
        expect(error).to.include(expected);
      });
    }

    it('a retry after a lost (malformed) answer gets the first 受理号, flagged duplicate', async () => {
      const adapter = adapterFor(simulator);
      const sent = delivery();
      simulator.faults.enqueue({ kind: 'malformed' });
      expect((await rejection(adapter.deliver(sent))).kind).to.equal('malformed');
      const receipt = await adapter.deliver(sent);
      expect(receipt.duplicate).to.equal(true);
      expect(receipt.acceptanceNumber).to.equal(simulator.received().find((entry) => entry.delivery.idempotencyKey === sent.idempotencyKey)!.acceptanceNumber);
      expect(simulator.effectsByKey().get(sent.idempotencyKey)).to.equal(1);
    });

    it('faults can be set over HTTP (/__control/faults)', async () => {
      const put = await fetch(`${simulator.url}/__control/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ errorRate: 1, statusCodes: [502] }) });
      expect(put.status).to.equal(200);
      expect(await rejection(adapterFor(simulator).deliver(delivery()))).to.include({ kind: 'unavailable', upstreamStatus: 502 });
    });

    it('nothing listening → connection', async () => {
      const closed = await start();
      const url = closed.url;
      await closed.close();
      expect(await rejection(adapterFor(closed, { baseUrl: url }).deliver(delivery()))).to.include({ kind: 'connection', retryable: true });
    });
  });

  describe('recorded department answers', () => {
    const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../../adapters/department-rest/fixtures/${name}`, import.meta.url), 'utf8')) as
      { status: number; headers: Record<string, string>; body: unknown };
    const cases: [string, Partial<UpstreamError>][] = [
      ['error-signature.json', { kind: 'auth', retryable: false, upstreamStatus: 401, upstreamCode: 'SIGNATURE_EXPIRED' }],
      ['error-busy.json', { kind: 'unavailable', retryable: true, upstreamStatus: 503, upstreamCode: 'SYSTEM_BUSY' }],
      // A well-formed receipt for another request, with a signature by a key nobody registered: never believed.
      ['receipt-created.json', { kind: 'signature', retryable: false, upstreamCode: 'KEY_UNKNOWN' }],
    ];
    let recorded: { url: string; close(): Promise<void> };
    let next = '';
    before(async () => {
      const app = express();
      app.post('/api/sub-applications', (_req, res) => {
        const answer = fixture(next);
        res.status(answer.status).set(answer.headers).send(JSON.stringify(answer.body));
      });
      recorded = await listenSimulator(app);
    });
    after(() => recorded.close());

    it('the recorded receipt matches the wire schema', () => {
      expect(isReceiptAnswer(fixture('receipt-created.json').body)).to.equal(true);
    });

    for (const [name, expected] of cases) {
      it(`${name} → ${String(expected.kind)}`, async () => {
        next = name;
        expect(await rejection(adapterFor(simulator, { baseUrl: recorded.url }).deliver(delivery()))).to.include(expected);
      });
    }
  });

  describe('events (受理 → 办结 / 不予受理), signed with the department key', () => {
    it('accepted then completed with a result PDF and a licence identifier, each verified by Tongban', async () => {
      const sent = delivery();
      const receipt = await adapterFor(simulator).deliver(sent);
      const attempts = await simulator.flushEvents();
      expect(attempts.every((attempt) => attempt.status === 202 && attempt.answerVerified)).to.equal(true);
      const mine = tongban.events().filter((seen) => seen.event.subApplicationId === sent.subApplicationId);
      expect(mine.map((seen) => seen.event.type)).to.deep.equal(['accepted', 'completed']);
      expect(mine.every((seen) => seen.clientId === `dept-${code}` && seen.event.acceptanceNumber === receipt.acceptanceNumber)).to.equal(true);
      const [result] = mine[1]!.event.results!;
      expect(validateLicenceIdentifier(result!.licenceIdentifier).ok).to.equal(true);
      const pdf = await PDFDocument.load(Buffer.from(result!.documentBase64!, 'base64'));
      expect(pdf.getPageCount()).to.equal(1);
      expect(simulator.pendingEvents()).to.have.length(0);
    });

    it('scripted outcomes per sub-application and matter: rejected with a reason, accept-only, silent', async () => {
      const rejected = delivery();
      const acceptOnly = delivery({ matterCode: '11441403007128371X3000107002000' });
      const silent = delivery();
      const scripted = await start({ outcomes: { [rejected.subApplicationId]: { kind: 'reject', reason: '不符合受理条件' }, [acceptOnly.matterCode]: 'accept-only', [silent.subApplicationId]: 'silent' } });
      const adapter = adapterFor(scripted);
      for (const sent of [rejected, acceptOnly, silent]) await adapter.deliver(sent);
      await scripted.flushEvents();
      const typesOf = (sent: SubApplicationDelivery) => tongban.events().filter((seen) => seen.event.subApplicationId === sent.subApplicationId).map((seen) => seen.event.type);
      expect(typesOf(rejected)).to.deep.equal(['rejected']);
      expect(tongban.events().find((seen) => seen.event.subApplicationId === rejected.subApplicationId)!.event.reason).to.equal('不符合受理条件');
      expect(typesOf(acceptOnly)).to.deep.equal(['accepted']);
      expect(typesOf(silent)).to.deep.equal([]);
    });

    it('duplicateEvents sends each event twice with the same event id; a repeated delivery sends none', async () => {
      const noisy = await start({ duplicateEvents: true });
      const sent = delivery();
      await adapterFor(noisy).deliver(sent);
      await adapterFor(noisy).deliver(sent);
      await noisy.flushEvents();
      const mine = tongban.events().filter((seen) => seen.event.subApplicationId === sent.subApplicationId);
      expect(mine.map((seen) => seen.event.type)).to.deep.equal(['accepted', 'accepted', 'completed', 'completed']);
      expect(new Set(mine.map((seen) => seen.event.eventId)).size).to.equal(2);
    });

    it('outOfOrder sends completed before accepted', async () => {
      const unordered = await start({ outOfOrder: true });
      const sent = delivery();
      await adapterFor(unordered).deliver(sent);
      await unordered.flushEvents();
      expect(tongban.events().filter((seen) => seen.event.subApplicationId === sent.subApplicationId).map((seen) => seen.event.type)).to.deep.equal(['completed', 'accepted']);
    });

    it('on a timer (eventDelayMs), and events Tongban could not take are kept and sent again in order', async () => {
      const timed = await start({ eventDelayMs: 20 });
      const sent = delivery();
      tongban.failNextEvents(1, 503);
      await adapterFor(timed).deliver(sent);
      const types = await waitFor(() => {
        const seen = tongban.events().filter((entry) => entry.event.subApplicationId === sent.subApplicationId).map((entry) => entry.event.type);
        return seen.length === 2 ? seen : undefined;
      }, { what: 'both events after a 503' });
      expect(types).to.deep.equal(['accepted', 'completed']);
      expect(timed.sentEvents().map((attempt) => attempt.status)).to.deep.equal([503, 202, 202]);
    });
  });

  it('an SM2 department (公安局 gaj) works end to end: SM2 receipt and SM2-signed events', async () => {
    expect(algorithmOf('gaj')).to.equal('SM2');
    const gajKeys = await generateKeyPair('SM2');
    const local = await startFakeTongban([{ code: 'gaj', publicKey: gajKeys.publicJwk }]);
    try {
      const gaj = await startRestDepartmentSimulator({
        departmentCode: 'gaj', departmentKey: gajKeys.privateJwk, tongbanPublicKeys: local.publicKeys,
        eventsTarget: { url: local.url, clientId: 'dept-gaj', key: gajKeys.privateJwk, tongbanKeys: local.publicKeys },
      });
      started.push(gaj);
      const adapter = createRestDepartmentAdapter({ baseUrl: gaj.url, departmentCode: 'gaj', signingKey: local.key, departmentPublicKeys: [gajKeys.publicJwk], timeoutMs: 2000 });
      const sent = sampleDelivery({ departmentCode: 'gaj' });
      const answer = await adapter.deliver(sent);
      expect(isDeliveryReceipt(answer)).to.equal(true);
      expect(answer.acceptanceNumber).to.match(/^GAJ\d{8}\d{5}$/);
      expect(JSON.parse(Buffer.from(answer.evidence.signature.split('.')[0]!, 'base64url').toString())).to.include({ alg: 'SM2', kid: gajKeys.publicJwk.kid });
      await gaj.flushEvents();
      expect(local.events().map((seen) => seen.event.type)).to.deep.equal(['accepted', 'completed']);
      gaj.faults.enqueue({ kind: 'bad-signature' });
      expect(await rejection(adapter.deliver(sampleDelivery({ departmentCode: 'gaj' })))).to.include({ kind: 'signature' });
    } finally {
      await local.close();
    }
  });

  describe('batched pushes (POST …/api/sub-applications/batch)', () => {
    const batchAdapter = (target = simulator, maxBatch = 4, overrides: Partial<Parameters<typeof createRestDepartmentAdapter>[0]> = {}) => adapterFor(target, { maxBatch, ...overrides });
    const receiptsOf = (outcomes: BatchItemOutcome[]) => outcomes.map((outcome) => {
      if (!outcome.receipt) throw new Error(`expected a receipt, got ${outcome.error.message}`);
      return outcome.receipt;
    });

    it('one signed request carries several deliveries; each gets its own verified receipt, and the one signed answer is its evidence', async () => {
      const sent = [delivery(), delivery(), delivery()];
      const receipts = receiptsOf(await batchAdapter().deliverBatch!(sent));
      expect(simulator.batches().at(-1)).to.equal(3);
      receipts.forEach((receipt, index) => {
        expect(receipt).to.include({ departmentCode: code, deliveryId: sent[index]!.deliveryId, subApplicationId: sent[index]!.subApplicationId, idempotencyKey: sent[index]!.idempotencyKey, duplicate: false, signatureVerified: true });
        expect(receipt.evidence).to.include({ format: 'tongban-signature-v1-batch', index });
        expect(simulator.effectsByKey().get(sent[index]!.idempotencyKey)).to.equal(1);
        const received = simulator.received().find((entry) => entry.delivery.idempotencyKey === sent[index]!.idempotencyKey)!;
        expect(received.delivery).to.deep.equal(sent[index]);
        expect(received.acceptanceNumber).to.equal(receipt.acceptanceNumber);
      });
      expect(new Set(receipts.map((receipt) => receipt.acceptanceNumber)).size).to.equal(3);
      // The evidence stands on its own: the answer's signature verifies over the body, and the body names each receipt at its index.
      const [first] = receipts;
      const { claims } = await verifyResponse({ body: Buffer.from(first!.evidence.body), headers: { 'tongban-signature': first!.evidence.signature, 'content-digest': claimsDigest(first!) } },
        { keys: [department.publicJwk], audience: 'tongban', issuer: code, requestJti: rjtiOf(first!) });
      expect(claims.iss).to.equal(code);
      const results = (JSON.parse(first!.evidence.body) as { results: { receipt: { acceptanceNumber: string } }[] }).results;
      expect(results.map((item) => item.receipt.acceptanceNumber)).to.deep.equal(receipts.map((receipt) => receipt.acceptanceNumber));
    });

    it('is idempotent per delivery: a batch sent again is one effect each, the first 受理号, flagged duplicate — beside a new delivery', async () => {
      const adapter = batchAdapter();
      const sent = [delivery(), delivery()];
      const first = receiptsOf(await adapter.deliverBatch!(sent));
      const fresh = delivery();
      const again = receiptsOf(await adapter.deliverBatch!([...sent, fresh]));
      expect(again.map((receipt) => receipt.acceptanceNumber).slice(0, 2)).to.deep.equal(first.map((receipt) => receipt.acceptanceNumber));
      expect(again.map((receipt) => receipt.duplicate)).to.deep.equal([true, true, false]);
      for (const one of [...sent, fresh]) expect(simulator.effectsByKey().get(one.idempotencyKey)).to.equal(1);
    });

    it('a delivery refused alone fails alone, classified as a single push with its status and code would be', async () => {
      const adapter = batchAdapter();
      const known = delivery();
      await adapter.deliver(known);
      const busy = delivery({ matterName: '繁忙事项' });
      simulator.refuseItems((one) => (one.matterName === '繁忙事项' ? { status: 503, code: 'SYSTEM_BUSY' } : undefined));
      const conflicting = { ...known, form: { ...known.form, 新生儿姓名: '张大明' } };
      const invalid = delivery({ submittedAt: 'yesterday' });
      const fine = delivery();
      const outcomes = await adapter.deliverBatch!([conflicting, busy, invalid, fine]);
      simulator.refuseItems(undefined);
      expect(outcomes[0]!.error).to.include({ kind: 'rejected', retryable: false, upstreamStatus: 409, upstreamCode: 'IDEMPOTENCY_KEY_CONFLICT' });
      expect(outcomes[1]!.error).to.include({ kind: 'unavailable', retryable: true, upstreamStatus: 503, upstreamCode: 'SYSTEM_BUSY' });
      expect(outcomes[2]!.error).to.include({ kind: 'rejected', retryable: false, upstreamStatus: 400, upstreamCode: 'INVALID_DELIVERY' });
      expect(outcomes[3]!.receipt).to.include({ idempotencyKey: fine.idempotencyKey, duplicate: false });
      // Nothing was applied for the refused ones; the known key kept its one effect.
      expect(simulator.effectsByKey().has(busy.idempotencyKey)).to.equal(false);
      expect(simulator.effectsByKey().has(invalid.idempotencyKey)).to.equal(false);
      expect(simulator.effectsByKey().get(known.idempotencyKey)).to.equal(1);
    });

    for (const [name, inject, expected] of [
      ['HTTP 503 for the whole request', () => simulator.faults.enqueue({ kind: 'status', status: 503 }), { kind: 'unavailable', retryable: true }],
      ['an answer whose signature does not verify', () => simulator.faults.enqueue({ kind: 'bad-signature' }), { kind: 'signature', retryable: false }],
      ['a malformed (truncated) answer', () => simulator.faults.enqueue({ kind: 'malformed' }), { kind: 'malformed', retryable: false }],
      ['a connection reset', () => simulator.faults.enqueue({ kind: 'reset' }), { kind: 'connection', retryable: true }],
    ] as [string, () => void, Partial<UpstreamError>][]) {
      it(`${name} fails the whole push`, async () => {
        inject();
        expect(await rejection(batchAdapter().deliverBatch!([delivery(), delivery()]))).to.include(expected);
      });
    }

    it('a batch sent again after its answer was lost gets the first 受理号 of each, flagged duplicate', async () => {
      const adapter = batchAdapter();
      const sent = [delivery(), delivery()];
      simulator.faults.enqueue({ kind: 'malformed' });
      expect((await rejection(adapter.deliverBatch!(sent))).kind).to.equal('malformed');
      const receipts = receiptsOf(await adapter.deliverBatch!(sent));
      expect(receipts.map((receipt) => receipt.duplicate)).to.deep.equal([true, true]);
      for (const [index, one] of sent.entries()) {
        expect(receipts[index]!.acceptanceNumber).to.equal(simulator.received().find((entry) => entry.delivery.idempotencyKey === one.idempotencyKey)!.acceptanceNumber);
        expect(simulator.effectsByKey().get(one.idempotencyKey)).to.equal(1);
      }
    });

    it('the adapter sends nothing it may not: more than its batch size, a key twice, another department\'s delivery', async () => {
      const adapter = batchAdapter(simulator, 2);
      const before = simulator.batches().length;
      const expectThrows = async (call: () => Promise<unknown>, type: ErrorConstructor, message: RegExp) => {
        try {
          await call();
        } catch (error) {
          expect(error).to.be.instanceOf(type);
          expect((error as Error).message).to.match(message);
          return;
        }
        throw new Error('expected the batch to be refused');
      };
      await expectThrows(() => adapter.deliverBatch!([delivery(), delivery(), delivery()]), RangeError, /1 to 2 deliveries, not 3/);
      await expectThrows(() => adapter.deliverBatch!([]), RangeError, /not 0/);
      const twice = delivery();
      await expectThrows(() => adapter.deliverBatch!([twice, { ...twice, deliveryId: 'dlv-other' }]), TypeError, /twice in one batch/);
      await expectThrows(() => adapter.deliverBatch!([delivery({ departmentCode: 'gaj' })]), TypeError, /is for department gaj/);
      expect(simulator.batches().length).to.equal(before);
      expect(adapterFor(simulator).deliverBatch, 'a department without batched pushes').to.equal(undefined);
      expect(() => batchAdapter(simulator, 101)).to.throw(RangeError, /1 to 100/);
    });

    /** A batched push signed by Tongban, whatever its body. */
    async function postBatch(payload: unknown): Promise<Response> {
      const body = JSON.stringify(payload);
      const headers = await signRequest({ method: 'POST', pathAndQuery: BATCH_PATH, body, clientId: 'tongban', key: tongban.key, audience: code });
      return fetch(`${simulator.url}${BATCH_PATH}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
    }

    it('the simulator refuses a batch that is not one as a whole (400 INVALID_BATCH), applying nothing of it', async () => {
      const twice = delivery();
      const cases: [unknown, RegExp][] = [
        [[], /^\/deliveries: must be an array of 1 to 100/],
        [[delivery(), twice, twice], /^\/deliveries\/2\/idempotencyKey: the key of \/deliveries\/1 again/],
        ['not a list', /^\/deliveries: must be an array/],
      ];
      for (const [deliveries, message] of cases) {
        const response = await postBatch({ deliveries });
        expect(response.status).to.equal(400);
        const { error } = (await response.json()) as { error: { code: string; message: string } };
        expect(error.code).to.equal('INVALID_BATCH');
        expect(error.message).to.match(message);
      }
      expect(simulator.effectsByKey().has(twice.idempotencyKey)).to.equal(false);
    });

    it('deliveries without a key are refused one by one (INVALID_DELIVERY naming the field), not taken for one key twice', async () => {
      const { idempotencyKey: _first, ...keyless } = delivery();
      const { idempotencyKey: _second, ...alsoKeyless } = delivery();
      const response = await postBatch({ deliveries: [keyless, alsoKeyless] });
      expect(response.status).to.equal(200);
      const { results } = (await response.json()) as { results: { status: number; error?: { code: string; message: string } }[] };
      expect(results.map((item) => [item.status, item.error?.code])).to.deep.equal([[400, 'INVALID_DELIVERY'], [400, 'INVALID_DELIVERY']]);
      expect(results[0]!.error!.message).to.match(/idempotencyKey/);
    });

    describe('against a department whose signed answer does not match the batch', () => {
      let fake: { url: string; close(): Promise<void> };
      let answer: (deliveries: SubApplicationDelivery[]) => unknown = () => ({});
      before(async () => {
        const app = express();
        app.use(express.raw({ type: () => true }));
        app.post(BATCH_PATH, async (req, res) => {
          const token = String(req.get('tongban-signature'));
          const requestJti = (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { jti: string }).jti;
          const body = JSON.stringify(answer((JSON.parse((req.body as Buffer).toString('utf8')) as { deliveries: SubApplicationDelivery[] }).deliveries));
          res.status(200).set(await signResponse({ body, clientId: 'tongban', requestJti, key: department.privateJwk, issuer: code })).type('application/json').send(body);
        });
        fake = await listenSimulator(app);
      });
      after(() => fake.close());

      const receiptFor = (one: SubApplicationDelivery, overrides: Record<string, unknown> = {}) => ({
        departmentCode: code, deliveryId: one.deliveryId, subApplicationId: one.subApplicationId, idempotencyKey: one.idempotencyKey,
        acceptanceNumber: 'SCJGJ2026120100001', receivedAt: '2026-12-01T10:00:00+08:00', duplicate: false, ...overrides,
      });
      const cases: [string, (deliveries: SubApplicationDelivery[]) => unknown, RegExp][] = [
        ['results in another order', (deliveries) => ({ results: [...deliveries].reverse().map((one) => ({ deliveryId: one.deliveryId, status: 201, receipt: receiptFor(one) })) }), /not this batch's deliveries in order/],
        ['one result missing', (deliveries) => ({ results: deliveries.slice(1).map((one) => ({ deliveryId: one.deliveryId, status: 201, receipt: receiptFor(one) })) }), /not this batch's deliveries in order/],
        ['an item with neither receipt nor error', (deliveries) => ({ results: deliveries.map((one) => ({ deliveryId: one.deliveryId, status: 201 })) }), /not a batch answer/],
      ];
      for (const [name, make, message] of cases) {
        it(`${name}: the whole push is malformed, nothing is believed`, async () => {
          answer = make;
          const error = await rejection(batchAdapter(simulator, 4, { baseUrl: fake.url }).deliverBatch!([delivery(), delivery()]));
          expect(error).to.include({ kind: 'malformed', retryable: false });
          expect(error.message).to.match(message);
        });
      }

      it('a receipt for another sub-application fails its item alone', async () => {
        answer = (deliveries) => ({ results: deliveries.map((one, index) => ({ deliveryId: one.deliveryId, status: 201, receipt: receiptFor(one, index === 0 ? { subApplicationId: 'sub-someone-else' } : {}) })) });
        const outcomes = await batchAdapter(simulator, 4, { baseUrl: fake.url }).deliverBatch!([delivery(), delivery()]);
        expect(outcomes[0]!.error).to.include({ kind: 'malformed' });
        expect(outcomes[0]!.error!.message).to.match(/"subApplicationId" is not this delivery's/);
        expect(outcomes[1]!.receipt).to.include({ signatureVerified: true });
      });
    });
  });
});

/** The digest and request jti a stored REST receipt was signed with (read back from its evidence). */
function claimsDigest(receipt: DeliveryReceipt): string {
  return payloadOf(receipt)['cdg'] as string;
}
function rjtiOf(receipt: DeliveryReceipt): string {
  return payloadOf(receipt)['rjti'] as string;
}
function payloadOf(receipt: DeliveryReceipt): Record<string, unknown> {
  return JSON.parse(Buffer.from(receipt.evidence.signature.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}
