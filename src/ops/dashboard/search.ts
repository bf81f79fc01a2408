/**
 * The ops search: one box for any business id — an application, sub-application
 * or delivery id (in full, or the 12-character short form the pages show), a
 * 受理号 (acceptance number), or a holder code (公民身份号码 / 统一社会信用代码).
 * The input is read into the kinds of id it can be, and each kind is looked up
 * through an index (migration 007); the answer is the matching deliveries.
 *
 * A holder code is personal data: looking one up needs a reason, is audited
 * (src/api/routes/ops-dashboard.ts), and the code is only ever shown masked.
 */
import { normaliseHolderCode } from '../../cases/application-holders.js';
import { validateCreditCode, validateIdNumber } from '../../domain/identifiers/index.js';
import { normalizeText, textFault } from '../../forms/text-rules.js';
import { placeholders, type Queryable } from '../../store/index.js';
import { maskHolderCode, SHORT_ID_LENGTH } from './format.js';
import { deliveryRows, type DeliveryRow } from './queries.js';

/** The longest input the search reads (characters, after trimming). */
export const MAX_SEARCH_LENGTH = 64;
/** The longest reason for a holder search (characters). */
export const MAX_REASON_LENGTH = 200;
/** Most deliveries one search shows. */
export const SEARCH_LIMIT = 200;

/** How a delivery matched. */
export type MatchKind = 'delivery' | 'subApplication' | 'application' | 'acceptanceNumber' | 'holder';

/** What the input was read as. */
export interface SearchQuery {
  /** The value looked up (ids lower-case, holder codes upper-case). */
  readonly value: string;
  /** `id`: a whole UUID; `shortId`: its last 12 hex digits. */
  readonly idForm?: 'id' | 'shortId';
  /** The input is a valid ID number or credit code: a holder search. */
  readonly holder: boolean;
  /** Looked up as a 受理号 too. */
  readonly acceptanceNumber: boolean;
  /** How the page may show the input: holder-shaped input is masked. */
  readonly display: string;
  /** Holder-shaped input whose check digit or format is wrong: looked up as a 受理号 only. */
  readonly invalidHolder: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SHORT_ID = new RegExp(`^(?:…|\\.\\.\\.)?([0-9a-f]{${SHORT_ID_LENGTH}})$`, 'i');
/** 15- or 18-character ID numbers, 18-character credit codes (upper-case). */
const HOLDER_SHAPE = /^(?:\d{15}|\d{17}[\dX]|[0-9A-HJ-NPQRTUWXY]{18})$/;
/** What a department's 受理号 is made of: letters (any script), digits and a few separators. */
const ACCEPTANCE_NUMBER = /^[\p{L}\p{N}][\p{L}\p{N}._\-/()（）〔〕[\]【】#]*$/u;

/** Why an input cannot be searched for (shown on the page, 400). */
export class SearchInputError extends Error {}

/** Reads the search box; throws {@link SearchInputError} for input that is no id at all. */
export function readSearch(input: string | undefined): SearchQuery {
  const text = (input ?? '').trim();
  if (text === '') throw new SearchInputError('请输入要查询的编号 Enter an id to search for.');
  if (Array.from(text).length > MAX_SEARCH_LENGTH) throw new SearchInputError(`编号最长 ${MAX_SEARCH_LENGTH} 个字符 An id has at most ${MAX_SEARCH_LENGTH} characters.`);
  if (UUID.test(text)) return { value: text.toLowerCase(), idForm: 'id', holder: false, acceptanceNumber: false, display: text.toLowerCase(), invalidHolder: false };
  const short = SHORT_ID.exec(text);
  if (short) return { value: short[1]!.toLowerCase(), idForm: 'shortId', holder: false, acceptanceNumber: true, display: short[1]!.toLowerCase(), invalidHolder: false };
  const upper = normaliseHolderCode(text);
  if (HOLDER_SHAPE.test(upper)) {
    const valid = validateIdNumber(upper).ok || validateCreditCode(upper).ok;
    return { value: upper, holder: valid, acceptanceNumber: true, display: maskHolderCode(upper), invalidHolder: !valid };
  }
  if (ACCEPTANCE_NUMBER.test(text)) return { value: text, holder: false, acceptanceNumber: true, display: text, invalidHolder: false };
  throw new SearchInputError('无法识别的编号：可查询申请号、子件号、投递号（完整或 12 位短号）、受理号、身份证号或统一社会信用代码 Not an id: search for an application, sub-application or delivery id (in full or its 12-character short form), a 受理号, an ID number or a credit code.');
}

/** A holder search's reason (audited): required, at most {@link MAX_REASON_LENGTH} characters, one line under the text rules (src/forms/text-rules.ts), normalised. */
export function readReason(input: string | undefined): string {
  const reason = normalizeText(input ?? '');
  if (reason === '') throw new SearchInputError('查询持证主体须填写查询事由 A holder search needs a reason (who asked, which case).');
  if (Array.from(reason).length > MAX_REASON_LENGTH) throw new SearchInputError(`查询事由最长 ${MAX_REASON_LENGTH} 个字符 A reason has at most ${MAX_REASON_LENGTH} characters.`);
  const fault = textFault(reason);
  if (fault !== undefined) throw new SearchInputError(`查询事由含不可见或不允许的字符 The reason ${fault}.`);
  return reason;
}

/** The matching deliveries, how each matched, and for a holder search the form groups the holder plays per application. */
export interface SearchResult {
  readonly rows: readonly DeliveryRow[];
  readonly matchedBy: ReadonlyMap<string, MatchKind>;
  readonly holderRoles: ReadonlyMap<string, readonly string[]>;
  /** More than {@link SEARCH_LIMIT} deliveries matched; the newest are shown. */
  readonly truncated: boolean;
}

/** Each lookup the query asks for: one indexed SELECT of delivery ids, all bound to $1. */
function lookups(query: SearchQuery): string[] {
  const parts: string[] = [];
  const viaSubApplication = (kind: MatchKind, condition: string) =>
    `SELECT d.id AS id, '${kind}' AS matched FROM sub_applications s JOIN deliveries d ON d.sub_application_id = s.id WHERE ${condition}`;
  if (query.idForm === 'id') {
    parts.push("SELECT d.id AS id, 'delivery' AS matched FROM deliveries d WHERE d.id = $1");
    parts.push(viaSubApplication('subApplication', 's.id = $1'));
    parts.push(viaSubApplication('application', 's.application_id = $1'));
  }
  if (query.idForm === 'shortId') {
    parts.push("SELECT d.id AS id, 'delivery' AS matched FROM deliveries d WHERE substr(d.id, 25) = $1");
    parts.push(viaSubApplication('subApplication', 'substr(s.id, 25) = $1'));
    parts.push(viaSubApplication('application', 's.application_id IN (SELECT a.id FROM applications a WHERE substr(a.id, 25) = $1)'));
  }
  if (query.acceptanceNumber) parts.push(viaSubApplication('acceptanceNumber', 's.acceptance_number = $1'));
  if (query.holder) parts.push(viaSubApplication('holder', 's.application_id IN (SELECT h.application_id FROM application_holders h WHERE h.holder_code = $1)'));
  return parts;
}

/** The SQL of the id lookups (exported for the test that checks every part uses an index). */
export function searchSql(query: SearchQuery): string {
  return `${lookups(query).join('\nUNION ALL\n')}\nLIMIT ${SEARCH_LIMIT + 1}`;
}

/** Runs the search: only constant SQL, the input bound as a parameter. */
export async function searchDeliveries(reader: Queryable, query: SearchQuery): Promise<SearchResult> {
  const { rows: hits } = await reader.query<{ id: string; matched: MatchKind }>(searchSql(query), [query.value]);
  const matchedBy = new Map<string, MatchKind>();
  for (const hit of hits) if (!matchedBy.has(hit.id)) matchedBy.set(hit.id, hit.matched);
  const ids = [...matchedBy.keys()].slice(0, SEARCH_LIMIT);
  const rows = ids.length ? await deliveryRows(reader, `d.id IN (${placeholders(ids.length)})`, ids, SEARCH_LIMIT) : [];
  const holderRoles = new Map<string, string[]>();
  if (query.holder) {
    const { rows: roles } = await reader.query<{ application_id: string; role: string }>(
      'SELECT application_id, role FROM application_holders WHERE holder_code = $1 ORDER BY application_id, role', [query.value]);
    for (const role of roles) holderRoles.set(role.application_id, [...(holderRoles.get(role.application_id) ?? []), role.role]);
  }
  return { rows, matchedBy, holderRoles, truncated: hits.length > SEARCH_LIMIT };
}
