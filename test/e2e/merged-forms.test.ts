/**
 * Merged forms end to end, for every mapped theme, through the public signed
 * API with the platform client: guide (matters in order, 前置事项, a
 * conditional matter toggled by an answer), the story's applicant logged in
 * at the identity platform simulator (every other holder delegating to them
 * from their own login), authorisations for real holders of the licence
 * library's population under the applicant's ID token, prefill (specific values and their
 * provenance — a licence, or a record of the data-sharing exchange — the evidence token, the auto-fill ratio), the licence-use
 * ledger, a revoked licence, the library going down, and the refusals —
 * then the submission of the completed merged form with its materials (a file
 * uploaded for each the guide needs one for; the licences the prefill verified
 * need none): one sub-application per applicable matter, each department form
 * holding the fields its matter maps, and each department receiving exactly
 * its own matter's materials, under its own codes and names, files verified;
 * a matter verifying a statement at intake (在线核验, 生育津贴支付) passes for an
 * insured mother and refuses one who is not, or an authorisation not naming it.
 * The auto-fill ratios and each theme's materials by the way they were satisfied are written to
 * test-output/autofill.json, and the table of docs/autofill.md to test-output/autofill.md.
 */
import { expect } from 'chai';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PopulationIndex, type Person } from '../../adapters/common/population/index.js';
import { DEFAULT_DATA_SHARING_CREDENTIALS } from '../../adapters/data-sharing/simulator/index.js';
import type { SubmissionAnswer } from '../../src/cases/submit-application.js';
import { mergedFormSchema, validateForm } from '../../src/forms/form-schema.js';
import type { Guide } from '../../src/forms/guide.js';
import { verifyEvidence } from '../../src/forms/prefill-evidence.js';
import type { PrefillResult, Provenance, SharedDataProvenance } from '../../src/forms/prefill.js';
import { SHARED_RESOURCES } from '../../src/domain/shared-data.js';
import { resolveTransform } from '../../src/forms/transforms.js';
import type { LedgerEntry } from '../../src/licences/index.js';
import type { LicenceTypeKey } from '../../src/domain/licence-library.js';
import type { SigningClientResponse } from '../../src/trust/signing-client.js';
import { satisfyListed } from '../helpers/materials.js';
import { waitFor } from '../helpers/wait.js';
import { autofillTable, MATERIAL_WAYS, type AutoFillRecord, type MaterialWayTaken } from './autofill-table.js';
import { completeForm } from './complete-form.js';
import { personFieldConflicts } from '../../src/forms/form-consistency.js';
import { actingFor } from './acting.js';
import { startEndToEndEnvironment, type EndToEndEnvironment } from './environment.js';
import { issuerOf } from './population.js';
import { newbornFamily, SCENARIOS, type Applicants, type ExpectedSharedValue, type ExpectedValue, type Holder, type OrderedMatter, type ThemeScenario } from './scenarios.js';

/** The HTTP answer: shared-data provenance merged into `provenance`. */
type Prefill = Omit<PrefillResult, 'evidence' | 'provenance' | 'sharedDataProvenance'> & { evidenceToken: string; provenance: Record<string, Provenance | SharedDataProvenance> };

const OUTPUT = fileURLToPath(new URL('../../test-output/autofill.json', import.meta.url));
const inOneDay = () => new Date(Date.now() + 86_400_000).toISOString();

function expectProblem(answer: SigningClientResponse, status: number, code: string): Record<string, unknown> {
  expect(answer.status, JSON.stringify(answer.body)).to.equal(status);
  expect(answer.headers['content-type']).to.match(/application\/problem\+json/);
  expect(answer.body).to.include({ code });
  return answer.body as Record<string, unknown>;
}

const ordered = (guide: Guide): OrderedMatter[] => guide.matters.map((matter) => [matter.code, matter.after]);
const formFieldCount = (schema: Record<string, unknown>) => Object.values(schema['properties'] as Record<string, { properties: object }>)
  .reduce((count, group) => count + Object.keys(group.properties).length, 0);
const valueAt = (form: Prefill['form'], canonical: string) => form[canonical.split('.')[0]!]?.[canonical.split('.')[1]!];
/** The fields a licence filled: the evidence token's (a value from shared data counts as the applicant's at intake). */
const licenceProvenance = (result: Prefill): Record<string, Provenance> => Object.fromEntries(Object.entries(result.provenance)
  .filter((entry): entry is [string, Provenance] => entry[1].source === 'licence'));
const sharedProvenance = (result: Prefill): Record<string, SharedDataProvenance> => Object.fromEntries(Object.entries(result.provenance)
  .filter((entry): entry is [string, SharedDataProvenance] => entry[1].source === 'shared-data'));

/** The application as `GET /v1/applications/{id}` shows it, the parts asserted here. */
interface ApplicationView {
  id: string; themeCode: string; status: string; answers: unknown; provenance: Record<string, unknown>;
  subApplications: { id: string; matterCode: string; status: string; after: string[]; delivery: { state: string; attempts: number } }[];
}

describe('merged forms end to end (every mapped theme, SQLite)', function () {
  this.timeout(60_000);
  let env: EndToEndEnvironment;
  let index: PopulationIndex;
  const autoFill: AutoFillRecord[] = [];

  before(async function () {
    this.timeout(60_000);
    env = await startEndToEndEnvironment();
    index = new PopulationIndex(env.library.population);
  });
  after(async () => {
    if (autoFill.length === SCENARIOS.length && autoFill.every((record) => record.materials)) {
      mkdirSync(dirname(OUTPUT), { recursive: true });
      const measuredAt = new Date().toISOString();
      writeFileSync(OUTPUT, `${JSON.stringify({ measuredAt, themes: autoFill }, null, 2)}\n`);
      writeFileSync(OUTPUT.replace(/\.json$/, '.md'), `Measured ${measuredAt} (test/e2e/merged-forms.test.ts)\n\n${autofillTable(autoFill)}`);
    }
    await env?.close();
  });
  afterEach(() => env.library.faults.reset());

  async function guide(themeCode: string, answers?: Record<string, unknown>): Promise<Guide> {
    const answer = await env.platform.request('POST', `/v1/themes/${themeCode}/guide`, { body: answers === undefined ? {} : { answers } });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    expect(answer.verified).to.equal(true);
    return answer.body as Guide;
  }

  async function authorize(themeCode: string, holder: Holder, licenceTypes: string[], idToken: string): Promise<string> {
    const answer = await env.platform.request('POST', '/v1/authorizations', {
      idToken,
      body: { holder, licenceTypes, purpose: { themeCode, description: '一件事一次办：预填一表' }, expiresAt: inOneDay(), consent: { method: 'face-recognition', at: new Date().toISOString() } },
    });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    return (answer.body as { id: string }).id;
  }

  /**
   * The story's applicant logs in (every other holder delegating to them), then gives one authorisation per holder,
   * covering the licence types the scenario's guide declares for every role that holder plays and, for the applicant's
   * own, the shared-data resources it lists (docs/shared-data.md: a delegation names licence types only, so an agent
   * cannot have another holder's shared data read; no story needs it); with the applicant's ID token.
   */
  async function authorizeAll(themeCode: string, declared: Pick<Guide, 'licences' | 'sharedData'>, holders: Applicants['holders']) {
    const byCode = new Map<string, { holder: Holder; types: Set<string>; resources: Set<string> }>();
    for (const [subject, holder] of Object.entries(holders)) {
      const entry = byCode.get(holder.code) ?? { holder, types: new Set<string>(), resources: new Set<string>() };
      for (const use of declared.licences) if (use.subject === subject) entry.types.add(use.licenceType);
      for (const use of declared.sharedData) if (use.subject === subject) entry.resources.add(use.resource);
      byCode.set(holder.code, entry);
    }
    const acting = await actingFor(env, index, themeCode, holders, (code) => [...(byCode.get(code)?.types ?? [])]);
    const ids = new Map<string, string>();
    for (const [code, { holder, types, resources }] of byCode) {
      const own = holder.type === 'citizen' && code === acting.person.idNumber;
      ids.set(code, await authorize(themeCode, holder, [...types, ...(own ? resources : [])], acting.idToken));
    }
    return { idToken: acting.idToken, holders: Object.fromEntries(Object.entries(holders).map(([subject, holder]) => [subject, { ...holder, authorizationId: ids.get(holder.code)! }])) };
  }

  async function prefill(themeCode: string, answers: Record<string, unknown>, holders: Record<string, unknown>, useCause: string, idToken: string): Promise<Prefill> {
    const answer = await env.platform.request('POST', '/v1/prefill', { body: { themeCode, answers, holders, useCause }, idToken });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    expect(answer.verified).to.equal(true);
    return answer.body as Prefill;
  }

  /** Guide, one authorisation per holder, and prefill for the scenario's applicants. */
  async function prefillScenario(scenario: ThemeScenario, useCause: string) {
    const applicants = scenario.pick(index);
    const scenarioGuide = await guide(scenario.theme, scenario.answers);
    const { holders, idToken } = await authorizeAll(scenario.theme, scenarioGuide, applicants.holders);
    return { applicants, guide: scenarioGuide, holders, idToken, result: await prefill(scenario.theme, scenario.answers, holders, useCause, idToken) };
  }

  /** The stored department forms of an application's sub-applications, in guide order. */
  async function departmentForms(applicationId: string) {
    const { rows } = await env.gateway.store.query<{ matter_code: string; form: string; provenance: string }>(
      'SELECT matter_code, form, provenance FROM sub_applications WHERE application_id = $1 ORDER BY position', [applicationId]);
    return rows.map((row) => ({ matterCode: row.matter_code, form: JSON.parse(row.form) as Record<string, unknown>, provenance: JSON.parse(row.provenance) as Record<string, unknown> }));
  }

  function expectFromLicence(result: Prefill, expected: ExpectedValue): void {
    expect(valueAt(result.form, expected.canonical), expected.canonical).to.deep.equal(expected.value);
    const provenance = licenceProvenance(result)[expected.canonical];
    const sources = Array.isArray(expected.from) ? expected.from : [expected.from];
    const source = sources.find((licence) => licence.identifier === provenance?.licenceIdentifier);
    expect(source, `${expected.canonical} came from ${provenance?.licenceIdentifier}, not one of ${sources.map((licence) => `${licence.type} ${licence.identifier}`).join(', ')}`).to.not.equal(undefined);
    expect(provenance).to.deep.include({ source: 'licence', licenceIdentifier: source!.identifier, licenceType: source!.type, issuer: issuerOf(source!), verified: true });
  }

  /** A value filled from the subject's record of a shared-data resource, its provenance naming the resource and its source department. */
  function expectFromSharedData(result: Prefill, expected: ExpectedSharedValue): void {
    expect(valueAt(result.form, expected.canonical), expected.canonical).to.deep.equal(expected.value);
    const resource = SHARED_RESOURCES[expected.resource];
    expect(sharedProvenance(result)[expected.canonical], expected.canonical).to.deep.include({
      source: 'shared-data', resource: expected.resource, resourceCode: resource.code, resourceName: resource.name, sourceDepartment: resource.sourceDepartment, subject: expected.subject,
    });
  }

  /**
   * Delivers the application's sub-applications that are due (not waiting for a 前置事项) and checks what each
   * department received: exactly its own matter's materials the application satisfied, each under the matter's own
   * code and name, satisfied as submitted (a file uploaded, a licence the prefill verified, a generated 申请表),
   * and every file downloaded by that department and verified.
   */
  /** Sub-applications whose delivery an unpaid fee due before acceptance holds. */
  async function feeHeld(applicationId: string): Promise<Set<string>> {
    const read = await env.platform.request('GET', `/v1/applications/${applicationId}`);
    const payments = (read.body as { payments?: { subApplicationId: string; gate: string; status: string }[] }).payments ?? [];
    return new Set(payments.filter((payment) => payment.gate === 'before-acceptance' && payment.status !== 'paid').map((payment) => payment.subApplicationId));
  }

  async function expectOwnMaterialsDelivered(themeCode: string, submitted: SubmissionAnswer, listed: Prefill['materials'], given: Record<string, Record<string, unknown>>) {
    // A fee due before acceptance holds its sub-application until paid (docs/payments.md): not due yet.
    const held = await feeHeld(submitted.applicationId);
    const due = submitted.subApplications.filter((sub) => sub.status === 'queued' && !held.has(sub.id));
    const arrived = () => new Map(env.received().filter((entry) => !entry.duplicate && due.some((sub) => sub.id === entry.delivery.subApplicationId))
      .map((entry) => [entry.delivery.subApplicationId, entry.delivery]));
    const deliveries = await waitFor(async () => {
      await env.deliver();
      const got = arrived();
      return got.size === due.length ? got : undefined;
    }, { what: `every due ${themeCode} sub-application at its department`, timeoutMs: 20_000, intervalMs: 100 });

    const theme = await env.platform.request('GET', `/v1/themes/${themeCode}`);
    expect(theme.status).to.equal(200);
    const catalogue = new Map((theme.body as { matters: { code: string; materials: { code: string; name: string }[] }[] }).matters.map((matter) => [matter.code, matter.materials]));
    const uploads = new Map<string, string>(); // identity → SHA-256 of its upload
    for (const [code, entry] of Object.entries(given)) {
      if (typeof entry['upload'] !== 'string') continue;
      const metadata = await env.platform.request('GET', `/v1/materials/${entry['upload']}`);
      expect(metadata.status, JSON.stringify(metadata.body)).to.equal(200);
      uploads.set(code, (metadata.body as { sha256: string }).sha256);
    }
    // How the application satisfied each identity, from the guide's list and what was submitted.
    const how = new Map(listed.flatMap((material): [string, string][] => {
      if (uploads.has(material.code)) return [[material.code, 'upload']];
      if (given[material.code]?.['commitment']) return [[material.code, 'commitment']];
      if (given[material.code]?.['deferred']) return [[material.code, 'deferred']];
      if (material.satisfiedBy) return [[material.code, 'licence']];
      if (material.ways.includes('generated')) return [[material.code, 'generated']];
      return [];
    }));
    for (const sub of due) {
      const delivery = deliveries.get(sub.id)!;
      const asked = listed.flatMap((material) => material.matters.filter((matter) => matter.matterCode === sub.matterCode).map((matter) => ({ identity: material.code, matter })));
      const own = catalogue.get(sub.matterCode)!.filter((material) => how.has(asked.find((entry) => entry.matter.code === material.code)?.identity ?? ''));
      expect(delivery.materials.map((material) => [material.code, material.name]), `${sub.matterCode}: its own materials`).to.deep.equal(own.map((material) => [material.code, material.name]));
      for (const material of delivery.materials) {
        expect(material.identity, material.code).to.equal(asked.find((entry) => entry.matter.code === material.code)!.identity);
        expect(material.satisfiedBy, `${sub.matterCode} ${material.code}`).to.equal(how.get(material.identity ?? ''));
        if (material.satisfiedBy === 'upload') expect(material.file?.sha256, material.code).to.equal(uploads.get(material.identity ?? ''));
        if (material.satisfiedBy === 'commitment') expect(material.commitment?.signature, material.code).to.match(/^[\w-]+\.[\w-]+\.[\w-]+$/);
        if (material.satisfiedBy === 'deferred') expect(material.outstanding?.dueDate, material.code).to.equal(null);
        if (material.satisfiedBy === 'licence') expect(material.licenceIdentifier, material.code).to.equal(listed.find((entry) => entry.code === material.identity)!.satisfiedBy);
        if (material.file) {
          expect(env.materialDownloads().some((download) => download.deliveryId === delivery.deliveryId && download.sha256 === material.file!.sha256 && download.verified),
            `${sub.matterCode} ${material.code}: downloaded and verified by ${delivery.departmentCode}`).to.equal(true);
        }
      }
    }
  }

  for (const scenario of SCENARIOS) describe(`${scenario.theme} ${scenario.name} (${scenario.kind})`, () => {
    it('guide: the matters in order with their 前置事项, the merged form, and a conditional matter toggled by an answer', async () => {
      const defaults = await guide(scenario.theme);
      expect(defaults.theme).to.deep.equal({ code: scenario.theme, name: scenario.name });
      expect(ordered(defaults)).to.deep.equal(scenario.defaults.matters);
      expect(formFieldCount(defaults.form), 'merged-form fields under the default answers').to.equal(scenario.defaults.formFields);
      for (const matter of defaults.matters) expect(matter.name, matter.code).to.equal(env.matters.matter(matter.code)!.name);
      const codes = new Set(defaults.materials.flatMap((material) => material.matters.map((matter) => matter.matterCode)));
      expect([...codes].sort()).to.deep.equal(defaults.matters.map((matter) => matter.code).sort());

      const toggled = await guide(scenario.theme, scenario.toggled.answers);
      expect(toggled.answers).to.include(scenario.toggled.answers);
      expect(ordered(toggled)).to.deep.equal(scenario.toggled.matters);
    });

    it('prefill: real holders\' licences fill specific fields, with provenance, an evidence token and the auto-fill ratio', async () => {
      const { applicants, guide: scenarioGuide, result } = await prefillScenario(scenario, `${scenario.name}：预填一表（e2e）`);
      expect(scenarioGuide.licences.map((use) => `${use.licenceType}/${use.subject}`)).to.deep.equal(scenario.licences);
      expect(scenarioGuide.sharedData.map((use) => `${use.resource}/${use.subject}/${use.use}`), 'the shared data to ask consent for').to.deep.equal(scenario.sharedData ?? []);

      expect(result.matters.map((matter) => matter.code)).to.deep.equal(scenarioGuide.matters.map((matter) => matter.code));
      for (const expected of applicants.expected) expectFromLicence(result, expected);
      // Shared data fills only what licences left empty, each value from the record of a resource the guide lists (all authorised: nothing skipped).
      for (const expected of applicants.sharedExpected ?? []) expectFromSharedData(result, expected);
      expect(Object.keys(sharedProvenance(result)).sort(), 'the fields filled from shared data').to.deep.equal((applicants.sharedExpected ?? []).map((expected) => expected.canonical).sort());
      expect(result.sharedDataSkipped).to.deep.equal([]);

      // Exactly the holders' licences of the declared types were fetched, all valid and used.
      const fetched = scenarioGuide.licences.filter((use) => applicants.holders[use.subject])
        .flatMap((use) => index.licences(applicants.holders[use.subject]!.code, use.licenceType as LicenceTypeKey).map((licence) => `${use.subject} ${licence.identifier}`));
      expect(result.licences.map((licence) => `${licence.subject} ${licence.identifier}`).sort()).to.deep.equal(fetched.sort());
      for (const licence of result.licences) expect(licence, licence.identifier).to.deep.include({ used: true, status: 'valid', problems: [] });

      // Every filled value is from a used licence of a holder given, or a record of shared data (above); nothing else is filled.
      const used = new Set(result.licences.map((licence) => licence.identifier));
      for (const [canonical, provenance] of Object.entries(licenceProvenance(result))) {
        expect(valueAt(result.form, canonical), canonical).to.not.equal(undefined);
        expect(used.has(provenance.licenceIdentifier), canonical).to.equal(true);
        expect(provenance.verified, canonical).to.equal(true);
      }
      const filledValues = Object.values(result.form).reduce((count, group) => count + Object.keys(group).length, 0);
      expect(filledValues).to.equal(Object.keys(result.provenance).length);
      expect(result.conflicts).to.deep.equal([]);
      expect(result.fields.length).to.equal(formFieldCount(scenarioGuide.form));
      for (const field of result.fields) expect(field.filled, field.canonical).to.equal(field.canonical in result.provenance);
      const filled = Object.keys(result.provenance).length;
      expect(result.autoFill).to.deep.equal({ filled, total: result.fields.length, ratio: Math.round((filled / result.fields.length) * 1000) / 1000 });

      // Sources that cannot exist yet are named, never invented.
      const notGiven = applicants.notGiven ?? [];
      expect(result.missingSources.map((missing) => missing.subject)).to.deep.equal(notGiven);
      for (const missing of result.missingSources) expect(missing.reason).to.equal('no holder given for this subject');
      expect(result.partial, 'a holder not given is not a failed source').to.equal(false);
      for (const missing of result.missingSources) expect(missing.kind).to.equal('holder-not-given');
      for (const subject of notGiven) expect(Object.values(result.provenance).some((provenance) => provenance.subject === subject)).to.equal(false);

      // Materials a used licence supplies need no upload.
      for (const material of result.materials) {
        const use = material.licence;
        const licence = use && applicants.holders[use.subject] ? result.licences.find((candidate) => candidate.subject === use.subject && candidate.licenceType === use.licenceType) : undefined;
        expect(material.satisfiedBy, `${material.code} ${material.name}`).to.equal(licence?.identifier);
      }

      // The evidence token is Tongban's signed statement of exactly these fields.
      expect(result.evidenceToken).to.match(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      const evidence = await verifyEvidence(env.gateway.keyring, result.evidenceToken, { clientId: 'platform', themeCode: scenario.theme });
      expect(Object.keys(evidence.fields).sort()).to.deep.equal(Object.keys(licenceProvenance(result)).sort());
      for (const [canonical, field] of Object.entries(evidence.fields)) expect(field.licenceIdentifier).to.equal(licenceProvenance(result)[canonical]!.licenceIdentifier);
      expect(evidence.holders).to.deep.equal(Object.fromEntries(Object.entries(applicants.holders).map(([subject, holder]) => [subject, holder.code])));
      expect(evidence.matters).to.deep.equal(result.matters.map((matter) => matter.code));

      autoFill.push({
        theme: scenario.theme, name: scenario.name, kind: scenario.kind, situation: scenario.situation, answers: scenario.answers,
        defaultFormFields: scenario.defaults.formFields, matters: result.matters.map((matter) => `${matter.code} ${matter.name}`),
        total: result.autoFill.total, filled: result.autoFill.filled, ratio: result.autoFill.ratio,
        unfilled: result.fields.filter((field) => !field.filled).map(({ canonical, label, required }) => ({ canonical, label, required })),
      });
    });

    it('submit: the completed form becomes one sub-application per matter, each department form holding the values its matter maps', async () => {
      const { guide: scenarioGuide, holders, result, idToken } = await prefillScenario(scenario, `${scenario.name}：预填后提交（e2e）`);
      const form = completeForm(scenarioGuide.form, result.form);
      for (const canonical of Object.keys(result.provenance)) expect(valueAt(form, canonical), canonical).to.deep.equal(valueAt(result.form, canonical));

      // Every way a platform hands in: a licence the prefill verified needs no entry; 告知承诺 wherever a material allows it;
      // one 容缺 where one is allowed; a file uploaded for each other material the guide needs one for.
      let deferredOne = false;
      const materials = await satisfyListed(env.platform, result.materials, scenario.theme, (material) => {
        if (result.materials.find((entry) => entry.code === material.code)?.satisfiedBy) return null;
        if (!material.required) return undefined;
        if (material.ways.includes('commitment')) return { commitment: { consentMethod: 'signature', committedAt: '2026-11-20T10:00:00+08:00' } };
        if (!deferredOne && material.ways.includes('deferred')) {
          deferredOne = true;
          return { deferred: true };
        }
        return undefined;
      });
      // A matter verifying a statement at intake (在线核验) is submitted under the authorisation naming the resource.
      const verified = scenarioGuide.sharedData.find((use) => use.use === 'verification');
      const authorizationId = verified ? holders[verified.subject]!.authorizationId : undefined;
      const answer = await env.platform.request('POST', '/v1/applications', {
        body: { themeCode: scenario.theme, answers: scenario.answers, form, evidenceToken: result.evidenceToken, materials, ...(authorizationId ? { authorizationId } : {}) },
        headers: { 'idempotency-key': `e2e-submit-${scenario.theme}` }, idToken,
      });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(202);
      expect(answer.verified).to.equal(true);
      const submitted = answer.body as SubmissionAnswer;
      if (verified) { // the statement held: one verification, ledgered as used under that authorisation
        const uses = ((await env.platform.request('GET', `/v1/holders/${holders[verified.subject]!.code}/licence-uses`)).body as { uses: LedgerEntry[] }).uses;
        expect(uses.filter((use) => use.action === 'shared-data-verify' && use.authorizationId === authorizationId).map((use) => [use.licenceType, use.outcome, use.matterCodes]))
          .to.deep.equal([[verified.resource, 'used', verified.matters]]);
      }

      // For docs/autofill.md: each listed material, once, by the way it was satisfied (the prefill's list and what was submitted).
      const list = result.materials.map((material) => {
        const entry = materials[material.code];
        const way: MaterialWayTaken = material.satisfiedBy ? 'licence' : material.ways[0] === 'prerequisite' ? 'prerequisite'
          : entry ? Object.keys(entry)[0] as MaterialWayTaken : material.ways.includes('generated') ? 'generated' : 'notHandedIn';
        return { code: material.code, name: material.name, way };
      });
      const byWay = Object.fromEntries(MATERIAL_WAYS.map((way) => [way, list.filter((material) => material.way === way).length])) as Record<MaterialWayTaken, number>;
      const record = autoFill.find((candidate) => candidate.theme === scenario.theme);
      if (record) record.materials = { total: list.length, byWay, list };
      expect(answer.headers['location']).to.equal(`/v1/applications/${submitted.applicationId}`);
      expect(submitted).to.include({ status: 'received', themeCode: scenario.theme });
      expect(submitted.changedFromPrefill, 'prefilled values were submitted unchanged').to.deep.equal([]);
      expect(submitted.subApplications.map(({ matterCode, matterName, departmentCode, status, after }) => ({ matterCode, matterName, departmentCode, status, after })))
        .to.deep.equal(scenarioGuide.matters.map((matter) => ({
          matterCode: matter.code, matterName: matter.name, departmentCode: matter.department.code, status: matter.after.length > 0 ? 'waiting' : 'queued', after: matter.after,
        })));

      // The platform's view: every prefilled field verified by the evidence token, nothing delivered yet (the dispatcher is off).
      const read = await env.platform.request('GET', `/v1/applications/${submitted.applicationId}`);
      expect(read.status, JSON.stringify(read.body)).to.equal(200);
      const view = read.body as ApplicationView;
      expect(view).to.include({ id: submitted.applicationId, themeCode: scenario.theme, status: 'received' });
      const heldByFee = await feeHeld(submitted.applicationId);
      expect(view.answers).to.deep.equal(scenarioGuide.answers);
      const fromLicences = licenceProvenance(result);
      const licenceSource = (canonical: string) => ({ source: 'licence', licenceIdentifier: fromLicences[canonical]!.licenceIdentifier, verified: true });
      expect(view.provenance).to.deep.equal(Object.fromEntries(Object.keys(fromLicences).map((canonical) => [canonical, licenceSource(canonical)])));
      expect(view.subApplications.map((sub) => [sub.id, sub.matterCode, sub.status, sub.after, sub.delivery.state, sub.delivery.attempts]))
        .to.deep.equal(submitted.subApplications.map((sub) => [sub.id, sub.matterCode, sub.status, sub.after, sub.status === 'waiting' ? 'waiting' : heldByFee.has(sub.id) ? 'awaiting_payment' : 'pending', 0]));

      // Each department form holds exactly the fields its matter maps (and the constants it fixes), in the department's format (the mapping's named transform),
      // except a field a 前置事项's result fills later (not in the merged form); prefilled ones carry their licence.
      const stored = await departmentForms(submitted.applicationId);
      expect(stored.map((sub) => sub.matterCode)).to.deep.equal(scenarioGuide.matters.map((matter) => matter.code));
      const prefilledFound = new Set<string>();
      for (const sub of stored) {
        const mapping = env.gateway.mappings.matters.get(sub.matterCode)!;
        const fields: Record<string, unknown> = {};
        const provenance: Record<string, unknown> = {};
        for (const field of mapping.fields) {
          const value = valueAt(form, field.canonical);
          if (value === undefined) continue;
          fields[field.field] = field.transform ? resolveTransform(field.transform, env.gateway.mappings.codeTables)!(value) : value;
          provenance[field.field] = field.canonical in fromLicences ? licenceSource(field.canonical) : { source: 'user' };
          if (field.canonical in result.provenance) prefilledFound.add(field.canonical);
        }
        for (const constant of mapping.constants) { // fields the matter fixes, never asked of the applicant
          fields[constant.field] = constant.transform ? resolveTransform(constant.transform, env.gateway.mappings.codeTables)!(constant.value) : constant.value;
          provenance[constant.field] = { source: 'matter' };
        }
        expect(sub.form, `${mapping.file}: department form`).to.deep.equal(fields);
        expect(sub.provenance, `${mapping.file}: provenance`).to.deep.equal(provenance);
      }
      expect([...prefilledFound].sort(), 'every prefilled value reaches a department form').to.deep.equal(Object.keys(result.provenance).sort());

      await expectOwnMaterialsDelivered(scenario.theme, submitted, result.materials, materials);

      // Every department finishes its matter: matters waiting for a 前置事项 are released by its result and delivered in turn.
      const done = await env.complete(submitted.applicationId);
      expect(done.status).to.equal('completed');
      const reached = new Set(env.received().map((entry) => entry.delivery.subApplicationId));
      for (const sub of submitted.subApplications) expect(reached.has(sub.id), `${sub.matterCode} reached its department`).to.equal(true);
    });
  });

  it('covers every mapped theme', () => {
    expect(SCENARIOS.map((scenario) => scenario.theme).sort()).to.deep.equal([...env.gateway.mappings.themes.keys()].sort());
  });

  it('completes a form of every dictionary field with values the intake validation accepts', () => {
    const everyField = [...env.gateway.mappings.dictionary].map(([canonical, spec]) => ({ canonical, spec, required: true }));
    const schema = mergedFormSchema(everyField, 'every dictionary field');
    const form = completeForm(schema, {});
    expect(validateForm(schema, form)).to.deep.equal([]);
    expect(personFieldConflicts(form), 'birth dates and sexes agree with the ID numbers').to.deep.equal([]);
    expect(Object.values(form).reduce((count, group) => count + Object.keys(group).length, 0)).to.equal(everyField.length);
  });

  describe('licence use, failures and refusals', () => {
    const birth = SCENARIOS.find((scenario) => scenario.theme === 'MX-T05')!;

    it('refuses a completed form whose applicant\'s birth date disagrees with their own ID number (400 naming the field), storing nothing', async () => {
      const pass = SCENARIOS.find((scenario) => scenario.theme === 'MX-T16')!;
      const { guide: passGuide, result, idToken } = await prefillScenario(pass, '去港澳探亲：出生日期与身份证号不一致（e2e）');
      const form = completeForm(passGuide.form, result.form);
      const idNumber = String(form['applicant']!['idNumber']);
      const claimed = `${Number(idNumber.slice(6, 10)) + 1}${idNumber.slice(10, 12) === '02' && idNumber.slice(12, 14) === '29' ? '-02-28' : `-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`}`;
      form['applicant']!['birthDate'] = claimed;
      const { rows: [before] } = await env.gateway.store.query<{ n: number }>('SELECT COUNT(*) AS n FROM applications');
      const answer = await env.platform.request('POST', '/v1/applications', {
        body: { themeCode: pass.theme, answers: pass.answers, form, evidenceToken: result.evidenceToken },
        headers: { 'idempotency-key': `e2e-birth-date-${pass.theme}` }, idToken,
      });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(400);
      const problem = answer.body as { code: string; errors: { pointer: string; message: string }[] };
      expect(problem.code).to.equal('VALIDATION_FAILED');
      expect(problem.errors).to.deep.include({ pointer: '/form/applicant/birthDate', message: `disagrees with the ID number at /form/applicant/idNumber, which gives the birth date ${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}` });
      const { rows: [after] } = await env.gateway.store.query<{ n: number }>('SELECT COUNT(*) AS n FROM applications');
      expect(Number(after!.n)).to.equal(Number(before!.n));
    });

    async function birthPrefill(skip: number, useCause: string, guardian: 'mother' | 'father' = 'mother') {
      const family = newbornFamily(index, skip, guardian);
      const answers = { guardian };
      const scenarioGuide = await guide(birth.theme, answers);
      const { holders, idToken } = await authorizeAll(birth.theme, scenarioGuide, family.holders);
      return { family, holders, idToken, run: () => prefill(birth.theme, answers, holders, useCause, idToken) };
    }

    it('lists the prefill\'s licence uses in the holder\'s ledger, with the reason and who acted; without the ID token, or with another person\'s, not one licence is read', async () => {
      const useCause = '婴儿出生一件事：预填出生登记表（账本核对）';
      const { family, holders, run } = await birthPrefill(1, useCause);
      const body = { themeCode: birth.theme, answers: { guardian: 'mother' }, holders, useCause };
      expectProblem(await env.platform.request('POST', '/v1/prefill', { body }), 401, 'ID_TOKEN_MISSING');
      const licenceQuery = `holderCode=${family.mother.idNumber}&licenceType=residentIdCard&themeCode=${birth.theme}&authorizationId=${holders['mother']!.authorizationId}&useCause=${encodeURIComponent(useCause)}`;
      expectProblem(await env.platform.request('GET', `/v1/licences?${licenceQuery}`), 401, 'ID_TOKEN_MISSING');
      const father = await env.sessions.idToken(env.platform, { idNumber: family.father.idNumber!, name: family.father.name });
      expectProblem(await env.platform.request('POST', '/v1/prefill', { body, idToken: father }), 403, 'HOLDER_MISMATCH');
      expectProblem(await env.platform.request('GET', `/v1/licences?${licenceQuery}`, { idToken: father }), 403, 'HOLDER_MISMATCH');
      expect(((await env.platform.request('GET', `/v1/holders/${family.mother.idNumber}/licence-uses`)).body as { uses: LedgerEntry[] }).uses
        .filter((use) => use.useCause === useCause), 'nothing read before the mother\'s own token').to.deep.equal([]);
      const result = await run();
      const answer = await env.platform.request('GET', `/v1/holders/${family.mother.idNumber}/licence-uses`);
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      const uses = (answer.body as { uses: (LedgerEntry & { licenceTypeName: string })[] }).uses.filter((use) => use.useCause === useCause);
      const mine = result.licences.filter((licence) => licence.subject === 'mother');
      expect(uses.map((use) => use.licenceIdentifier).sort()).to.deep.equal(mine.map((licence) => licence.identifier).sort());
      for (const use of uses) {
        expect(use).to.deep.include({
          clientId: 'platform', holderCode: family.mother.idNumber, holderType: 'citizen', themeCode: birth.theme, matterCodes: result.matters.map((matter) => matter.code),
          useCause, authorizationId: holders['mother']!.authorizationId, action: 'query', outcome: 'used',
        });
        expect(use.actor, 'the mother, as the identity platform authenticated her').to.deep.include({
          subjectType: 'natural', idNumber: `${family.mother.idNumber!.slice(0, 4)}**********${family.mother.idNumber!.slice(-4)}`, level: 'L3', methods: ['face'], capacity: 'self',
        });
        expect(use.licenceTypeName).to.equal(mine.find((licence) => licence.identifier === use.licenceIdentifier)!.name);
      }
    });

    it('reports a revoked licence as unused and fills nothing from it', async () => {
      const useCause = '婴儿出生一件事：预填（证照已撤销）';
      const { family, run } = await birthPrefill(2, useCause, 'father'); // the father is the guardian: his card fills father.* and guardian.*
      const card = index.licence(family.father.idNumber!, 'residentIdCard');
      env.library.setLicenceStatus(card.identifier, '03');
      try {
        const result = await run();
        const reported = result.licences.filter((licence) => licence.identifier === card.identifier);
        expect(reported.map((licence) => licence.subject)).to.deep.equal(['father']); // fetched once: the guardian is the father (sameAs)
        for (const licence of reported) {
          expect(licence).to.include({ used: false, status: 'revoked' });
          expect(licence.problems).to.not.deep.equal([]);
        }
        expect(Object.values(licenceProvenance(result)).some((provenance) => provenance.licenceIdentifier === card.identifier)).to.equal(false);
        expect(result.form['guardian']).to.equal(undefined); // the father's ID card was the only source
        expect(result.form['child']!['name']).to.equal(index.licence(family.mother.idNumber!, 'birthCertificate').surface['XSEXM']);
        const uses = ((await env.platform.request('GET', `/v1/holders/${family.father.idNumber}/licence-uses`)).body as { uses: LedgerEntry[] }).uses;
        expect(uses.filter((use) => use.useCause === useCause).map((use) => use.outcome)).to.deep.equal(['refused-invalid']);
      } finally {
        env.library.setLicenceStatus(card.identifier, card.status);
      }
    });

    it('leaves the 食品安全管理人员 to the applicant when he is not the 经营者 (MX-T15, managerIsOperator: false), reading no licence of his', async () => {
      const shop = SCENARIOS.find((scenario) => scenario.theme === 'MX-T15')!;
      const applicants = shop.pick(index);
      const answers = { managerIsOperator: false };
      const shopGuide = await guide(shop.theme, answers);
      expect(shopGuide.licences.map((use) => `${use.licenceType}/${use.subject}`)).to.deep.equal(shop.licences); // none of the manager's
      const { holders, idToken } = await authorizeAll(shop.theme, shopGuide, applicants.holders);
      const useCause = '开办食品经营：预填（另聘食品安全管理人员）';
      const result = await prefill(shop.theme, answers, holders, useCause, idToken);
      expect(result.form['foodSafetyManager']).to.equal(undefined);
      expect(result.fields.find((field) => field.canonical === 'foodSafetyManager.name')).to.deep.include({ filled: false });
      expect(result.form['legalRepresentative']).to.not.equal(undefined);
      expect(result.missingSources.map((source) => source.subject)).to.deep.equal(['enterprise']); // the shop's 营业执照 only
      expect(result.partial).to.equal(false);
      // The manager is nobody whose licences this scenario reads: a holder given for him is refused.
      const refused = await env.platform.request('POST', '/v1/prefill', { body: { themeCode: shop.theme, answers, holders: { ...holders, foodSafetyManager: holders['legalRepresentative'] }, useCause }, idToken });
      expect((expectProblem(refused, 400, 'VALIDATION_FAILED')['errors'] as { pointer: string }[]).map((error) => error.pointer)).to.deep.equal(['/holders/foodSafetyManager']);
    });

    it('answers 200 with partial: true and the missing sources when the licence library is down, inventing nothing', async () => {
      const driver = SCENARIOS.find((scenario) => scenario.theme === 'MX-T09')!;
      const applicants = driver.pick(index);
      const { holders, idToken } = await authorizeAll(driver.theme, await guide(driver.theme), applicants.holders);
      env.library.faults.goDown();
      const result = await prefill(driver.theme, {}, holders, '我要做客车司机：预填（证照库停机）', idToken);
      expect(result.partial).to.equal(true);
      expect(result.missingSources).to.have.length(1);
      expect(result.missingSources[0]).to.deep.include({ subject: 'applicant', licenceTypes: ['residentIdCard', 'drivingLicence'] });
      expect(result.missingSources[0]!.reason).to.match(/licence library unavailable/);
      expect(result.form).to.deep.equal({});
      expect(result.provenance).to.deep.equal({});
      expect(result.licences).to.deep.equal([]);
      expect(result.autoFill).to.deep.equal({ filled: 0, total: 6, ratio: 0 });
      expect(result.fields.every((field) => !field.filled)).to.equal(true);
      const evidence = await verifyEvidence(env.gateway.keyring, result.evidenceToken, { clientId: 'platform', themeCode: driver.theme });
      expect(evidence.fields).to.deep.equal({});
      const uses = ((await env.platform.request('GET', `/v1/holders/${applicants.holders['applicant']!.code}/licence-uses`)).body as { uses: LedgerEntry[] }).uses;
      expect(uses.filter((use) => use.useCause === '我要做客车司机：预填（证照库停机）')).to.deep.equal([]);

      env.library.faults.comeBack();
      const recovered = await prefill(driver.theme, {}, holders, '我要做客车司机：预填（证照库恢复）', idToken);
      expect(recovered.partial).to.equal(false);
      expect(recovered.autoFill.filled).to.be.greaterThan(0);
    });

    it('answers the guide of every one of the catalogue\'s 40 themes (none THEME_NOT_MAPPED), and 404 for an unknown theme', async () => {
      const themes = env.matters.themes();
      expect(themes.length).to.equal(40);
      for (const theme of themes) {
        const answer = await env.platform.request('POST', `/v1/themes/${theme.code}/guide`, { body: {} });
        expect(answer.status, `${theme.code}: ${JSON.stringify(answer.body)}`).to.equal(200);
        expect((answer.body as { matters: unknown[] }).matters.length, theme.code).to.be.greaterThan(0);
      }
      expect(SCENARIOS.map((scenario) => scenario.theme).sort(), 'an end-to-end scenario per theme').to.deep.equal(themes.map((theme) => theme.code).sort());
      expectProblem(await env.platform.request('POST', '/v1/themes/MX-T99/guide', { body: {} }), 404, 'NOT_FOUND');
      const person = index.population.persons.find((candidate) => candidate.idNumber)!;
      const holders = { applicant: { code: person.idNumber, type: 'citizen', authorizationId: '00000000-0000-4000-8000-000000000000' } };
      const idToken = await env.sessions.idToken(env.platform, { idNumber: person.idNumber!, name: person.name });
      expectProblem(await env.platform.request('POST', '/v1/prefill', { body: { themeCode: 'MX-T99', holders, useCause: '预填' }, idToken }), 404, 'NOT_FOUND');
    });

    it('answers 400 naming /answers/<id> for answers that do not fit', async () => {
      const answers = { enrolInsurance: 'yes', applySocialSecurityCard: true, twins: true };
      const problem = expectProblem(await env.platform.request('POST', `/v1/themes/${birth.theme}/guide`, { body: { answers } }), 400, 'VALIDATION_FAILED');
      expect((problem['errors'] as { pointer: string }[]).map((error) => error.pointer).sort()).to.deep.equal(['/answers/enrolInsurance', '/answers/twins']);
      const retirement = expectProblem(await env.platform.request('POST', '/v1/themes/MX-T11/guide', { body: { answers: { retirementType: 'early' } } }), 400, 'VALIDATION_FAILED');
      expect(retirement['errors']).to.deep.equal([{ pointer: '/answers/retirementType', message: 'must be one of normal, disability, specialJob' }]);
      const { holders, idToken } = await birthPrefill(0, 'unused');
      const prefillProblem = expectProblem(await env.platform.request('POST', '/v1/prefill', { body: { themeCode: birth.theme, answers, holders, useCause: '预填' }, idToken }), 400, 'VALIDATION_FAILED');
      expect((prefillProblem['errors'] as { pointer: string }[]).map((error) => error.pointer).sort()).to.deep.equal(['/answers/enrolInsurance', '/answers/twins']);
    });
  });

  describe('verification at intake (在线核验): 生育津贴支付 is paid only to a mother insured as an employee (参保缴费)', () => {
    const maternity = SCENARIOS.find((scenario) => scenario.theme === 'MX-T02')!;
    const ALLOWANCE = '000578667000'; // 生育津贴支付
    const answers = { claim: 'allowance' };
    const countApplications = async () => Number((await env.gateway.store.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM applications')).rows[0]!.n);
    const verifications = async (person: Person) => ((await env.platform.request('GET', `/v1/holders/${person.idNumber}/licence-uses`)).body as { uses: LedgerEntry[] }).uses
      .filter((use) => use.action === 'shared-data-verify');

    /**
     * The mother's completed form of 生育津贴 alone, with its materials, prefilled under her authorisation for the guide's
     * licence types and, when `namingResource`, the shared-data resource it verifies: a submission nothing but the
     * verification refuses.
     */
    async function allowanceSubmission(mother: Person, namingResource: boolean, useCause: string) {
      const allowanceGuide = await guide(maternity.theme, answers);
      expect(allowanceGuide.sharedData).to.deep.equal([{
        resource: 'socialInsuranceEnrolment', subject: 'applicant', resourceCode: '441400-RS-0003', resourceName: '社会保险参保信息', use: 'verification', matters: [ALLOWANCE],
      }]);
      const { holders, idToken } = await authorizeAll(maternity.theme, namingResource ? allowanceGuide : { ...allowanceGuide, sharedData: [] }, { applicant: { code: mother.idNumber!, type: 'citizen' } });
      const result = await prefill(maternity.theme, answers, holders, useCause, idToken);
      const materials = await satisfyListed(env.platform, result.materials, maternity.theme, (material) => (result.materials.find((entry) => entry.code === material.code)?.satisfiedBy ? null : undefined));
      const authorizationId = holders['applicant']!.authorizationId;
      return { authorizationId, idToken, body: { themeCode: maternity.theme, answers, form: completeForm(allowanceGuide.form, result.form), evidenceToken: result.evidenceToken, materials, authorizationId } };
    }

    it('refuses a mother whose social insurance is not 参保缴费 with 422 naming her ID number, the verification ledgered as refused, nothing stored', async () => {
      const mother = index.findPerson('mother whose social insurance is not 参保缴费', (person) => person.sex === 'female' && person.socialSecurity?.status !== '参保缴费'
        && index.holdsSole(person.idNumber, ['residentIdCard', 'birthCertificate']));
      const { authorizationId, idToken, body } = await allowanceSubmission(mother, true, '医保就医：生育津贴（未参保缴费，e2e）');
      const before = await countApplications();
      const asked = env.exchange.calls().length;
      const answer = await env.platform.request('POST', '/v1/applications', { body, headers: { 'idempotency-key': 'e2e-verify-not-insured' }, idToken });
      const problem = expectProblem(answer, 422, 'SHARED_DATA_NOT_VERIFIED') as { errors: { pointer: string; message: string }[]; resource: string; verificationId: string };
      expect(problem.errors.map((error) => error.pointer)).to.deep.equal(['/form/applicant/idNumber']);
      expect(problem.errors[0]!.message).to.include('社会保险参保信息').and.include('CBZT 参保缴费');
      expect(problem.resource).to.equal('socialInsuranceEnrolment');
      expect(await countApplications(), 'no application stored').to.equal(before);
      expect(env.exchange.calls().slice(asked)).to.deep.equal([{
        appKey: DEFAULT_DATA_SHARING_CREDENTIALS.appKey, operation: 'verify', resourceCode: '441400-RS-0003', holderCode: mother.idNumber,
        purpose: '生育津贴支付：在线核验社会保险参保信息', authorizationRef: authorizationId,
      }]);
      const ledgered = await verifications(mother);
      expect(ledgered).to.have.length(1);
      expect(ledgered[0]).to.deep.include({
        licenceType: 'socialInsuranceEnrolment', licenceIdentifier: `441400-RS-0003#${problem.verificationId}`, outcome: 'refused-invalid',
        authorizationId, themeCode: maternity.theme, matterCodes: [ALLOWANCE], useCause: '生育津贴支付：在线核验社会保险参保信息',
      });
    });

    it('refuses with 403 when the authorisation does not name socialInsuranceEnrolment, the exchange asked nothing', async () => {
      const mother = index.personByCode(maternity.pick(index).holders['applicant']!.code); // insured: she would pass, but has not consented
      const { idToken, body } = await allowanceSubmission(mother, false, '医保就医：生育津贴（未授权核验，e2e）');
      const before = await countApplications();
      const asked = env.exchange.calls().length;
      const ledgered = (await verifications(mother)).length;
      const answer = await env.platform.request('POST', '/v1/applications', { body, headers: { 'idempotency-key': 'e2e-verify-not-authorised' }, idToken });
      expect(expectProblem(answer, 403, 'AUTHORIZATION_NOT_COVERING')['missingLicenceTypes']).to.deep.equal(['socialInsuranceEnrolment']);
      expect(env.exchange.calls().length, 'the exchange asked nothing').to.equal(asked);
      expect(await countApplications(), 'no application stored').to.equal(before);
      expect((await verifications(mother)).length, 'nothing verified, nothing ledgered').to.equal(ledgered);
    });
  });
});

