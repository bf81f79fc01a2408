import { expect } from 'chai';
import { createLogisticsAdapter, PushVerificationError } from '../../../adapters/logistics/index.js';
import { beijingTime, validateEnvelope, validateTraces, validateWaybill } from '../../../adapters/logistics/logistics-api.js';
import { envelopeError } from '../../../adapters/logistics/logistics-error.js';
import { emsSignature, emsSignatureHeaders } from '../../../adapters/logistics/logistics-signature.js';
import { mapStatus, mapTraceCode } from '../../../adapters/logistics/map-status.js';
import { formatWaybillNo, isValidWaybillNo, s10CheckDigit } from '../../../adapters/logistics/waybill-number.js';
import { lifePath } from '../../../adapters/logistics/simulator/waybill-book.js';
import { readFileSync } from 'node:fs';

describe('logistics adapter: S10 waybill numbers', () => {
  it('computes the check digit of known numbers (UPU S10 examples)', () => {
    expect(s10CheckDigit('47312482')).to.equal(9); // AA473124829GB, the S10 standard's example
    expect(s10CheckDigit('12345678')).to.equal(5);
    expect(s10CheckDigit('00000001')).to.equal(4);
  });

  it('maps 10 to 0 and 11 to 5', () => {
    expect(s10CheckDigit('00000008')).to.equal(0); // sum 56, 56 mod 11 = 1, 11 − 1 = 10 → 0
    expect(s10CheckDigit('00000000')).to.equal(5); // sum 0, 11 − 0 = 11 → 5
  });

  it('validates form and check digit', () => {
    expect(isValidWaybillNo('EE123456785CN')).to.equal(true);
    expect(isValidWaybillNo('EE123456784CN')).to.equal(false);
    expect(isValidWaybillNo('AA473124829GB')).to.equal(false); // S10 but not a Chinese E-service number
    expect(isValidWaybillNo('EE12345678CN')).to.equal(false);
    expect(isValidWaybillNo('ee123456785cn')).to.equal(false);
    expect(formatWaybillNo('M', 12345678)).to.equal('EM123456785CN');
    expect(formatWaybillNo('M', 8)).to.equal('EM000000080CN');
    expect(() => s10CheckDigit('1234567')).to.throw(RangeError, 'eight digits');
    expect(() => formatWaybillNo('M', 100_000_000)).to.throw(RangeError);
  });
});

describe('logistics adapter: x-ems signature', () => {
  it('matches the known-answer vector (computed independently with openssl)', () => {
    const input = { timestamp: '1772413200', nonce: 'abc123', method: 'post', pathWithQuery: '/ems/v1/orders', body: '{"orderNo":"TB20261206000001-R"}' };
    expect(emsSignature('secret', input)).to.equal('ae0ae8127e60917feaff78f435d2c1d21857150364d616274419209be2837180');
  });

  it('builds the four headers with Unix seconds', () => {
    const headers = emsSignatureHeaders({ appKey: 'k', appSecret: 'secret', method: 'POST', pathWithQuery: '/ems/v1/orders', body: '{"orderNo":"TB20261206000001-R"}', nowMs: 1772413200999, nonce: 'abc123' });
    expect(headers).to.deep.equal({
      'x-ems-appkey': 'k', 'x-ems-timestamp': '1772413200', 'x-ems-nonce': 'abc123',
      'x-ems-signature': 'ae0ae8127e60917feaff78f435d2c1d21857150364d616274419209be2837180',
    });
  });
});

describe('logistics adapter: tables and errors', () => {
  it('maps every wire status and refuses unknown ones', () => {
    expect(mapStatus('OUT_FOR_DELIVERY')).to.equal('out-for-delivery');
    expect(mapStatus('CREATED')).to.equal('created');
    expect(mapTraceCode('CREATED')).to.equal(undefined);
    expect(mapStatus('LOST')).to.equal(undefined);
    expect(mapStatus('toString')).to.equal(undefined);
  });

  it('gives each code its kind and retryability', () => {
    const cases: [string, number, string, boolean][] = [
      ['1001', 401, 'auth', false], ['1002', 401, 'auth', false], ['1003', 401, 'auth', false], ['2001', 400, 'rejected', false],
      ['2002', 422, 'rejected', false], ['3001', 404, 'rejected', false], ['3002', 409, 'rejected', false], ['9999', 503, 'unavailable', true],
      ['7777', 502, 'unavailable', true], ['7778', 400, 'rejected', false],
    ];
    for (const [code, status, kind, retryable] of cases) {
      const error = envelopeError('createWaybill', status, code, '参数缺失或无效: recipient.mobile');
      expect(error, code).to.include({ system: 'logistics', kind, retryable, upstreamCode: code, upstreamStatus: status });
    }
  });

  it('formats Beijing time with +08:00', () => {
    expect(beijingTime(Date.UTC(2026, 11, 6, 16, 30, 5))).to.equal('2026-12-07T00:30:05+08:00');
  });

  it('walks the life path of each outcome', () => {
    expect(lifePath('DELIVERED')).to.deep.equal(['ACCEPTED', 'IN_TRANSIT', 'ARRIVED', 'OUT_FOR_DELIVERY', 'DELIVERED']);
    expect(lifePath('RETURNED').slice(-2)).to.deep.equal(['FAILED', 'RETURNED']);
  });
});

describe('logistics adapter: verifyPush on the recorded fixture', () => {
  const fixture = readFileSync(new URL('../../../adapters/logistics/fixtures/push-delivered.json', import.meta.url), 'utf8').trim();
  const nowMs = Date.UTC(2026, 11, 6, 12, 0, 0);
  const adapter = createLogisticsAdapter({ baseUrl: 'http://ems.test', appKey: 'tongban-dev', appSecret: 'secret', callbackPath: '/callbacks/ems', now: () => nowMs });
  const sign = (body: string, overrides: { appSecret?: string; pathWithQuery?: string; nowMs?: number } = {}) => emsSignatureHeaders({
    appKey: 'tongban-dev', appSecret: overrides.appSecret ?? 'secret', method: 'POST', pathWithQuery: overrides.pathWithQuery ?? '/callbacks/ems', body, nowMs: overrides.nowMs ?? nowMs,
  });

  it('returns the event of a correctly signed push', () => {
    const event = adapter.verifyPush(sign(fixture), Buffer.from(fixture));
    expect(event).to.include({ code: 'delivered', signer: '李华', orderNo: 'TB2026120600001-R', sequence: 5, waybillNo: 'EM000000014CN' });
  });

  it('refuses a wrong secret, another path, a stale timestamp, an edited body, a missing header', () => {
    const refusal = (headers: Record<string, string>, body: string) => {
      try {
        adapter.verifyPush(headers, body);
      } catch (error) {
        expect(error).to.be.instanceOf(PushVerificationError);
        return (error as PushVerificationError).field;
      }
      throw new Error('expected a refusal');
    };
    expect(refusal(sign(fixture, { appSecret: 'other' }), fixture)).to.equal('x-ems-signature');
    expect(refusal(sign(fixture, { pathWithQuery: '/elsewhere' }), fixture)).to.equal('x-ems-signature');
    expect(refusal(sign(fixture, { nowMs: nowMs - 601_000 }), fixture)).to.equal('x-ems-timestamp');
    expect(refusal(sign(fixture), fixture.replace('李华', '王五'))).to.equal('x-ems-signature');
    const { 'x-ems-nonce': _nonce, ...withoutNonce } = sign(fixture);
    expect(refusal(withoutNonce, fixture)).to.equal('x-ems-nonce');
    const noCode = JSON.stringify({ ...JSON.parse(fixture), trace: { ...JSON.parse(fixture).trace, code: 'LOST' } });
    expect(refusal(sign(noCode), noCode)).to.equal('/trace');
  });
});

describe('logistics adapter: recorded answers (fixtures/) match the wire schemas', () => {
  const load = (name: string) => JSON.parse(readFileSync(new URL(`../../../adapters/logistics/fixtures/${name}.json`, import.meta.url), 'utf8')) as { code: string; data: unknown };

  it('reads the delivered waybill', () => {
    const answer = load('waybill-delivered');
    expect(validateEnvelope(answer) && answer.code).to.equal('0000');
    expect(validateWaybill(answer.data), JSON.stringify(validateWaybill.errors)).to.equal(true);
    const data = answer.data as { waybillNo: string; status: string };
    expect(isValidWaybillNo(data.waybillNo)).to.equal(true);
    expect(mapStatus(data.status)).to.equal('delivered');
  });

  it('reads its traces, every code known and the pushed event among them', () => {
    const answer = load('traces-delivered');
    expect(validateTraces(answer.data), JSON.stringify(validateTraces.errors)).to.equal(true);
    const traces = (answer.data as { traces: { code: string; eventId: string }[] }).traces;
    expect(traces.map((trace) => mapTraceCode(trace.code))).to.deep.equal(['accepted', 'in-transit', 'arrived', 'out-for-delivery', 'delivered']);
    const pushed = JSON.parse(readFileSync(new URL('../../../adapters/logistics/fixtures/push-delivered.json', import.meta.url), 'utf8')) as { trace: unknown };
    expect(traces.at(-1)).to.deep.equal(pushed.trace);
  });
});
