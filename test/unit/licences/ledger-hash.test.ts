import { expect } from 'chai';
import type { ActorRecord } from '../../../src/identity/index.js';
import { canonicalEntry, entryHash, GENESIS_HASH, HASHED_FIELDS, type HashedEntry } from '../../../src/licences/index.js';

// Known-answer vector, also in docs/licences.md; the hash was checked with
// `printf '%s' "$GENESIS$CANONICAL" | sha256sum`.
const ENTRY: HashedEntry = {
  action: 'file', at: 1767225600000, authorizationId: '6f1c1f0e-5b7e-4c2a-9a53-0c1d2e3f4a5b', clientId: 'platform', holderCode: '44142119990620338X',
  holderType: 'citizen', licenceIdentifier: '1.2.156.3005.2.11100000000001927L001.11441403007012346W.20260000001.001.S', licenceType: 'residentIdCard',
  matterCodes: ['000744622000', '002096705000'], outcome: 'used', seq: 1, themeCode: 'MX-T05', useCause: '婴儿出生一件事：预填出生登记表',
};
const CANONICAL = '{"action":"file","at":1767225600000,"authorizationId":"6f1c1f0e-5b7e-4c2a-9a53-0c1d2e3f4a5b","clientId":"platform",'
  + '"holderCode":"44142119990620338X","holderType":"citizen","licenceIdentifier":"1.2.156.3005.2.11100000000001927L001.11441403007012346W.20260000001.001.S",'
  + '"licenceType":"residentIdCard","matterCodes":["000744622000","002096705000"],"outcome":"used","seq":1,"themeCode":"MX-T05","useCause":"婴儿出生一件事：预填出生登记表"}';

// The same entry recording who acted (from migration 012): `actor` between `action` and `at`, its keys sorted.
// Checked with `printf '%s' "$GENESIS$CANONICAL_WITH_ACTOR" | sha256sum`.
const ACTOR: ActorRecord = {
  subject: 'Jt0bY4m2Qe8sVh3LxK9wRa', subjectType: 'natural', idNumber: '44142119990620338X', name: '陈晓燕', level: 'L3', methods: ['face'], authTime: 1767225540000, capacity: 'self',
};
const CANONICAL_WITH_ACTOR = '{"action":"file","actor":{"authTime":1767225540000,"capacity":"self","idNumber":"44142119990620338X","level":"L3","methods":["face"],'
  + '"name":"陈晓燕","subject":"Jt0bY4m2Qe8sVh3LxK9wRa","subjectType":"natural"},"at":1767225600000,"authorizationId":"6f1c1f0e-5b7e-4c2a-9a53-0c1d2e3f4a5b","clientId":"platform",'
  + '"holderCode":"44142119990620338X","holderType":"citizen","licenceIdentifier":"1.2.156.3005.2.11100000000001927L001.11441403007012346W.20260000001.001.S",'
  + '"licenceType":"residentIdCard","matterCodes":["000744622000","002096705000"],"outcome":"used","seq":1,"themeCode":"MX-T05","useCause":"婴儿出生一件事：预填出生登记表"}';

describe('licence-use ledger hash rule', () => {
  it('the genesis hash is 64 zeros and the field list is sorted', () => {
    expect(GENESIS_HASH).to.equal('0'.repeat(64));
    expect([...HASHED_FIELDS]).to.deep.equal([...HASHED_FIELDS].sort());
  });

  it('canonical JSON: fixed fields, sorted keys, no white space, whatever the input order or extra members', () => {
    expect(canonicalEntry(ENTRY)).to.equal(CANONICAL);
    const shuffled = Object.fromEntries(Object.entries({ ...ENTRY, extra: 'ignored', hash: 'x' }).reverse()) as unknown as HashedEntry;
    expect(canonicalEntry(shuffled)).to.equal(CANONICAL);
  });

  it('matches the known-answer vector, chained', () => {
    const first = entryHash(GENESIS_HASH, ENTRY);
    expect(first).to.equal('35a654820cb4388a6844cb04087ce8a0aff543811e8599207524b73931e2e7ec');
    expect(entryHash(first, { ...ENTRY, seq: 2, outcome: 'refused-invalid', matterCodes: [] })).to.equal('e16bd37eea8f4f544129914463e0acf9bff85496ab2dd35f1e20abea5cb571dc');
  });

  it('an entry with an actor: the actor in the canonical JSON, keys sorted at every depth, matching its known-answer vector', () => {
    expect(canonicalEntry({ ...ENTRY, actor: ACTOR })).to.equal(CANONICAL_WITH_ACTOR);
    const reversed = Object.fromEntries(Object.entries(ACTOR).reverse()) as unknown as ActorRecord;
    expect(canonicalEntry({ ...ENTRY, actor: reversed })).to.equal(CANONICAL_WITH_ACTOR);
    // A member without a value is no member (as when the record is stored as JSON and read back).
    expect(canonicalEntry({ ...ENTRY, actor: { ...ACTOR, delegationId: undefined } as unknown as ActorRecord })).to.equal(CANONICAL_WITH_ACTOR);
    expect(entryHash(GENESIS_HASH, { ...ENTRY, actor: ACTOR })).to.equal('adea5c7827cb232e504e503553a5d8cad62267876e52040329717671804d7272');
    expect(entryHash(GENESIS_HASH, { ...ENTRY, actor: ACTOR })).to.not.equal(entryHash(GENESIS_HASH, ENTRY));
    const variants: Partial<ActorRecord>[] = [
      { subject: 'x' }, { idNumber: '441402199510214681' }, { name: '陈晓' }, { level: 'L2' }, { methods: ['sms'] }, { authTime: ACTOR.authTime + 1 },
      { capacity: 'guardian' }, { delegationId: 'd' }, { hall: 'meizhou-hall' },
    ];
    const base = entryHash(GENESIS_HASH, { ...ENTRY, actor: ACTOR });
    for (const variant of variants) expect(entryHash(GENESIS_HASH, { ...ENTRY, actor: { ...ACTOR, ...variant } }), JSON.stringify(variant)).to.not.equal(base);
  });

  it('any change of a hashed field, or of the link, changes the hash', () => {
    const base = entryHash(GENESIS_HASH, ENTRY);
    const variants: Partial<HashedEntry>[] = [
      { action: 'query' }, { at: ENTRY.at + 1 }, { authorizationId: 'x' }, { clientId: 'platform-b' }, { holderCode: '441402199510214681' }, { holderType: 'organization' },
      { licenceIdentifier: 'x' }, { licenceType: 'birthCertificate' }, { matterCodes: ['002096705000', '000744622000'] }, { outcome: 'refused-invalid' },
      { seq: 2 }, { themeCode: 'MX-T06' }, { useCause: '婴儿出生一件事：预填出生登记表 ' },
    ];
    expect(variants).to.have.length(HASHED_FIELDS.length);
    for (const variant of variants) expect(entryHash(GENESIS_HASH, { ...ENTRY, ...variant }), JSON.stringify(variant)).to.not.equal(base);
    expect(entryHash('1'.repeat(64), ENTRY)).to.not.equal(base);
  });
});
