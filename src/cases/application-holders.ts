/**
 * The holders of an application, for ops to find it by a holder code: every
 * person group of the merged form (`applicant`, `mother`, `enterprise`, …)
 * with a 公民身份号码 (`idNumber`) or 统一社会信用代码 (`creditCode`) — the
 * dictionary's member names for them (mappings/dictionary.yaml). Codes are
 * kept upper-cased and trimmed, the form the ops search looks them up in.
 * Migration 007 fills the table for applications submitted before it, by
 * the same rule.
 */
import { valuesList, type Queryable } from '../store/index.js';

/** The dictionary members that hold a holder code. */
const HOLDER_MEMBERS = ['idNumber', 'creditCode'] as const;

/** A holder code as stored and looked up: trimmed, upper-case (an ID number's check digit `x` is `X`). */
export function normaliseHolderCode(code: string): string {
  return code.trim().toUpperCase();
}

/** Each distinct (holder code, form group) of a merged form. */
export function applicationHolders(form: Readonly<Record<string, unknown>>): { holderCode: string; role: string }[] {
  const seen = new Map<string, { holderCode: string; role: string }>();
  for (const [role, members] of Object.entries(form)) {
    if (typeof members !== 'object' || members === null || Array.isArray(members)) continue;
    for (const member of HOLDER_MEMBERS) {
      const value = (members as Record<string, unknown>)[member];
      if (typeof value !== 'string' || value.trim() === '') continue;
      const holderCode = normaliseHolderCode(value);
      seen.set(`${holderCode} ${role}`, { holderCode, role });
    }
  }
  return [...seen.values()];
}

/** Records the holders of an application (in the intake transaction), all in one statement. */
export async function recordApplicationHolders(db: Queryable, applicationId: string, form: Readonly<Record<string, unknown>>): Promise<void> {
  const holders = applicationHolders(form);
  if (holders.length === 0) return;
  const values = valuesList(holders.map((holder) => [holder.holderCode, applicationId, holder.role]));
  await db.query(`INSERT INTO application_holders (holder_code, application_id, role) VALUES ${values.sql}`, values.params);
}
