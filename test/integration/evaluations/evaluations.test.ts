/**
 * 好差评 over real sockets, on SQLite and PostgreSQL: the applicant of a
 * 出生一件事 rates each finished matter and the whole; each evaluation is
 * pushed once to the provincial 好差评 system simulator (applicant masked);
 * bad input is 400 naming the field, another person 403; a 差评's follow-up
 * goes through every state with the province recording each step, alerts
 * once when overdue; with the province down a push is retried, dead-lettered
 * and replayed by ops.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { DEV_EVALUATION_APP, startEvaluationSimulator, type EvaluationSimulator } from '../../../adapters/evaluation/simulator/index.js';
import type { SigningClientResponse } from '../../../src/trust/signing-client.js';
import { BIRTH_REGISTRATION, BIRTH_THEME, birthForm, birthSubmission, idNumber, startDeliveryEnvironment, type DeliveryEnvironment } from '../../helpers/delivery-environment.js';
import { formHolder } from '../../helpers/identity.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';
import { waitFor } from '../../helpers/wait.js';
import { startAlertReceiver, type AlertReceiver } from '../ops/alert-receiver.js';
import { DashboardClient } from '../ops/dashboard-client.js';
import { hashPassword } from '../../../src/ops/dashboard/password.js';

interface EvaluationBody {
  id: string; scope: string; serviceCode: string; level: number; levelName: string; indicators: string[];
  push: { state: string; provinceId: string | null }; followUp: { id: string; state: string; stateName: string } | null;
}

function expectProblem(answer: SigningClientResponse, status: number, code: string, pointer?: string): void {
  expect(answer.status, JSON.stringify(answer.body)).to.equal(status);
  expect(answer.body).to.include({ code });
  if (pointer !== undefined) expect((answer.body as { errors: { pointer: string }[] }).errors.map((error) => error.pointer)).to.include(pointer);
}

for (const fixture of storeFixtures()) describe(`好差评: evaluations, their push and follow-ups (${fixture.name})`, function () {
  this.timeout(90_000);
  let env: DeliveryEnvironment;
  let province: EvaluationSimulator;
  let alerts: AlertReceiver;

  before(async function () {
    this.timeout(90_000);
    province = await startEvaluationSimulator();
    alerts = await startAlertReceiver(() => env.gateway.keyring.publicKeys());
    env = await startDeliveryEnvironment(fixture, { env: {
      TONGBAN_EVALUATION_URL: province.url, TONGBAN_EVALUATION_APP_ID: DEV_EVALUATION_APP.appId, TONGBAN_EVALUATION_APP_SECRET: DEV_EVALUATION_APP.appSecret,
      TONGBAN_ALERT_WEBHOOK_URL: alerts.url, TONGBAN_ALERT_OVERDUE_CHECK_MS: '3600000',
      TONGBAN_OPS_USERS: JSON.stringify({ 'zhang.min': await hashPassword('dashboard password') }),
    } });
  });
  after(async function () {
    await env?.close();
    await province?.close();
    await alerts?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });

  /** A birth application of only 出生登记 (gaj), delivered; with the holder's (the mother's) ID token. */
  async function submitBirth(child: string): Promise<{ applicationId: string; subApplicationId: string; idToken: string }> {
    // Only 出生登记: the fields of 参保 and 社保卡 (guardian, address, insurance type) are not asked.
    const { guardian: _guardian, ...form } = birthForm({ child: { name: child } });
    const { address: _address, insuranceType: _insuranceType, ...childFields } = form['child']!;
    form['child'] = childFields;
    const answer = await env.submit(birthSubmission(form, { enrolInsurance: false, applySocialSecurityCard: false }));
    expect(answer.status, JSON.stringify(answer.body)).to.equal(202);
    const applicationId = (answer.body as { applicationId: string }).applicationId;
    const view = await env.waitForApplication(applicationId, (current) => current.subApplications[0]?.delivery.state === 'delivered', 'the delivery to 公安');
    return { applicationId, subApplicationId: view.subApplications[0]!.id, idToken: await env.sessions.forForm(env.platform, form) };
  }

  /** 公安 accepts and completes the sub-application. */
  async function complete(subApplicationId: string): Promise<void> {
    const gaj = await env.department('gaj');
    for (const event of [
      { type: 'accepted', acceptanceNumber: `GAJ${Date.now()}` },
      { type: 'completed', results: [{ name: '户口登记', value: '已登记' }] },
    ]) {
      const answer = await gaj.request('POST', '/v1/departments/gaj/events', { body: { eventId: `evt-${randomUUID()}`, occurredAt: new Date().toISOString(), subApplicationId, ...event } });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    }
  }

  const evaluate = (applicationId: string, idToken: string, body: Record<string, unknown>) =>
    env.platform.request('POST', `/v1/applications/${applicationId}/evaluations`, { body, idToken });
  const pushesOf = (applicationId: string) => province.received().filter((request) => request.method === 'POST' && request.path === '/hcp/v1/evaluations'
    && (request.body as { projectNo?: string }).projectNo === applicationId);
  const recordOf = (applicationId: string, scope: 'MATTER' | 'THEME') => province.evaluations().find((record) => record.projectNo === applicationId && record.scope === scope);

  describe('one application rated matter by matter, then as a whole', () => {
    let applicationId: string;
    let subApplicationId: string;
    let idToken: string;
    let followUpId: string;

    before(async () => {
      ({ applicationId, subApplicationId, idToken } = await submitBirth('赵评评'));
    });

    it('refuses to rate a matter, or the whole, before the department has decided: 400 naming /matterCode and /scope', async () => {
      expectProblem(await evaluate(applicationId, idToken, { scope: 'matter', matterCode: BIRTH_REGISTRATION, level: 5, channel: 'online' }), 400, 'VALIDATION_FAILED', '/matterCode');
      expectProblem(await evaluate(applicationId, idToken, { scope: 'theme', level: 5, channel: 'online' }), 400, 'VALIDATION_FAILED', '/scope');
    });

    it('records a matter evaluation once it is completed, pushes it once to the province (applicant masked), and shows it in the application view', async () => {
      await complete(subApplicationId);
      const answer = await evaluate(applicationId, idToken, { scope: 'matter', matterCode: BIRTH_REGISTRATION, level: 5, indicators: ['done-at-once'], comment: '一次办成，很方便', channel: 'mobile' });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
      const recorded = answer.body as EvaluationBody;
      expect(recorded).to.deep.include({ scope: 'matter', serviceCode: BIRTH_REGISTRATION, level: 5, levelName: '非常满意', indicators: ['done-at-once'], followUp: null });

      const record = await waitFor(() => recordOf(applicationId, 'MATTER'), { what: 'the province to record the evaluation' });
      const mother = formHolder(birthForm())!;
      expect(record).to.deep.include({ serviceCode: BIRTH_REGISTRATION, deptCode: 'gaj', channel: 'app', level: 5, indicators: ['ZB03'], comment: '一次办成，很方便' });
      expect(record.applicant.name).to.match(/^李\*$/);
      expect(record.applicant.idNumber).to.match(/^\d{4}\*{10}[\dX]{4}$/);
      expect(JSON.stringify(province.received())).to.not.contain(mother.idNumber.slice(4, 14));

      const listed = await waitFor(async () => {
        const list = await env.platform.request('GET', `/v1/applications/${applicationId}/evaluations`);
        const [first] = (list.body as { evaluations: EvaluationBody[] }).evaluations;
        return first?.push.state === 'delivered' ? first : undefined;
      }, { what: 'the push to be recorded delivered' });
      expect(listed.push.provinceId).to.equal(record.evaluationId);
      expect(pushesOf(applicationId)).to.have.length(1);
      const view = await env.platform.request('GET', `/v1/applications/${applicationId}`);
      expect((view.body as { evaluations: EvaluationBody[] }).evaluations.map((evaluation) => evaluation.id)).to.deep.equal([recorded.id]);
      const events = await env.gateway.store.query<{ type: string }>('SELECT type FROM webhook_messages WHERE application_id = $1 ORDER BY sequence', [applicationId]);
      expect(events.rows.map((row) => row.type)).to.include('evaluation.recorded');
    });

    it('refuses a second evaluation of the same matter, an unknown indicator, a level out of range: 400 naming the field', async () => {
      expectProblem(await evaluate(applicationId, idToken, { scope: 'matter', matterCode: BIRTH_REGISTRATION, level: 4, channel: 'online' }), 400, 'VALIDATION_FAILED', '/matterCode');
      expectProblem(await evaluate(applicationId, idToken, { scope: 'theme', level: 3, indicators: ['speed'], channel: 'online' }), 400, 'VALIDATION_FAILED', '/indicators/0');
      expectProblem(await evaluate(applicationId, idToken, { scope: 'theme', level: 6, channel: 'online' }), 400, 'VALIDATION_FAILED', '/level');
      expectProblem(await evaluate(applicationId, idToken, { scope: 'theme', level: 1, channel: 'online' }), 400, 'VALIDATION_FAILED', '/indicators');
      expectProblem(await evaluate(applicationId, idToken, { scope: 'theme', level: 3, channel: 'fax' }), 400, 'VALIDATION_FAILED', '/channel');
      expect(pushesOf(applicationId)).to.have.length(1);
    });

    it('refuses someone who is neither a holder nor the submitter (403 HOLDER_MISMATCH), and another platform (404)', async () => {
      const stranger = await env.sessions.idToken(env.platform, { idNumber: idNumber('1985-05-05', '男'), name: '路人甲' });
      expectProblem(await evaluate(applicationId, stranger, { scope: 'theme', level: 5, channel: 'online' }), 403, 'HOLDER_MISMATCH');
      // Another platform does not see the application at all.
      expectProblem(await env.otherPlatform.request('GET', `/v1/applications/${applicationId}/evaluations`), 404, 'NOT_FOUND');
      const otherToken = await env.sessions.forForm(env.otherPlatform, birthForm());
      expectProblem(await env.otherPlatform.request('POST', `/v1/applications/${applicationId}/evaluations`, { body: { scope: 'theme', level: 5, channel: 'online' }, idToken: otherToken }), 404, 'NOT_FOUND');
    });

    it('a 差评 of the whole opens a follow-up that ops move through every state, each step recorded by the province', async () => {
      const answer = await evaluate(applicationId, idToken, { scope: 'theme', level: 1, indicators: ['time-limit', 'attitude'], comment: '等了很久', channel: 'online' });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
      const recorded = answer.body as EvaluationBody;
      expect(recorded.followUp).to.deep.include({ state: 'open', stateName: '待派单' });
      followUpId = recorded.followUp!.id;
      expectProblem(await evaluate(applicationId, idToken, { scope: 'theme', level: 5, channel: 'online' }), 400, 'VALIDATION_FAILED', '/scope');

      const open = await env.ops.request('GET', '/v1/ops/evaluations/follow-ups?state=open');
      const listed = (open.body as { followUps: { id: string; applicant: { idNumber: string }; levelName: string }[] }).followUps.find((item) => item.id === followUpId);
      expect(listed).to.deep.include({ levelName: '非常不满意' });
      expect(listed!.applicant.idNumber).to.match(/^\d{4}\*{10}[\dX]{4}$/);

      const transition = (body: Record<string, unknown>) => env.ops.request('POST', `/v1/ops/evaluations/follow-ups/${followUpId}/transitions`, { body });
      expectProblem(await transition({ to: 'rectified', note: '跳过派单' }), 409, 'CONFLICT');
      expectProblem(await transition({ to: 'assigned', note: '派单' }), 400, 'VALIDATION_FAILED', '/assignee');
      expectProblem(await transition({ to: 'archived', note: '?' }), 400, 'VALIDATION_FAILED', '/to');
      for (const [to, note] of [['assigned', '派单至户政窗口'], ['rectified', '已优化取号流程'], ['revisited', '电话回访申请人，表示认可'], ['closed', '整改完毕']] as const) {
        const step = await transition({ to, note, ...(to === 'assigned' ? { assignee: '公安局户政科 王科长' } : {}) });
        expect(step.status, JSON.stringify(step.body)).to.equal(200);
        expect(step.body).to.deep.include({ state: to, assignee: '公安局户政科 王科长' });
      }
      expectProblem(await transition({ to: 'closed', note: '再次关闭' }), 409, 'CONFLICT');

      const record = await waitFor(() => {
        const found = recordOf(applicationId, 'THEME');
        return found && found.rectifications.length === 4 ? found : undefined;
      }, { what: 'the province to record every follow-up step' });
      expect(record).to.deep.include({ serviceCode: BIRTH_THEME, deptCode: 'gaj', level: 1 });
      expect(record.rectifications.map((step) => [step.status, step.handler])).to.deep.equal([
        ['ASSIGNED', '公安局户政科 王科长'], ['RECTIFIED', '公安局户政科 王科长'], ['REVISITED', '公安局户政科 王科长'], ['CLOSED', '公安局户政科 王科长'],
      ]);
      const audit = await env.gateway.store.query<{ client_id: string; details: string }>("SELECT client_id, details FROM ops_audit WHERE target = $1 AND action = 'evaluation.follow-up' ORDER BY id", [followUpId]);
      expect(audit.rows.map((row) => [row.client_id, (JSON.parse(row.details) as { to: string }).to])).to.deep.equal([['ops', 'assigned'], ['ops', 'rectified'], ['ops', 'revisited'], ['ops', 'closed']]);
      const events = await env.gateway.store.query<{ type: string }>("SELECT type FROM webhook_messages WHERE application_id = $1 AND type = 'evaluation.follow_up_updated'", [applicationId]);
      expect(events.rows).to.have.length(4);
      const view = (await env.platform.request('GET', `/v1/applications/${applicationId}`)).body as { evaluations: EvaluationBody[] };
      expect(view.evaluations.map((evaluation) => evaluation.followUp?.state ?? null)).to.deep.equal([null, 'closed']);
    });
  });

  describe('a 差评 left open past its period; the province down', () => {
    let applicationId: string;
    let idToken: string;

    before(async () => {
      let subApplicationId: string;
      ({ applicationId, subApplicationId, idToken } = await submitBirth('钱超期'));
      await complete(subApplicationId);
    });

    it('alerts an overdue follow-up once', async () => {
      const answer = await evaluate(applicationId, idToken, { scope: 'matter', matterCode: BIRTH_REGISTRATION, level: 2, indicators: ['guide'], channel: 'window' });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
      const followUpId = (answer.body as EvaluationBody).followUp!.id;
      // Its period ends in 10 working days: move the due time to the past rather than wait.
      await env.gateway.store.query('UPDATE evaluation_follow_ups SET due_at = $2 WHERE id = $1', [followUpId, Date.now() - 1000]);
      await env.gateway.alerts!.checkOverdue();
      await env.gateway.alerts!.checkOverdue();
      await env.gateway.alerts!.idle();
      const overdue = alerts.accepted().filter((alert) => alert.type === 'evaluation.followUpOverdue');
      expect(overdue.map((alert) => alert['followUpId'])).to.deep.equal([followUpId]);
      const listed = await env.ops.request('GET', '/v1/ops/evaluations/follow-ups?state=open');
      expect((listed.body as { followUps: { id: string; overdue: boolean }[] }).followUps.find((item) => item.id === followUpId)).to.deep.include({ overdue: true });
    });

    it('the dashboard page /ops/evaluations lists the follow-up in Chinese, overdue, and assigns it (audited with the user, recorded by the province)', async () => {
      const browser = new DashboardClient(env.gateway.url);
      expect((await browser.login('zhang.min', 'dashboard password')).status).to.equal(303);
      const listed = await browser.get('/ops/evaluations?state=open');
      expect(listed.status, listed.body).to.equal(200);
      const row = /<tr data-follow-up="([^"]+)" data-state="open">[\s\S]*?<\/tr>/.exec(listed.body);
      expect(row, listed.body).to.not.equal(null);
      expect(row![0]).to.contain('待派单').and.contain('2 不满意').and.contain('逾期 overdue').and.contain('**********');
      const followUpId = row![1]!;
      const moved = await browser.post(`/ops/evaluations/follow-ups/${followUpId}/transitions`, { _csrf: DashboardClient.csrfOf(listed.body), to: 'assigned', assignee: '公安局户政科', note: '派单整改' });
      expect(moved.status, moved.body).to.equal(303);
      const after = await browser.get('/ops/evaluations?state=assigned');
      expect(after.body).to.match(new RegExp(`data-follow-up="${followUpId}" data-state="assigned"[\\s\\S]*?已派单`));
      const wrong = await browser.post(`/ops/evaluations/follow-ups/${followUpId}/transitions`, { _csrf: DashboardClient.csrfOf(after.body), to: 'closed', note: '跳过' });
      expect(wrong.status).to.equal(409);
      const audit = await env.gateway.store.query<{ client_id: string }>("SELECT client_id FROM ops_audit WHERE target = $1 AND action = 'evaluation.follow-up'", [followUpId]);
      expect(audit.rows.map((entry) => entry.client_id)).to.deep.equal(['ops:zhang.min']);
      await waitFor(() => recordOf(applicationId, 'MATTER')?.rectifications.some((step) => step.status === 'ASSIGNED' && step.handler === '公安局户政科'), { what: 'the province to record the assignment' });
    });

    it('retries a push while the province is down, dead-letters it after the last attempt, and delivers it once when ops replay it', async () => {
      province.faults.goDown();
      try {
        const answer = await evaluate(applicationId, idToken, { scope: 'theme', level: 4, channel: 'online' });
        expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
        const evaluationId = (answer.body as EvaluationBody).id;
        const dead = await waitFor(async () => {
          const list = await env.ops.request('GET', '/v1/ops/evaluations/pushes?state=dead');
          return (list.body as { pushes: { id: string; evaluationId: string; attempts: number; lastError: string }[] }).pushes.find((push) => push.evaluationId === evaluationId);
        }, { what: 'the push to be dead-lettered' });
        expect(dead.attempts).to.equal(4);
        expect(dead.lastError).to.match(/unavailable/);
        expect(recordOf(applicationId, 'THEME')).to.equal(undefined);
        await waitFor(() => alerts.accepted().find((alert) => alert.type === 'evaluation.pushDead' && alert['pushId'] === dead.id), { what: 'the dead push to be alerted' });
        province.faults.reset();
        const replay = await env.ops.request('POST', `/v1/ops/evaluations/pushes/${dead.id}/replay`);
        expect(replay.status, JSON.stringify(replay.body)).to.equal(200);
        expectProblem(await env.ops.request('POST', `/v1/ops/evaluations/pushes/${dead.id}/replay`), 409, 'CONFLICT');
        await waitFor(() => recordOf(applicationId, 'THEME'), { what: 'the replayed push to reach the province' });
        await waitFor(async () => {
          const list = await env.platform.request('GET', `/v1/applications/${applicationId}/evaluations`);
          return (list.body as { evaluations: EvaluationBody[] }).evaluations.find((evaluation) => evaluation.id === evaluationId)?.push.state === 'delivered';
        }, { what: 'the push to be recorded delivered' });
        expect(pushesOf(applicationId).filter((request) => (request.body as { scope: string }).scope === 'THEME')).to.have.length(1);
      } finally {
        province.faults.reset();
      }
    });
  });
});
