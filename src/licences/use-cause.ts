/**
 * The reason for use (用证事由): mandatory on every licence access, 1–200
 * characters, recorded in the ledger and sent to the licence library. Over
 * HTTP it travels in the `Tongban-Use-Cause` header, percent-encoded UTF-8
 * (`encodeURIComponent`), because header values are not reliably UTF-8.
 */
import { TongbanError } from '../errors/index.js';
import { MAX_USE_CAUSE_LENGTH } from '../spec/licence-library.js';

/** Request header carrying the reason for use. */
export const USE_CAUSE_HEADER = 'Tongban-Use-Cause';

/**
 * The reason for use, checked: not blank, at most 200 characters (code
 * points), no control characters.
 * @throws TongbanError USE_CAUSE_REQUIRED
 */
export function checkUseCause(useCause: unknown): string {
  if (typeof useCause !== 'string' || useCause.trim() === '') {
    throw new TongbanError('USE_CAUSE_REQUIRED', `A reason for use (用证事由) is required: send it in the ${USE_CAUSE_HEADER} header, percent-encoded UTF-8`);
  }
  const length = [...useCause].length;
  if (length > MAX_USE_CAUSE_LENGTH) {
    throw new TongbanError('USE_CAUSE_REQUIRED', `The reason for use has ${length} characters; at most ${MAX_USE_CAUSE_LENGTH} are allowed`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(useCause)) throw new TongbanError('USE_CAUSE_REQUIRED', 'The reason for use must not contain control characters');
  return useCause;
}

/**
 * Decodes the `Tongban-Use-Cause` header value (percent-encoded UTF-8) and
 * checks it. A missing header, or one that does not decode, is USE_CAUSE_REQUIRED.
 */
export function useCauseFromHeader(value: string | undefined): string {
  if (value === undefined) return checkUseCause(undefined);
  let decoded: string;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    throw new TongbanError('USE_CAUSE_REQUIRED', `The ${USE_CAUSE_HEADER} header is not percent-encoded UTF-8 (encode it with encodeURIComponent)`);
  }
  return checkUseCause(decoded);
}
