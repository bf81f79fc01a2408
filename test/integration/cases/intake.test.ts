/**
 * Intake through the gateway, on SQLite and PostgreSQL: one signed
 * submission of the merged form → the application, one sub-application per
 * matter in its department's form, and their outbox entries, all or nothing.
 * Idempotency, validation with every JSON Pointer at fault, unmapped themes,
 * the prefill evidence token, and who may submit: a holder of the form, or
 * the person an authorisation of the caller was recorded for (#18).
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { decodeJwt } from 'jose';
import { randomUUID } from 'node:crypto';
import type { SigningClientResponse } from '../../../src/trust/signing-client.js';
import {
  BIRTH_REGISTRATION, BIRTH_THEME, birthForm, birthSubmission, HIRING_THEME, hiringForm, idNumber, hiringSubmission, INSURANCE, prefillBirthForMother,
  SOCIAL_SECURITY_CARD, startDeliveryEnvironment, type DeliveryEnvironment,
} from '../../helpers/delivery-environment.js';
import { SqliteStore, type SqlValue } from '../../../src/store/index.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';
import { devKey } from '../../helpers/dev-keys.js';
import { satisfyMaterials } from '../../helpers/materials.js';
import { formHolder, loginAt, registerPerson } from '../../helpers/identity.js';
import { signRequest } from '../../../src/trust/index.js';
import type { ActorRecord } from '../../../src/identity/index.js';

interface SubmissionAnswer {
  applicationId: string;
  status: string;
  themeCode: string;
  subApplications: { id: string; matterCode: string; departmentCode: string; status: string; after: string[] }[];
  changedFromPrefill: string[];
}

function expectProblem(answer: SigningClientResponse, status: number, code: string): { errors?: { pointer: string; message: string }[]; detail: string } {
  expect(answer.status, JSON.stringify(answer.body)).to.equal(status);
  expect(answer.headers['content-type']).to.match(/application\/problem\+json/);
  expect(answer.body).to.include({ code });
  return answer.body as { errors?: { pointer: string; message: string }[]; detail: string };
}

for (const fixture of storeFixtures()) describe(`intake: POST /v1/applications (${fixture.name})`, function () {
  this.timeout(60_000);
  let env: DeliveryEnvironment;

  before(async function () {
    this.timeout(60_000);
    // The dispatcher stays off: intake is what is tested here, deliveries stay as stored.
    env = await startDeliveryEnvironment(fixture, { licenceLibrary: true, env: { TONGBAN_DISPATCHER: 'false' } });
  });
  after(async function () {
    await env?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });

  /** Rows of the intake tables: a refused submission must leave them as they were. */
  async function counts(): Promise<Record<string, number>> {
    const result: Record<string, number> = {};
    for (const table of ['applications', 'sub_applications', 'deliveries']) {
      const { rows } = await env.gateway.store.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${table}`);
      result[table] = Number(rows[0]!.n);
    }
    return result;
  }

  async function storedSub(id: string) {
    const { rows } = await env.gateway.store.query<{ form: string; provenance: string; status: string; department_code: string; state: string; channel: string; idempotency_key: string }>(
      `SELECT s.form, s.provenance, s.status, s.department_code, d.state, d.channel, d.idempotency_key
         FROM sub_applications s JOIN deliveries d ON d.sub_application_id = s.id WHERE s.id = $1`, [id]);
    const row = rows[0]!;
    return { ...row, form: JSON.parse(row.form) as Record<string, unknown>, provenance: JSON.parse(row.provenance) as Record<string, { source: string; licenceIdentifier?: string }> };
  }

  it('answers 202 with the application; each sub-application goes to its department with only the fields its matter needs', async () => {
    const form = birthForm();
    const answer = await env.submit(birthSubmission(form));
    expect(answer.status, JSON.stringify(answer.body)).to.equal(202);
    expect(answer.verified).to.equal(true);
    const body = answer.body as SubmissionAnswer;
    expect(answer.headers['location']).to.equal(`/v1/applications/${body.applicationId}`);
    expect(body).to.include({ status: 'received', themeCode: BIRTH_THEME });
    expect(body.subApplications.map((sub) => [sub.matterCode, sub.departmentCode, sub.status, sub.after])).to.deep.equal([
      [BIRTH_REGISTRATION, 'gaj', 'queued', []],
      [INSURANCE, 'ybj', 'waiting', [BIRTH_REGISTRATION]],
      [SOCIAL_SECURITY_CARD, 'mzrsj', 'waiting', [BIRTH_REGISTRATION]],
    ]);

    const [registration, insurance, card] = await Promise.all(body.subApplications.map((sub) => storedSub(sub.id)));
    // 公安: dates YYYYMMDD, sex as GB/T 2261 code; nothing of 参保 (address, insurance type) or of the guardian.
    expect(registration!.form).to.deep.equal({
      xsexm: form.child!['name'], xsexb: '1', csrq: '20261110', csdd: form.child!['birthPlace'], cyzmbh: form.child!['birthCertificateNumber'],
      mqxm: form.mother!['name'], mqsfzhm: form.mother!['idNumber'], fqxm: form.father!['name'], fqsfzhm: form.father!['idNumber'], lxdh: form.applicant!['phone'],
    });
    // The child's ID number is not asked: 出生登记's result fills it later.
    expect(insurance!.form).to.deep.equal({ xm: form.child!['name'], lxdh: form.applicant!['phone'], xb: '1', csrq: '2026-11-10', hjdz: form.child!['address'], cbxz: '390' });
    expect(card!.form).to.deep.equal({ xm: form.child!['name'], lxdh: form.applicant!['phone'], xb: '1', csrq: '2026-11-10', jhrxm: form.guardian!['name'], jhrsfzhm: form.guardian!['idNumber'] });
    expect(Object.values(registration!.provenance).every((source) => source.source === 'user')).to.equal(true);
    expect([registration, insurance, card].map((sub) => [sub!.department_code, sub!.channel, sub!.state])).to.deep.equal([
      ['gaj', 'rest', 'pending'], ['ybj', 'inbox', 'waiting'], ['mzrsj', 'soap', 'waiting'],
    ]);
    expect(registration!.idempotency_key).to.equal(`tongban-${body.subApplications[0]!.id}`);

    const view = await env.application(body.applicationId);
    expect(view.status).to.equal('received');
    expect(view.subApplications.map((sub) => [sub.departmentCode, sub.status, sub.delivery.state, sub.delivery.attempts])).to.deep.equal([
      ['gaj', 'queued', 'pending', 0], ['ybj', 'waiting', 'waiting', 0], ['mzrsj', 'waiting', 'waiting', 0],
    ]);
    expect(view.subApplications[0]!.deadline).to.deep.include({ promisedDays: 8, statutoryDays: 20, dueDate: null });
  });

  it('narrows to the scenario: without 参保 only 出生登记 is filed, and 参保 fields are refused', async () => {
    const form = birthForm();
    delete form.child!['address'];
    delete form.child!['insuranceType'];
    delete form.guardian;
    const answer = await env.submit(birthSubmission(form, { enrolInsurance: false }));
    expect(answer.status, JSON.stringify(answer.body)).to.equal(202);
    expect((answer.body as SubmissionAnswer).subApplications.map((sub) => sub.matterCode)).to.deep.equal([BIRTH_REGISTRATION]);

    const before = await counts();
    const refused = expectProblem(await env.submit(birthSubmission(birthForm(), { enrolInsurance: false })), 400, 'VALIDATION_FAILED');
    expect(refused.errors!.map((error) => error.pointer)).to.have.members(['/form/child/address', '/form/child/insuranceType', '/form/guardian']);
    expect(await counts()).to.deep.equal(before);
  });

  it('a retried submission (same key, same body) returns the first answer; no second application', async () => {
    const key = `retry-${randomUUID()}`;
    const body = birthSubmission();
    const first = await env.submit(body, key);
    expect(first.status).to.equal(202);
    expect(first.headers['idempotent-replayed']).to.equal(undefined);
    const before = await counts();
    const again = await env.submit(body, key);
    expect(again.status).to.equal(202);
    expect(again.headers['idempotent-replayed']).to.equal('true');
    expect(again.body).to.deep.equal(first.body);
    expect(await counts()).to.deep.equal(before);

    // Keys belong to a client: another platform using the same key files its own application.
    const other = await env.submit(body, key, env.otherPlatform);
    expect(other.status).to.equal(202);
    expect((other.body as SubmissionAnswer).applicationId).to.not.equal((first.body as SubmissionAnswer).applicationId);
    // … and cannot read the first platform's application.
    const foreign = await env.otherPlatform.request('GET', `/v1/applications/${(first.body as SubmissionAnswer).applicationId}`);
    expectProblem(foreign, 404, 'NOT_FOUND');
  });

  it('the same key and body sent at once by several requests store one application and answer each with it', async () => {
    const key = `race-${randomUUID()}`;
    // The materials uploaded once, before: every request then carries the same body.
    const body = { ...birthSubmission(), materials: await satisfyMaterials(env.platform, BIRTH_THEME) };
    const before = await counts();
    const answers = await Promise.all(Array.from({ length: 5 }, () => env.submit(body, key)));
    expect(answers.map((answer) => answer.status)).to.deep.equal([202, 202, 202, 202, 202]);
    expect(new Set(answers.map((answer) => (answer.body as SubmissionAnswer).applicationId)).size).to.equal(1);
    expect(answers.filter((answer) => answer.headers['idempotent-replayed'] === 'true').length).to.equal(4);
    const after = await counts();
    expect(after['applications']! - before['applications']!).to.equal(1);
  });

  it('an upload already referenced is read once per gateway: later submissions naming it ask the database nothing for it', async () => {
    const materials = await satisfyMaterials(env.platform, BIRTH_THEME);
    const store = env.gateway.store;
    const query = store.query;
    let lookups = 0;
    store.query = function (this: typeof store, sql: string, params?: readonly SqlValue[]) {
      if (/FROM material_uploads WHERE id IN/.test(sql)) lookups += 1;
      return query.call(this, sql, params);
    } as typeof store.query;
    try {
      const perSubmission: number[] = [];
      for (let round = 0; round < 3; round += 1) {
        const before = lookups;
        expect((await env.submit({ ...birthSubmission(), materials })).status).to.equal(202);
        perSubmission.push(lookups - before);
      }
      // Unreferenced when first named (read, then marked in the intake transaction); read again, now referenced; then kept.
      expect(perSubmission).to.deep.equal([1, 1, 0]);
    } finally {
      store.query = query;
    }
  });

  it('the same key with a different body is 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const key = `reuse-${randomUUID()}`;
    expect((await env.submit(birthSubmission(), key)).status).to.equal(202);
    const before = await counts();
    const changed = birthSubmission(birthForm({ child: { name: '王小红', sex: '女' } }));
    expectProblem(await env.submit(changed, key), 422, 'IDEMPOTENCY_KEY_REUSED');
    expect(await counts()).to.deep.equal(before);
  });

  it('a retry answered with the first answer uses up its own jti (sent again: 401); the application\'s holders and materials are stored once', async () => {
    const key = await devKey('platform');
    const materials = await satisfyMaterials(env.platform, BIRTH_THEME);
    const form = birthForm();
    const raw = JSON.stringify({ ...birthSubmission(form), materials });
    const idToken = await env.sessions.forForm(env.platform, form);
    const idempotencyKey = `retry-jti-${randomUUID()}`;
    const send = async () => {
      const headers = {
        'idempotency-key': idempotencyKey, 'tongban-id-token': idToken,
        ...await signRequest({ method: 'POST', pathAndQuery: '/v1/applications', body: raw, clientId: 'platform', key, idToken }),
      };
      return async () => {
        const answer = await fetch(`${env.gateway.url}/v1/applications`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: raw });
        return { status: answer.status, replayed: answer.headers.get('idempotent-replayed'), body: await answer.json() as SubmissionAnswer & { code?: string } };
      };
    };
    const first = await (await send())();
    expect(first.status, JSON.stringify(first.body)).to.equal(202);
    const before = await counts();
    const retry = await send();
    const again = await retry();
    expect([again.status, again.replayed]).to.deep.equal([202, 'true']);
    expect(again.body).to.deep.equal(first.body);
    const replayed = await retry();
    expect([replayed.status, replayed.body.code]).to.deep.equal([401, 'REPLAY_DETECTED']);
    expect(await counts()).to.deep.equal(before);
    // Several holders and materials, each written in one statement: every row once.
    const id = first.body.applicationId;
    const holders = await env.gateway.store.query<{ role: string }>('SELECT role FROM application_holders WHERE application_id = $1 ORDER BY role', [id]);
    expect(holders.rows.length).to.be.greaterThan(1);
    expect(new Set(holders.rows.map((row) => row.role)).size).to.equal(holders.rows.length);
    const stored = await env.gateway.store.query<{ material_code: string; upload_id: string | null }>(
      'SELECT material_code, upload_id FROM application_materials WHERE application_id = $1 ORDER BY material_code', [id]);
    const uploaded = Object.entries(materials).flatMap(([code, entry]) => (typeof entry['upload'] === 'string' ? [{ material_code: code, upload_id: entry['upload'] }] : []))
      .sort((a, b) => a.material_code.localeCompare(b.material_code));
    expect(uploaded.length).to.be.greaterThan(0);
    expect(stored.rows.filter((row) => row.upload_id !== null)).to.deep.equal(uploaded);
  });

  it('a replayed signature (same jti) is 401 REPLAY_DETECTED, after an accepted and after a refused submission; nothing more is stored', async () => {
    // The jti is recorded in the intake transaction itself, or before any other answer: either way only once.
    const key = await devKey('platform');
    const send = async (raw: string, headers: Record<string, string>) => {
      const answer = await fetch(`${env.gateway.url}/v1/applications`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: raw });
      return { status: answer.status, body: await answer.json() as { code?: string } };
    };
    const form = birthForm();
    const idToken = await env.sessions.forForm(env.platform, form);
    const signedHeaders = async (raw: string, idempotencyKey: string) => ({
      'idempotency-key': idempotencyKey, 'tongban-id-token': idToken,
      ...await signRequest({ method: 'POST', pathAndQuery: '/v1/applications', body: raw, clientId: 'platform', key, idToken }),
    });
    const materials = await satisfyMaterials(env.platform, BIRTH_THEME);
    for (const [what, body, firstStatus] of [['accepted', { ...birthSubmission(form), materials }, 202], ['refused', { ...birthSubmission(), form: {} }, 400]] as const) {
      const raw = JSON.stringify(body);
      const headers = await signedHeaders(raw, `replay-${what}-${randomUUID()}`);
      const first = await send(raw, headers);
      expect(first.status, `${what}: ${JSON.stringify(first.body)}`).to.equal(firstStatus);
      const before = await counts();
      const replayed = await send(raw, headers);
      expect(replayed.status, what).to.equal(401);
      expect(replayed.body.code, what).to.equal('REPLAY_DETECTED');
      expect(await counts(), what).to.deep.equal(before);
    }
  });

  it('a refused role consumes its jti too: the same signed request again is 401 REPLAY_DETECTED, not another 403', async () => {
    const raw = JSON.stringify(birthSubmission());
    const headers = {
      'content-type': 'application/json', 'idempotency-key': `ops-${randomUUID()}`,
      ...await signRequest({ method: 'POST', pathAndQuery: '/v1/applications', body: raw, clientId: 'ops', key: await devKey('ops') }),
    };
    const send = async () => {
      const answer = await fetch(`${env.gateway.url}/v1/applications`, { method: 'POST', headers, body: raw });
      return { status: answer.status, code: (await answer.json() as { code?: string }).code };
    };
    expect(await send()).to.deep.equal({ status: 403, code: 'ROLE_NOT_ALLOWED' });
    expect(await send()).to.deep.equal({ status: 401, code: 'REPLAY_DETECTED' });
  });

  it('a submission without Idempotency-Key is 400 and stores nothing', async () => {
    const before = await counts();
    const problem = expectProblem(await env.submit(birthSubmission(), null), 400, 'VALIDATION_FAILED');
    expect(problem.errors!.map((error) => error.pointer)).to.deep.equal(['/headers/idempotency-key']);
    expectProblem(await env.submit(birthSubmission(), 'short'), 400, 'VALIDATION_FAILED');
    // Visible ASCII only, 8–200 of it: no inner space, no Latin-1 byte, nothing longer.
    for (const key of ['a key with spaces', 'schlüssel-0001', 'k'.repeat(201)]) {
      const refused = expectProblem(await env.submit(birthSubmission(), key), 400, 'VALIDATION_FAILED');
      expect(refused.errors!.map((error) => error.pointer), key).to.deep.equal(['/headers/idempotency-key']);
    }
    expect(await counts()).to.deep.equal(before);
  });

  it('schema violations list every JSON Pointer at fault, and nothing is stored', async () => {
    const form = birthForm();
    const id = String(form.mother!['idNumber']);
    form.mother!['idNumber'] = `${id.slice(0, 17)}${id.endsWith('0') ? '1' : '0'}`; // wrong check character
    delete form.child!['name'];
    form.child!['nickname'] = '明明';
    form.child!['birthDate'] = '2026-02-30';
    form.applicant!['phone'] = '12345';
    const before = await counts();
    const problem = expectProblem(await env.submit(birthSubmission(form)), 400, 'VALIDATION_FAILED');
    expect(problem.errors!.map((error) => error.pointer)).to.have.members([
      '/form/mother/idNumber', '/form/child/name', '/form/child/nickname', '/form/child/birthDate', '/form/applicant/phone',
    ]);
    expect(problem.errors!.find((error) => error.pointer === '/form/mother/idNumber')!.message).to.match(/check character/);
    expect(await counts()).to.deep.equal(before);

    const answers = expectProblem(await env.submit(birthSubmission(birthForm(), { enrolInsurance: 'yes', pets: true })), 400, 'VALIDATION_FAILED');
    expect(answers.errors!.map((error) => error.pointer)).to.have.members(['/answers/enrolInsurance', '/answers/pets']);
    const shape = expectProblem(await env.submit({ form: 'no' }), 400, 'VALIDATION_FAILED');
    expect(shape.errors!.map((error) => error.pointer)).to.have.members(['/themeCode', '/form']);
    expect(await counts()).to.deep.equal(before);
  });

  it('a person whose sex disagrees with their own ID number is 400 naming the field, and nothing is stored', async () => {
    const certificate = (employee: Record<string, unknown>) => ({
      themeCode: HIRING_THEME, answers: { applyEmploymentCertificate: true },
      form: { ...hiringForm(), employee: { ...hiringForm().employee, education: '大学本科', address: '北京市东城区东华门街道1号', employmentStatus: '就业', ...employee } },
    });
    const before = await counts();
    const woman = idNumber('1998-05-02', '女');
    const problem = expectProblem(await env.submit(certificate({ idNumber: woman, sex: '男' })), 400, 'VALIDATION_FAILED');
    expect(problem.errors).to.deep.equal([{ pointer: '/form/employee/sex', message: 'disagrees with the ID number at /form/employee/idNumber, whose 17th digit gives 女' }]);
    expect(await counts()).to.deep.equal(before);
    // The same employee with the sex the ID number gives is accepted.
    expect((await env.submit(certificate({ idNumber: woman, sex: '女' }))).status).to.equal(202);
  });

  it('junk text in the merged form: each class refused with its JSON Pointer, all in one 400, and nothing stored', async () => {
    const form = birthForm({
      child: { name: '', birthPlace: ' \u3000 ', address: '<script>alert(1)</script>', birthCertificateNumber: 'Q110012345\u0000' },
      mother: { name: '李\u0000芳' },
      father: { name: '\u202e强王' },
      guardian: { name: '李\ud800芳' },
      applicant: { phone: '13800138000\ufffe' },
    });
    const before = await counts();
    const problem = expectProblem(await env.submit(birthSubmission(form)), 400, 'VALIDATION_FAILED');
    const messages = Object.fromEntries(problem.errors!.map((error) => [error.pointer, error.message]));
    expect(messages).to.have.all.keys('/form/child/name', '/form/child/birthPlace', '/form/child/address', '/form/child/birthCertificateNumber',
      '/form/mother/name', '/form/father/name', '/form/guardian/name', '/form/applicant/phone');
    expect(messages['/form/child/name']).to.match(/empty/);
    expect(messages['/form/child/birthPlace']).to.match(/empty/);
    expect(messages['/form/child/address']).to.match(/< or >/);
    expect(messages['/form/mother/name']).to.match(/control/);
    expect(messages['/form/father/name']).to.match(/bidirectional/);
    expect(messages['/form/guardian/name']).to.match(/surrogate/);
    expect(messages['/form/applicant/phone']).to.match(/noncharacter/);
    // Lengths are the dictionary's, counted after normalisation, in characters.
    const long = expectProblem(await env.submit(birthSubmission(birthForm({ child: { name: `${'王'.repeat(51)}` } }))), 400, 'VALIDATION_FAILED');
    expect(long.errors!.map((error) => error.pointer)).to.deep.equal(['/form/child/name']);
    expect(await counts()).to.deep.equal(before);
  });

  it('text is stored and split NFC and trimmed: what the departments receive is the normalised text', async () => {
    const form = birthForm({ child: { name: ' 王小明\u3000', birthPlace: 'Cafe\u0301 妇幼保健院 ', address: '\t北京市东城区东华门街道1号\n' }, mother: { name: '  李芳' } });
    // The mother logs in by her name as registered; the form's copy of it is normalised by intake.
    const idToken = await env.sessions.idToken(env.platform, { idNumber: String(form.mother!['idNumber']), name: '李芳' });
    const answer = await env.submit(birthSubmission(form), undefined, env.platform, idToken);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(202);
    const [registration, insurance] = await Promise.all((answer.body as SubmissionAnswer).subApplications.map((sub) => storedSub(sub.id)));
    expect(registration!.form).to.include({ xsexm: '王小明', csdd: 'Café 妇幼保健院', mqxm: '李芳' });
    expect(insurance!.form).to.include({ xm: '王小明', hjdz: '北京市东城区东华门街道1号' });
    const { rows } = await env.gateway.store.query<{ form: string }>('SELECT form FROM applications WHERE id = $1', [(answer.body as SubmissionAnswer).applicationId]);
    expect((JSON.parse(rows[0]!.form) as { child: Record<string, unknown> }).child).to.include({ name: '王小明', birthPlace: 'Café 妇幼保健院' });
  });

  it('a body repeating a member name is 400 naming its JSON Pointer, before anything is stored (the last value does not win)', async () => {
    const valid = JSON.stringify(birthSubmission());
    const raw = valid.replace('"mother":{"name":"李芳"', '"mother":{"name":"<script>","name":"李芳"');
    expect(raw).to.not.equal(valid);
    const before = await counts();
    const key = await devKey('platform');
    const answer = await fetch(`${env.gateway.url}/v1/applications`, {
      method: 'POST', body: raw,
      headers: { 'content-type': 'application/json', 'idempotency-key': `dup-${randomUUID()}`, ...await signRequest({ method: 'POST', pathAndQuery: '/v1/applications', body: raw, clientId: 'platform', key }) },
    });
    const problem = await answer.json() as { code: string; errors: { pointer: string }[] };
    expect(answer.status).to.equal(400);
    expect(problem.code).to.equal('VALIDATION_FAILED');
    expect(problem.errors.map((error) => error.pointer)).to.deep.equal(['/form/mother/name']);
    expect(await counts()).to.deep.equal(before);
  });

  it('property: generated form texts answer 202 or 400 with pointers, never 5xx; nothing half-written; every accepted value is NFC, trimmed and clean', async function () {
    this.timeout(120_000);
    const refusedClass = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\ufdd0-\ufdef\ufffe\uffff<>]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
    const junk = fc.constantFrom(' ', '\u3000', '\t', '\n', '\u0000', '\u0085', '\u202e', '\u2066', '\u200f', '\ud800', '\udc00', '\ufdd0', '\uffff', '<', '>', 'e\u0301', '\u00a0', '"', '\\');
    const text = fc.array(fc.oneof(fc.constantFrom('王', '李芳', '北京市东城区', '妇幼保健院', '𠀀', '·', '1号'), junk, fc.string({ unit: 'grapheme', maxLength: 4 })), { maxLength: 8 })
      .map((parts) => parts.join(''));
    let accepted = 0;
    // One mother, logged in once: the generated texts change names, never who she is.
    const base = birthForm();
    const idToken = await env.sessions.forForm(env.platform, base);
    const withTexts = (child: Record<string, unknown>, mother: Record<string, unknown>) => ({ ...base, child: { ...base.child, ...child }, mother: { ...base.mother, ...mother } });
    // The valid texts of birthForm() first: on a loaded machine the time limit may end the run before a generated text is accepted.
    await fc.assert(fc.asyncProperty(text, text, text, text, async (childName, birthPlace, address, motherName) => {
      const before = await counts();
      const answer = await env.submit(birthSubmission(withTexts({ name: childName, birthPlace, address }, { name: motherName })), undefined, env.platform, idToken);
      if (answer.status === 400) {
        const problem = answer.body as { code: string; errors: { pointer: string }[] };
        expect(problem.code).to.equal('VALIDATION_FAILED');
        expect(problem.errors.length).to.be.greaterThan(0);
        for (const error of problem.errors) expect(error.pointer).to.match(/^\/form\/(child|mother)\/(name|birthPlace|address)$/);
        expect(await counts()).to.deep.equal(before);
        return;
      }
      expect(answer.status, JSON.stringify(answer.body)).to.equal(202);
      accepted++;
      const body = answer.body as SubmissionAnswer;
      const after = await counts();
      expect(after).to.deep.equal({ applications: before['applications']! + 1, sub_applications: before['sub_applications']! + body.subApplications.length, deliveries: before['deliveries']! + body.subApplications.length });
      for (const sub of body.subApplications) {
        for (const value of Object.values((await storedSub(sub.id)).form)) {
          if (typeof value !== 'string') continue;
          expect(value).to.equal(value.normalize('NFC').trim());
          expect(value.length).to.be.greaterThan(0);
          expect(refusedClass.test(value), JSON.stringify(value)).to.equal(false);
        }
      }
    }), { seed: 20261206, numRuns: 500, interruptAfterTimeLimit: 10_000, examples: [['王小明', '北京市东城区妇幼保健院', '北京市东城区东华门街道1号', '李芳']] });
    expect(accepted, 'some generated texts are accepted').to.be.greaterThan(0);
  });

  it('a theme the province re-bundled with a matter its mapping does not know is 422 THEME_NOT_MAPPED naming the matter; an unknown theme 404', async () => {
    // Every catalogue theme is mapped: the province adds 城乡居民参保登记 to 婴儿“出生一件事”'s sibling theme MX-T33, and the next sync brings it.
    const theme = env.matters.theme('MX-T33')!;
    const syncer = env.gateway.catalogSyncer!;
    env.matters.updateThemeMatters(theme.code, [...theme.matterCodes, INSURANCE]);
    try {
      await syncer.runNow('incremental', 'test');
      const before = await counts();
      const problem = expectProblem(await env.submit({ themeCode: theme.code, answers: {}, form: {} }), 422, 'THEME_NOT_MAPPED');
      expect(problem.detail).to.include(theme.code).and.to.include(INSURANCE);
      expectProblem(await env.submit({ themeCode: 'MX-T99', answers: {}, form: {} }), 404, 'NOT_FOUND');
      expect(await counts()).to.deep.equal(before);
    } finally {
      env.matters.updateThemeMatters(theme.code, theme.matterCodes);
      await syncer.runNow('incremental', 'test');
    }
  });

  it('a database failure in the middle of the transaction leaves nothing half-written (PostgreSQL: 503), and the key stays usable', async () => {
    // The outbox insert fails after the application and its first sub-application were written in the same transaction.
    const postgres = env.gateway.store.dialect === 'postgres';
    if (postgres) {
      await env.gateway.store.query(`CREATE FUNCTION tongban_test_disk_full() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION 'could not extend file (test)' USING ERRCODE = '53100'; END $$ LANGUAGE plpgsql`);
      await env.gateway.store.query('CREATE TRIGGER tongban_test_disk_full BEFORE INSERT ON deliveries FOR EACH ROW EXECUTE FUNCTION tongban_test_disk_full()');
    } else {
      await env.gateway.store.query("CREATE TRIGGER tongban_test_disk_full BEFORE INSERT ON deliveries BEGIN SELECT RAISE(ABORT, 'outbox insert failed (test)'); END");
    }
    const key = `db-fail-${randomUUID()}`;
    const body = birthSubmission();
    const before = await counts();
    try {
      const failed = await env.submit(body, key);
      if (postgres) expectProblem(failed, 503, 'DATABASE_UNAVAILABLE');
      else expectProblem(failed, 500, 'INTERNAL_ERROR');
      expect(JSON.stringify(failed.body)).to.not.match(/deliveries|INSERT|trigger/i);
      expect(await counts()).to.deep.equal(before);
    } finally {
      await env.gateway.store.query('DROP TRIGGER tongban_test_disk_full' + (postgres ? ' ON deliveries' : ''));
    }
    const retried = await env.submit(body, key);
    expect(retried.status, JSON.stringify(retried.body)).to.equal(202);
    expect(retried.headers['idempotent-replayed']).to.equal(undefined);
    expect((await counts())['deliveries']).to.equal(before['deliveries']! + 3);
  });

  // PostgreSQL's disk full (53100) is the test above; SQLite's is real: the file at its size limit.
  if (fixture.name === 'sqlite') it('a database that is full (SQLite at its size limit: SQLITE_FULL) answers 503 with nothing written; once it has room, the same key is accepted', async () => {
    const sqlite = env.gateway.store as SqliteStore;
    // The files are uploaded while there is room; every submission below names them (a platform may reuse its uploads).
    const materials = await satisfyMaterials(env.platform, BIRTH_THEME);
    // A login while the file is full would fail too (every signed request records its jti): log the mother in first, afresh,
    // so that a session cached since earlier tests does not expire during the loop below on a slow machine.
    // One mother for every try: each try's login would be a signed request (its jti recorded) in the full file too.
    const submission = birthSubmission();
    const mother = formHolder(submission.form)!;
    await registerPerson(mother.idNumber, mother.name).catch(() => undefined); // one the platform knows keeps its entry
    const idToken = await loginAt(env.gateway.url, env.platform, mother);
    // The file may not grow by a single page, and its free pages are taken up: submissions fill what room is left
    // in the pages the tables already have, until one finds none.
    await sqlite.withDatabase((db) => {
      db.exec('CREATE TABLE tongban_test_filler (b BLOB)');
      db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
      const fill = db.prepare('INSERT INTO tongban_test_filler (b) VALUES (zeroblob(?))');
      for (const size of [4000, 500, 50]) {
        try {
          for (;;) fill.run(size);
        } catch (error) {
          if ((error as { code?: string }).code !== 'SQLITE_FULL') throw error;
        }
      }
    });
    let refused: { key: string; body: unknown; before: Record<string, number> } | undefined;
    try {
      for (let tries = 0; tries < 200 && !refused; tries += 1) {
        const key = `db-full-${randomUUID()}`;
        const body = { ...submission, materials };
        const before = await counts();
        const answer = await env.submit(body, key, env.platform, idToken);
        if (answer.status === 202) continue;
        expectProblem(answer, 503, 'DATABASE_UNAVAILABLE');
        expect((answer.body as { retryable?: boolean }).retryable).to.equal(true);
        expect(JSON.stringify(answer.body)).to.not.match(/SQLITE|full|INSERT/i);
        expect(await counts(), 'nothing of the refused submission is stored').to.deep.equal(before);
        refused = { key, body, before };
      }
      expect(refused, 'a submission refused for want of room').to.not.equal(undefined);
    } finally {
      await sqlite.withDatabase((db) => {
        db.pragma('max_page_count = 4294967294');
        db.exec('DROP TABLE tongban_test_filler');
      });
    }
    const retried = await env.submit(refused!.body, refused!.key, env.platform, idToken);
    expect(retried.status, JSON.stringify(retried.body)).to.equal(202);
    expect(retried.headers['idempotent-replayed']).to.equal(undefined);
    expect((await counts())['applications']).to.equal(refused!.before['applications']! + 1);
  });

  it('the enterprise theme splits into its filings at 民政和人社局, none waiting (no prerequisites)', async () => {
    const answer = await env.submit(hiringSubmission());
    expect(answer.status, JSON.stringify(answer.body)).to.equal(202);
    const body = answer.body as SubmissionAnswer;
    expect(body.themeCode).to.equal(HIRING_THEME);
    expect(body.subApplications.map((sub) => [sub.departmentCode, sub.status])).to.deep.equal([['mzrsj', 'queued'], ['mzrsj', 'queued']]);
    const filing = await storedSub(body.subApplications[1]!.id);
    expect(Object.keys(filing.form)).to.have.members(['tyshxydm', 'qymc', 'fddbr', 'lxdh', 'ygxm', 'ygsfzhm', 'htqsrq', 'gw']);
  });

  describe('prefill evidence token', () => {
    let token: string;
    let prefilled: Record<string, Record<string, unknown>>;

    before(async () => {
      const { mother, prefill: answer } = await prefillBirthForMother(env);
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      ({ evidenceToken: token, form: prefilled } = answer.body as { evidenceToken: string; form: Record<string, Record<string, unknown>> });
      expect(prefilled.mother!['idNumber']).to.equal(mother.idNumber);
      expect(prefilled.child!['name']).to.be.a('string');
    });

    /** The prefilled form completed with what no licence gives. */
    function completed(changes: Record<string, Record<string, unknown>> = {}) {
      const base = birthForm();
      const form: Record<string, Record<string, unknown>> = {};
      for (const group of new Set([...Object.keys(base), ...Object.keys(prefilled)])) form[group] = { ...base[group], ...prefilled[group], ...changes[group] };
      return form;
    }

    it('prefilled values left unchanged keep their licence provenance, down to the department forms', async () => {
      const answer = await env.submit({ ...birthSubmission(completed()), evidenceToken: token });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(202);
      const body = answer.body as SubmissionAnswer;
      expect(body.changedFromPrefill).to.deep.equal([]);
      const view = await env.application(body.applicationId);
      for (const field of ['mother.idNumber', 'mother.name', 'child.name', 'child.birthDate']) {
        expect(view.provenance[field], field).to.deep.include({ source: 'licence', verified: true });
        expect(view.provenance[field]!.licenceIdentifier).to.match(/^1\.2\.156\.3005\.2\./);
      }
      expect(view.provenance['applicant.phone']).to.equal(undefined); // typed by the applicant
      const registration = await storedSub(body.subApplications[0]!.id);
      expect(registration.provenance['mqsfzhm']).to.deep.include({ source: 'licence' });
      expect(registration.provenance['lxdh']).to.deep.equal({ source: 'user' });
    });

    it('a changed prefilled value becomes user-provided and is listed in changedFromPrefill', async () => {
      const answer = await env.submit({ ...birthSubmission(completed({ child: { name: '改过的名字' } })), evidenceToken: token });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(202);
      const body = answer.body as SubmissionAnswer;
      expect(body.changedFromPrefill).to.deep.equal(['child.name']);
      const view = await env.application(body.applicationId);
      expect(view.provenance['child.name']).to.equal(undefined);
      expect(view.provenance['mother.idNumber']).to.deep.include({ source: 'licence' });
      const registration = await storedSub(body.subApplications[0]!.id);
      expect(registration.form['xsexm']).to.equal('改过的名字');
      expect(registration.provenance['xsexm']).to.deep.equal({ source: 'user' });
    });

    it('a token issued to another client, for another theme or tampered with is 422 PREFILL_EVIDENCE_INVALID; nothing is stored', async () => {
      const before = await counts();
      const foreign = expectProblem(await env.submit({ ...birthSubmission(completed()), evidenceToken: token }, undefined, env.otherPlatform), 422, 'PREFILL_EVIDENCE_INVALID');
      expect(foreign.detail).to.match(/another client/);
      const otherTheme = expectProblem(await env.submit({ ...hiringSubmission(), evidenceToken: token }), 422, 'PREFILL_EVIDENCE_INVALID');
      expect(otherTheme.detail).to.include(HIRING_THEME);
      const [header, payload, signature] = token.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { aud: string };
      const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, aud: 'platform' })).toString('base64url')}x.${signature}`;
      expectProblem(await env.submit({ ...birthSubmission(completed()), evidenceToken: forged }), 422, 'PREFILL_EVIDENCE_INVALID');
      expectProblem(await env.submit({ ...birthSubmission(completed()), evidenceToken: 'not-a-token' }), 422, 'PREFILL_EVIDENCE_INVALID');
      expect(await counts()).to.deep.equal(before);
    });
  });

  describe('who submits (#18)', () => {
    /** What the application records of who submitted it. */
    async function storedActor(applicationId: string): Promise<ActorRecord & { authorizationId?: string }> {
      const { rows } = await env.gateway.store.query<{ actor: string }>('SELECT actor FROM applications WHERE id = $1', [applicationId]);
      return JSON.parse(rows[0]!.actor) as ActorRecord & { authorizationId?: string };
    }
    /** A person who is none of the form's holders, logged in at the platform. */
    const stranger = async () => {
      const person = { idNumber: idNumber('1975-06-01', '男'), name: '赵六' };
      return { ...person, idToken: await env.sessions.idToken(env.platform, person) };
    };
    /** An authorisation of the platform recorded for `person` (as a counter scan records one: no acting-for resolution), for `holderCode`. */
    async function authorisationFor(person: { idNumber: string; idToken: string }, holderCode: string, themeCode = BIRTH_THEME): Promise<string> {
      const claims = decodeJwt(person.idToken) as { sub: string; name: string; auth_time: number };
      const now = new Date();
      const recorded = await env.gateway.authorizations.recordFor('platform', {
        holder: { code: holderCode, type: 'citizen' }, licenceTypes: ['residentIdCard'], purpose: { themeCode, matterCodes: [], description: null },
        expiresAt: new Date(now.getTime() + 3_600_000), consent: { method: 'signature', at: now },
      }, {
        subject: claims.sub, subjectType: 'natural', idNumber: person.idNumber, name: claims.name, level: 'L3', methods: ['face'], authTime: claims.auth_time * 1000,
        capacity: 'guardian', guardianEvidence: '1.2.156.3005.2.TEST.guardianship',
      });
      return recorded.id;
    }

    it('a holder of the form submits, and the application records who (the login, in capacity self)', async () => {
      const form = birthForm();
      const idToken = await env.sessions.forForm(env.platform, form);
      const answer = await env.submit(birthSubmission(form), undefined, env.platform, idToken);
      expect(answer.status, JSON.stringify(answer.body)).to.equal(202);
      const claims = decodeJwt(idToken) as { sub: string; auth_time: number };
      expect(await storedActor((answer.body as SubmissionAnswer).applicationId)).to.deep.equal({
        subject: claims.sub, subjectType: 'natural', idNumber: form.mother!['idNumber'], name: '李芳', level: 'L3', methods: ['face'], authTime: claims.auth_time * 1000, capacity: 'self',
      });
    });

    it('without an ID token → 401 ID_TOKEN_MISSING, before the body is looked at; nothing stored', async () => {
      const before = await counts();
      for (const body of [birthSubmission(), { form: 'no' }]) {
        expectProblem(await env.platform.request('POST', '/v1/applications', { body, headers: { 'idempotency-key': `no-token-${randomUUID()}` } }), 401, 'ID_TOKEN_MISSING');
      }
      expect(await counts()).to.deep.equal(before);
    });

    it('a person who is none of the form\'s holders → 403 HOLDER_MISMATCH; nothing stored; the same key and body do not give them the holder\'s answer', async () => {
      const { idToken } = await stranger();
      const form = birthForm();
      const before = await counts();
      expect(expectProblem(await env.submit(birthSubmission(form), undefined, env.platform, idToken), 403, 'HOLDER_MISMATCH').detail).to.match(/authorizationId/);
      expect(await counts()).to.deep.equal(before);

      const key = `holder-${randomUUID()}`;
      const first = await env.submit(birthSubmission(form), key);
      expect(first.status, JSON.stringify(first.body)).to.equal(202);
      const stored = await counts();
      expectProblem(await env.submit(birthSubmission(form), key, env.platform, idToken), 403, 'HOLDER_MISMATCH');
      // The holder's retry is answered as before: idempotency is intact.
      const again = await env.submit(birthSubmission(form), key);
      expect([again.status, again.headers['idempotent-replayed']]).to.deep.equal([202, 'true']);
      expect(again.body).to.deep.equal(first.body);
      expect(await counts()).to.deep.equal(stored);
    });

    it('a non-holder submits under an authorisation recorded for them (authorizationId), recorded with its capacity; refused for another theme, another holder, another person, once revoked', async () => {
      const guardian = await stranger();
      const form = birthForm();
      const mother = String(form.mother!['idNumber']);
      const authorizationId = await authorisationFor(guardian, mother);
      const answer = await env.submit({ ...birthSubmission(form), authorizationId }, undefined, env.platform, guardian.idToken);
      expect(answer.status, JSON.stringify(answer.body)).to.equal(202);
      expect(await storedActor((answer.body as SubmissionAnswer).applicationId)).to.deep.include({
        idNumber: guardian.idNumber, capacity: 'guardian', guardianEvidence: '1.2.156.3005.2.TEST.guardianship', authorizationId,
      });

      const before = await counts();
      const otherTheme = await authorisationFor(guardian, mother, HIRING_THEME);
      expect(expectProblem(await env.submit({ ...birthSubmission(form), authorizationId: otherTheme }, undefined, env.platform, guardian.idToken), 403, 'HOLDER_MISMATCH').detail)
        .to.match(new RegExp(`for theme ${HIRING_THEME}`));
      const otherHolder = await authorisationFor(guardian, idNumber('1990-01-01', '女'));
      expect(expectProblem(await env.submit({ ...birthSubmission(form), authorizationId: otherHolder }, undefined, env.platform, guardian.idToken), 403, 'HOLDER_MISMATCH').detail)
        .to.match(/not one of the form's holders/);
      // The authorisation is the guardian's: a third person cannot use it, nor can another platform.
      const third = await env.sessions.idToken(env.platform, { idNumber: idNumber('1960-02-02', '女'), name: '钱七' });
      expectProblem(await env.submit({ ...birthSubmission(form), authorizationId }, undefined, env.platform, third), 403, 'HOLDER_MISMATCH');
      expectProblem(await env.submit({ ...birthSubmission(form), authorizationId }, undefined, env.otherPlatform,
        await env.sessions.idToken(env.otherPlatform, { idNumber: guardian.idNumber, name: guardian.name })), 403, 'AUTHORIZATION_REQUIRED');
      expectProblem(await env.submit({ ...birthSubmission(form), authorizationId: 42 }, undefined, env.platform, guardian.idToken), 400, 'VALIDATION_FAILED');
      await env.gateway.authorizations.revoke('platform', authorizationId);
      expectProblem(await env.submit({ ...birthSubmission(form), authorizationId }, undefined, env.platform, guardian.idToken), 403, 'AUTHORIZATION_REVOKED');
      expect(await counts()).to.deep.equal(before);
    });
  });
});
