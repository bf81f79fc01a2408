/**
 * Contract suite of the SOAP department channel (legacy systems): the adapter
 * against the simulator over real sockets, recorded faults of real SOAP
 * stacks, and the simulator's events against a fake Tongban.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import express from 'express';
import {
  createSoapDepartmentAdapter, parseEnvelope, readFault, readSubmitRequest, readSubmitResponse, startSoapDepartmentSimulator, submitRequestXml,
  type SoapDepartmentSimulator, type SoapDepartmentSimulatorOptions,
} from '../../../adapters/department-soap/index.js';
import { checkDelivery } from '../../../adapters/common/department/delivery-schema.js';
import { listenSimulator } from '../../../adapters/common/simulator-server.js';
import { loadDepartments } from '../../../src/delivery/department-registry.js';
import type { SubApplicationDelivery } from '../../../src/domain/department-channel.js';
import { isUpstreamError, type UpstreamError } from '../../../src/domain/upstream-error.js';
import { generateKeyPair, signRequest, type GeneratedKeyPair, type SignatureAlgorithm } from '../../../src/trust/index.js';
import { sampleDelivery, startFakeTongban, type FakeTongban } from './department-fake-tongban.js';

const algorithmOf = (code: string): SignatureAlgorithm => loadDepartments().find((department) => department.code === code)!.algorithm;
const fixture = (name: string) => readFileSync(new URL(`../../../adapters/department-soap/fixtures/${name}`, import.meta.url), 'utf8');

async function rejection(promise: Promise<unknown>): Promise<UpstreamError> {
  try {
    await promise;
  } catch (error) {
    if (isUpstreamError(error)) return error;
    throw error;
  }
  throw new Error('expected the delivery to fail');
}

describe('SOAP department channel (adapter ↔ simulator, real sockets)', () => {
  const code = 'mzrsj'; // 民政和人社局 signs with RS256
  let tongban: FakeTongban;
  let department: GeneratedKeyPair;
  let gaj: GeneratedKeyPair;
  let simulator: SoapDepartmentSimulator;
  const started: SoapDepartmentSimulator[] = [];

  async function start(options: Partial<SoapDepartmentSimulatorOptions> = {}, departmentCode = code, keys = department) {
    const running = await startSoapDepartmentSimulator({
      departmentCode, departmentKey: keys.privateJwk, tongbanPublicKeys: tongban.publicKeys,
      eventsTarget: { url: tongban.url, clientId: `dept-${departmentCode}`, key: keys.privateJwk, tongbanKeys: tongban.publicKeys },
      ...options,
    });
    started.push(running);
    return running;
  }

  const adapterFor = (target: { url: string }, overrides: Partial<Parameters<typeof createSoapDepartmentAdapter>[0]> = {}) => createSoapDepartmentAdapter({
    baseUrl: target.url, departmentCode: code, signingKey: tongban.key, departmentPublicKeys: [department.publicJwk], timeoutMs: 2000, ...overrides,
  });
  const delivery = (overrides: Partial<SubApplicationDelivery> = {}) => sampleDelivery({ departmentCode: code, matterName: '生育津贴申领', ...overrides });

  before(async () => {
    department = await generateKeyPair(algorithmOf(code));
    gaj = await generateKeyPair(algorithmOf('gaj'));
    tongban = await startFakeTongban([{ code, publicKey: department.publicJwk }, { code: 'gaj', publicKey: gaj.publicJwk }]);
    simulator = await start();
  });

  afterEach(() => simulator.faults.reset());

  after(async () => {
    for (const running of started) await running.close();
    await tongban.close();
  });

  it('delivers over SOAP 1.1 and returns the receipt whose signature element verified', async () => {
    const sent = delivery({ form: { ...delivery().form, 控制字符: 'line1\r\nline2\u0007\ttab', 空串: '', 金额: 1234.5, 否: false } });
    const receipt = await createSoapDepartmentAdapter({ baseUrl: simulator.url, departmentCode: code, signingKey: tongban.key, departmentPublicKeys: [department.publicJwk] }).deliver(sent);
    expect(receipt).to.include({ departmentCode: code, subApplicationId: sent.subApplicationId, idempotencyKey: sent.idempotencyKey, duplicate: false, signatureVerified: true });
    expect(receipt.acceptanceNumber).to.match(/^MZRSJ\d{13}$/);
    expect(receipt.evidence.format).to.equal('soap-receipt-jws');
    expect(receipt.evidence.body).to.contain(`<tb:acceptanceNumber>${receipt.acceptanceNumber}</tb:acceptanceNumber>`);
    // Every form value survives the XML round trip with its type: text with XML-hostile characters, numbers, booleans, null, groups.
    const received = simulator.received().find((entry) => entry.delivery.idempotencyKey === sent.idempotencyKey)!;
    expect(received.delivery).to.deep.equal(sent);
  });

  it('refuses a form field name XML cannot carry in an attribute, before sending anything', async () => {
    const before = simulator.received().length;
    let error: unknown;
    try {
      await adapterFor(simulator).deliver(delivery({ form: { 'line\nbreak': 'x' } }));
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(TypeError);
    expect(simulator.received()).to.have.length(before);
  });

  it('is idempotent: the same idempotency key element twice → one effect, the same 受理号', async () => {
    const adapter = adapterFor(simulator);
    const sent = delivery();
    const first = await adapter.deliver(sent);
    const again = await adapter.deliver(sent);
    expect(again).to.include({ acceptanceNumber: first.acceptanceNumber, receivedAt: first.receivedAt, duplicate: true });
    expect(simulator.effectsByKey().get(sent.idempotencyKey)).to.equal(1);
  });

  describe('Tongban signature v1 in HTTP headers over the exact XML bytes', () => {
    it('an unknown Tongban key → soap:Client fault with the signature code → auth, not retryable, nothing applied', async () => {
      const stranger = await generateKeyPair('ES256');
      const sent = delivery();
      const error = await rejection(adapterFor(simulator, { signingKey: stranger.privateJwk }).deliver(sent));
      expect(error).to.include({ kind: 'auth', retryable: false, upstreamStatus: 500, upstreamCode: 'KEY_UNKNOWN' });
      expect(simulator.effectsByKey().has(sent.idempotencyKey)).to.equal(false);
    });

    it('one changed byte of XML after signing → fault DIGEST_MISMATCH', async () => {
      const xml = submitRequestXml(delivery());
      const headers = await signRequest({ method: 'POST', pathAndQuery: '/services/SubApplicationService', body: xml, clientId: 'tongban', key: tongban.key, audience: code });
      const response = await fetch(simulator.endpoint, {
        method: 'POST', headers: { ...headers, 'content-type': 'text/xml; charset=utf-8', soapaction: '"urn:tongban:department:v1/SubmitSubApplication"' },
        body: xml.replace('<tb:matterName>生育津贴申领', '<tb:matterName>生育津贴申请'),
      });
      expect(response.status).to.equal(500);
      const fault = readFault((parseEnvelope(await response.text()) as { ok: true; body: Record<string, unknown> }).body);
      expect(fault).to.include({ faultcode: 'soap:Client', code: 'DIGEST_MISMATCH' });
    });

    it('requests the service cannot read are Client faults: wrong SOAPAction, not XML, SOAP 1.2 (VersionMismatch)', async () => {
      const send = async (body: string, soapaction: string) => {
        const headers = await signRequest({ method: 'POST', pathAndQuery: '/services/SubApplicationService', body, clientId: 'tongban', key: tongban.key, audience: code });
        const response = await fetch(simulator.endpoint, { method: 'POST', headers: { ...headers, 'content-type': 'text/xml; charset=utf-8', soapaction }, body });
        return readFault((parseEnvelope(await response.text()) as { ok: true; body: Record<string, unknown> }).body);
      };
      const xml = submitRequestXml(delivery());
      expect(await send(xml, '"urn:other/Operation"')).to.include({ faultcode: 'soap:Client', code: 'INVALID_ACTION' });
      expect(await send('{"not":"xml"}', '"urn:tongban:department:v1/SubmitSubApplication"')).to.include({ faultcode: 'soap:Client', code: 'INVALID_REQUEST' });
      expect(await send(fixture('soap12-fault.xml'), '"urn:tongban:department:v1/SubmitSubApplication"')).to.include({ faultcode: 'soap:VersionMismatch' });
      expect(await send('<!DOCTYPE x [<!ENTITY a "a">]>' + xml.slice(xml.indexOf('?>') + 2), '"urn:tongban:department:v1/SubmitSubApplication"'))
        .to.include({ faultcode: 'soap:Client', code: 'INVALID_REQUEST' });
    });
  });

  describe('SOAP faults', () => {
    it('soap:Client → rejected, not retryable; nothing applied', async () => {
      simulator.scriptFault({ faultcode: 'Client', code: 'INVALID_REQUEST', faultstring: '申报人公民身份号码校验不通过' });
      const sent = delivery();
      const error = await rejection(adapterFor(simulator).deliver(sent));
      expect(error).to.include({ kind: 'rejected', retryable: false, upstreamStatus: 500, upstreamCode: 'INVALID_REQUEST' });
      expect(error.message).to.contain('申报人公民身份号码校验不通过');
      expect(simulator.effectsByKey().has(sent.idempotencyKey)).to.equal(false);
    });

    it('soap:Server → unavailable, retryable; the retry goes through', async () => {
      simulator.scriptFault({ faultcode: 'Server' });
      const adapter = adapterFor(simulator);
      const sent = delivery();
      expect(await rejection(adapter.deliver(sent))).to.include({ kind: 'unavailable', retryable: true, upstreamCode: 'SYSTEM_BUSY' });
      expect((await adapter.deliver(sent)).duplicate).to.equal(false);
    });

    it('the same key with other content → Client fault IDEMPOTENCY_KEY_CONFLICT', async () => {
      const adapter = adapterFor(simulator);
      const sent = delivery();
      await adapter.deliver(sent);
      expect(await rejection(adapter.deliver({ ...sent, materials: [] }))).to.include({ kind: 'rejected', upstreamCode: 'IDEMPOTENCY_KEY_CONFLICT' });
    });

    describe('recorded answers of real SOAP stacks', () => {
      const cases: [string, number, Partial<UpstreamError>][] = [
        ['fault-client-axis.xml', 500, { kind: 'rejected', retryable: false, upstreamCode: 'INVALID_REQUEST' }],
        ['fault-server-dotnet.xml', 500, { kind: 'unavailable', retryable: true, upstreamCode: 'soap:Server' }],
        ['fault-client-authentication.xml', 500, { kind: 'auth', retryable: false, upstreamCode: 'SIGNATURE_INVALID' }],
        ['fault-server-busy-as-client.xml', 400, { kind: 'unavailable', retryable: true, upstreamCode: 'SYSTEM_BUSY' }],
        ['soap12-fault.xml', 500, { kind: 'unavailable', retryable: true, upstreamStatus: 500 }],
        ['proxy-error.html', 502, { kind: 'unavailable', retryable: true, upstreamStatus: 502 }],
        ['proxy-error.html', 200, { kind: 'malformed', retryable: false }],
        // A receipt for another delivery: its signature is checked first (and is not a real one), so nothing in it is believed.
        ['submit-response.xml', 200, { kind: 'signature', retryable: false, upstreamCode: 'KEY_UNKNOWN' }],
      ];
      let recorded: { url: string; close(): Promise<void> };
      let next: { name: string; status: number };
      before(async () => {
        const app = express();
        app.post('/services/SubApplicationService', (_req, res) => { res.status(next.status).type(next.name.endsWith('.html') ? 'text/html' : 'text/xml; charset=utf-8').send(fixture(next.name)); });
        recorded = await listenSimulator(app);
      });
      after(() => recorded.close());

      for (const [name, status, expected] of cases) {
        it(`${name} with HTTP ${status} → ${String(expected.kind)}`, async () => {
          next = { name, status };
          const error = await rejection(adapterFor(recorded).deliver(delivery()));
          expect(error).to.include(expected);
        });
      }

      it('the faultstring of a recorded fault is read through character references', () => {
        const parsed = parseEnvelope(fixture('fault-client-axis.xml'));
        expect(parsed.ok && readFault(parsed.body)).to.deep.equal({ faultcode: 'soapenv:Client', faultstring: '申报人公民身份号码校验不通过', code: 'INVALID_REQUEST' });
      });

      it('the recorded request reads back into a valid delivery, and re-encodes to the same delivery', () => {
        const parsed = parseEnvelope(fixture('submit-request.xml'));
        if (!parsed.ok) throw new Error(parsed.problem);
        const checked = checkDelivery(readSubmitRequest(parsed.body));
        if (!checked.ok) throw new Error(checked.problems.join('; '));
        expect(checked.delivery.form).to.deep.include({ 胎次: 1, 是否独生子女: true, 备注: null, 家庭成员: [{ 姓名: '李四', 关系: '母亲' }] });
        const again = parseEnvelope(submitRequestXml(checked.delivery));
        expect(again.ok && readSubmitRequest(again.body)).to.deep.equal(checked.delivery);
        const response = parseEnvelope(fixture('submit-response.xml'));
        expect(response.ok && readSubmitResponse(response.body)?.receipt).to.include({ acceptanceNumber: 'GAJ2026112400017', duplicate: false });
      });
    });
  });

  describe('the department\'s receipt signature element', () => {
    it('corrupted → UpstreamError signature, not retryable', async () => {
      simulator.faults.enqueue({ kind: 'bad-signature' });
      expect(await rejection(adapterFor(simulator).deliver(delivery()))).to.include({ kind: 'signature', retryable: false, upstreamCode: 'SIGNATURE_INVALID' });
    });

    it('by a key not registered for the department → signature', async () => {
      const other = await generateKeyPair(algorithmOf(code));
      expect(await rejection(adapterFor(simulator, { departmentPublicKeys: [other.publicJwk] }).deliver(delivery()))).to.include({ kind: 'signature', upstreamCode: 'KEY_UNKNOWN' });
    });
  });

  describe('transport failures', () => {
    const cases: [string, () => void, Partial<UpstreamError>][] = [
      ['503 from the load balancer', () => simulator.faults.enqueue({ kind: 'status', status: 503 }), { kind: 'unavailable', retryable: true, upstreamStatus: 503 }],
      ['a connection reset', () => simulator.faults.enqueue({ kind: 'reset' }), { kind: 'connection', retryable: true }],
      ['a hung request (timeout)', () => simulator.faults.enqueue({ kind: 'timeout' }), { kind: 'timeout', retryable: true }],
      ['a truncated (malformed) envelope', () => simulator.faults.enqueue({ kind: 'malformed' }), { kind: 'malformed', retryable: false }],
    ];
    for (const [what, inject, expected] of cases) {
      it(`${what} → ${String(expected.kind)}`, async () => {
        inject();
        expect(await rejection(adapterFor(simulator, { timeoutMs: 300 }).deliver(delivery()))).to.include(expected);
      });
    }
  });

  it('events: signed, accepted → completed; duplicates and out-of-order on request', async () => {
    const noisy = await start({ duplicateEvents: true, outOfOrder: true });
    const sent = delivery();
    await adapterFor(noisy).deliver(sent);
    const attempts = await noisy.flushEvents();
    expect(attempts.map((attempt) => [attempt.event.type, attempt.status, attempt.answerVerified])).to.deep.equal([
      ['completed', 202, true], ['completed', 202, true], ['accepted', 202, true], ['accepted', 202, true],
    ]);
    const mine = tongban.events().filter((seen) => seen.event.subApplicationId === sent.subApplicationId);
    expect(mine.every((seen) => seen.clientId === `dept-${code}`)).to.equal(true);
    expect(new Set(mine.map((seen) => seen.event.eventId)).size).to.equal(2);
  });

  it('an SM2 department (公安局 gaj) works end to end', async () => {
    expect(algorithmOf('gaj')).to.equal('SM2');
    const sm2 = await start({}, 'gaj', gaj);
    const adapter = createSoapDepartmentAdapter({ baseUrl: sm2.url, departmentCode: 'gaj', signingKey: tongban.key, departmentPublicKeys: [gaj.publicJwk] });
    const sent = sampleDelivery({ departmentCode: 'gaj' });
    const receipt = await adapter.deliver(sent);
    expect(receipt.acceptanceNumber).to.match(/^GAJ\d{13}$/);
    expect(receipt.evidence.body).to.match(/<tb:signature algorithm="SM2" keyId="[^"]+">/);
    expect((await adapter.deliver(sent))).to.include({ duplicate: true, acceptanceNumber: receipt.acceptanceNumber });
    await sm2.flushEvents();
    expect(tongban.events().filter((seen) => seen.event.subApplicationId === sent.subApplicationId).map((seen) => [seen.clientId, seen.event.type]))
      .to.deep.equal([['dept-gaj', 'accepted'], ['dept-gaj', 'completed']]);
  });
});
