/**
 * The core flow of 婴儿“出生一件事” over real sockets, on SQLite and
 * PostgreSQL: 出生登记 pushed to 公安 (REST, SM2 receipt), its result releasing
 * 参保登记 (医保, inbox pull + ack) and 社保卡申领 (人社, SOAP) with the child's
 * new ID number in their forms; department events moving sub-applications
 * through accepted → completed with working-day deadlines; out-of-order,
 * duplicate and foreign events.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { DepartmentOutcome } from '../../../adapters/common/department/simulator/department-events.js';
import type { ReceivedDelivery } from '../../../adapters/common/department/simulator/department-book.js';
import { resultPdf } from '../../../adapters/common/department/simulator/result-documents.js';
import { addWorkingDays, chinaDate } from '../../../src/cases/working-days.js';
import type { DepartmentResult } from '../../../src/domain/department-channel.js';
import { makeLicenceIdentifier } from '../../../src/domain/identifiers/index.js';
import type { SigningClientResponse } from '../../../src/trust/signing-client.js';
import {
  BIRTH_REGISTRATION, birthForm, birthSubmission, idNumber, startDeliveryEnvironment,
  type ApplicationView, type DeliveryEnvironment,
} from '../../helpers/delivery-environment.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';
import { waitFor } from '../../helpers/wait.js';

type Outcomes = Partial<Record<'gaj' | 'ybj' | 'mzrsj', DepartmentOutcome>>;

/** 居民户口簿 page of the newborn, as 公安 issues it on 办结. */
const householdLicence = (serial: string) => makeLicenceIdentifier({ typeCode: '11100000000001927L002', issuerCreditCode: '11441403007012346W', serial, version: 1 });

function expectProblem(answer: SigningClientResponse, status: number, code: string): { errors?: { pointer: string }[] } {
  expect(answer.status, JSON.stringify(answer.body)).to.equal(status);
  expect(answer.body).to.include({ code });
  return answer.body as { errors?: { pointer: string }[] };
}

for (const fixture of storeFixtures()) describe(`delivery and results of 出生一件事 (${fixture.name})`, function () {
  this.timeout(60_000);
  let env: DeliveryEnvironment;
  /** What each department does, by the child's name (the one value every department form of the theme carries). */
  const byChild = new Map<string, Outcomes>();

  before(async function () {
    this.timeout(60_000);
    env = await startDeliveryEnvironment(fixture);
    env.outcomes.gaj = (delivery) => byChild.get(String(delivery.form['xsexm']))?.gaj;
    env.outcomes.ybj = (delivery) => byChild.get(String(delivery.form['xm']))?.ybj;
    env.outcomes.mzrsj = (delivery) => byChild.get(String(delivery.form['xm']))?.mzrsj;
  });
  after(async function () {
    await env?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });

  /** Submits a birth application for a child named `child` whose departments act as `outcomes`. */
  async function submitBirth(child: string, outcomes: Outcomes, answers: Record<string, unknown> = {}): Promise<ApplicationView> {
    byChild.set(child, outcomes);
    const answer = await env.submit(birthSubmission(birthForm({ child: { name: child } }), answers));
    expect(answer.status, JSON.stringify(answer.body)).to.equal(202);
    return env.application((answer.body as { applicationId: string }).applicationId);
  }

  const received = (simulator: { received(): ReceivedDelivery[] }, subApplicationId: string) =>
    simulator.received().filter((entry) => entry.delivery.subApplicationId === subApplicationId);

  async function postEvent(department: string, event: Record<string, unknown>, as = department): Promise<SigningClientResponse> {
    const client = await env.department(as);
    return client.request('POST', `/v1/departments/${department}/events`, { body: { eventId: `evt-${randomUUID()}`, occurredAt: new Date().toISOString(), ...event } });
  }

  describe('one application through all three channels', () => {
    const childId = idNumber('2026-11-10', '男');
    const licence = householdLicence('20260000101');
    let applicationId: string;
    let subIds: string[];

    it('pushes 出生登记 to 公安 (REST) and stores its verified, SM2-signed receipt; 参保 and 社保卡 wait for its result', async () => {
      const pdf = resultPdf(['出生登记结果']).toString('base64');
      // The licence comes before the value on purpose: the ID number field must still get the value.
      const results = [
        { name: '出生登记证明', documentBase64: pdf }, { name: '居民户口簿', licenceIdentifier: licence },
        { name: '公民身份号码', value: childId } as DepartmentResult,
      ];
      const submitted = await submitBirth('张一号', { gaj: { kind: 'complete', results } });
      applicationId = submitted.id;
      subIds = submitted.subApplications.map((sub) => sub.id);
      const polls = env.ybj.polls().length;
      const view = await env.waitForApplication(applicationId, (current) => current.subApplications[0]!.status === 'delivered', '公安 to acknowledge');
      const [registration, insurance, card] = view.subApplications as [ApplicationView['subApplications'][number], ApplicationView['subApplications'][number], ApplicationView['subApplications'][number]];
      expect(registration.acceptanceNumber).to.match(/^GAJ\d{13}$/);
      expect(registration.delivery).to.deep.include({ state: 'delivered', attempts: 1, lastError: null });
      expect(registration.receipt!.acceptanceNumber).to.equal(registration.acceptanceNumber);
      expect(registration.receipt!.evidence).to.deep.include({ signatureVerified: true, acceptanceNumber: registration.acceptanceNumber });
      expect(registration.receipt!.evidence.evidence.format).to.equal('tongban-signature-v1');
      expect(view.status).to.equal('in_progress');

      const pushed = received(env.gaj, subIds[0]!);
      expect(pushed).to.have.length(1);
      expect(pushed[0]!.delivery).to.deep.include({ idempotencyKey: `tongban-${subIds[0]}`, departmentCode: 'gaj', matterCode: BIRTH_REGISTRATION, applicationId });
      expect(pushed[0]!.delivery.form).to.include({ xsexm: '张一号', csrq: '20261110' });

      // The inbox is polled meanwhile, but a waiting sub-application is not handed out, nor pushed.
      await waitFor(() => env.ybj.polls().length >= polls + 2, { what: 'two inbox polls' });
      expect(received(env.ybj, subIds[1]!)).to.have.length(0);
      expect(received(env.mzrsj, subIds[2]!)).to.have.length(0);
      expect([insurance.status, insurance.delivery.state, card.status, card.delivery.state]).to.deep.equal(['waiting', 'waiting', 'waiting', 'waiting']);
    });

    it('公安 accepts and completes with the child\'s ID number: 参保 (inbox) and 社保卡 (SOAP) are released with it in their forms', async () => {
      const sent = (await env.gaj.flushEvents()).filter((attempt) => attempt.event.subApplicationId === subIds[0]);
      expect(sent.map((attempt) => [attempt.event.type, attempt.status, attempt.answerVerified])).to.deep.equal([['accepted', 201, true], ['completed', 201, true]]);
      const accepted = sent[0]!.event;

      const view = await env.waitForApplication(applicationId, (current) => current.subApplications.slice(1).every((sub) => sub.status === 'delivered'),
        '参保 and 社保卡 to be delivered');
      const [registration, insurance, card] = view.subApplications as [ApplicationView['subApplications'][number], ApplicationView['subApplications'][number], ApplicationView['subApplications'][number]];
      expect(registration.status).to.equal('completed');
      expect(registration.acceptanceNumber).to.equal(accepted.acceptanceNumber);
      expect(registration.results!.map((result) => result.name)).to.deep.equal(['出生登记证明', '居民户口簿', '公民身份号码']);
      expect(registration.results![2]).to.deep.include({ value: childId });
      expect(registration.results![0]).to.have.property('documentId').that.is.a('string'); // sealed and kept, not the raw base64
      expect(registration.results![0]).to.not.have.property('documentBase64');
      // 承诺时限: 8 working days from the day of acceptance (China date).
      const due = addWorkingDays(chinaDate(new Date(accepted.occurredAt)), 8);
      expect(registration.deadline).to.deep.include({
        acceptedAt: new Date(accepted.occurredAt).toISOString(), dueDate: due.status === 'computed' ? due.dueDate : null, dueStatus: due.status, promisedDays: 8,
      });

      const pulled = received(env.ybj, subIds[1]!);
      expect(pulled).to.have.length(1);
      expect(pulled[0]!.delivery.form).to.deep.include({ xm: '张一号', sfzhm: childId, cbxz: '390' });
      const pushed = received(env.mzrsj, subIds[2]!);
      expect(pushed).to.have.length(1);
      expect(pushed[0]!.delivery.form).to.deep.include({ xm: '张一号', sfzhm: childId });
      // The prerequisite's result travels as a material: the licence, and the sealed document by reference.
      for (const delivery of [pulled[0]!.delivery, pushed[0]!.delivery]) {
        expect(delivery.prerequisiteResults).to.deep.equal([
          { matterCode: BIRTH_REGISTRATION, subApplicationId: subIds[0], name: '出生登记证明', fileRef: registration.results![0]!.documentId },
          { matterCode: BIRTH_REGISTRATION, subApplicationId: subIds[0], name: '居民户口簿', licenceIdentifier: licence },
        ]);
      }
      expect(insurance.acceptanceNumber).to.match(/^YBJ\d{13}$/);
      expect(insurance.receipt!.evidence).to.deep.include({ signatureVerified: true });
      expect(insurance.receipt!.evidence.evidence.format).to.equal('receipt-jws');
      expect(card.acceptanceNumber).to.match(/^MZRSJ\d{13}$/);
      expect(card.receipt!.evidence).to.deep.include({ signatureVerified: true });
      expect(card.receipt!.evidence.evidence.format).to.equal('soap-receipt-jws');
      expect(env.ybj.acks().filter((ack) => ack.deliveryId === insurance.delivery.id).map((ack) => ack.status)).to.deep.equal([200]);
    });

    it('医保 and 人社 complete too: the application is completed, each with its own deadline', async () => {
      const sent = [...await env.ybj.flushEvents(), ...await env.mzrsj.flushEvents()].filter((attempt) => subIds.includes(attempt.event.subApplicationId));
      expect(sent.map((attempt) => attempt.status)).to.deep.equal([201, 201, 201, 201]);
      const view = await env.waitForApplication(applicationId, (current) => current.status === 'completed', 'the application to complete');
      expect(view.subApplications.map((sub) => [sub.status, sub.deadline.promisedDays, sub.deadline.dueStatus])).to.deep.equal([
        ['completed', 8, 'computed'], ['completed', 9, 'computed'], ['completed', 2, 'computed'],
      ]);
      const document = view.subApplications[2]!.results![0]!;
      const pdf = await env.platform.request('GET', `/v1/applications/${applicationId}/documents/${String(document.documentId)}`);
      expect(pdf.status).to.equal(200);
      expect(pdf.raw.subarray(0, 5).toString('latin1')).to.equal('%PDF-');
    });
  });

  it('completed before accepted counts as both; the late accepted changes nothing', async () => {
    const childId = idNumber('2026-11-11', '女');
    const view = await submitBirth('张二号', { gaj: 'silent', ybj: 'silent', mzrsj: 'silent' });
    const registration = view.subApplications[0]!;
    await env.waitForApplication(view.id, (current) => current.subApplications[0]!.status === 'delivered', '公安 to acknowledge');

    const completedAt = new Date().toISOString();
    const completed = await postEvent('gaj', { subApplicationId: registration.id, type: 'completed', occurredAt: completedAt, acceptanceNumber: 'GAJ2026112499999', results: [{ name: '公民身份号码', value: childId }] });
    expect(completed.status, JSON.stringify(completed.body)).to.equal(201);
    expect(completed.body).to.deep.include({ status: 'completed', stale: false, duplicate: false });
    expect((completed.body as { released: string[] }).released).to.have.members([view.subApplications[1]!.id, view.subApplications[2]!.id]);

    const late = await postEvent('gaj', { subApplicationId: registration.id, type: 'accepted', occurredAt: new Date(Date.now() - 3_600_000).toISOString() });
    expect(late.status).to.equal(201);
    expect(late.body).to.deep.include({ status: 'completed', stale: true, released: [] });

    const after = await env.waitForApplication(view.id, (current) => current.subApplications.slice(1).every((sub) => sub.status === 'delivered'), 'the released matters');
    expect(after.subApplications[0]).to.deep.include({ status: 'completed', acceptanceNumber: 'GAJ2026112499999' });
    expect(after.subApplications[0]!.deadline).to.deep.include({ acceptedAt: completedAt, dueStatus: 'computed' });
    expect(received(env.mzrsj, view.subApplications[2]!.id)[0]!.delivery.form).to.include({ sfzhm: childId });
  });

  describe('event refusals and de-duplication', () => {
    let view: ApplicationView;

    before(async () => {
      view = await submitBirth('张三号', { gaj: 'silent' });
      await env.waitForApplication(view.id, (current) => current.subApplications[0]!.status === 'delivered', '公安 to acknowledge');
    });

    it('a repeated event id is answered 200 duplicate:true and applied once (its document sealed once)', async () => {
      const registration = view.subApplications[0]!;
      const event = {
        eventId: `evt-${randomUUID()}`, subApplicationId: registration.id, type: 'accepted', occurredAt: new Date().toISOString(), acceptanceNumber: 'GAJ2026112488888',
        results: [{ name: '受理通知书', documentBase64: resultPdf(['受理通知书']).toString('base64') }],
      };
      const seals = env.seals.sealOperations('gaj');
      const first = await postEvent('gaj', event);
      expect(first.status, JSON.stringify(first.body)).to.equal(201);
      const again = await postEvent('gaj', event);
      expect(again.status).to.equal(200);
      expect(again.body).to.deep.include({ duplicate: true, status: 'accepted' });
      const { rows } = await env.gateway.store.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM department_events WHERE event_id = $1', [event.eventId]);
      expect(Number(rows[0]!.n)).to.equal(1);
      expect(env.seals.sealOperations('gaj')).to.equal(seals + 1);
      // The sealed 受理通知书 is listed on the application (not only results of 办结), and downloads as a PDF.
      const listed = (await env.application(view.id)).subApplications[0] as unknown as { documents: { name: string; href: string; sealId: string | null }[] };
      expect(listed.documents.map((document) => document.name)).to.deep.equal(['受理通知书']);
      expect(listed.documents[0]!.sealId).to.be.a('string');
      const download = await env.platform.request('GET', listed.documents[0]!.href);
      expect(download.status).to.equal(200);
      expect(download.raw.subarray(0, 5).toString('latin1')).to.equal('%PDF-');
    });

    it('an event about another department\'s sub-application is 403, for an unknown one 404; nothing is sealed or recorded', async () => {
      const registration = view.subApplications[0]!;
      const seals = env.seals.sealOperations('mzrsj');
      const document = { name: '伪造结果', documentBase64: resultPdf(['x']).toString('base64') };
      expectProblem(await postEvent('mzrsj', { subApplicationId: registration.id, type: 'completed', results: [document] }), 403, 'DEPARTMENT_MISMATCH');
      expectProblem(await postEvent('mzrsj', { subApplicationId: randomUUID(), type: 'completed', results: [document] }), 404, 'NOT_FOUND');
      expect(env.seals.sealOperations('mzrsj')).to.equal(seals);
      const { rows } = await env.gateway.store.query<{ n: number | string }>("SELECT COUNT(*) AS n FROM department_events WHERE department_code = 'mzrsj' AND sub_application_id = $1", [registration.id]);
      expect(Number(rows[0]!.n)).to.equal(0);
      expect((await env.application(view.id)).subApplications[0]!.status).to.equal('accepted');
    });

    it('a department may only post to its own path: another department\'s or an unknown department\'s is 403', async () => {
      const registration = view.subApplications[0]!;
      for (const path of ['ybj', 'nosuch']) {
        const answer = await postEvent(path, { subApplicationId: registration.id, type: 'status', reason: '审核中' }, 'gaj');
        expect(answer.status, `${path}: ${JSON.stringify(answer.body)}`).to.equal(403);
      }
    });

    it('malformed events list every pointer at fault', async () => {
      const registration = view.subApplications[0]!;
      const problem = expectProblem(await postEvent('gaj', { subApplicationId: registration.id, type: 'completed', occurredAt: 'yesterday', results: [null, { name: 5 }, { name: '结果', value: 7 }] }), 400, 'VALIDATION_FAILED');
      expect(problem.errors!.map((error) => error.pointer)).to.have.members(['/occurredAt', '/results/0', '/results/1/name', '/results/2/value']);
      expectProblem(await postEvent('gaj', { subApplicationId: registration.id, type: 'rejected' }), 400, 'VALIDATION_FAILED');
    });

    it('junk text in an event (bidi, line breaks in one-line text, blanks, markup in a value another form may take) is 400 naming each pointer; nothing is recorded', async () => {
      const registration = view.subApplications[0]!;
      const eventId = `evt-${randomUUID()}`;
      const problem = expectProblem(await postEvent('gaj', {
        eventId, subApplicationId: registration.id, type: 'completed', reason: '审核\u202e中', acceptanceNumber: 'GAJ\r\n2026', results: [{ name: ' \u3000', value: '<i>4414</i>' }],
      }), 400, 'VALIDATION_FAILED');
      expect(problem.errors!.map((error) => error.pointer)).to.deep.equal(['/acceptanceNumber', '/reason', '/results/0/name', '/results/0/value']);
      const { rows } = await env.gateway.store.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM department_events WHERE event_id = $1', [eventId]);
      expect(Number(rows[0]!.n)).to.equal(0);
    });
  });

  it('a rejected prerequisite (不予受理) rejects the matters waiting for it; nothing reaches their departments', async () => {
    const view = await submitBirth('张四号', { gaj: { kind: 'reject', reason: ' 出生医学证明信息与医院记录不符\r\n请核对后重新申请 ' } });
    await env.waitForApplication(view.id, (current) => current.subApplications[0]!.status === 'delivered', '公安 to acknowledge');
    const sent = (await env.gaj.flushEvents()).filter((attempt) => attempt.event.subApplicationId === view.subApplications[0]!.id);
    expect(sent.map((attempt) => [attempt.event.type, attempt.status])).to.deep.equal([['rejected', 201]]);
    const after = await env.application(view.id);
    expect(after.status).to.equal('rejected');
    expect(after.subApplications.map((sub) => [sub.status, sub.delivery.state])).to.deep.equal([['rejected', 'delivered'], ['rejected', 'cancelled'], ['rejected', 'cancelled']]);
    expect(after.subApplications[0]!.reason).to.equal('出生医学证明信息与医院记录不符\n请核对后重新申请'); // normalised: trimmed, one kind of line break
    expect(after.subApplications[1]!.reason).to.match(/前置事项/);
    const polls = env.ybj.polls().length;
    await waitFor(() => env.ybj.polls().length >= polls + 2, { what: 'two inbox polls' });
    expect(received(env.ybj, view.subApplications[1]!.id)).to.have.length(0);
    expect(received(env.mzrsj, view.subApplications[2]!.id)).to.have.length(0);
  });
});
