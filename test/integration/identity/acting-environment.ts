/**
 * What the agent (帮代办) and guardian tests share: the licence environment
 * (real gateway, licence-library and matter-system simulators) on a clock the
 * tests can move, persons of the simulators' population logged in at the
 * shared identity platform, and the requests an applicant's platform makes.
 */
import { expect } from 'chai';
import type { Person } from '../../../adapters/common/population/index.js';
import type { SigningClient, SigningClientResponse } from '../../../src/trust/signing-client.js';
import type { StoreFixture } from '../../helpers/stores.js';
import { loginAt, type TestPerson } from '../../helpers/identity.js';
import { BIRTH_THEME, startLicenceEnvironment, type LicenceEnvironment } from '../licences/environment.js';

export const DAY_MS = 86_400_000;

/** What the tests see of an authorisation (with H2's `actor`). */
export interface AuthorizationView {
  id: string;
  holder: { code: string; type: string };
  actor: { idNumber: string; capacity: string; delegationId?: string; guardianEvidence?: string; subjectType: string; orgRole?: string; creditCode?: string } | null;
}

export interface ActingEnvironment extends LicenceEnvironment {
  /** Moves the gateway's clock of authorisations and delegations this far ahead of real time. */
  setClockAhead(ms: number): void;
  /** A person of the population by ID number, as they log in. */
  person(idNumber: string): TestPerson & { record: Person };
  /** Logs `person` in through `client` (its id is the OIDC client). */
  login(client: SigningClient, person: TestPerson): Promise<string>;
  /** `POST /v1/authorizations` for `holder` with the ID token of the person acting. */
  authorize(client: SigningClient, idToken: string, holder: { code: string; type: 'citizen' | 'organization' }, licenceTypes: readonly string[]): Promise<SigningClientResponse>;
  /** `GET /v1/licences` of a citizen holder under an authorisation, with the ID token of the person acting. */
  readLicences(client: SigningClient, idToken: string, holderCode: string, licenceTypes: readonly string[], authorizationId: string): Promise<SigningClientResponse>;
}

/** Starts the environment on `fixture` with a movable clock. */
export async function startActingEnvironment(fixture: StoreFixture): Promise<ActingEnvironment> {
  let aheadMs = 0;
  const env = await startLicenceEnvironment(fixture, { gateway: { clock: () => new Date(Date.now() + aheadMs) } });
  const byIdNumber = new Map(env.library.population.persons.filter((person) => person.idNumber !== null).map((person) => [person.idNumber!, person]));
  return Object.assign(env, {
    setClockAhead(ms: number) {
      aheadMs = ms;
    },
    person(idNumber: string) {
      const record = byIdNumber.get(idNumber);
      if (!record) throw new Error(`nobody with ID number ${idNumber} in the population`);
      return { idNumber, name: record.name, record };
    },
    login: (client: SigningClient, person: TestPerson) => loginAt(env.gateway.url, client, person),
    authorize: (client: SigningClient, idToken: string, holder: { code: string; type: 'citizen' | 'organization' }, licenceTypes: readonly string[]) => client.request('POST', '/v1/authorizations', {
      idToken,
      body: {
        holder, licenceTypes, purpose: { themeCode: BIRTH_THEME, description: '办理婴儿出生一件事' },
        expiresAt: new Date(Date.now() + 300 * DAY_MS).toISOString(), consent: { method: 'face-recognition', at: new Date().toISOString() },
      },
    }),
    readLicences: (client: SigningClient, idToken: string, holderCode: string, licenceTypes: readonly string[], authorizationId: string) => {
      const query = new URLSearchParams({ holderCode, holderType: 'citizen', licenceType: licenceTypes.join(','), themeCode: BIRTH_THEME, authorizationId, useCause: '代办婴儿出生一件事' });
      return client.request('GET', `/v1/licences?${query.toString()}`, { idToken });
    },
  });
}

/** Asserts a problem answer with `status` and `code`; returns its body. */
export function expectProblem(answer: SigningClientResponse, status: number, code: string): Record<string, unknown> {
  expect(answer.status, JSON.stringify(answer.body)).to.equal(status);
  expect(answer.headers['content-type']).to.match(/application\/problem\+json/);
  expect(answer.body).to.include({ code });
  return answer.body as Record<string, unknown>;
}

/** The JSON Pointers a 400 problem names. */
export function pointersOf(problem: Record<string, unknown>): string[] {
  return ((problem['errors'] ?? []) as { pointer: string }[]).map((error) => error.pointer);
}
