/**
 * Statistics from the real path, on SQLite and PostgreSQL: a birth
 * application submitted through the API, its matters completed or rejected
 * by the department simulators' signed events, and the figures of the day
 * and the business counters agree with the application view.
 */
import { expect } from 'chai';
import { chinaDate } from '../../../src/cases/working-days.js';
import type { StatisticsRow } from '../../../src/statistics/index.js';
import { BIRTH_THEME, birthSubmission, SOCIAL_SECURITY_CARD, startDeliveryEnvironment, type ApplicationView, type DeliveryEnvironment } from '../../helpers/delivery-environment.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';

for (const fixture of storeFixtures()) describe(`statistics from the intake path (${fixture.name})`, function () {
  this.timeout(60_000);
  let env: DeliveryEnvironment;
  let view: ApplicationView;

  before(async function () {
    this.timeout(90_000);
    env = await startDeliveryEnvironment(fixture);
    // 社会保障卡申领 (mzrsj) is refused; the others complete.
    env.outcomes.gaj = () => 'complete';
    env.outcomes.ybj = () => 'complete';
    env.outcomes.mzrsj = (delivery) => (delivery.matterCode === SOCIAL_SECURITY_CARD ? 'reject' : 'complete');
    const answer = await env.submit(birthSubmission());
    expect(answer.status, JSON.stringify(answer.body)).to.equal(202);
    const id = (answer.body as { applicationId: string }).applicationId;
    // 出生登记 first (公安 accepts and completes, sending the child's ID number), then the two matters waiting for it.
    await env.waitForApplication(id, (current) => current.subApplications[0]!.status === 'delivered', '出生登记 delivered');
    await env.gaj.flushEvents();
    await env.waitForApplication(id, (current) => current.subApplications.slice(1).every((sub) => sub.delivery.state === 'delivered'), '参保 and 社保卡 delivered');
    await Promise.all([env.ybj.flushEvents(), env.mzrsj.flushEvents()]);
    view = await env.waitForApplication(id, (current) => current.subApplications.every((sub) => ['completed', 'rejected'].includes(sub.status)), 'every matter decided');
  });
  after(async function () {
    await env?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });

  /** Yesterday to the day after tomorrow (China): the submission and every decision fall inside. */
  function period(): string {
    const today = chinaDate();
    const shift = (days: number) => new Date(Date.parse(`${today}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
    return `from=${shift(-1)}&to=${shift(2)}`;
  }

  it('counts the application, its matters and their decisions per theme and per department', async () => {
    const completed = view.subApplications.filter((sub) => sub.status === 'completed');
    const rejected = view.subApplications.filter((sub) => sub.status === 'rejected');
    expect(rejected.map((sub) => sub.matterCode)).to.deep.equal([SOCIAL_SECURITY_CARD]);

    const byTheme = await env.ops.request('GET', `/v1/ops/statistics?${period()}`);
    expect(byTheme.status, JSON.stringify(byTheme.body)).to.equal(200);
    const theme = (byTheme.body as { rows: StatisticsRow[] }).rows.find((row) => row.code === BIRTH_THEME)!;
    expect(theme).to.deep.include({
      applications: 1, subApplications: view.subApplications.length, completed: completed.length, rejected: 1, supplementRequested: 0,
      // Completed the day they were accepted, long before their due date.
      onTime: completed.length, overdue: 0, deadlineUnknown: 0, onTimeRate: 1, meanWorkingDays: 0,
    });
    const { rows: materials } = await env.gateway.store.query<{ satisfied_by: string }>('SELECT satisfied_by FROM application_materials WHERE application_id = $1 AND version = 1', [view.id]);
    expect(theme.materials.total).to.equal(materials.length).and.to.be.greaterThan(0);
    expect(theme.materials.withoutUpload).to.equal(materials.filter((row) => ['licence', 'generated', 'prerequisite', 'commitment'].includes(row.satisfied_by)).length);
    expect(theme.catalogue.matters).to.be.greaterThan(0);
    expect(theme.catalogue.guided).to.be.within(theme.catalogue.online, theme.catalogue.matters);

    const byDepartment = await env.ops.request('GET', `/v1/ops/statistics?${period()}&groupBy=department`);
    const rows = (byDepartment.body as { rows: StatisticsRow[] }).rows;
    for (const department of new Set(view.subApplications.map((sub) => sub.departmentCode))) {
      const subs = view.subApplications.filter((sub) => sub.departmentCode === department);
      expect(rows.find((row) => row.code === department), department).to.deep.include({
        applications: 1, subApplications: subs.length,
        completed: subs.filter((sub) => sub.status === 'completed').length, rejected: subs.filter((sub) => sub.status === 'rejected').length,
      });
    }
  });

  it('counts them in /metrics, as the department events happened', async () => {
    const text = await (await fetch(`${env.gateway.url}/metrics`)).text();
    const value = (line: string) => Number(text.split('\n').find((candidate) => candidate.startsWith(line))?.split(' ').at(-1));
    expect(value(`tongban_applications_received_total{theme="${BIRTH_THEME}"}`)).to.equal(1);
    expect(value('tongban_sub_applications_rejected_total{department="mzrsj"}')).to.equal(1);
    for (const sub of view.subApplications.filter((candidate) => candidate.status === 'completed')) {
      const count = view.subApplications.filter((other) => other.status === 'completed' && other.departmentCode === sub.departmentCode).length;
      expect(value(`tongban_sub_applications_completed_total{department="${sub.departmentCode}"}`), sub.departmentCode).to.equal(count);
    }
  });
});
