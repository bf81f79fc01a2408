/**
 * Who acts in an end-to-end story: one person logged in at the identity
 * platform — the story's applicant (a citizen holder, `applicant` first; an
 * enterprise's legal representative when only enterprises hold) — to whom
 * every other holder delegates (帮代办) from their own login, so that the
 * applicant's one ID token authorises, prefills and submits for them all. An
 * enterprise whose legal representative is the applicant delegates to the
 * platform as a 帮代办 service instead (its legal representative acts for it
 * when logged in for it, not as the person they are).
 */
import type { PopulationIndex } from '../../adapters/common/population/index.js';
import type { SigningClient } from '../../src/trust/signing-client.js';
import type { TestPerson, TestSessions } from '../helpers/identity.js';
import type { Holder } from './scenarios.js';

/** The person acting and their ID token (for `platform`). */
export interface Acting {
  person: TestPerson;
  idToken: string;
}

/** What acting needs of an environment. */
export interface ActingEnvironment {
  platform: SigningClient;
  sessions: TestSessions;
}

const inOneDay = () => new Date(Date.now() + 86_400_000).toISOString();

/** The login of a holder: a citizen as themselves, an enterprise or organisation through its legal representative (法人). */
export function holderLogin(index: PopulationIndex, holder: Holder): TestPerson {
  if (holder.type === 'citizen') return { idNumber: holder.code, name: index.personByCode(holder.code).name };
  const { population } = index;
  const entity = population.enterprises.find((candidate) => candidate.creditCode === holder.code)
    ?? population.organisations.find((candidate) => candidate.creditCode === holder.code);
  const representative = index.person(entity?.legalRepresentativeKey);
  if (!entity || !representative?.idNumber) throw new Error(`no legal representative with an ID number for ${holder.code} in the population`);
  return { idNumber: representative.idNumber, name: representative.name, creditCode: holder.code };
}

/**
 * Logs in the story's applicant and has every other holder delegate the
 * licence types of `typesOf` for `themeCode` to them (each from their own
 * login, through the platform).
 * @param typesOf the licence types the story uses of a holder (by holder code)
 */
export async function actingFor(env: ActingEnvironment, index: PopulationIndex, themeCode: string,
  holders: Readonly<Record<string, Holder>>, typesOf: (holderCode: string) => readonly string[]): Promise<Acting> {
  const entries = Object.entries(holders);
  const citizen = entries.find(([subject, holder]) => subject === 'applicant' && holder.type === 'citizen') ?? entries.find(([, holder]) => holder.type === 'citizen');
  const first = citizen ?? entries[0];
  if (!first) throw new Error(`${themeCode}: no holder to act`);
  const person = holderLogin(index, first[1]);
  const idToken = await env.sessions.idToken(env.platform, person);
  const others = new Map(entries.filter(([, holder]) => holder.code !== first[1].code || holder.type !== first[1].type).map(([, holder]) => [holder.code, holder]));
  for (const holder of others.values()) {
    const licenceTypes = [...typesOf(holder.code)];
    if (licenceTypes.length === 0) continue;
    const login = holderLogin(index, holder);
    const holderToken = await env.sessions.idToken(env.platform, login);
    const agent = login.idNumber === person.idNumber ? { type: 'service', clientId: env.platform.clientId } : { type: 'person', idNumber: person.idNumber, name: person.name };
    const delegation = await env.platform.request('POST', '/v1/delegations', {
      idToken: holderToken, body: { agent, themeCodes: [themeCode], licenceTypes, expiresAt: inOneDay() },
    });
    if (delegation.status !== 201) throw new Error(`${themeCode}: ${holder.code}'s delegation to ${person.idNumber} answered ${delegation.status}: ${JSON.stringify(delegation.body)}`);
  }
  return { person, idToken };
}
