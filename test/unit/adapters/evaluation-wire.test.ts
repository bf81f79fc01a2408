/**
 * The 好差评 system's wire format: recorded answers against the schemas, the
 * translation tables against the domain's and the simulator's, explicit
 * defaults, and the adapter on answers the simulator never gives (off-schema
 * data, unknown codes) through nock.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import nock from 'nock';
import { createEvaluationAdapter } from '../../../adapters/evaluation/index.js';
import { validateEnvelope, validateEvaluation, validateEvaluationList, validatePushResult, type WireEvaluation } from '../../../adapters/evaluation/evaluation-api.js';
import { envelopeError } from '../../../adapters/evaluation/evaluation-error.js';
import { CHANNELS, INDICATORS, fromWireEvaluation } from '../../../adapters/evaluation/map-evaluation.js';
import { LEVEL_NAMES, PROVINCE_CHANNELS, PROVINCE_INDICATORS } from '../../../adapters/evaluation/simulator/check-request.js';
import { EVALUATION_CHANNELS, EVALUATION_INDICATORS, EVALUATION_LEVELS, isPoorEvaluation, type EvaluationLevel } from '../../../src/domain/evaluation.js';
import { UpstreamError } from '../../../src/domain/upstream-error.js';

// Importing nock patches node:http for the whole mocha process; it stays off except while this file's adapter tests run.
nock.restore();

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../../adapters/evaluation/fixtures/${name}`, import.meta.url), 'utf8')) as { status: number; body: { code: number; message: string; data?: unknown } };

describe('evaluation system: wire format', () => {
  describe('recorded answers', () => {
    it('are envelopes whose data validate against the schemas', () => {
      for (const name of ['push-ok.json', 'push-duplicate.json', 'push-field-invalid.json', 'push-level-out-of-range.json', 'rectification-assigned.json',
        'rectification-invalid-transition.json', 'list-by-project.json', 'get-not-found.json', 'auth-sign-invalid.json', 'busy.json']) {
        expect(validateEnvelope(fixture(name).body), name).to.equal(true);
      }
      expect(validatePushResult(fixture('push-ok.json').body.data)).to.equal(true);
      expect(validatePushResult(fixture('push-duplicate.json').body.data)).to.equal(true);
      expect(validateEvaluation(fixture('rectification-assigned.json').body.data)).to.equal(true);
      expect(validateEvaluationList(fixture('list-by-project.json').body.data)).to.equal(true);
      expect(fixture('push-field-invalid.json').body.data).to.deep.equal({ field: 'deptCode' });
    });

    it('map to Tongban\'s terms', () => {
      const recorded = fromWireEvaluation(fixture('rectification-assigned.json').body.data as WireEvaluation);
      expect(recorded).to.deep.include({
        applicationNumber: 'TB-20261206-0001', scope: 'matter', serviceCode: '000744622000', departmentCode: 'gaj', channel: 'online', level: 2,
        indicators: ['time-limit', 'attitude'], evaluatedAt: '2026-12-06T02:15:00.000Z', receivedAt: '2026-12-06T02:20:00.000Z',
      });
      expect(recorded.rectifications).to.deep.equal([{ status: 'assigned', handler: '区政务服务数据管理局 督查股', note: '已派单至梅县区公安局户政科', at: '2026-12-06T02:18:00.000Z', recordedAt: '2026-12-06T02:20:00.000Z' }]);
    });
  });

  describe('tables', () => {
    it('give every domain channel and indicator a code the province knows, with the same names', () => {
      expect(Object.keys(CHANNELS).sort()).to.deep.equal(Object.keys(EVALUATION_CHANNELS).sort());
      expect(Object.values(CHANNELS).sort()).to.deep.equal([...PROVINCE_CHANNELS].sort());
      expect(Object.keys(INDICATORS).sort()).to.deep.equal(Object.keys(EVALUATION_INDICATORS).sort());
      for (const [indicator, code] of Object.entries(INDICATORS)) expect(PROVINCE_INDICATORS[code], code).to.equal(EVALUATION_INDICATORS[indicator as keyof typeof INDICATORS]);
      expect(Object.keys(PROVINCE_INDICATORS)).to.have.length(Object.keys(INDICATORS).length);
    });

    it('name the five GB/T 39734 levels the same on both sides; 差评 is 1 and 2', () => {
      for (const level of [1, 2, 3, 4, 5] as EvaluationLevel[]) expect(LEVEL_NAMES[level]).to.equal(EVALUATION_LEVELS[level].name);
      expect(([1, 2, 3, 4, 5] as EvaluationLevel[]).filter(isPoorEvaluation)).to.deep.equal([1, 2]);
      expect(EVALUATION_LEVELS[5].name).to.equal('非常满意');
      expect(EVALUATION_LEVELS[1].name).to.equal('非常不满意');
    });

    it('read what the province added after them with explicit defaults: channel online, indicator dropped, applicant a person', () => {
      const wire = fixture('rectification-assigned.json').body.data as WireEvaluation;
      const recorded = fromWireEvaluation({ ...wire, channel: 'sms', indicators: ['ZB04', 'ZB99'], applicant: { ...wire.applicant, type: 9 } });
      expect([recorded.channel, recorded.indicators, recorded.applicant.type]).to.deep.equal(['online', ['time-limit'], 'personal']);
    });

    it('map unknown envelope codes by HTTP status: rejected with 200, retryable with 5xx', () => {
      expect(envelopeError('push', 200, 4999, 'x')).to.include({ kind: 'rejected', retryable: false, upstreamCode: '4999' });
      expect(envelopeError('push', 502, 5999, 'x')).to.include({ kind: 'unavailable', retryable: true });
    });
  });

  describe('adapter on answers the simulator never gives', () => {
    const adapter = createEvaluationAdapter({ baseUrl: 'http://hcp.gd.test/gateway', appId: 'tongban-dev', appSecret: 'secret', timeoutMs: 2000 });
    const base = nock.bind(null, 'http://hcp.gd.test');

    // nock intercepts only while this block runs; every scope is asserted done in its test.
    before(() => void (nock.isActive() || nock.activate(), nock.disableNetConnect()));
    afterEach(() => nock.cleanAll());
    after(() => void (nock.enableNetConnect(), nock.restore()));


    const failure = (work: Promise<unknown>): Promise<UpstreamError> => work.then(
      () => expect.fail('expected the call to fail'),
      (error: unknown) => (expect(error, String(error)).to.be.instanceOf(UpstreamError), error as UpstreamError),
    );

    it('refuses data off the schema, naming the JSON Pointer', async () => {
      const wire = fixture('rectification-assigned.json').body.data as WireEvaluation;
      const scope = base().get('/gateway/hcp/v1/evaluations/HCP20261206000001').matchHeader('x-hcp-sign', /^[A-Za-z0-9+/]{43}=$/)
        .reply(200, { code: 200, message: '成功', data: { ...wire, level: 7 } });
      const error = await failure(adapter.get('HCP20261206000001'));
      expect(error).to.include({ kind: 'malformed', retryable: false });
      expect(error.message).to.contain('/data/level');
      expect(scope.isDone()).to.equal(true);
    });

    it('refuses an answer about another evaluation, and a list with another project\'s records', async () => {
      const wire = fixture('rectification-assigned.json').body.data as WireEvaluation;
      const scope = base()
        .get('/gateway/hcp/v1/evaluations/HCP20261206000002').reply(200, { code: 200, message: '成功', data: wire })
        .get('/gateway/hcp/v1/evaluations').query({ projectNo: 'TB-OTHER' }).reply(200, { code: 200, message: '成功', data: { projectNo: 'TB-OTHER', total: 1, records: [wire] } });
      expect((await failure(adapter.get('HCP20261206000002'))).message).to.contain('/data/evaluationId');
      expect((await failure(adapter.listByProject('TB-OTHER'))).message).to.contain('/data/records/0/projectNo');
      expect(scope.isDone()).to.equal(true);
    });

    it('refuses a duplicate (4091) that points at an evaluation the province does not know', async () => {
      const scope = base()
        .post('/gateway/hcp/v1/evaluations').reply(200, fixture('push-duplicate.json').body)
        .get('/gateway/hcp/v1/evaluations/HCP20261206000001').reply(200, fixture('get-not-found.json').body);
      const error = await failure(adapter.push({
        applicationNumber: 'TB-20261206-0001', scope: 'matter', serviceCode: '000744622000', departmentCode: 'gaj',
        applicant: { name: '张三', idNumber: '44140319900307123X', type: 'personal' }, channel: 'online', level: 2,
        indicators: ['time-limit', 'attitude'], comment: '', evaluatedAt: '2026-12-06T10:15:00+08:00',
      }));
      expect(error).to.include({ kind: 'malformed' });
      expect(scope.isDone()).to.equal(true);
    });
  });
});
