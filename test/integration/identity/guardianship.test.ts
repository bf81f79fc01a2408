/**
 * A guardian (监护人) acting for a newborn through a real gateway, with ID
 * tokens from the identity platform simulator and the guardianship read from
 * the licence library simulator's 出生医学证明 and 户口簿, on SQLite and
 * PostgreSQL: the mother by the birth certificate she holds, the father as
 * head of the newborn's household; anyone else is refused.
 */
import { expect } from 'chai';
import type { LicenceRecord, Person } from '../../../adapters/common/population/index.js';
import { GUARDIANSHIP_AUTHORIZATION, GUARDIANSHIP_USE_CAUSE } from '../../../src/identity/guardianship.js';
import type { LedgerEntry } from '../../../src/licences/index.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';
import { BIRTH_THEME, motherWith } from '../licences/environment.js';
import { expectProblem, startActingEnvironment, type ActingEnvironment, type AuthorizationView } from './acting-environment.js';

/** A newborn registered in a household (so with an ID number) who holds a valid 居民身份证, with their parents. */
function newbornFamily(env: ActingEnvironment): { newborn: Person; mother: Person; father: Person; idCard: LicenceRecord } {
  const { persons, licences } = env.library.population;
  const byKey = new Map(persons.map((person) => [person.key, person]));
  for (const newborn of persons) {
    if (newborn.idNumber === null || newborn.birthDate < `${env.library.population.asOf.slice(0, 4)}-01-01` || !newborn.motherKey || !newborn.fatherKey) continue;
    const idCard = licences.find((licence) => licence.holder.code === newborn.idNumber && licence.type === 'residentIdCard' && licence.status === '01');
    if (idCard) return { newborn, mother: byKey.get(newborn.motherKey)!, father: byKey.get(newborn.fatherKey)!, idCard };
  }
  throw new Error('no registered newborn with a 居民身份证 in the population');
}

for (const fixture of storeFixtures()) describe(`guardians acting for a minor (${fixture.name})`, function () {
  this.timeout(120_000);
  let env: ActingEnvironment;
  let family: ReturnType<typeof newbornFamily>;
  const licenceOf = (holderCode: string, type: LicenceRecord['type']) => env.library.population.licences.find((licence) => licence.holder.code === holderCode && licence.type === type)!;
  const guardianChecks = async (holderCode: string, afterSeq: number) => (await env.gateway.ledger.listByHolder(holderCode, { limit: 500 }))
    .filter((entry) => entry.seq > afterSeq && entry.authorizationId === GUARDIANSHIP_AUTHORIZATION);

  before(async function () {
    this.timeout(120_000);
    env = await startActingEnvironment(fixture);
    family = newbornFamily(env);
  });
  after(async function () {
    await env?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });

  const asPerson = (person: Person) => ({ idNumber: person.idNumber!, name: person.name });

  it('the mother, named by the 出生医学证明 she holds, authorises and reads the newborn\'s licences; the check is in the ledger', async () => {
    const { newborn, mother, idCard } = family;
    const headBefore = (await env.gateway.ledger.head()).seq;
    const token = await env.login(env.platform, asPerson(mother));
    const answer = await env.authorize(env.platform, token, { code: newborn.idNumber!, type: 'citizen' }, ['residentIdCard']);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    const certificate = env.library.population.licences.find((licence) => licence.type === 'birthCertificate' && licence.holder.code === mother.idNumber && licence.surface['CSRQ'] === newborn.birthDate)!;
    expect((answer.body as AuthorizationView).actor).to.deep.include({ idNumber: mother.idNumber, capacity: 'guardian', guardianEvidence: certificate.identifier });

    const read = await env.readLicences(env.platform, token, newborn.idNumber!, ['residentIdCard'], (answer.body as AuthorizationView).id);
    expect(read.status, JSON.stringify(read.body)).to.equal(200);
    expect((read.body as { licences: { identifier: string }[] }).licences.map((licence) => licence.identifier)).to.deep.equal([idCard.identifier]);

    // Reading the mother's 出生医学证明 to check was a use of her licence like any other.
    const checks = await guardianChecks(mother.idNumber!, headBefore);
    const entry = checks.find((use) => use.licenceIdentifier === certificate.identifier) as LedgerEntry;
    expect(entry).to.deep.include({ action: 'verify', outcome: 'used', useCause: GUARDIANSHIP_USE_CAUSE, licenceType: 'birthCertificate', themeCode: BIRTH_THEME, clientId: 'platform' });
    expect(entry.actor).to.deep.include({ idNumber: mother.idNumber, capacity: 'self' });
  });

  it('the father, head of the household the newborn\'s 户口簿 page is in, is a guardian by the 户口簿', async () => {
    const { newborn, father } = family;
    expect(father.relation).to.equal('户主');
    const headBefore = (await env.gateway.ledger.head()).seq;
    const token = await env.login(env.platform, asPerson(father));
    const answer = await env.authorize(env.platform, token, { code: newborn.idNumber!, type: 'citizen' }, ['residentIdCard']);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    const newbornPage = licenceOf(newborn.idNumber!, 'householdRegister');
    expect((answer.body as AuthorizationView).actor).to.deep.include({ idNumber: father.idNumber, capacity: 'guardian', guardianEvidence: newbornPage.identifier });
    expect((await env.readLicences(env.platform, token, newborn.idNumber!, ['residentIdCard'], (answer.body as AuthorizationView).id)).status).to.equal(200);

    const fatherPage = licenceOf(father.idNumber!, 'householdRegister');
    expect((await guardianChecks(father.idNumber!, headBefore)).map((use) => use.licenceIdentifier)).to.include(fatherPage.identifier);
    const minorChecks = await guardianChecks(newborn.idNumber!, headBefore);
    expect(minorChecks.map((use) => [use.licenceIdentifier, use.action, use.actor?.capacity])).to.deep.equal([[newbornPage.identifier, 'verify', 'guardian']]);
  });

  it('anyone else (another mother) is refused 403 HOLDER_MISMATCH; for an adult holder nobody is a guardian and nothing is read', async () => {
    const { newborn, mother, father } = family;
    const strangerId = [0, 1].map((skip) => motherWith(env.library, ['birthCertificate'], skip).idNumber).find((idNumber) => idNumber !== mother.idNumber)!;
    const stranger = env.person(strangerId);
    const strangerToken = await env.login(env.platform, stranger);
    expectProblem(await env.authorize(env.platform, strangerToken, { code: newborn.idNumber!, type: 'citizen' }, ['residentIdCard']), 403, 'HOLDER_MISMATCH');

    const headBefore = (await env.gateway.ledger.head()).seq;
    const fatherToken = await env.login(env.platform, asPerson(father));
    expectProblem(await env.authorize(env.platform, fatherToken, { code: mother.idNumber!, type: 'citizen' }, ['residentIdCard']), 403, 'HOLDER_MISMATCH');
    expect((await env.gateway.ledger.head()).seq).to.equal(headBefore);
  });
});
