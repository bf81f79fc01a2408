/**
 * The delivery benchmark's fast department speaks the REST department
 * protocol as the gateway's adapter expects it: it checks Tongban's
 * signature, answers a signed receipt the adapter verifies, and applies each
 * idempotency key once. (What it measures is only worth as much as this.)
 */
import { expect } from 'chai';
import { createRestDepartmentAdapter } from '../../../adapters/department-rest/index.js';
import { isUpstreamError, type UpstreamError } from '../../../src/domain/upstream-error.js';
import { generateKeyPair, type GeneratedKeyPair } from '../../../src/trust/index.js';
import { startFastDepartment, type FastDepartment } from '../../../bench/fast-department.js';
import { sampleDelivery, startFakeTongban, type FakeTongban } from '../adapters/department-fake-tongban.js';

async function rejection(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  if (isUpstreamError(error)) return error;
  throw new Error(`expected an UpstreamError, got ${String(error)}`);
}

describe('bench: fast department (REST protocol on bare node:http)', () => {
  const code = 'wjj';
  let tongban: FakeTongban;
  let department: GeneratedKeyPair;
  let fast: FastDepartment;

  before(async () => {
    department = await generateKeyPair('ES256');
    tongban = await startFakeTongban([{ code, publicKey: department.publicJwk }]);
    fast = await startFastDepartment({ departmentCode: code, departmentKey: department.privateJwk, tongbanPublicKeys: tongban.publicKeys });
  });

  after(async () => {
    await fast.close();
    await tongban.close();
  });

  const adapter = (signingKey = tongban.key) => createRestDepartmentAdapter({
    baseUrl: fast.url, departmentCode: code, signingKey, departmentPublicKeys: [department.publicJwk], timeoutMs: 2000,
  });

  it('answers a receipt signed by the department that the gateway\'s adapter verifies, and a repeat with the same 受理号', async () => {
    const sent = sampleDelivery({ departmentCode: code });
    const first = await adapter().deliver(sent);
    expect(first).to.include({ departmentCode: code, deliveryId: sent.deliveryId, subApplicationId: sent.subApplicationId, idempotencyKey: sent.idempotencyKey, duplicate: false, signatureVerified: true });
    expect(first.acceptanceNumber).to.match(/^WJJ\d{8}\d{5}$/);
    const again = await adapter().deliver(sent);
    expect(again).to.include({ acceptanceNumber: first.acceptanceNumber, receivedAt: first.receivedAt, duplicate: true });
  });

  it('refuses a push Tongban did not sign with a key it knows (401), and other content under a used key (409)', async () => {
    const stranger = await generateKeyPair('EdDSA');
    const unsigned = await rejection(adapter({ ...stranger.privateJwk, kid: stranger.privateJwk.kid }).deliver(sampleDelivery({ departmentCode: code })));
    expect(unsigned).to.include({ kind: 'auth', retryable: false, upstreamStatus: 401 });
    const sent = sampleDelivery({ departmentCode: code });
    await adapter().deliver(sent);
    const conflict = await rejection(adapter().deliver({ ...sent, form: { ...sent.form, 新生儿姓名: '王五' } }));
    expect(conflict).to.include({ retryable: false, upstreamStatus: 409, upstreamCode: 'IDEMPOTENCY_KEY_CONFLICT' });
  });

  it('refuses a push signed for another department (401: the audience is not this department)', async () => {
    const error = await rejection(createRestDepartmentAdapter({
      baseUrl: fast.url, departmentCode: 'gaj', signingKey: tongban.key, departmentPublicKeys: [department.publicJwk], timeoutMs: 2000,
    }).deliver(sampleDelivery({ departmentCode: 'gaj' })));
    expect(error).to.include({ kind: 'auth', retryable: false, upstreamStatus: 401 });
  });
});
