import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeDocumentPdf, verifyPdfSignatures } from '../../../adapters/common/pdf/index.js';
import { DEV_SEAL_APP, startSealPlatformSimulator, type SealPlatformSimulator } from '../../../adapters/seal-platform/simulator/index.js';
import type { Gateway } from '../../../src/gateway.js';
import { createSigningClient, jwks, type SigningClient } from '../../../src/trust/signing-client.js';
import { createDevelopmentCa } from '../../../src/trust/index.js';
import { devKey } from '../../helpers/dev-keys.js';
import { hasPdfsig, opensslCmsVerify, pdfsig } from '../../unit/adapters/pdf-tools.js';
import { startTestGateway } from '../../helpers/gateway.js';

/** A sub-application of department gaj, stored directly (intake is tested elsewhere). */
async function storeSubApplication(gateway: Gateway, status = 'accepted'): Promise<{ applicationId: string; subApplicationId: string }> {
  const applicationId = randomUUID();
  const subApplicationId = randomUUID();
  const now = Date.now();
  await gateway.store.transaction(async (tx) => {
    await tx.query(`INSERT INTO applications (id, client_id, idempotency_key, request_digest, response, theme_code, answers, form, provenance, status, created_at, updated_at)
      VALUES ($1, 'platform', $2, 'x', '{}', 'MX-T05', '{}', '{}', '{}', 'received', $3, $3)`, [applicationId, `key-${applicationId}`, now]);
    await tx.query(`INSERT INTO sub_applications (id, application_id, matter_code, matter_name, department_code, position, prerequisites, form, provenance, status, statutory_days, promised_days, accepted_at, created_at, updated_at)
      VALUES ($1, $2, '000744622000', '国（境）内出生登记', 'gaj', 0, '[]', '{}', '{}', $3, 20, 5, $4, $4, $4)`, [subApplicationId, applicationId, status, now]);
    await tx.query(`INSERT INTO deliveries (id, sub_application_id, department_code, channel, idempotency_key, state, next_attempt_at, created_at, updated_at)
      VALUES ($1, $2, 'gaj', 'rest', $3, 'delivered', $4, $4, $4)`, [randomUUID(), subApplicationId, `tongban-${subApplicationId}`, now]);
  });
  return { applicationId, subApplicationId };
}

describe('result documents sealed through the e-seal platform', function () {
  this.timeout(60_000);
  let seals: SealPlatformSimulator;
  let gateway: Gateway;
  let department: SigningClient;
  let platform: SigningClient;

  before(async () => {
    seals = await startSealPlatformSimulator();
    ({ gateway } = await startTestGateway({
      TONGBAN_SQLITE_PATH: join(mkdtempSync(join(tmpdir(), 'tongban-results-')), 'db.sqlite'),
      TONGBAN_SEAL_PLATFORM_URL: seals.url, TONGBAN_SEAL_PLATFORM_APP_ID: DEV_SEAL_APP.appId, TONGBAN_SEAL_PLATFORM_APP_SECRET: DEV_SEAL_APP.appSecret,
      TONGBAN_DISPATCHER: 'false',
    }));
    department = createSigningClient({ baseUrl: gateway.url, clientId: 'dept-gaj', key: await devKey('dept-gaj'), tongbanKeys: () => jwks(gateway.url) });
    platform = createSigningClient({ baseUrl: gateway.url, clientId: 'platform', key: await devKey('platform'), tongbanKeys: () => jwks(gateway.url) });
  });

  after(async () => {
    await gateway.close();
    await seals.close();
  });

  it('seals a completed event\'s document with the department\'s seal; the platform fetches a PDF that verifies', async () => {
    const { applicationId, subApplicationId } = await storeSubApplication(gateway);
    const pdf = await makeDocumentPdf({ title: '出生登记结果', lines: ['户口登记完成'], attachmentJson: { result: 'ok' } });
    const answer = await department.request('POST', '/v1/departments/gaj/events', { body: {
      eventId: `e-${randomUUID()}`, subApplicationId, type: 'completed', occurredAt: new Date().toISOString(),
      results: [{ name: '户口登记证明', documentBase64: pdf.toString('base64') }, { name: '公民身份号码', value: '441403202603011234' }],
    } });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    expect(seals.sealOperations('gaj')).to.equal(1);

    const application = (await platform.request('GET', `/v1/applications/${applicationId}`)).body as { status: string; subApplications: { results: { name: string; documentId?: string; sealName?: string; value?: string }[] }[] };
    expect(application.status).to.equal('completed');
    const [document, value] = application.subApplications[0]!.results;
    expect(document).to.include({ name: '户口登记证明' }).and.to.have.property('documentId');
    expect(document!.sealName).to.match(/公安局/);
    expect(value).to.deep.equal({ name: '公民身份号码', value: '441403202603011234' });

    const file = await platform.request('GET', `/v1/applications/${applicationId}/documents/${document!.documentId!}`);
    expect(file.status).to.equal(200);
    expect(file.headers['content-type']).to.equal('application/pdf');
    expect(file.verified).to.equal(true);
    const verification = verifyPdfSignatures(file.raw, [seals.caCertificatePem]);
    expect(verification.valid, JSON.stringify(verification.signatures)).to.equal(true);
  });

  describe('a relying party verifies a downloaded sealed document against the seal CA the gateway serves', () => {
    let sealedPdf: Buffer;
    let caPem: string;

    before(async () => {
      const { applicationId, subApplicationId } = await storeSubApplication(gateway);
      const pdf = await makeDocumentPdf({ title: '出生登记结果', lines: ['户口登记完成'] });
      const event = await department.request('POST', '/v1/departments/gaj/events', { body: {
        eventId: `e-${randomUUID()}`, subApplicationId, type: 'completed', occurredAt: new Date().toISOString(),
        results: [{ name: '户口登记证明', documentBase64: pdf.toString('base64') }],
      } });
      expect(event.status, JSON.stringify(event.body)).to.equal(201);
      const application = (await platform.request('GET', `/v1/applications/${applicationId}`)).body as { subApplications: { results: { documentId: string }[] }[] };
      const file = await platform.request('GET', `/v1/applications/${applicationId}/documents/${application.subApplications[0]!.results[0]!.documentId}`);
      expect(file.status).to.equal(200);
      sealedPdf = file.raw;
      // No credentials, no signature: trust anchors are public.
      const answer = await fetch(`${gateway.url}/.well-known/tongban/seal-ca.pem`);
      expect(answer.status, await answer.clone().text()).to.equal(200);
      expect(answer.headers.get('content-type')).to.match(/^application\/pem-certificate-chain/);
      caPem = await answer.text();
    });

    it('serves the seal platform\'s CA certificates as a PEM bundle, fetched through the adapter (the platform wants credentials)', async () => {
      expect(caPem.match(/-----BEGIN CERTIFICATE-----/g)).to.have.length(1);
      expect(caPem.replaceAll('\r\n', '\n').trim()).to.equal(seals.caCertificatePem.replaceAll('\r\n', '\n').trim());
      const direct = await fetch(`${seals.url}/api/v1/ca/certificates`);
      expect(direct.status, 'the seal platform itself hands its CA out only to authenticated apps').to.equal(401);
    });

    it('openssl cms -verify accepts the signature over the signed byte ranges with -CAfile set to it, and refuses another CA', () => {
      const verified = opensslCmsVerify(sealedPdf, caPem);
      expect(verified.status, verified.output).to.equal(0);
      expect(verified.output).to.contain('Verification successful');
      const stranger = opensslCmsVerify(sealedPdf, createDevelopmentCa({ commonName: 'Tongban Development CA' }).certificatePem);
      expect(stranger.status, 'a CA other than the seal CA (such as certs/dev/ca.cert.pem) does not verify it').to.not.equal(0);
    });

    it('pdfsig, with an NSS database holding it, reports the signature valid and the certificate trusted', function () {
      if (!hasPdfsig()) {
        console.warn('      pdfsig or certutil is not installed (apt-get install poppler-utils libnss3-tools): skipping');
        this.skip();
      }
      const output = pdfsig(sealedPdf, [caPem]);
      expect(output).to.contain('Signer Certificate Common Name: 梅州市梅县区公安局电子印章');
      expect(output).to.contain('Signature is Valid');
      expect(output).to.contain('Certificate is Trusted');
    });
  });

  it('refuses a document that is not a PDF, naming the result, and stores nothing', async () => {
    const { subApplicationId } = await storeSubApplication(gateway);
    const answer = await department.request('POST', '/v1/departments/gaj/events', { body: {
      eventId: `e-${randomUUID()}`, subApplicationId, type: 'completed', occurredAt: new Date().toISOString(),
      results: [{ name: '结果', documentBase64: Buffer.from('not a pdf').toString('base64') }],
    } });
    expect(answer.status).to.equal(400);
    expect(answer.body).to.nested.include({ code: 'VALIDATION_FAILED', 'errors[0].pointer': '/results/0/documentBase64' });
    const { rows } = await gateway.store.query<{ status: string }>('SELECT status FROM sub_applications WHERE id = $1', [subApplicationId]);
    expect(rows[0]!.status).to.equal('accepted');
  });

  it('answers 503 while the seal platform is down, so the department sends the event again later', async () => {
    const { subApplicationId } = await storeSubApplication(gateway);
    const pdf = await makeDocumentPdf({ title: '结果', lines: ['ok'] });
    const event = { eventId: `e-${randomUUID()}`, subApplicationId, type: 'completed', occurredAt: new Date().toISOString(), results: [{ name: '结果', documentBase64: pdf.toString('base64') }] };
    seals.faults.goDown();
    try {
      const refused = await department.request('POST', '/v1/departments/gaj/events', { body: event });
      expect(refused.status).to.be.oneOf([502, 503]);
      expect((refused.body as { retryable: boolean }).retryable).to.equal(true);
    } finally {
      seals.faults.comeBack();
    }
    const retried = await department.request('POST', '/v1/departments/gaj/events', { body: event });
    expect(retried.status, 'the event was not recorded while sealing failed').to.equal(201);
  });
});
