/**
 * The body of `POST /v1/authorizations`, validated: shape (ajv), holder code
 * check characters, known licence types that fit the holder, and times. The
 * catalogue checks (theme exists, matters belong to it) are the service's,
 * since they need the store.
 */
import { Ajv, type ErrorObject } from 'ajv';
import { validationError, type FieldError } from '../errors/index.js';
import { LICENCE_TYPES, type LicenceHolderType, type LicenceTypeKey } from '../domain/licence-library.js';
import { isSharedResourceKey, SHARED_RESOURCES, type SharedResourceKey } from '../domain/shared-data.js';
import { readTextMember } from '../forms/text-rules.js';
import { HOLDER_TYPES, holderCodeProblem } from './holder.js';

/** How the applicant gave consent: face recognition, SMS code, handwritten/electronic signature, or at a service-hall counter. */
export type ConsentMethod = 'face-recognition' | 'sms' | 'signature' | 'counter';

export const CONSENT_METHODS: readonly ConsentMethod[] = ['face-recognition', 'sms', 'signature', 'counter'];

/** Longest allowed lifetime of an authorisation. */
export const MAX_AUTHORIZATION_YEARS = 1;

/** Tolerated clock difference for a consent time slightly in the future (ms). */
const CONSENT_SKEW_MS = 5 * 60_000;

/** The shape of theme codes (as the catalogue routes accept them). */
export const THEME_CODE_PATTERN = '^[A-Za-z0-9._-]{1,64}$';

/** What an authorisation, a delegation or a counter code may name in `licenceTypes`: licence type keys and shared-data resource keys. */
export type LicenceTypeOrResourceKey = LicenceTypeKey | SharedResourceKey;

/** A validated authorisation request. */
export interface AuthorizationRequest {
  readonly holder: { readonly code: string; readonly type: LicenceHolderType };
  /** Licence type keys, and shared-data resource keys (`socialInsuranceEnrolment`, …). */
  readonly licenceTypes: readonly LicenceTypeOrResourceKey[];
  readonly purpose: { readonly themeCode: string; readonly matterCodes: readonly string[]; readonly description: string | null };
  readonly expiresAt: Date;
  readonly consent: { readonly method: ConsentMethod; readonly at: Date };
}

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['holder', 'licenceTypes', 'purpose', 'expiresAt', 'consent'],
  properties: {
    holder: {
      type: 'object', additionalProperties: false, required: ['code', 'type'],
      properties: { code: { type: 'string', maxLength: 32 }, type: { enum: [...HOLDER_TYPES] } },
    },
    licenceTypes: { type: 'array', minItems: 1, maxItems: 20, uniqueItems: true, items: { type: 'string', maxLength: 64 } },
    purpose: {
      type: 'object', additionalProperties: false, required: ['themeCode'],
      properties: {
        themeCode: { type: 'string', pattern: THEME_CODE_PATTERN },
        matterCodes: { type: 'array', maxItems: 100, uniqueItems: true, items: { type: 'string', minLength: 1, maxLength: 64 } },
        description: { type: 'string', minLength: 1, maxLength: 200 },
      },
    },
    expiresAt: { type: 'string', maxLength: 40 },
    consent: {
      type: 'object', additionalProperties: false, required: ['method', 'at'],
      properties: { method: { enum: [...CONSENT_METHODS] }, at: { type: 'string', maxLength: 40 } },
    },
  },
} as const;

const ajv = new Ajv({ allErrors: true });
const validateShape = ajv.compile(schema);

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO 8601 date-time with an explicit offset, or undefined. */
export function parseInstant(value: string): Date | undefined {
  if (!ISO_INSTANT.test(value)) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time);
}

/** JSON Pointers and messages for ajv's errors. */
export function fieldErrorsOf(errors: readonly ErrorObject[]): FieldError[] {
  return errors.map((error) => {
    const params = error.params as { missingProperty?: string; additionalProperty?: string; allowedValues?: unknown[] };
    if (error.keyword === 'required') return { pointer: `${error.instancePath}/${params.missingProperty}`, message: 'is required' };
    if (error.keyword === 'additionalProperties') return { pointer: `${error.instancePath}/${params.additionalProperty}`, message: 'is not allowed' };
    if (error.keyword === 'enum') return { pointer: error.instancePath || '/', message: `must be one of ${(params.allowedValues ?? []).join(', ')}` };
    return { pointer: error.instancePath || '/', message: error.message ?? 'is invalid' };
  });
}

/**
 * What is wrong with the `licenceTypes` of a body naming what a holder lets
 * be used — an authorisation, a delegation (帮代办) or a counter code, which
 * all accept the same keys — at `/licenceTypes/<i>`: keys neither a licence
 * type nor a shared-data resource, and keys the holder's kind does not hold.
 */
export function licenceTypesProblems(keys: readonly string[], holderType: LicenceHolderType): FieldError[] {
  return keys.flatMap((key, index) => {
    // A shared-data resource key (docs/shared-data.md) authorises reading and verifying that resource; every one is a citizen's.
    const type = Object.hasOwn(LICENCE_TYPES, key) ? LICENCE_TYPES[key as LicenceTypeKey] : isSharedResourceKey(key) ? SHARED_RESOURCES[key] : undefined;
    if (!type) {
      return [{ pointer: `/licenceTypes/${index}`, message: `unknown licence type or shared-data resource "${key}" (known: ${[...Object.keys(LICENCE_TYPES), ...Object.keys(SHARED_RESOURCES)].join(', ')})` }];
    }
    if (type.holderType === holderType) return [];
    return [{ pointer: `/licenceTypes/${index}`, message: `${type.name} (${key}) is held by ${type.holderType === 'citizen' ? 'citizens' : 'organisations'}, not by a holder of type ${holderType}` }];
  });
}

/**
 * Validates the request body of `POST /v1/authorizations`.
 * @throws TongbanError VALIDATION_FAILED listing every field at fault.
 */
export function parseAuthorizationRequest(body: unknown, now: Date): AuthorizationRequest {
  if (!validateShape(body)) throw validationError(fieldErrorsOf(validateShape.errors ?? []));
  const input = body as {
    holder: { code: string; type: LicenceHolderType };
    licenceTypes: string[];
    purpose: { themeCode: string; matterCodes?: string[]; description?: string };
    expiresAt: string;
    consent: { method: ConsentMethod; at: string };
  };
  const errors: FieldError[] = [];
  // The purpose is shown to the holder and kept with every licence use: one line of text under the text rules.
  const description = input.purpose.description === undefined ? null : readTextMember(input.purpose.description, '/purpose/description', errors, { maxLength: 200 }) ?? null;
  const holderProblem = holderCodeProblem(input.holder.code, input.holder.type);
  if (holderProblem) errors.push({ pointer: '/holder/code', message: holderProblem });

  errors.push(...licenceTypesProblems(input.licenceTypes, input.holder.type));

  const expiresAt = parseInstant(input.expiresAt);
  const latest = new Date(now);
  latest.setUTCFullYear(latest.getUTCFullYear() + MAX_AUTHORIZATION_YEARS);
  if (!expiresAt) errors.push({ pointer: '/expiresAt', message: 'must be an ISO 8601 date-time with a time zone, e.g. 2026-12-31T23:59:59+08:00' });
  else if (expiresAt.getTime() <= now.getTime()) errors.push({ pointer: '/expiresAt', message: `must be in the future (it is ${input.expiresAt})` });
  else if (expiresAt.getTime() > latest.getTime()) errors.push({ pointer: '/expiresAt', message: `must be at most ${MAX_AUTHORIZATION_YEARS} year ahead (latest ${latest.toISOString()})` });

  const consentAt = parseInstant(input.consent.at);
  if (!consentAt) errors.push({ pointer: '/consent/at', message: 'must be an ISO 8601 date-time with a time zone' });
  else if (consentAt.getTime() > now.getTime() + CONSENT_SKEW_MS) errors.push({ pointer: '/consent/at', message: 'must not be in the future' });
  else if (expiresAt && consentAt.getTime() >= expiresAt.getTime()) errors.push({ pointer: '/consent/at', message: 'must be before expiresAt' });

  if (errors.length > 0) throw validationError(errors);
  return {
    holder: { code: input.holder.code, type: input.holder.type },
    licenceTypes: input.licenceTypes as LicenceTypeOrResourceKey[],
    purpose: { themeCode: input.purpose.themeCode, matterCodes: input.purpose.matterCodes ?? [], description },
    expiresAt: expiresAt!,
    consent: { method: input.consent.method, at: consentAt! },
  };
}
