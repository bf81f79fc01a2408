/**
 * The window (一窗受理) end to end, on SQLite and PostgreSQL, over real
 * sockets: the applicant logs in at the identity platform simulator and has
 * their platform make a counter QR code; a staff member logs in at the counter
 * terminal and scans it; then reads the applicant's licences, prefills and
 * submits under the scan's authorisation with their own ID token — and the
 * ledger and the application record the staff member and the hall. Then every
 * refusal: a code used twice (also by two scans at once), for another hall,
 * after its time (the service's clock, no waiting), the wrong role, another
 * staff member's token.
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import QRCode from 'qrcode';
import type { LedgerEntry } from '../../../src/licences/index.js';
import type { ActorRecord } from '../../../src/identity/index.js';
import { makeCreditCode, makeIdNumber } from '../../../src/domain/identifiers/index.js';
import { createSigningClient, jwks, type SigningClient, type SigningClientResponse } from '../../../src/trust/signing-client.js';
import { devKey } from '../../helpers/dev-keys.js';
import { satisfyListed, type GuideMaterial } from '../../helpers/materials.js';
import { completeForm, type MergedFormValues } from '../../e2e/complete-form.js';
import { loginAt, registerEnterprise, registerPerson, type TestPerson } from '../../helpers/identity.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';
import { BIRTH_THEME, motherWith, startLicenceEnvironment, type LicenceEnvironment } from '../licences/environment.js';

const PREFIX = 'TONGBAN-COUNTER:1:';
const HALL = 'meizhou-hall';
const TYPES = ['residentIdCard', 'birthCertificate', 'marriageCertificate'];
const REASON = '婴儿出生一件事：窗口预填出生登记表';

interface CounterCodeView { code: string; qr: { text: string; svg: string }; hallCode: string; themeCode: string; holder: { code: string; type: string }; licenceTypes: string[]; expiresAt: string }
interface ScanView { authorizationId: string; holder: { code: string; type: string }; themeCode: string; licenceTypes: string[]; hallCode: string; expiresAt: string; applicant: { name: string; idNumber: string } }

function expectProblem(answer: SigningClientResponse, status: number, code: string): Record<string, unknown> {
  expect(answer.status, JSON.stringify(answer.body)).to.equal(status);
  expect(answer.headers['content-type']).to.match(/application\/problem\+json/);
  expect(answer.body).to.include({ code });
  return answer.body as Record<string, unknown>;
}

const pointers = (problem: Record<string, unknown>) => ((problem['errors'] ?? []) as { pointer: string }[]).map((error) => error.pointer);

/** A person known only to the identity platform simulator (registered there). */
let serial = 0;
async function staffMember(name: string): Promise<TestPerson> {
  serial += 1;
  const idNumber = makeIdNumber({ areaCode: '441402', birthDate: '1988-04-12', sequence: 700 + serial * 2 });
  await registerPerson(idNumber, name);
  return { idNumber, name };
}

for (const fixture of storeFixtures()) describe(`the window: counter QR codes (${fixture.name})`, function () {
  this.timeout(120_000);
  let env: LicenceEnvironment;
  let counter: SigningClient;
  /** How far the gateway's clock (counter codes, authorisations) runs ahead of real time. */
  let clockOffsetMs = 0;
  let mother: ReturnType<typeof motherWith> & { name: string };
  let staff: TestPerson;
  let otherStaff: TestPerson;
  let applicantToken: string;
  let staffToken: string;

  before(async function () {
    this.timeout(120_000);
    env = await startLicenceEnvironment(fixture, {
      env: { TONGBAN_DISPATCHER: 'false' },
      gateway: { clock: () => new Date(Date.now() + clockOffsetMs) },
    });
    counter = createSigningClient({ baseUrl: env.gateway.url, clientId: 'window-meizhou', key: await devKey('window-meizhou'), tongbanKeys: () => jwks(env.gateway.url) });
    const found = motherWith(env.library, ['residentIdCard', 'birthCertificate', 'marriageCertificate']);
    mother = { ...found, name: found.licences[0]!.holder.name };
    staff = await staffMember('陈窗口');
    otherStaff = await staffMember('林同事');
    applicantToken = await loginAt(env.gateway.url, env.platform, { idNumber: mother.idNumber, name: mother.name });
    staffToken = await loginAt(env.gateway.url, counter, staff);
  });
  after(async function () {
    await env?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });
  afterEach(() => { clockOffsetMs = 0; });

  async function makeCode(body: Record<string, unknown> = {}, token = applicantToken, client = env.platform): Promise<SigningClientResponse> {
    return client.request('POST', '/v1/counter-codes', { idToken: token, body: { hallCode: HALL, themeCode: BIRTH_THEME, licenceTypes: TYPES, ...body } });
  }

  async function madeCode(body: Record<string, unknown> = {}): Promise<CounterCodeView> {
    const answer = await makeCode(body);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    return answer.body as CounterCodeView;
  }

  const scan = (code: string, token = staffToken, client = counter) => client.request('POST', '/v1/counter/scans', { idToken: token, body: { code } });

  async function scanned(code: string): Promise<ScanView> {
    const answer = await scan(code);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    return answer.body as ScanView;
  }

  function licencesPath(authorizationId: string, licenceTypes = TYPES): string {
    const query = new URLSearchParams({ holderCode: mother.idNumber, holderType: 'citizen', licenceType: licenceTypes.join(','), themeCode: BIRTH_THEME, authorizationId, useCause: REASON });
    return `/v1/licences?${query.toString()}`;
  }

  const prefillBody = (authorizationId: string) => ({
    themeCode: BIRTH_THEME, answers: {}, useCause: REASON, holders: { mother: { code: mother.idNumber, type: 'citizen', authorizationId } },
  });

  it('end to end: code → QR → staff login at the counter → scan → licences, prefill and submission with the staff member\'s token, all ledgered with staff and hall', async () => {
    const made = await makeCode();
    expect(made.status, JSON.stringify(made.body)).to.equal(201);
    expect(made.headers['cache-control']).to.equal('no-store');
    const code = made.body as CounterCodeView;
    expect(code.code).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(code).to.deep.include({ hallCode: HALL, themeCode: BIRTH_THEME, holder: { code: mother.idNumber, type: 'citizen' }, licenceTypes: TYPES });
    expect(code.qr.text).to.equal(`${PREFIX}${code.code}`);
    // The SVG is the QR code of the text: the same modules as the qrcode package draws for it.
    expect(code.qr.svg).to.match(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 (\d+) \1"/);
    const modules = QRCode.create(code.qr.text, { errorCorrectionLevel: 'M' }).modules.size;
    expect(code.qr.svg).to.include(`viewBox="0 0 ${modules + 4} ${modules + 4}"`);
    const lifetime = Date.parse(code.expiresAt) - Date.now();
    expect(lifetime).to.be.within(290_000, 300_000);

    // Only the code's SHA-256 is stored.
    const { rows: stored } = await env.gateway.store.query<{ code_hash: string; client_id: string; applicant: string }>('SELECT code_hash, client_id, applicant FROM counter_codes');
    const hash = createHash('sha256').update(code.code).digest('hex');
    expect(stored.map((row) => row.code_hash)).to.include(hash);
    expect(JSON.stringify(stored)).to.not.include(code.code);
    const row = stored.find((candidate) => candidate.code_hash === hash)!;
    expect(row.client_id).to.equal('platform');
    expect(JSON.parse(row.applicant)).to.include({ idNumber: mother.idNumber, capacity: 'self' });

    // The staff member scans the whole QR text at the counter.
    const answer = await scan(code.qr.text);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    expect(answer.verified).to.equal(true);
    const result = answer.body as ScanView;
    expect(result).to.deep.include({ holder: { code: mother.idNumber, type: 'citizen' }, themeCode: BIRTH_THEME, licenceTypes: TYPES, hallCode: HALL });
    expect(result.applicant.name).to.equal(mother.name);
    expect(result.applicant.idNumber).to.equal(`${mother.idNumber.slice(0, 6)}********${mother.idNumber.slice(14)}`);
    expect(Date.parse(result.expiresAt) - Date.now()).to.be.within(29 * 60_000, 30 * 60_000);
    const { rows: [scanRow] } = await env.gateway.store.query<{ scanned_by: string; staff: string; authorization_id: string; scanned_at: number | string }>(
      'SELECT scanned_by, staff, authorization_id, scanned_at FROM counter_codes WHERE code_hash = $1', [hash]);
    expect(scanRow).to.include({ scanned_by: 'window-meizhou', authorization_id: result.authorizationId });
    const staffRecord: Partial<ActorRecord> = { idNumber: staff.idNumber, name: staff.name, capacity: 'counter', hall: HALL };
    expect(JSON.parse(scanRow!.staff)).to.include(staffRecord);
    const { rows: [authorizationRow] } = await env.gateway.store.query<{ client_id: string; consent: string; actor: string }>(
      'SELECT client_id, consent, actor FROM authorizations WHERE id = $1', [result.authorizationId]);
    expect(authorizationRow!.client_id).to.equal('window-meizhou');
    expect(JSON.parse(authorizationRow!.consent)).to.include({ method: 'counter' });
    expect(JSON.parse(authorizationRow!.actor)).to.include(staffRecord);

    // Licences, with the staff member's own token through the counter client.
    const licences = await counter.request('GET', licencesPath(result.authorizationId), { idToken: staffToken });
    expect(licences.status, JSON.stringify(licences.body)).to.equal(200);
    const read = (licences.body as { licences: { identifier: string; ledgerSeq: number }[] }).licences;
    expect(read.map((licence) => licence.identifier).sort()).to.deep.equal(mother.licences.map((licence) => licence.identifier).sort());

    // Prefill, then the submission naming the authorisation.
    const prefill = await counter.request('POST', '/v1/prefill', { idToken: staffToken, body: prefillBody(result.authorizationId) });
    expect(prefill.status, JSON.stringify(prefill.body)).to.equal(200);
    const { form: prefilled, evidenceToken, materials: listed } = prefill.body as { form: MergedFormValues; evidenceToken: string; materials: (GuideMaterial & { satisfiedBy?: string })[] };
    expect(prefilled['mother']!['idNumber']).to.equal(mother.idNumber);
    // The rest of the form as the applicant tells it; the paper materials they hand over, scanned and uploaded by the counter.
    const guide = await env.platform.request('POST', `/v1/themes/${BIRTH_THEME}/guide`, { body: { answers: {} } });
    const form = completeForm((guide.body as { form: Record<string, unknown> }).form, prefilled);
    const materials = await satisfyListed(counter, listed, 'counter', (material) => ((material as { satisfiedBy?: string }).satisfiedBy ? null : undefined));
    const submitted = await counter.request('POST', '/v1/applications', {
      idToken: staffToken, headers: { 'Idempotency-Key': `counter-${hash.slice(0, 16)}` },
      body: { themeCode: BIRTH_THEME, answers: {}, form, materials, evidenceToken, authorizationId: result.authorizationId },
    });
    expect(submitted.status, JSON.stringify(submitted.body)).to.equal(202);
    const applicationId = (submitted.body as { applicationId: string }).applicationId;
    const { rows: [application] } = await env.gateway.store.query<{ actor: string }>('SELECT actor FROM applications WHERE id = $1', [applicationId]);
    expect(JSON.parse(application!.actor)).to.include(staffRecord);

    // Every use under the scan is the counter client's, by the staff member, at the hall.
    const uses = await env.ops.request('GET', `/v1/holders/${mother.idNumber}/licence-uses`);
    expect(uses.status, JSON.stringify(uses.body)).to.equal(200);
    const entries = (uses.body as { uses: LedgerEntry[] }).uses.filter((entry) => entry.authorizationId === result.authorizationId);
    expect(entries.length, 'the reads, then the prefill\'s').to.be.greaterThan(read.length);
    for (const seq of read.map((licence) => licence.ledgerSeq)) expect(entries.map((entry) => entry.seq)).to.include(seq);
    const staffSubject = (JSON.parse(scanRow!.staff) as ActorRecord).subject;
    expect(staffSubject).to.not.equal((JSON.parse(row.applicant) as ActorRecord).subject);
    for (const entry of entries) {
      expect(entry.clientId).to.equal('window-meizhou');
      // The ledger's view masks the ID number as the logs do.
      expect(entry.actor).to.include({ subject: staffSubject, capacity: 'counter', hall: HALL, idNumber: `${staff.idNumber.slice(0, 4)}**********${staff.idNumber.slice(-4)}` });
    }
  });

  it('refuses a code scanned twice (COUNTER_CODE_USED), and of two scans at once lets exactly one win', async () => {
    const once = await madeCode();
    await scanned(once.code);
    const again = expectProblem(await scan(once.code), 403, 'COUNTER_CODE_USED');
    expect(again['detail']).to.match(/already scanned/);

    const raced = await madeCode();
    const answers = await Promise.all([scan(raced.code), scan(raced.qr.text), scan(raced.code)]);
    expect(answers.map((answer) => answer.status).sort()).to.deep.equal([201, 403, 403]);
    for (const answer of answers.filter((candidate) => candidate.status === 403)) expect(answer.body).to.include({ code: 'COUNTER_CODE_USED' });
    const { rows } = await env.gateway.store.query<{ n: number | string }>(
      'SELECT COUNT(*) AS n FROM authorizations WHERE client_id = $1 AND id IN (SELECT authorization_id FROM counter_codes WHERE code_hash = $2)',
      ['window-meizhou', createHash('sha256').update(raced.code).digest('hex')]);
    expect(Number(rows[0]!.n)).to.equal(1);
  });

  it('refuses a code made for another hall (COUNTER_CODE_WRONG_HALL) without using it up', async () => {
    const elsewhere = await madeCode({ hallCode: 'chaozhou-hall' });
    const problem = expectProblem(await scan(elsewhere.code), 403, 'COUNTER_CODE_WRONG_HALL');
    expect(problem['detail']).to.match(/"chaozhou-hall", not for "meizhou-hall"/);
    const { rows } = await env.gateway.store.query<{ scanned_at: unknown }>('SELECT scanned_at FROM counter_codes WHERE code_hash = $1', [createHash('sha256').update(elsewhere.code).digest('hex')]);
    expect(rows[0]!.scanned_at).to.equal(null);
  });

  it('refuses a code after its 5 minutes (COUNTER_CODE_EXPIRED), and takes one just before', async () => {
    const late = await madeCode();
    const early = await madeCode();
    clockOffsetMs = 300_000;
    expect(expectProblem(await scan(late.code), 403, 'COUNTER_CODE_EXPIRED')['detail']).to.match(/expired at/);
    clockOffsetMs = 290_000;
    const taken = await scanned(early.code);
    // The authorisation runs 30 minutes from the scan on the gateway's clock.
    expect(Date.parse(taken.expiresAt) - Date.now()).to.be.within(290_000 + 29 * 60_000, 290_000 + 30 * 60_000);
  });

  it('lets only platforms make codes and only counters scan (ROLE_NOT_ALLOWED); a counter records no authorisation itself', async () => {
    const code = await madeCode();
    expectProblem(await scan(code.code, applicantToken, env.platform), 403, 'ROLE_NOT_ALLOWED');
    expectProblem(await makeCode({}, staffToken, counter), 403, 'ROLE_NOT_ALLOWED');
    expectProblem(await scan(code.code, staffToken, env.ops), 403, 'ROLE_NOT_ALLOWED');
    expectProblem(await counter.request('POST', '/v1/authorizations', { idToken: staffToken, body: {
      holder: { code: mother.idNumber, type: 'citizen' }, licenceTypes: TYPES, purpose: { themeCode: BIRTH_THEME },
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(), consent: { method: 'counter', at: new Date().toISOString() },
    } }), 403, 'ROLE_NOT_ALLOWED');
    // The refused calls did not use the code up.
    await scanned(code.code);
  });

  it('binds the authorisation to the staff member who scanned: another staff member\'s token is refused (HOLDER_MISMATCH), as is another client', async () => {
    const { authorizationId } = await scanned((await madeCode()).code);
    const colleagueToken = await loginAt(env.gateway.url, counter, otherStaff);
    expect(expectProblem(await counter.request('GET', licencesPath(authorizationId), { idToken: colleagueToken }), 403, 'HOLDER_MISMATCH')['detail'])
      .to.match(/another person's session/);
    expectProblem(await counter.request('POST', '/v1/prefill', { idToken: colleagueToken, body: prefillBody(authorizationId) }), 403, 'HOLDER_MISMATCH');
    // The applicant's own platform cannot use the counter's authorisation, even with the applicant's token.
    expectProblem(await env.platform.request('GET', licencesPath(authorizationId), { idToken: applicantToken }), 403, 'AUTHORIZATION_REQUIRED');
    expectProblem(await counter.request('GET', licencesPath(authorizationId)), 401, 'ID_TOKEN_MISSING');
    expect((await counter.request('GET', licencesPath(authorizationId), { idToken: staffToken })).status).to.equal(200);
  });

  it('validates: unknown code (404 naming /code), malformed code, hall, theme, licence types, holder; an ID token is required', async () => {
    const unknown = expectProblem(await scan(`${PREFIX}${'A'.repeat(43)}`), 404, 'NOT_FOUND');
    expect(pointers(unknown)).to.deep.equal(['/code']);
    for (const code of ['', 'TONGBAN-COUNTER:1:short', 'x'.repeat(200)]) expect(pointers(expectProblem(await scan(code), 400, 'VALIDATION_FAILED')), code).to.deep.equal(['/code']);
    expect(pointers(expectProblem(await counter.request('POST', '/v1/counter/scans', { idToken: staffToken, body: { code: 'A'.repeat(43), extra: 1 } }), 400, 'VALIDATION_FAILED'))).to.deep.equal(['/extra']);

    const cases: [Record<string, unknown>, number, string, string][] = [
      [{ hallCode: 'Meizhou Hall' }, 400, 'VALIDATION_FAILED', '/hallCode'],
      [{ themeCode: 'MX-T99' }, 404, 'NOT_FOUND', '/themeCode'],
      [{ licenceTypes: [] }, 400, 'VALIDATION_FAILED', '/licenceTypes'],
      [{ licenceTypes: ['passport'] }, 400, 'VALIDATION_FAILED', '/licenceTypes/0'],
      [{ licenceTypes: ['residentIdCard', 'businessLicence'] }, 400, 'VALIDATION_FAILED', '/licenceTypes/1'],
      [{ holder: { code: `${mother.idNumber.slice(0, 17)}${mother.idNumber.endsWith('1') ? '2' : '1'}`, type: 'citizen' } }, 400, 'VALIDATION_FAILED', '/holder/code'],
    ];
    for (const [body, status, code, pointer] of cases) expect(pointers(expectProblem(await makeCode(body), status, code)), JSON.stringify(body)).to.include(pointer);
    // Someone else's licences: the applicant is not their holder, guardian or agent.
    const stranger = motherWith(env.library, ['residentIdCard'], 1);
    expectProblem(await makeCode({ holder: { code: stranger.idNumber, type: 'citizen' }, licenceTypes: ['residentIdCard'] }), 403, 'HOLDER_MISMATCH');
    expectProblem(await env.platform.request('POST', '/v1/counter-codes', { body: { hallCode: HALL, themeCode: BIRTH_THEME, licenceTypes: TYPES } }), 401, 'ID_TOKEN_MISSING');
    expectProblem(await counter.request('POST', '/v1/counter/scans', { body: { code: 'A'.repeat(43) } }), 401, 'ID_TOKEN_MISSING');
  });

  it('lists the scans made at this counter, newest first, ID numbers masked (a staff login needed)', async () => {
    const first = await scanned((await madeCode()).code);
    const second = await scanned((await madeCode({ licenceTypes: ['residentIdCard'] })).code);
    const answer = await counter.request('GET', '/v1/counter/scans?limit=100', { idToken: staffToken });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    type Listed = { authorizationId: string; scannedAt: string; holder: { code: string }; licenceTypes: string[]; staff: { name: string; idNumber: string }; applicant: { name: string } };
    const { scans } = answer.body as { scans: Listed[] };
    const ids = scans.map((item) => item.authorizationId);
    expect(ids.indexOf(second.authorizationId)).to.be.within(0, ids.indexOf(first.authorizationId) - 1);
    expect(scans.map((item) => item.scannedAt)).to.deep.equal(scans.map((item) => item.scannedAt).sort().reverse());
    const latest = scans.find((item) => item.authorizationId === second.authorizationId)!;
    expect(latest).to.deep.include({ licenceTypes: ['residentIdCard'], holder: { code: second.applicant.idNumber, type: 'citizen' }, staff: { name: staff.name, idNumber: `${staff.idNumber.slice(0, 6)}********${staff.idNumber.slice(14)}` } });
    expect(latest.applicant.name).to.equal(mother.name);
    expect(((await counter.request('GET', '/v1/counter/scans?limit=2', { idToken: staffToken })).body as { scans: Listed[] }).scans).to.have.length(2);
    expect(JSON.stringify(scans)).to.not.include(mother.idNumber);
    expect(pointers(expectProblem(await counter.request('GET', '/v1/counter/scans?limit=0', { idToken: staffToken }), 400, 'VALIDATION_FAILED'))).to.deep.equal(['/limit']);
    expectProblem(await counter.request('GET', '/v1/counter/scans'), 401, 'ID_TOKEN_MISSING');
    expectProblem(await env.platform.request('GET', '/v1/counter/scans', { idToken: applicantToken }), 403, 'ROLE_NOT_ALLOWED');
  });

  it('makes an enterprise\'s code for its legal representative, and refuses a scan by a legal-person login (HOLDER_MISMATCH)', async () => {
    const representative = await staffMember('周法人');
    const creditCode = makeCreditCode({ registrationAuthority: '9', category: '1', areaCode: '441402', organizationCode: `7${String(serial).padStart(7, '0')}` });
    await registerEnterprise(creditCode, '梅州通办测试有限公司', representative.idNumber);
    const enterpriseToken = await loginAt(env.gateway.url, env.platform, { ...representative, creditCode, method: 'ebl' });
    const made = await makeCode({ licenceTypes: ['businessLicence'] }, enterpriseToken);
    expect(made.status, JSON.stringify(made.body)).to.equal(201);
    expect((made.body as CounterCodeView).holder).to.deep.equal({ code: creditCode, type: 'organization' });

    const legalStaffToken = await loginAt(env.gateway.url, counter, { ...representative, creditCode, method: 'ebl' });
    expect(expectProblem(await scan((made.body as CounterCodeView).code, legalStaffToken), 403, 'HOLDER_MISMATCH')['detail']).to.match(/natural person/);
  });
});
