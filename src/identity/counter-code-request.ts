/**
 * The bodies of the window's routes (一窗受理), validated: `POST
 * /v1/counter-codes` (hall, theme, licence types and shared-data resources, holder) and `POST
 * /v1/counter/scans` (the scanned code). The catalogue check (the theme
 * exists and is not withdrawn) is the service's, since it needs the store.
 */
import { Ajv } from 'ajv';
import { validationError, type FieldError } from '../errors/index.js';
import type { LicenceHolderType } from '../domain/licence-library.js';
import { fieldErrorsOf, licenceTypesProblems, THEME_CODE_PATTERN, type LicenceTypeOrResourceKey } from '../licences/authorization-request.js';
import { HOLDER_TYPES, holderCodeProblem } from '../licences/holder.js';
import { HALL_CODE_PATTERN } from '../trust/client-registry.js';
import type { Actor } from './actor.js';

/** What a counter QR code's text starts with; the code follows. */
export const COUNTER_QR_PREFIX = 'TONGBAN-COUNTER:1:';

/** A counter code: 32 random bytes, base64url without padding. */
const CODE_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** A validated `POST /v1/counter-codes` body, the holder defaulted to the actor. */
export interface CounterCodeRequest {
  readonly hallCode: string;
  readonly themeCode: string;
  /** Licence type keys and shared-data resource keys, as an authorisation names them. */
  readonly licenceTypes: readonly LicenceTypeOrResourceKey[];
  readonly holder: { readonly code: string; readonly type: LicenceHolderType };
}

const makeSchema = {
  type: 'object', additionalProperties: false, required: ['hallCode', 'themeCode', 'licenceTypes'],
  properties: {
    hallCode: { type: 'string', pattern: HALL_CODE_PATTERN },
    themeCode: { type: 'string', pattern: THEME_CODE_PATTERN },
    licenceTypes: { type: 'array', minItems: 1, maxItems: 20, uniqueItems: true, items: { type: 'string', maxLength: 64 } },
    holder: {
      type: 'object', additionalProperties: false, required: ['code', 'type'],
      properties: { code: { type: 'string', maxLength: 32 }, type: { enum: [...HOLDER_TYPES] } },
    },
  },
} as const;

const scanSchema = {
  type: 'object', additionalProperties: false, required: ['code'],
  properties: { code: { type: 'string', minLength: 1, maxLength: 128 } },
} as const;

const ajv = new Ajv({ allErrors: true });
const validateMake = ajv.compile(makeSchema);
const validateScan = ajv.compile(scanSchema);

/**
 * Validates the body of `POST /v1/counter-codes`; without a `holder`, the
 * holder is the actor: the citizen who logged in, or the enterprise they act for.
 * @throws TongbanError VALIDATION_FAILED listing every field at fault.
 */
export function parseCounterCodeRequest(body: unknown, actor: Actor): CounterCodeRequest {
  if (!validateMake(body)) throw validationError(fieldErrorsOf(validateMake.errors ?? []));
  const input = body as { hallCode: string; themeCode: string; licenceTypes: string[]; holder?: { code: string; type: LicenceHolderType } };
  const errors: FieldError[] = [];
  const holder = input.holder ?? (actor.subjectType === 'legal' && actor.creditCode !== undefined
    ? { code: actor.creditCode, type: 'organization' as const }
    : { code: actor.idNumber, type: 'citizen' as const });
  if (input.holder) {
    const problem = holderCodeProblem(input.holder.code, input.holder.type);
    if (problem) errors.push({ pointer: '/holder/code', message: problem });
  }
  // Shared-data resources too (docs/shared-data.md): the scan's authorisation then names them for the window.
  errors.push(...licenceTypesProblems(input.licenceTypes, holder.type));
  if (errors.length > 0) throw validationError(errors);
  return { hallCode: input.hallCode, themeCode: input.themeCode, licenceTypes: input.licenceTypes as LicenceTypeOrResourceKey[], holder: { code: holder.code.toUpperCase(), type: holder.type } };
}

/**
 * The code of a `POST /v1/counter/scans` body: the QR text as scanned (with
 * its `TONGBAN-COUNTER:1:` prefix) or the code alone, surrounding white space ignored.
 * @throws TongbanError VALIDATION_FAILED at `/code`.
 */
export function parseScanRequest(body: unknown): string {
  if (!validateScan(body)) throw validationError(fieldErrorsOf(validateScan.errors ?? []));
  const text = (body as { code: string }).code.trim();
  const code = text.startsWith(COUNTER_QR_PREFIX) ? text.slice(COUNTER_QR_PREFIX.length) : text;
  if (!CODE_SHAPE.test(code)) {
    throw validationError([{ pointer: '/code', message: `must be the text of a counter QR code (${COUNTER_QR_PREFIX}<43 base64url characters>) or the code after its prefix` }]);
  }
  return code;
}
