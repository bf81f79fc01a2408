/**
 * The body of `POST /v1/delegations`, validated: shape (ajv), the agent (a
 * person's ID number with its check character, or a client id), known
 * licence types and shared-data resources that the holder's kind holds (as
 * an authorisation's), and the expiry. The checks
 * that need the store (themes in the catalogue, the service registered)
 * are the service's.
 */
import { Ajv } from 'ajv';
import { validationError, type FieldError } from '../errors/index.js';
import type { LicenceHolderType } from '../domain/licence-library.js';
import { validateIdNumber } from '../domain/identifiers/index.js';
import { readTextMember } from '../forms/text-rules.js';
import { fieldErrorsOf, licenceTypesProblems, parseInstant, THEME_CODE_PATTERN, type LicenceTypeOrResourceKey } from '../licences/authorization-request.js';

/** Longest allowed lifetime of a delegation. */
export const MAX_DELEGATION_YEARS = 1;
/** Most themes one delegation names. */
export const MAX_DELEGATION_THEMES = 40;
/** Most licence types (and shared-data resources) one delegation names. */
export const MAX_DELEGATION_LICENCE_TYPES = 20;

/** Who a delegation lets act: a named person (by ID number), or a registered 帮代办 service (by its Tongban client id). */
export type DelegationAgent =
  | { readonly type: 'person'; readonly idNumber: string; readonly name: string }
  | { readonly type: 'service'; readonly clientId: string };

/** A validated delegation request (the holder comes from the ID token, never from the body). */
export interface DelegationRequest {
  readonly agent: DelegationAgent;
  readonly themeCodes: readonly string[];
  /** Licence type keys and shared-data resource keys, each held by the holder's kind. */
  readonly licenceTypes: readonly LicenceTypeOrResourceKey[];
  readonly expiresAt: Date;
}

const schema = {
  type: 'object', additionalProperties: false, required: ['agent', 'themeCodes', 'licenceTypes', 'expiresAt'],
  properties: {
    agent: {
      type: 'object', additionalProperties: false, required: ['type'],
      properties: {
        type: { enum: ['person', 'service'] },
        idNumber: { type: 'string', maxLength: 32 },
        name: { type: 'string', maxLength: 200 },
        clientId: { type: 'string', minLength: 1, maxLength: 64 },
      },
    },
    themeCodes: { type: 'array', minItems: 1, maxItems: MAX_DELEGATION_THEMES, uniqueItems: true, items: { type: 'string', pattern: THEME_CODE_PATTERN } },
    licenceTypes: { type: 'array', minItems: 1, maxItems: MAX_DELEGATION_LICENCE_TYPES, uniqueItems: true, items: { type: 'string', maxLength: 64 } },
    expiresAt: { type: 'string', maxLength: 40 },
  },
} as const;

const validateShape = new Ajv({ allErrors: true }).compile(schema);

interface AgentInput { type: 'person' | 'service'; idNumber?: string; name?: string; clientId?: string }

/** The agent named by the body, or undefined once what is wrong with it is in `errors`. */
function readAgent(agent: AgentInput, holder: { code: string; type: LicenceHolderType }, granterIdNumber: string, errors: FieldError[]): DelegationAgent | undefined {
  const refuseMember = (member: keyof AgentInput, message: string) => errors.push({ pointer: `/agent/${member}`, message });
  if (agent.type === 'service') {
    if (agent.idNumber !== undefined) refuseMember('idNumber', 'is not allowed for an agent of type service');
    if (agent.name !== undefined) refuseMember('name', 'is not allowed for an agent of type service (the service is named by its registration)');
    if (agent.clientId === undefined) refuseMember('clientId', 'is required for an agent of type service');
    return agent.clientId === undefined ? undefined : { type: 'service', clientId: agent.clientId };
  }
  if (agent.clientId !== undefined) refuseMember('clientId', 'is not allowed for an agent of type person');
  if (agent.idNumber === undefined) refuseMember('idNumber', 'is required for an agent of type person');
  if (agent.name === undefined) refuseMember('name', 'is required for an agent of type person');
  const name = agent.name === undefined ? undefined : readTextMember(agent.name, '/agent/name', errors, { maxLength: 50 });
  if (agent.idNumber === undefined) return undefined;
  const idNumber = validateIdNumber(agent.idNumber);
  if (!idNumber.ok) refuseMember('idNumber', idNumber.reason);
  else if (holder.type === 'citizen' && agent.idNumber === holder.code) refuseMember('idNumber', 'is the holder\'s own ID number: a holder does not delegate to themselves');
  else if (agent.idNumber === granterIdNumber) refuseMember('idNumber', 'is the ID number of the legal representative granting it, who acts for the enterprise already');
  return idNumber.ok && name !== undefined ? { type: 'person', idNumber: agent.idNumber, name } : undefined;
}

/**
 * Validates the body of `POST /v1/delegations` for `holder`, granted by the
 * person with `granterIdNumber` (the holder, or the enterprise's legal representative).
 * @throws TongbanError VALIDATION_FAILED listing every field at fault.
 */
export function parseDelegationRequest(body: unknown, holder: { code: string; type: LicenceHolderType }, granterIdNumber: string, now: Date): DelegationRequest {
  if (!validateShape(body)) throw validationError(fieldErrorsOf(validateShape.errors ?? []));
  const input = body as { agent: AgentInput; themeCodes: string[]; licenceTypes: string[]; expiresAt: string };
  const errors: FieldError[] = [];
  const agent = readAgent(input.agent, holder, granterIdNumber, errors);

  // Shared-data resources are delegated like licence types (docs/shared-data.md): the agent may then record an authorisation naming them.
  errors.push(...licenceTypesProblems(input.licenceTypes, holder.type));

  const expiresAt = parseInstant(input.expiresAt);
  const latest = new Date(now);
  latest.setUTCFullYear(latest.getUTCFullYear() + MAX_DELEGATION_YEARS);
  if (!expiresAt) errors.push({ pointer: '/expiresAt', message: 'must be an ISO 8601 date-time with a time zone, e.g. 2027-06-30T23:59:59+08:00' });
  else if (expiresAt.getTime() <= now.getTime()) errors.push({ pointer: '/expiresAt', message: `must be in the future (it is ${input.expiresAt})` });
  else if (expiresAt.getTime() > latest.getTime()) errors.push({ pointer: '/expiresAt', message: `must be at most ${MAX_DELEGATION_YEARS} year ahead (latest ${latest.toISOString()})` });

  if (errors.length > 0 || !agent || !expiresAt) throw validationError(errors);
  return { agent, themeCodes: input.themeCodes, licenceTypes: input.licenceTypes as LicenceTypeOrResourceKey[], expiresAt };
}
