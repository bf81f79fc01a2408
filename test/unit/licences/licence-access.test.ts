/**
 * LicenceAccess and AuthorizationService as the lead's prefill calls them,
 * on an in-memory SQLite store with a recording stand-in library: what is
 * asked of the library, what is ledgered, and the refusals that need no
 * network (503 without a library, upstream errors passing through,
 * undeclared types, unmapped matters, expiry at a given instant), and that
 * only the person an authorisation was recorded for can use it.
 */
import { expect } from 'chai';
import { CatalogStore, upsertTheme } from '../../../src/catalog/index.js';
import { TongbanError } from '../../../src/errors/index.js';
import { actorRecord } from '../../../src/identity/index.js';
import { AuthorizationService, declaredLicenceTypes, LicenceAccess, LicenceUseLedger, type DeclaredLicenceSource } from '../../../src/licences/index.js';
import { createLogger } from '../../../src/log/index.js';
import { LICENCE_TYPES, type Licence, type LicenceLibrary, type LicenceQuery } from '../../../src/domain/licence-library.js';
import type { Theme } from '../../../src/domain/matter-catalog.js';
import { UpstreamError } from '../../../src/domain/upstream-error.js';
import { migrate, SqliteStore } from '../../../src/store/index.js';
import { testActor } from '../../helpers/actors.js';

const MOTHER = '44142119990620338X';
const STRANGER = '441402199510214681';

const mother = testActor(MOTHER);
const THEME: Theme = {
  code: 'MX-T05', sequence: 5, name: '婴儿“出生一件事”', subjectType: 'personal', serviceHall: '', notes: '',
  matterCodes: ['000744622000', '002096705000', '000795887000'], status: 'active', updatedAt: '2026-01-01T00:00:00Z', version: 1,
};
const MAPPINGS: DeclaredLicenceSource = {
  matters: new Map([
    ['000744622000', { licences: [{ licenceType: 'birthCertificate' }, { licenceType: 'residentIdCard' }] }],
    ['002096705000', { licences: [{ licenceType: 'residentIdCard' }] }],
  ]),
  themes: new Map(),
};

function licence(identifier: string, key: keyof typeof LICENCE_TYPES, passed: boolean): Licence {
  const type = LICENCE_TYPES[key];
  return {
    identifier, typeCode: type.code, typeName: type.name, number: '1', holder: { code: MOTHER, type: 'citizen', name: '吴月' }, issuer: { name: '某局', code: 'X' },
    issuedOn: '2026-01-01', validFrom: '2026-01-01', validUntil: null, areaCode: '441403', status: passed ? 'valid' : 'revoked', surface: {},
    verification: { identifierCheck: true, status: passed, validity: true, dataSignature: true, passed, problems: passed ? [] : ['status is "revoked"'], checkedAt: '2026-11-24T00:00:00Z' },
  };
}

/** Answers queryByHolder from a list (or fails), recording every query. */
function stubLibrary(answer: () => Promise<Licence[]>): LicenceLibrary & { queries: LicenceQuery[] } {
  const queries: LicenceQuery[] = [];
  const unused = () => Promise.reject(new Error('not used here'));
  return {
    queries,
    queryByHolder: async (query) => {
      queries.push(query);
      const all = await answer();
      return all.filter((item) => query.licenceTypes.includes(item.typeCode));
    },
    getByIdentifier: unused, verifySurface: unused, fieldDefinitions: unused, downloadFile: unused,
  };
}

async function caught(promise: Promise<unknown>): Promise<TongbanError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(TongbanError);
    return error as TongbanError;
  }
  throw new Error('expected a rejection');
}

describe('LicenceAccess (service level)', () => {
  let store: SqliteStore;
  let authorizations: AuthorizationService;
  let ledger: LicenceUseLedger;
  let authorizationId: string;
  const logger = createLogger({ level: 'silent' });
  const access = (library: LicenceLibrary | undefined) => new LicenceAccess({ library, authorizations, ledger, logger, declaredTypes: declaredLicenceTypes(MAPPINGS, new CatalogStore(store)) });
  const request = (overrides: Record<string, unknown> = {}) => ({
    clientId: 'platform', actor: mother, authorizationId, holder: { code: MOTHER, type: 'citizen' as const }, licenceTypes: ['residentIdCard', 'birthCertificate'],
    themeCode: 'MX-T05', matterCodes: ['000744622000'], useCause: '出生登记', ...overrides,
  });

  beforeEach(async () => {
    store = new SqliteStore({ path: ':memory:' });
    await migrate(store);
    await upsertTheme(store, THEME, Date.now());
    authorizations = new AuthorizationService(store, new CatalogStore(store));
    ledger = new LicenceUseLedger(store);
    authorizationId = (await authorizations.create('platform', authorizationBody(), mother)).id;
  });
  afterEach(async () => { await store.close(); });

  function authorizationBody() {
    return {
      holder: { code: MOTHER, type: 'citizen' }, licenceTypes: ['residentIdCard', 'birthCertificate', 'marriageCertificate'], purpose: { themeCode: 'MX-T05' },
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(), consent: { method: 'counter', at: new Date().toISOString() },
    };
  }

  it('asks the library for only the type codes named, and ledgers each licence by its verification', async () => {
    const library = stubLibrary(async () => [licence('L1', 'residentIdCard', true), licence('L2', 'birthCertificate', false), licence('L3', 'marriageCertificate', true)]);
    const used = await access(library).fetchForHolder(request());
    expect(library.queries).to.deep.equal([{ holderCode: MOTHER, holderType: 'citizen', licenceTypes: [LICENCE_TYPES.residentIdCard.code, LICENCE_TYPES.birthCertificate.code], useCause: '出生登记' }]);
    expect(used.map((item) => [item.identifier, item.licenceType, item.ledgerSeq])).to.deep.equal([['L1', 'residentIdCard', 1], ['L2', 'birthCertificate', 2]]);
    const entries = await ledger.listByHolder(MOTHER, { limit: 10 });
    expect(entries.map((entry) => [entry.seq, entry.outcome, entry.matterCodes, entry.authorizationId])).to.deep.equal([
      [2, 'refused-invalid', ['000744622000'], authorizationId], [1, 'used', ['000744622000'], authorizationId],
    ]);
    for (const entry of entries) expect(entry.actor).to.deep.equal(actorRecord(mother, 'self'));
    expect((await ledger.verify()).ok).to.equal(true);
  });

  it('records who gave an authorisation; only that person can use it (HOLDER_MISMATCH), and nothing is asked or ledgered otherwise', async () => {
    expect((await authorizations.get(authorizationId))!.actor).to.deep.equal(actorRecord(mother, 'self'));
    const library = stubLibrary(async () => [licence('L1', 'residentIdCard', true)]);
    expect((await caught(access(library).fetchForHolder(request({ actor: testActor(STRANGER) })))).code).to.equal('HOLDER_MISMATCH');
    // The same ID number under another subject (another identity platform account) is not the same login.
    expect((await caught(access(library).fetchForHolder(request({ actor: testActor(MOTHER, { sub: 'someone-else' }) })))).code).to.equal('HOLDER_MISMATCH');
    expect(library.queries).to.deep.equal([]);
    expect((await ledger.head()).seq).to.equal(0);
    // A stranger cannot give the mother's authorisation in the first place.
    expect((await caught(authorizations.create('platform', authorizationBody(), testActor(STRANGER)))).code).to.equal('HOLDER_MISMATCH');
    // The mother again, in a later login (another level and method): hers to use, recorded as that login.
    const later = testActor(MOTHER, { level: 'L2', methods: ['sms'], authTime: Date.now() });
    await access(library).fetchForHolder(request({ actor: later }));
    expect((await ledger.listByHolder(MOTHER, { limit: 1 }))[0]!.actor).to.deep.equal(actorRecord(later, 'self'));
  });

  it('reads an authorisation recorded before identities (actor NULL) but never uses it', async () => {
    await store.query('UPDATE authorizations SET actor = NULL WHERE id = $1', [authorizationId]);
    const legacy = await authorizations.get(authorizationId);
    expect(legacy).to.include({ actor: null, status: 'active' });
    const error = await caught(access(stubLibrary(async () => [])).fetchForHolder(request()));
    expect(error.code).to.equal('HOLDER_MISMATCH');
    expect(error.message).to.match(/without a verified identity/);
  });

  it('records an authorisation for a trusted caller with the actor it gives (a counter scan), usable by that person only', async () => {
    const officer = testActor(STRANGER);
    const record = actorRecord(officer, 'counter', { hall: 'meizhou-hall' });
    const now = new Date();
    const recorded = await authorizations.recordFor('window-meizhou', {
      holder: { code: MOTHER, type: 'citizen' }, licenceTypes: ['residentIdCard'], purpose: { themeCode: 'MX-T05', matterCodes: [], description: null },
      expiresAt: new Date(now.getTime() + 30 * 60_000), consent: { method: 'counter', at: now },
    }, record);
    expect(recorded).to.deep.include({ clientId: 'window-meizhou', actor: record, status: 'active', consent: { method: 'counter', at: now.toISOString() } });
    const library = stubLibrary(async () => [licence('L1', 'residentIdCard', true)]);
    const use = request({ clientId: 'window-meizhou', authorizationId: recorded.id, licenceTypes: ['residentIdCard'] });
    expect((await caught(access(library).fetchForHolder({ ...use, actor: mother }))).code).to.equal('HOLDER_MISMATCH');
    await access(library).fetchForHolder({ ...use, actor: officer });
    expect((await ledger.listByHolder(MOTHER, { limit: 1 }))[0]!.actor).to.deep.equal(record);
    expect((await caught(authorizations.recordFor('window-meizhou', {
      holder: { code: MOTHER, type: 'citizen' }, licenceTypes: ['residentIdCard'], purpose: { themeCode: 'MX-T99', matterCodes: [], description: null },
      expiresAt: new Date(now.getTime() + 60_000), consent: { method: 'counter', at: now },
    }, record))).code).to.equal('NOT_FOUND');
  });

  it('ledgers nothing when the holder has none of the types', async () => {
    expect(await access(stubLibrary(async () => [])).fetchForHolder(request())).to.deep.equal([]);
    expect((await ledger.head()).seq).to.equal(0);
  });

  it('answers 503 SERVICE_UNAVAILABLE without a library — after the authorisation check', async () => {
    expect((await caught(access(undefined).fetchForHolder(request()))).code).to.equal('SERVICE_UNAVAILABLE');
    expect((await caught(access(undefined).fetchForHolder(request({ authorizationId: undefined })))).code).to.equal('AUTHORIZATION_REQUIRED');
  });

  it('lets an UpstreamError through unchanged and ledgers nothing', async () => {
    const failure = new UpstreamError('licence library timed out', { system: 'licence-library', operation: 'queryByHolder', kind: 'timeout' });
    const error = await caught(access(stubLibrary(() => Promise.reject(failure))).fetchForHolder(request()));
    expect(error).to.equal(failure);
    expect(error.status).to.equal(504);
    expect((await ledger.head()).seq).to.equal(0);
  });

  it('refuses types the matters do not declare, and matters without a mapping', async () => {
    const library = stubLibrary(async () => []);
    const undeclared = await caught(access(library).fetchForHolder(request({ licenceTypes: ['marriageCertificate'] })));
    expect(undeclared).to.include({ code: 'LICENCE_TYPE_NOT_DECLARED', status: 403 });
    expect(undeclared.extensions).to.deep.equal({ undeclaredLicenceTypes: ['marriageCertificate'] });
    // The whole theme: 城乡居民参保登记 (000795887000) has no mapping, so nothing can be declared for it.
    const unmapped = await caught(access(library).fetchForHolder(request({ matterCodes: [] })));
    expect(unmapped).to.include({ code: 'THEME_NOT_MAPPED' });
    expect(unmapped.extensions).to.deep.equal({ unmappedMatterCodes: ['000795887000'] });
    expect(library.queries).to.deep.equal([]);
  });

  it('validates what the route would: reason, holder code, licence type keys', async () => {
    const library = stubLibrary(async () => []);
    expect((await caught(access(library).fetchForHolder(request({ useCause: '' })))).code).to.equal('USE_CAUSE_REQUIRED');
    expect((await caught(access(library).fetchForHolder(request({ holder: { code: '441421199906203381', type: 'citizen' } })))).errors).to.deep.include.members([{ pointer: '/holder/code', message: 'ID number "441421199906203381": check character is "1", expected "X"' }]);
    expect((await caught(access(library).fetchForHolder(request({ licenceTypes: ['residentIdCard', 'visa'] })))).errors![0]!.pointer).to.equal('/licenceTypes/1');
  });

  it('judges expiry at the instant given', async () => {
    const use = { clientId: 'platform', actor: mother, authorizationId, holderCode: MOTHER, holderType: 'citizen' as const, licenceTypes: ['residentIdCard'], themeCode: 'MX-T05' };
    expect((await authorizations.requireCovering(use)).id).to.equal(authorizationId);
    expect((await caught(authorizations.requireCovering({ ...use, at: new Date(Date.now() + 2 * 86_400_000) }))).code).to.equal('AUTHORIZATION_EXPIRED');
    expect((await caught(authorizations.requireCovering({ ...use, clientId: 'platform-b' }))).code).to.equal('AUTHORIZATION_REQUIRED');
  });
});
