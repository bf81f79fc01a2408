/**
 * 双向寄递, the other direction: the applicant posts paper originals in.
 * `POST /v1/applications/{id}/mailings` (the applicant's ID token) records a
 * material posting to the hall — the window hall the applicant chose, else
 * the one serving the application's first department — tracked like posted
 * results until the hall receives it (delivered).
 */
import { TongbanError, validationError, type FieldError } from '../errors/index.js';
import { readTextMember } from '../forms/text-rules.js';
import type { Actor } from '../identity/actor.js';
import type { Address } from '../domain/logistics.js';
import type { Store } from '../store/index.js';
import { readAddress } from './address.js';
import { hallAddress, hallOfDepartment, serviceHalls } from './halls.js';
import { insertPosting, type PostingItem } from './postings.js';

/** Most mailings one application may have (each a parcel). */
const MAX_MAILINGS = 10;

export interface MailingRequest { readonly items: PostingItem[]; readonly sender: Address }

/** Reads `{items: [name | material identity, …], sender: {name, mobile, province, city, county, detail, postcode?}}`. @throws TongbanError VALIDATION_FAILED. */
export function readMailing(body: unknown): MailingRequest {
  const errors: FieldError[] = [];
  const value = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
  for (const member of Object.keys(value)) if (member !== 'items' && member !== 'sender') errors.push({ pointer: `/${member}`, message: 'is not a member of a mailing' });
  const items: PostingItem[] = [];
  const raw = value['items'];
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > 20) errors.push({ pointer: '/items', message: 'must list 1–20 items: material identities (CL001) or names of the originals posted' });
  else raw.forEach((item, index) => {
    const name = readTextMember(item, `/items/${index}`, errors, { maxLength: 60, noMarkup: true });
    if (name !== undefined) items.push({ name, count: 1 });
  });
  const sender = readAddress(value['sender'], '/sender', errors, 'name');
  if (errors.length > 0 || !sender) throw validationError(errors);
  return { items, sender };
}

/**
 * Records a mailing for `applicationId`, sent by `actor` (a holder of the application or the person who submitted it).
 * @throws TongbanError NOT_FOUND (not the caller's application), HOLDER_MISMATCH, CONFLICT (too many mailings).
 */
export async function recordMailing(store: Store, clientId: string, actor: Actor, applicationId: string, request: MailingRequest, logisticsConfigured: boolean, at = Date.now()) {
  return store.transaction(async (tx) => {
    const { rows } = await tx.query<{ client_id: string; actor: string | null }>('SELECT client_id, actor FROM applications WHERE id = $1', [applicationId]);
    const application = rows[0];
    if (!application || application.client_id !== clientId) throw new TongbanError('NOT_FOUND', `No application ${applicationId}`);
    const submitter = application.actor ? (JSON.parse(application.actor) as { idNumber?: string }).idNumber : undefined;
    const { rows: holders } = await tx.query('SELECT 1 FROM application_holders WHERE application_id = $1 AND holder_code = $2', [applicationId, actor.idNumber.toUpperCase()]);
    if (holders.length === 0 && submitter !== actor.idNumber) {
      throw new TongbanError('HOLDER_MISMATCH', `The person logged in is not an applicant of application ${applicationId}`);
    }
    const { rows: counted } = await tx.query<{ count: number | string }>("SELECT COUNT(*) AS count FROM postings WHERE application_id = $1 AND direction = 'material'", [applicationId]);
    const number = Number(counted[0]!.count) + 1;
    if (number > MAX_MAILINGS) throw new TongbanError('CONFLICT', `Application ${applicationId} already has ${MAX_MAILINGS} mailings`);
    const { rows: choice } = await tx.query<{ method: string; hall_code: string | null }>('SELECT method, hall_code FROM result_deliveries WHERE application_id = $1', [applicationId]);
    const { rows: subs } = await tx.query<{ department_code: string }>('SELECT department_code FROM sub_applications WHERE application_id = $1 ORDER BY position LIMIT 1', [applicationId]);
    const hall = (choice[0]?.method === 'window' ? serviceHalls().get(choice[0].hall_code!) : undefined) ?? hallOfDepartment(subs[0]?.department_code);
    const id = await insertPosting(tx, {
      applicationId, direction: 'material', orderNo: `${applicationId}-M${number}`, hallCode: hall.code, sender: request.sender, recipient: hallAddress(hall),
      items: request.items, logisticsConfigured,
    }, at);
    return { id, hallCode: hall.code };
  });
}
