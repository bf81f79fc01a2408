/**
 * 补正 and 容缺 end to end, on SQLite and PostgreSQL, through the real gateway
 * and department simulators (docs/materials.md §7–9): a department asks for a
 * material and a field (supplement_requested), the application shows
 * awaiting_supplement with its clock paused, the platform supplies a new
 * upload and the corrected field, and only that department receives version 2
 * under a new idempotency key listing what changed — it downloads the new file,
 * checks its hash, issues a receipt and completes; the due date moved by the
 * working days paused. A deferred material is supplied after acceptance and
 * reaches its department the same way. A deadline missed expires the request.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { addWorkingDays, chinaDate, workingDaysBetween } from '../../../src/cases/working-days.js';
import type { DeliveryMaterial, SubApplicationDelivery } from '../../../src/domain/department-channel.js';
import type { SigningClientResponse } from '../../../src/trust/signing-client.js';
import {
  BIRTH_REGISTRATION, birthForm, birthSubmission, HIRING_THEME, hiringForm, LABOUR_FILING, startDeliveryEnvironment, type DeliveryEnvironment,
} from '../../helpers/delivery-environment.js';
import { samplePdf, satisfyMaterials, upload } from '../../helpers/materials.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';
import { waitFor } from '../../helpers/wait.js';

/** What the application view shows of 补正, 容缺 and versions (the parts asserted here). */
interface View {
  status: string;
  subApplications: {
    id: string; matterCode: string; departmentCode: string; status: string; version: number; acceptanceNumber: string | null;
    delivery: { state: string };
    deadline: { dueDate: string | null; dueStatus: string | null; acceptedAt: string | null };
    supplement: { id: string; status: string; reason: string; deadline: string; materials: { code: string; name: string | null; identity: string | null }[]; fields: { field: string; canonical: string | null }[] } | null;
    supplementRequests: { id: string; status: string; version: number | null }[];
    pause: { paused: boolean; pausedSince: string | null; workingDaysSoFar: number | null; pausedWorkingDays: number };
  }[];
  materials: { code: string; version: number; satisfiedBy: string; outstanding?: { dueDate: string | null; overdue: boolean }; versions: { version: number; file?: { sha256: string } }[] }[];
}

const REGISTRATION_ID_CARD = `${BIRTH_REGISTRATION}-03`; // 居民身份证 (CL001) as 出生登记 lists it
const ROSTER = `${LABOUR_FILING}-03`; // 职工花名册 (CL012, 容缺 5 working days) as 劳动用工备案 lists it

function expectStatus(answer: SigningClientResponse, status: number): Record<string, unknown> {
  expect(answer.status, JSON.stringify(answer.body)).to.equal(status);
  return answer.body as Record<string, unknown>;
}

for (const fixture of storeFixtures()) describe(`补正 and 容缺 end to end (${fixture.name})`, function () {
  this.timeout(60_000);
  let env: DeliveryEnvironment;
  const view = async (id: string) => (await env.application(id)) as unknown as View;
  const waitView = (id: string, check: (application: View) => boolean, what: string) =>
    env.waitForApplication(id, (application) => check(application as unknown as View), what) as unknown as Promise<View>;
  const supply = (id: string, body: unknown, key = `supply-${randomUUID()}`, client = env.platform) =>
    client.request('POST', `/v1/applications/${id}/supplements`, { body, headers: { 'idempotency-key': key } });
  const received = (code: 'gaj' | 'mzrsj', key: string) => env[code].received().find((entry) => entry.delivery.idempotencyKey === key && !entry.duplicate)?.delivery;

  before(async function () {
    this.timeout(60_000);
    env = await startDeliveryEnvironment(fixture);
  });
  after(async function () {
    await env?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });

  it('补正: the department asks, the clock pauses, the supply reaches that department alone as version 2, which completes; the due date moves by the days paused', async () => {
    const child = `补正${randomUUID().slice(0, 4)}`;
    env.outcomes.gaj = (delivery) => (delivery.form['xsexm'] === child
      ? { kind: 'supplement', materials: [REGISTRATION_ID_CARD], fields: ['csdd'], reason: '身份证复印件不清晰；出生地点填写不完整', deadlineDays: 10 } : undefined);
    const submitted = expectStatus(await env.submit(birthSubmission(birthForm({ child: { name: child } })), `submit-${randomUUID()}`), 202);
    const applicationId = String(submitted['applicationId']);
    const registration = (application: View) => application.subApplications.find((sub) => sub.matterCode === BIRTH_REGISTRATION)!;
    let application = await waitView(applicationId, (candidate) => registration(candidate).status === 'delivered', 'the registration delivered');
    const sub = registration(application);
    const others = application.subApplications.filter((candidate) => candidate.id !== sub.id);
    const firstKey = `tongban-${sub.id}`;
    const first = received('gaj', firstKey)!;
    const firstIdCard = first.materials.find((material) => material.code === REGISTRATION_ID_CARD)!;
    expect(firstIdCard, 'the delivery lists 居民身份证 under the matter\'s code').to.include({ identity: 'CL001', satisfiedBy: 'upload', version: 1 });
    expect(first.version, 'version 1 carries no version member').to.equal(undefined);

    await env.gaj.flushEvents(); // accepted, then supplement_requested
    application = await waitView(applicationId, (candidate) => registration(candidate).status === 'awaiting_supplement', 'awaiting_supplement');
    expect(application.status).to.equal('awaiting_supplement');
    const asked = registration(application);
    expect(asked.supplement).to.deep.include({ status: 'open', reason: '身份证复印件不清晰；出生地点填写不完整' });
    expect(asked.supplement!.materials).to.deep.equal([{ code: REGISTRATION_ID_CARD, name: asked.supplement!.materials[0]!.name, identity: 'CL001' }]);
    expect(asked.supplement!.fields).to.deep.equal([{ field: 'csdd', canonical: 'child.birthPlace' }]);
    expect(asked.pause).to.include({ paused: true, workingDaysSoFar: 0, pausedWorkingDays: 0 });
    const dueBefore = asked.deadline.dueDate!;
    expect(dueBefore).to.match(/^\d{4}-\d{2}-\d{2}$/);

    // The department asked nine calendar days ago (the simulators cannot wait): those working days must not count.
    const pausedSince = Date.now() - 9 * 86_400_000;
    await env.gateway.store.query('UPDATE sub_applications SET paused_since = $2 WHERE id = $1', [sub.id, pausedSince]);
    const pausedDays = workingDaysBetween(chinaDate(new Date(pausedSince)), chinaDate())!;
    expect(pausedDays).to.be.greaterThan(0);

    // Incomplete answers, foreign clients and unknown uploads are refused before anything changes.
    const replacement = await upload(env.platform, samplePdf(`清晰的身份证 ${child}`), 'application/pdf');
    const partial = expectStatus(await supply(applicationId, { subApplicationId: sub.id, materials: { CL001: { upload: replacement.id } } }), 400);
    expect((partial['errors'] as { pointer: string }[]).map((error) => error.pointer)).to.deep.equal(['/fields/child.birthPlace']);
    const unknown = expectStatus(await supply(applicationId, { subApplicationId: sub.id, materials: { CL001: { upload: 'no-such-upload' } }, fields: { 'child.birthPlace': '北京市东城区妇幼保健院产科' } }), 400);
    expect((unknown['errors'] as { pointer: string }[]).map((error) => error.pointer)).to.deep.equal(['/materials/CL001/upload']);
    expect((await supply(applicationId, { subApplicationId: sub.id, materials: { CL001: { upload: replacement.id } }, fields: { 'child.birthPlace': 'x' } }, undefined, env.otherPlatform)).status).to.equal(404);

    const body = { subApplicationId: sub.id, materials: { CL001: { upload: replacement.id } }, fields: { 'child.birthPlace': '北京市东城区妇幼保健院产科' } };
    const key = `supply-${randomUUID()}`;
    const answer = expectStatus(await supply(applicationId, body, key), 202);
    expect(answer).to.deep.include({ applicationId, requestId: asked.supplement!.id, fields: ['child.birthPlace'] });
    expect(answer['subApplications']).to.deep.equal([{ id: sub.id, departmentCode: 'gaj', version: 2, status: 'accepted', changedMaterials: [REGISTRATION_ID_CARD], changedFields: ['csdd'] }]);
    expect(answer['materials']).to.deep.equal([{ code: 'CL001', version: 2, sha256: replacement.sha256 }]);
    const retry = await supply(applicationId, body, key);
    expect(retry.status).to.equal(202);
    expect(retry.headers['idempotent-replayed']).to.equal('true');
    expect(retry.body).to.deep.equal(answer);
    expectStatus(await supply(applicationId, { ...body, fields: { 'child.birthPlace': '别处' } }, key), 422);

    // gaj receives version 2 under a new key, with what changed; it downloads the new file and checks it before its receipt.
    const secondKey = `tongban-${sub.id}-v2`;
    const second: SubApplicationDelivery = await waitFor(() => received('gaj', secondKey), { what: 'version 2 at gaj', timeoutMs: 10_000 });
    expect(second.version).to.equal(2);
    expect(second.supplement).to.deep.equal({ requestId: asked.supplement!.id, reason: '身份证复印件不清晰；出生地点填写不完整', changedMaterials: [REGISTRATION_ID_CARD], changedFields: ['csdd'] });
    expect(second.form['csdd']).to.equal('北京市东城区妇幼保健院产科');
    const idCard = second.materials.find((material) => material.code === REGISTRATION_ID_CARD)!;
    expect(idCard).to.deep.include({ identity: 'CL001', satisfiedBy: 'upload', version: 2 });
    expect(idCard.file).to.include({ sha256: replacement.sha256, size: replacement.size, mediaType: 'application/pdf' });
    const unchanged = (materials: readonly DeliveryMaterial[]) => materials.filter((material) => material.code !== REGISTRATION_ID_CARD).map(({ file, ...rest }) => ({ ...rest, sha256: file?.sha256 }));
    expect(unchanged(second.materials)).to.deep.equal(unchanged(first.materials));
    expect(env.gaj.materialDownloads().some((download) => download.sha256 === replacement.sha256 && download.verified)).to.equal(true);

    application = await waitView(applicationId, (candidate) => registration(candidate).delivery.state === 'delivered' && registration(candidate).version === 2, 'version 2 delivered');
    const resumed = registration(application);
    expect(application.status).to.not.equal('awaiting_supplement');
    expect(resumed.status).to.equal('accepted');
    expect(resumed.acceptanceNumber, 'the department\'s first 受理号 stays').to.equal(sub.acceptanceNumber);
    expect(resumed.pause).to.include({ paused: false, pausedSince: null, pausedWorkingDays: pausedDays });
    const moved = addWorkingDays(dueBefore, pausedDays);
    expect(resumed.deadline.dueDate).to.equal(moved.status === 'computed' ? moved.dueDate : null);
    expect(resumed.supplement).to.equal(null);
    expect(resumed.supplementRequests).to.deep.equal([{ ...resumed.supplementRequests[0], status: 'supplied', version: 2 }]);
    const idCardMaterial = application.materials.find((material) => material.code === 'CL001')!;
    expect(idCardMaterial).to.include({ version: 2, satisfiedBy: 'upload' });
    expect(idCardMaterial.versions.map((version) => [version.version, version.file?.sha256])).to.deep.equal([[1, firstIdCard.file!.sha256], [2, replacement.sha256]]);
    // Other departments' sub-applications are untouched: still version 1, still waiting for 出生登记.
    for (const other of others) {
      const now = application.subApplications.find((candidate) => candidate.id === other.id)!;
      expect(now).to.deep.include({ version: 1, status: other.status });
    }
    const rows = await env.gateway.store.query<{ version: number; idempotency_key: string }>('SELECT version, idempotency_key FROM deliveries WHERE sub_application_id <> $1 AND sub_application_id IN (SELECT id FROM sub_applications WHERE application_id = $2)', [sub.id, applicationId]);
    expect(rows.rows.map((row) => [Number(row.version), row.idempotency_key.endsWith('-v2')])).to.deep.equal(others.map(() => [1, false]));
    const attempts = await env.gateway.store.query<{ version: number; outcome: string }>('SELECT a.version, a.outcome FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.sub_application_id = $1 ORDER BY a.id', [sub.id]);
    expect(attempts.rows.map((row) => [Number(row.version), row.outcome])).to.deep.equal([[1, 'delivered'], [2, 'delivered']]);

    await env.gaj.flushEvents(); // version 2 received: completed
    await waitView(applicationId, (candidate) => registration(candidate).status === 'completed', 'the registration completed');
    expect((await supply(applicationId, body, `supply-${randomUUID()}`)).status, 'nothing left to answer').to.equal(400);
  });

  it('容缺: a deferred material gets its due date at acceptance, is listed overdue for ops, and supplied reaches its department as version 2', async () => {
    env.outcomes.mzrsj = (delivery) => (delivery.matterCode === LABOUR_FILING ? ((delivery.version ?? 1) > 1 ? 'complete' : 'accept-only') : undefined);
    const materials = await satisfyMaterials(env.platform, HIRING_THEME, {}, (material) => (material.code === 'CL012' ? { deferred: true } : undefined));
    const submitted = expectStatus(await env.submit({ themeCode: HIRING_THEME, answers: {}, form: hiringForm(), materials }), 202);
    const applicationId = String(submitted['applicationId']);
    const filing = (application: View) => application.subApplications.find((sub) => sub.matterCode === LABOUR_FILING)!;
    let application = await waitView(applicationId, (candidate) => filing(candidate).status === 'delivered', 'the filing delivered');
    const sub = filing(application);
    const first = received('mzrsj', `tongban-${sub.id}`)!;
    expect(first.materials.find((material) => material.code === ROSTER)).to.deep.include({ identity: 'CL012', satisfiedBy: 'deferred', outstanding: { dueDate: null, days: 5 } });

    await env.mzrsj.flushEvents();
    application = await waitView(applicationId, (candidate) => filing(candidate).status === 'accepted', 'the filing accepted');
    const acceptedOn = chinaDate(new Date(filing(application).deadline.acceptedAt!));
    const due = addWorkingDays(acceptedOn, 5);
    expect(application.materials.find((material) => material.code === 'CL012')).to.deep.include({ satisfiedBy: 'deferred', outstanding: { dueDate: due.status === 'computed' ? due.dueDate : null, overdue: false } });
    expect(received('mzrsj', `tongban-${sub.id}`)!.materials.find((material) => material.code === ROSTER)!.outstanding, 'what was delivered stays as it was').to.deep.equal({ dueDate: null, days: 5 });

    // Past its due date (set back: the test cannot wait five working days), ops see it.
    await env.gateway.store.query("UPDATE application_materials SET due_date = '2020-01-02' WHERE application_id = $1 AND material_code = 'CL012'", [applicationId]);
    const overdue = expectStatus(await env.ops.request('GET', '/v1/ops/outstanding-materials'), 200)['materials'] as { applicationId: string; code: string; dueDate: string; subApplications: { id: string }[] }[];
    expect(overdue.find((material) => material.applicationId === applicationId)).to.deep.include({ code: 'CL012', dueDate: '2020-01-02' });
    expect(overdue.find((material) => material.applicationId === applicationId)!.subApplications.map((entry) => entry.id)).to.deep.equal([sub.id]);

    const roster = await upload(env.platform, samplePdf(`职工花名册 ${applicationId}`), 'application/pdf');
    const answer = expectStatus(await supply(applicationId, { materials: { CL012: { upload: roster.id } } }), 202);
    expect(answer).to.deep.include({ requestId: null, materials: [{ code: 'CL012', version: 2, sha256: roster.sha256 }] });
    expect(answer['subApplications']).to.deep.equal([{ id: sub.id, departmentCode: 'mzrsj', version: 2, status: 'accepted', changedMaterials: [ROSTER], changedFields: [] }]);

    const second: SubApplicationDelivery = await waitFor(() => received('mzrsj', `tongban-${sub.id}-v2`), { what: 'version 2 at mzrsj (SOAP)', timeoutMs: 10_000 });
    expect(second.version).to.equal(2);
    expect(second.supplement).to.deep.equal({ changedMaterials: [ROSTER], changedFields: [] });
    const supplied = second.materials.find((material) => material.code === ROSTER)!;
    expect(supplied).to.deep.include({ identity: 'CL012', satisfiedBy: 'upload', version: 2 });
    expect(supplied.outstanding).to.equal(undefined);
    expect(supplied.file).to.include({ sha256: roster.sha256, size: roster.size });
    expect(env.mzrsj.materialDownloads().some((download) => download.sha256 === roster.sha256 && download.verified)).to.equal(true);
    // The other matters of the theme (same department) were not re-opened.
    const siblings = await env.gateway.store.query<{ version: number }>('SELECT version FROM sub_applications WHERE application_id = $1 AND id <> $2', [applicationId, sub.id]);
    expect(siblings.rows.length).to.be.greaterThan(0);
    expect(siblings.rows.map((row) => Number(row.version))).to.deep.equal(siblings.rows.map(() => 1));

    await waitView(applicationId, (candidate) => filing(candidate).delivery.state === 'delivered' && filing(candidate).version === 2, 'version 2 delivered');
    await env.mzrsj.flushEvents();
    application = await waitView(applicationId, (candidate) => filing(candidate).status === 'completed', 'the filing completed');
    expect(application.materials.find((material) => material.code === 'CL012')).to.deep.include({ version: 2, satisfiedBy: 'upload' });
    expect(application.materials.find((material) => material.code === 'CL012')!.outstanding).to.equal(undefined);
    const after = expectStatus(await env.ops.request('GET', '/v1/ops/outstanding-materials'), 200)['materials'] as { applicationId: string }[];
    expect(after.some((material) => material.applicationId === applicationId)).to.equal(false);
  });

  it('a missed deadline: the request expires, a supply is refused 409 SUPPLEMENT_DEADLINE_PASSED, ops see it, the department decides', async () => {
    const child = `逾期${randomUUID().slice(0, 4)}`;
    env.outcomes.gaj = (delivery) => (delivery.form['xsexm'] === child ? { kind: 'supplement', fields: ['csdd'], reason: '出生地点不完整', deadlineDays: 3 } : undefined);
    const applicationId = String(expectStatus(await env.submit(birthSubmission(birthForm({ child: { name: child } }))), 202)['applicationId']);
    const registration = (application: View) => application.subApplications.find((sub) => sub.matterCode === BIRTH_REGISTRATION)!;
    await waitView(applicationId, (candidate) => registration(candidate).status === 'delivered', 'delivered');
    await env.gaj.flushEvents();
    const application = await waitView(applicationId, (candidate) => registration(candidate).status === 'awaiting_supplement', 'awaiting_supplement');
    const request = registration(application).supplement!;
    await env.gateway.store.query("UPDATE supplement_requests SET deadline = '2020-01-02' WHERE id = $1", [request.id]);
    const expired = await env.gateway.supplementDeadlines.check();
    expect(expired.map((entry) => entry.requestId)).to.include(request.id);
    expect(registration(await view(applicationId)).supplement).to.include({ id: request.id, status: 'expired' });
    const refused = expectStatus(await supply(applicationId, { fields: { 'child.birthPlace': '北京市东城区妇幼保健院' } }), 409);
    expect(refused).to.include({ code: 'SUPPLEMENT_DEADLINE_PASSED' });
    const listed = expectStatus(await env.ops.request('GET', '/v1/ops/supplements?status=expired'), 200)['requests'] as { id: string; applicationId: string }[];
    expect(listed.find((entry) => entry.id === request.id)).to.include({ applicationId });

    const gaj = await env.department('gaj');
    const rejected = await gaj.request('POST', '/v1/departments/gaj/events', { body: {
      eventId: `reject-${randomUUID()}`, subApplicationId: registration(application).id, type: 'rejected', occurredAt: new Date().toISOString(), reason: '逾期未补正，不予受理',
    } });
    expectStatus(rejected, 201);
    expect(registration(await view(applicationId)).status).to.equal('rejected');
  });

  it('refuses a supplement request naming codes the sub-application does not have, or a deadline not after today; records a false commitment', async () => {
    const child = `校验${randomUUID().slice(0, 4)}`;
    env.outcomes.gaj = (delivery) => (delivery.form['xsexm'] === child ? 'accept-only' : undefined);
    const applicationId = String(expectStatus(await env.submit(birthSubmission(birthForm({ child: { name: child } }))), 202)['applicationId']);
    const registration = (application: View) => application.subApplications.find((sub) => sub.matterCode === BIRTH_REGISTRATION)!;
    const sub = registration(await waitView(applicationId, (candidate) => registration(candidate).status === 'delivered', 'delivered'));
    const gaj = await env.department('gaj');
    const event = (extra: Record<string, unknown>) => gaj.request('POST', '/v1/departments/gaj/events', { body: {
      eventId: `evt-${randomUUID()}`, subApplicationId: sub.id, occurredAt: new Date().toISOString(), ...extra,
    } });
    const unknown = expectStatus(await event({ type: 'supplement_requested', materials: [REGISTRATION_ID_CARD, 'XX-99'], fields: ['csdd', 'nosuch'], reason: '请补正', deadline: '2099-01-05' }), 400);
    expect((unknown['errors'] as { pointer: string }[]).map((error) => error.pointer)).to.deep.equal(['/materials/1', '/fields/1']);
    const past = expectStatus(await event({ type: 'supplement_requested', fields: ['csdd'], reason: '请补正', deadline: chinaDate() }), 400);
    expect((past['errors'] as { pointer: string }[]).map((error) => error.pointer)).to.deep.equal(['/deadline']);
    expect(registration(await view(applicationId)).status, 'nothing applied').to.equal('delivered');

    // A commitment (告知承诺) reported untrue: only on a material the delivery listed as a commitment.
    const notCommitment = expectStatus(await event({ type: 'commitment_false', materialCode: REGISTRATION_ID_CARD, reason: '承诺不实' }), 400);
    expect((notCommitment['errors'] as { pointer: string }[]).map((error) => error.pointer)).to.deep.equal(['/materialCode']);
    const { rows } = await env.gateway.store.query<{ materials: string }>('SELECT materials FROM sub_applications WHERE id = $1', [sub.id]);
    const committed = (JSON.parse(rows[0]!.materials) as DeliveryMaterial[]).map((material) => (material.code === `${BIRTH_REGISTRATION}-02` ? { ...material, satisfiedBy: 'commitment' } : material));
    await env.gateway.store.query('UPDATE sub_applications SET materials = $2 WHERE id = $1', [sub.id, JSON.stringify(committed)]);
    const eventId = `false-${randomUUID()}`;
    const report = () => gaj.request('POST', '/v1/departments/gaj/events', { body: {
      eventId, subApplicationId: sub.id, type: 'commitment_false', occurredAt: new Date().toISOString(), materialCode: `${BIRTH_REGISTRATION}-02`, reason: '经核查，户籍情况承诺不实',
    } });
    expectStatus(await report(), 201);
    expect(expectStatus(await report(), 200)).to.include({ duplicate: true });
    const reports = expectStatus(await env.ops.request('GET', '/v1/ops/commitment-reports'), 200)['reports'] as { eventId: string; subApplicationId: string; identity: string | null }[];
    expect(reports.filter((entry) => entry.eventId === eventId)).to.have.length(1);
    expect(reports.find((entry) => entry.eventId === eventId)).to.include({ subApplicationId: sub.id, identity: 'CL002' });
    expect(registration(await view(applicationId)).status, 'a false commitment alone changes no status').to.equal('delivered');
  });
});
