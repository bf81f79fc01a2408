/**
 * The reason for use (用证事由): mandatory on every licence access, 1–200
 * characters, recorded in the ledger and sent to the licence library. It
 * must be part of what the caller signed, so that the ledger's reason is
 * provably the platform's: in the body of `POST /v1/prefill` (covered by
 * the signature's `cdg`), and in the `useCause` query parameter of licence
 * reads (covered by `htu`, the path and query as sent). The
 * `Tongban-Use-Cause` header that carried it before is covered by no claim,
 * so it is refused on its own, and where both come they must agree.
 */
import { TongbanError } from '../errors/index.js';
import { MAX_USE_CAUSE_LENGTH } from '../domain/licence-library.js';
import { normalizeText, readText } from '../forms/text-rules.js';

/** The query parameter carrying the reason for use on licence reads (signed with the path and query). */
export const USE_CAUSE_PARAMETER = 'useCause';

/** The former, unsigned header for the reason: refused on its own, checked against the parameter when both come. */
export const USE_CAUSE_HEADER = 'Tongban-Use-Cause';

/**
 * The reason for use, checked and normalised like every text
 * (src/forms/text-rules.ts: NFC, trimmed): not blank, at most 200 characters
 * (code points), one line, no control, bidirectional formatting or
 * noncharacters, no unpaired surrogates. The ledger and the licence library
 * receive the normalised text.
 * @throws TongbanError USE_CAUSE_REQUIRED
 */
export function checkUseCause(useCause: unknown): string {
  if (typeof useCause !== 'string' || normalizeText(useCause) === '') {
    throw new TongbanError('USE_CAUSE_REQUIRED', 'A reason for use (用证事由) is required: 1–200 characters, not blank');
  }
  const read = readText(useCause);
  if (read.fault !== undefined) throw new TongbanError('USE_CAUSE_REQUIRED', `The reason for use ${read.fault}`);
  const length = [...read.text].length;
  if (length > MAX_USE_CAUSE_LENGTH) {
    throw new TongbanError('USE_CAUSE_REQUIRED', `The reason for use has ${length} characters; at most ${MAX_USE_CAUSE_LENGTH} are allowed`);
  }
  return read.text;
}

/**
 * The reason for use carried in a signed request body (`POST /v1/prefill`),
 * checked like {@link checkUseCause}; the problem names the member at fault.
 * @param pointer JSON Pointer of the member in the body, e.g. `/useCause`
 * @throws TongbanError USE_CAUSE_REQUIRED with `errors: [{pointer, message}]`
 */
export function useCauseFromBody(useCause: unknown, pointer: string): string {
  try {
    return checkUseCause(useCause);
  } catch (error) {
    const message = (error as Error).message;
    throw new TongbanError('USE_CAUSE_REQUIRED', `${pointer}: ${message}`, { errors: [{ pointer, message }] });
  }
}

/**
 * The reason for use of a licence read: the `useCause` query parameter
 * (decoded by the query parser), checked. A `Tongban-Use-Cause` header
 * without it is refused — no signature covers a header, so the reason it
 * carries could have been put there by anyone on the way; one that differs
 * from the parameter is refused as ambiguous.
 * @param parameter the decoded `useCause` query value (undefined when absent)
 * @param header the raw `Tongban-Use-Cause` header value (undefined when absent)
 * @throws TongbanError USE_CAUSE_REQUIRED
 */
export function useCauseFromRequest(parameter: string | undefined, header: string | undefined): string {
  if (parameter === undefined && header !== undefined) {
    throw new TongbanError('USE_CAUSE_REQUIRED', `The ${USE_CAUSE_HEADER} header is not covered by the request signature and is no longer accepted: send the reason for use in the signed query parameter ${USE_CAUSE_PARAMETER}`);
  }
  if (parameter === undefined) {
    throw new TongbanError('USE_CAUSE_REQUIRED', `A reason for use (用证事由) is required: send it in the signed query parameter ${USE_CAUSE_PARAMETER} (percent-encoded UTF-8)`);
  }
  const useCause = checkUseCause(parameter);
  const decoded = header === undefined ? undefined : safeDecode(header);
  if (header !== undefined && (decoded === undefined || normalizeText(decoded) !== useCause)) {
    throw new TongbanError('USE_CAUSE_REQUIRED', `The ${USE_CAUSE_HEADER} header and the ${USE_CAUSE_PARAMETER} parameter give different reasons for use: send the reason once, in ${USE_CAUSE_PARAMETER}`);
  }
  return useCause;
}

function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
