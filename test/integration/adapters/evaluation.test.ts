/**
 * Contract of the provincial 好差评 system: the adapter against the simulator
 * over real sockets — pushes, reads, 一事一评 duplicates, the 整改回访 steps,
 * every result code, faults and request authentication.
 */
import axios from 'axios';
import { expect } from 'chai';
import { createEvaluationAdapter } from '../../../adapters/evaluation/index.js';
import { signHeaders } from '../../../adapters/evaluation/evaluation-signature.js';
import { toChinaTime } from '../../../adapters/evaluation/map-evaluation.js';
import { DEV_EVALUATION_APP, startEvaluationSimulator, type EvaluationSimulator } from '../../../adapters/evaluation/simulator/index.js';
import type { Evaluation, EvaluationLevel, EvaluationSystem, RectificationStep } from '../../../src/domain/evaluation.js';
import { UpstreamError } from '../../../src/domain/upstream-error.js';
import { TongbanError } from '../../../src/errors/index.js';
import { waitFor } from '../../helpers/wait.js';

/** The UpstreamError a call fails with (fails the test when it succeeds or throws something else). */
const failure = (work: Promise<unknown>): Promise<UpstreamError> => work.then(
  () => expect.fail('expected the call to fail'),
  (error: unknown) => (expect(error, String(error)).to.be.instanceOf(UpstreamError), error as UpstreamError),
);

/** Three days ago to the minute: evaluations and follow-up steps happen after it, and before now. */
const T0 = Math.floor((Date.now() - 3 * 86_400_000) / 60_000) * 60_000;
/** `hours` after T0 in China time (as sent) and as an ISO UTC instant (as read back). */
const chinaAt = (hours: number) => toChinaTime(T0 + hours * 3_600_000);
const utcAt = (hours: number) => new Date(T0 + hours * 3_600_000).toISOString();

let projectCounter = 0;
/** A fresh 办件编号 per test, so duplicates never leak between tests. */
const newProject = () => `TB-20261206-${String(++projectCounter).padStart(4, '0')}`;

/** 国（境）内出生登记 (公安局), rated very satisfied by 张三 on the web. */
function birthRegistration(applicationNumber: string, changes: Partial<Evaluation> = {}): Evaluation {
  return {
    applicationNumber,
    scope: 'matter',
    serviceCode: '000744622000',
    departmentCode: 'gaj',
    applicant: { name: '张三', idNumber: '44140319900307123X', type: 'personal' },
    channel: 'online',
    level: 5,
    indicators: ['guide', 'done-at-once'],
    comment: '材料一次提交，当天办结，非常方便。',
    evaluatedAt: chinaAt(0),
    ...changes,
  };
}

const step = (status: RectificationStep['status'], at: string, changes: Partial<RectificationStep> = {}): RectificationStep => ({
  status, handler: '梅县区公安局户政科 李四', note: `${status} 整改回访记录`, at, ...changes,
});

describe('evaluation system (好差评): adapter against the simulator over real sockets', function () {
  this.timeout(20_000);
  let simulator: EvaluationSimulator;
  let adapter: EvaluationSystem;

  before(async () => {
    simulator = await startEvaluationSimulator();
    adapter = createEvaluationAdapter({ baseUrl: simulator.url, ...DEV_EVALUATION_APP, timeoutMs: 2000 });
  });
  afterEach(() => {
    simulator.faults.reset();
    simulator.busy(0);
  });
  after(() => simulator?.close());

  describe('happy path', () => {
    it('pushes a matter evaluation with the applicant masked and codes translated, and reads it back', async () => {
      const project = newProject();
      const receipt = await adapter.push(birthRegistration(project));
      expect(receipt.evaluationId).to.match(/^HCP\d{8}\d{6}$/);
      expect(receipt.duplicate).to.equal(false);
      expect(Math.abs(Date.parse(receipt.receivedAt) - Date.now())).to.be.below(5000);

      const wire = simulator.evaluations().find((record) => record.evaluationId === receipt.evaluationId)!;
      expect(wire).to.deep.include({
        projectNo: project, serviceCode: '000744622000', scope: 'MATTER', deptCode: 'gaj', channel: 'pc', level: 5, levelName: '非常满意',
        indicators: ['ZB01', 'ZB03'], evaluatedAt: chinaAt(0), serviceName: '国（境）内出生登记',
      });
      expect(wire.applicant).to.deep.equal({ name: '张*', idNumber: '4414**********123X', type: 1 });
      const posted = simulator.received().filter((request) => request.method === 'POST' && (request.body as { projectNo?: string }).projectNo === project);
      expect(posted.map((request) => [request.path, request.code])).to.deep.equal([['/hcp/v1/evaluations', 200]]);
      expect(JSON.stringify(posted[0]!.body)).to.not.contain('张三').and.not.contain('19900307');

      const recorded = await adapter.get(receipt.evaluationId);
      expect(recorded).to.deep.equal({
        evaluationId: receipt.evaluationId, receivedAt: receipt.receivedAt, applicationNumber: project, scope: 'matter', serviceCode: '000744622000',
        departmentCode: 'gaj', applicant: { maskedName: '张*', maskedIdNumber: '4414**********123X', type: 'personal' }, channel: 'online',
        level: 5, indicators: ['guide', 'done-at-once'], comment: '材料一次提交，当天办结，非常方便。', evaluatedAt: utcAt(0), rectifications: [],
      });
    });

    it('rates the whole 一件事 (scope theme) apart from its matters, and lists a project\'s evaluations in the order received', async () => {
      const project = newProject();
      const matter = await adapter.push(birthRegistration(project));
      const insurance = await adapter.push(birthRegistration(project, { serviceCode: '000795887000', departmentCode: 'ybj', channel: 'mobile', level: 4, indicators: ['online-service'] }));
      const theme = await adapter.push(birthRegistration(project, {
        scope: 'theme', serviceCode: 'MX-T05', departmentCode: 'gaj', channel: 'window', level: 3, indicators: [], comment: '',
        applicant: { name: '梅州市梅县区某某贸易有限公司', idNumber: '91441403MA4W7X8Y9B', type: 'enterprise' },
      }));
      const listed = await adapter.listByProject(project);
      expect(listed.map((record) => [record.evaluationId, record.scope, record.serviceCode, record.channel, record.level])).to.deep.equal([
        [matter.evaluationId, 'matter', '000744622000', 'online', 5],
        [insurance.evaluationId, 'matter', '000795887000', 'mobile', 4],
        [theme.evaluationId, 'theme', 'MX-T05', 'window', 3],
      ]);
      expect(listed[2]!.applicant).to.deep.equal({ maskedName: '梅*************', maskedIdNumber: '9144**********8Y9B', type: 'enterprise' });
      expect(await adapter.listByProject(newProject())).to.deep.equal([]);
    });

    it('accepts every channel and every indicator of the tables', async () => {
      const channels = ['online', 'mobile', 'window', 'self-service', 'hotline'] as const;
      const all = ['guide', 'materials', 'done-at-once', 'time-limit', 'attitude', 'procedure', 'online-service', 'fees', 'result', 'environment'] as const;
      for (const channel of channels) {
        const receipt = await adapter.push(birthRegistration(newProject(), { channel, indicators: all }));
        const recorded = await adapter.get(receipt.evaluationId);
        expect([recorded!.channel, recorded!.indicators]).to.deep.equal([channel, all]);
      }
    });

    it('answers undefined for an evaluation the province does not have (4004)', async () => {
      expect(await adapter.get('HCP20261206999999')).to.equal(undefined);
      expect(simulator.received().at(-1)!.code).to.equal(4004);
    });
  });

  describe('duplicates (一事一评: one per application, service and scope)', () => {
    it('answers a repeated identical push with the first receipt (4091 treated as success)', async () => {
      const evaluation = birthRegistration(newProject());
      const first = await adapter.push(evaluation);
      const again = await adapter.push({ ...evaluation, indicators: ['done-at-once', 'guide'], evaluatedAt: utcAt(0) });
      expect(again).to.deep.equal({ ...first, duplicate: true });
      expect(simulator.evaluations().filter((record) => record.projectNo === evaluation.applicationNumber)).to.have.length(1);
      expect(simulator.received().filter((request) => request.code === 4091).length).to.be.at.least(1);
    });

    it('refuses a different rating of the same thing, keeping the first', async () => {
      const evaluation = birthRegistration(newProject());
      const first = await adapter.push(evaluation);
      const error = await failure(adapter.push({ ...evaluation, level: 1, indicators: ['attitude'], comment: '改评差评' }));
      expect(error).to.include({ system: 'evaluation', operation: 'push', kind: 'rejected', upstreamCode: '4091', retryable: false });
      expect(error.message).to.contain('different evaluation');
      expect((await adapter.get(first.evaluationId))!.level).to.equal(5);
    });

    it('finishes a push whose answer was lost: the retry after a timeout is the same evaluation', async () => {
      const slowAdapter = createEvaluationAdapter({ baseUrl: simulator.url, ...DEV_EVALUATION_APP, timeoutMs: 200 });
      const evaluation = birthRegistration(newProject());
      simulator.faults.enqueue({ kind: 'slow', delayMs: 600 });
      const error = await failure(slowAdapter.push(evaluation));
      expect(error).to.include({ kind: 'timeout', retryable: true, code: 'UPSTREAM_TIMEOUT' });
      await waitFor(() => simulator.evaluations().some((record) => record.projectNo === evaluation.applicationNumber), { timeoutMs: 3000, what: 'the slow push recorded' });
      const retried = await slowAdapter.push(evaluation);
      expect(retried.duplicate).to.equal(true);
      expect(retried.evaluationId).to.equal(simulator.evaluations().find((record) => record.projectNo === evaluation.applicationNumber)!.evaluationId);
    });
  });

  describe('refusals', () => {
    const refused = async (evaluation: Evaluation) => failure(adapter.push(evaluation));

    it('4001 names the field: department not the matter\'s, future time, 差评 without indicators, comment too long', async () => {
      const cases: [Partial<Evaluation>, string][] = [
        [{ departmentCode: 'swj' }, 'deptCode'],
        [{ departmentCode: 'nosuchdept' }, 'deptCode'],
        [{ evaluatedAt: new Date(Date.now() + 3600_000).toISOString() }, 'evaluatedAt'],
        [{ level: 2, indicators: [] }, 'indicators'],
        [{ comment: '慢'.repeat(501) }, 'comment'],
        [{ indicators: ['guide', 'guide'] }, 'indicators[1]'],
      ];
      for (const [changes, field] of cases) {
        const error = await refused(birthRegistration(newProject(), changes));
        expect(error, field).to.include({ kind: 'rejected', upstreamCode: '4001', retryable: false, upstreamStatus: 200 });
        expect(error.message, field).to.contain(`("${field}")`);
      }
      const longest = await adapter.push(birthRegistration(newProject(), { comment: '好'.repeat(500) }));
      expect(longest.duplicate).to.equal(false);
    });

    it('4002 for a service code the province does not know, matter or theme', async () => {
      for (const changes of [{ serviceCode: '000999999000' }, { scope: 'theme', serviceCode: 'MX-T99' }, { scope: 'theme', serviceCode: '000744622000' }] as Partial<Evaluation>[]) {
        const error = await refused(birthRegistration(newProject(), changes));
        expect(error).to.include({ kind: 'rejected', upstreamCode: '4002', retryable: false });
      }
    });

    it('4003 for a level outside 1–5', async () => {
      for (const level of [0, 6]) {
        const error = await refused(birthRegistration(newProject(), { level: level as EvaluationLevel }));
        expect(error).to.include({ kind: 'rejected', upstreamCode: '4003', retryable: false });
        expect(error.message).to.contain('outside 1–5');
      }
    });

    it('refuses an evaluation time that is not a time locally, naming the field', async () => {
      try {
        await adapter.push(birthRegistration(newProject(), { evaluatedAt: 'yesterday' }));
        expect.fail('expected a validation error');
      } catch (error) {
        expect(error).to.be.instanceOf(TongbanError).and.include({ code: 'VALIDATION_FAILED' });
        expect((error as TongbanError).message).to.contain('/evaluatedAt');
      }
    });
  });

  describe('rectification of a 差评 (整改回访)', () => {
    let poorId: string;

    before(async () => {
      const receipt = await adapter.push(birthRegistration(newProject(), { level: 2, indicators: ['time-limit', 'attitude'], comment: '超过承诺时限三天，窗口人员态度冷淡。' }));
      poorId = receipt.evaluationId;
    });

    it('enforces the order assigned → rectified → revisited → closed (4094), repeats being idempotent', async () => {
      const outOfOrder = await failure(adapter.recordRectification(poorId, step('revisited', chinaAt(1))));
      expect(outOfOrder).to.include({ kind: 'rejected', upstreamCode: '4094', retryable: false, operation: 'recordRectification' });

      const assigned = step('assigned', chinaAt(1), { handler: '区政务服务数据管理局 督查股' });
      const afterAssign = await adapter.recordRectification(poorId, assigned);
      expect(afterAssign.rectifications.map((recorded) => [recorded.status, recorded.handler])).to.deep.equal([['assigned', '区政务服务数据管理局 督查股']]);
      const repeated = await adapter.recordRectification(poorId, assigned);
      expect(repeated.rectifications).to.have.length(1);
      const conflicting = await failure(adapter.recordRectification(poorId, { ...assigned, handler: '另一人' }));
      expect(conflicting).to.include({ kind: 'rejected', upstreamCode: '4091', retryable: false });

      expect(await failure(adapter.recordRectification(poorId, step('closed', chinaAt(3))))).to.include({ upstreamCode: '4094' });
      const early = await failure(adapter.recordRectification(poorId, step('rectified', chinaAt(0.5))));
      expect(early).to.include({ upstreamCode: '4001' });
      expect(early.message).to.contain('("at")');

      await adapter.recordRectification(poorId, step('rectified', chinaAt(3), { note: '已约谈窗口人员并优化审批流程' }));
      await adapter.recordRectification(poorId, step('revisited', chinaAt(24), { note: '电话回访申请人，表示认可' }));
      const closed = await adapter.recordRectification(poorId, step('closed', chinaAt(25)));
      expect(closed.rectifications.map((recorded) => [recorded.status, recorded.at])).to.deep.equal([
        ['assigned', utcAt(1)], ['rectified', utcAt(3)], ['revisited', utcAt(24)], ['closed', utcAt(25)],
      ]);
      expect((await adapter.get(poorId))!.rectifications).to.deep.equal(closed.rectifications);
    });

    it('4001 names the step\'s field at fault; a step time that is not a time is refused locally', async () => {
      const poor = await adapter.push(birthRegistration(newProject(), { level: 1, indicators: ['fees'] }));
      for (const [changes, field] of [[{ handler: ' ' }, 'handler'], [{ note: '改'.repeat(501) }, 'note'], [{ at: new Date(Date.now() + 3_600_000).toISOString() }, 'at']] as const) {
        const error = await failure(adapter.recordRectification(poor.evaluationId, step('assigned', chinaAt(1), changes)));
        expect(error, field).to.include({ kind: 'rejected', upstreamCode: '4001' });
        expect(error.message, field).to.contain(`("${field}")`);
      }
      try {
        await adapter.recordRectification(poor.evaluationId, step('assigned', 'soon'));
        expect.fail('expected a validation error');
      } catch (error) {
        expect(error).to.be.instanceOf(TongbanError).and.include({ code: 'VALIDATION_FAILED' });
        expect((error as TongbanError).message).to.contain('/at');
      }
      expect((await adapter.get(poor.evaluationId))!.rectifications).to.deep.equal([]);
    });

    it('4095 for an evaluation that is not poor, 4004 for an unknown one', async () => {
      const good = await adapter.push(birthRegistration(newProject(), { level: 3 }));
      expect(await failure(adapter.recordRectification(good.evaluationId, step('assigned', chinaAt(1)))))
        .to.include({ kind: 'rejected', upstreamCode: '4095', retryable: false });
      expect(await failure(adapter.recordRectification('HCP20261206999999', step('assigned', chinaAt(1)))))
        .to.include({ kind: 'rejected', upstreamCode: '4004', retryable: false });
    });
  });

  describe('system trouble and faults', () => {
    it('5030 busy and 5000 internal error are unavailable and retryable; the retry goes through', async () => {
      const evaluation = birthRegistration(newProject());
      simulator.busy(1, 5030);
      expect(await failure(adapter.push(evaluation))).to.include({ kind: 'unavailable', upstreamCode: '5030', upstreamStatus: 503, retryable: true });
      simulator.busy(1, 5000);
      expect(await failure(adapter.listByProject(evaluation.applicationNumber))).to.include({ kind: 'unavailable', upstreamCode: '5000', upstreamStatus: 500, retryable: true });
      expect((await adapter.push(evaluation)).duplicate).to.equal(false);
    });

    it('busy over HTTP control too', async () => {
      await axios.put(`${simulator.url}/__control/busy`, { count: 1, code: 5030 });
      expect(await failure(adapter.get('HCP20261206000001'))).to.include({ upstreamCode: '5030', retryable: true });
    });

    it('an injected 503 without an envelope is unavailable and retryable', async () => {
      simulator.faults.enqueue({ kind: 'status', status: 503 });
      const error = await failure(adapter.push(birthRegistration(newProject())));
      expect(error).to.include({ kind: 'unavailable', upstreamStatus: 503, retryable: true });
      expect(error.upstreamCode).to.equal(undefined);
    });

    it('a system that does not answer in time is a retryable timeout', async () => {
      const quick = createEvaluationAdapter({ baseUrl: simulator.url, ...DEV_EVALUATION_APP, timeoutMs: 300 });
      simulator.faults.enqueue({ kind: 'timeout' });
      expect(await failure(quick.get('HCP20261206000001'))).to.include({ kind: 'timeout', retryable: true, code: 'UPSTREAM_TIMEOUT' });
    });

    it('a reset connection and a system down are retryable', async () => {
      simulator.faults.enqueue({ kind: 'reset' });
      expect(await failure(adapter.listByProject('TB-X'))).to.include({ kind: 'connection', retryable: true });
      simulator.faults.goDown();
      expect(await failure(adapter.listByProject('TB-X'))).to.include({ kind: 'unavailable', upstreamStatus: 503, retryable: true });
    });

    it('a truncated answer is malformed and not retried', async () => {
      simulator.faults.enqueue({ kind: 'malformed' });
      const error = await failure(adapter.push(birthRegistration(newProject())));
      expect(error).to.include({ kind: 'malformed', retryable: false, upstreamStatus: 200 });
      expect(error.message).to.contain('not JSON');
    });

    it('honours the latency option', async () => {
      const slow = await startEvaluationSimulator({ latencyMs: 400 });
      try {
        const slowAdapter = createEvaluationAdapter({ baseUrl: slow.url, ...DEV_EVALUATION_APP, timeoutMs: 150 });
        expect(await failure(slowAdapter.get('HCP20261206000001'))).to.include({ kind: 'timeout' });
        const patient = createEvaluationAdapter({ baseUrl: slow.url, ...DEV_EVALUATION_APP, timeoutMs: 3000 });
        expect(await patient.get('HCP20261206000001')).to.equal(undefined);
      } finally {
        await slow.close();
      }
    });
  });

  describe('request authentication', () => {
    it('401 for a wrong secret, 4011 for an unknown app, 4012 for a skewed clock: auth, never retried', async () => {
      const wrongSecret = createEvaluationAdapter({ baseUrl: simulator.url, appId: DEV_EVALUATION_APP.appId, appSecret: 'not-the-secret' });
      const unknownApp = createEvaluationAdapter({ baseUrl: simulator.url, appId: 'stranger', appSecret: 'x' });
      const skewed = createEvaluationAdapter({ baseUrl: simulator.url, ...DEV_EVALUATION_APP, now: () => Date.now() - 301_000 });
      const before = simulator.evaluations().length;
      for (const [client, code, words] of [[wrongSecret, '401', 'wrong app secret'], [unknownApp, '4011', 'app id is unknown'], [skewed, '4012', 'clock']] as const) {
        const error = await failure(client.push(birthRegistration(newProject())));
        expect(error, code).to.include({ kind: 'auth', upstreamCode: code, upstreamStatus: 401, retryable: false });
        expect(error.message).to.contain(words);
      }
      expect(simulator.evaluations()).to.have.length(before);
    });

    it('4010 without the headers, 4013 for a replayed request, 401 for a body changed after signing', async () => {
      const path = '/hcp/v1/evaluations?projectNo=TB-REPLAY';
      const missing = await axios.get(`${simulator.url}${path}`, { validateStatus: () => true });
      expect([missing.status, missing.data.code]).to.deep.equal([401, 4010]);

      const headers = signHeaders(DEV_EVALUATION_APP.appSecret, { method: 'GET', pathWithQuery: path, appId: DEV_EVALUATION_APP.appId, body: '', nowMs: Date.now() });
      const first = await axios.get(`${simulator.url}${path}`, { headers, validateStatus: () => true });
      expect([first.status, first.data.code, first.data.data.total]).to.deep.equal([200, 200, 0]);
      const replay = await axios.get(`${simulator.url}${path}`, { headers, validateStatus: () => true });
      expect([replay.status, replay.data.code]).to.deep.equal([401, 4013]);

      const body = JSON.stringify({ projectNo: 'TB-TAMPER' });
      const signed = signHeaders(DEV_EVALUATION_APP.appSecret, { method: 'POST', pathWithQuery: '/hcp/v1/evaluations', appId: DEV_EVALUATION_APP.appId, body, nowMs: Date.now() });
      const tampered = await axios.post(`${simulator.url}/hcp/v1/evaluations`, JSON.stringify({ projectNo: 'TB-TAMPERED' }), {
        headers: { ...signed, 'content-type': 'application/json' }, validateStatus: () => true,
      });
      expect([tampered.status, tampered.data.code]).to.deep.equal([401, 401]);
    });

    it('signs the base URL\'s path prefix: a gateway in front of the system', async () => {
      // The simulator serves at its root, so a prefixed base URL reaches no route — but only after the signature verified.
      const prefixed = createEvaluationAdapter({ baseUrl: `${simulator.url}/gateway/`, ...DEV_EVALUATION_APP });
      const error = await failure(prefixed.get('HCP20261206000001'));
      expect(error).to.include({ kind: 'rejected', upstreamStatus: 404, upstreamCode: '404' });
    });
  });
});
