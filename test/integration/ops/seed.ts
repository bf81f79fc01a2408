/**
 * A small, known state for the ops dashboard and CLI tests, written straight
 * into the tables: one application (its mother's ID number recorded as a
 * holder) with deliveries in every interesting state (values carrying HTML,
 * to prove escaping; one with a 受理号), a second application of a shop
 * (its credit code a holder), attempts over the last minutes, an overdue
 * sub-application, sync runs (one failed), the themes in the stored
 * catalogue and licence-use ledger entries for two holders (the first
 * holder's made by her verified login, as since migration 012; the other's
 * recorded before, with no actor), the first application recording who
 * submitted it. Ids are UUIDv7
 * made at the same instant, as intake makes them: they share their first
 * digits.
 */
import { randomUUID } from 'node:crypto';
import { recordApplicationHolders } from '../../../src/cases/application-holders.js';
import { finishRun, startRun } from '../../../src/catalog/sync-runs.js';
import type { ActorRecord } from '../../../src/identity/actor.js';
import { LicenceUseLedger, type LicenceUseInput } from '../../../src/licences/index.js';
import { makeIdNumber } from '../../../src/domain/identifiers/index.js';
import { newId, type Store } from '../../../src/store/index.js';

/** Text that would run script if a page did not escape it. */
export const HOSTILE = '<script>alert("x")</script>';
export const HOSTILE_MATTER = '国（境）内出生登记<img src=x onerror=alert(1)>';
/** The 受理号 of the delivered sub-application. */
export const ACCEPTANCE_NUMBER = 'MZRSJ2026112400001';
/** The shop's 统一社会信用代码 (a holder of the second application). */
export const SHOP_CREDIT_CODE = '91350100M000100Y43';
/** The mother's name, as the identity platform authenticated her (in the first application's and her ledger entries' actor). */
export const MOTHER_NAME = '丘某';

/** The mother logged in by face recognition, acting for herself. */
function motherActor(idNumber: string, now: number): ActorRecord {
  return {
    subject: 'b2Fz2m9qL0c8x5VvTq1pZA', subjectType: 'natural', idNumber, name: MOTHER_NAME, level: 'L3', methods: ['face'], authTime: now - 15 * 60_000, capacity: 'self',
  };
}

export interface Seeded {
  applicationId: string;
  /** gaj, dead after one 422. */
  dead: string;
  /** gaj, a second dead letter. */
  dead2: string;
  /** mzrsj, delivered on the first attempt. */
  delivered: string;
  /** gaj, pending after two retries. */
  pending: string;
  /** The overdue sub-application. */
  overdueSubApplication: string;
  /** The delivered one's sub-application (it has {@link ACCEPTANCE_NUMBER}). */
  deliveredSubApplication: string;
  /** The shop's application (theme MX-T15) and its one delivery (waiting). */
  shopApplicationId: string;
  shopDelivery: string;
  /** Holder with two ledger entries, and one with one. */
  holder: string;
  otherHolder: string;
  failedRunId: number;
  /** When the attempts were written. */
  now: number;
}

async function subApplication(store: Store, applicationId: string, options: { matterName: string; department: string; status: string; position: number; overdue?: boolean }, now: number): Promise<string> {
  const id = newId(now);
  await store.query(
    `INSERT INTO sub_applications (id, application_id, matter_code, matter_name, department_code, position, prerequisites, form, provenance, status,
       statutory_days, promised_days, accepted_at, due_date, due_status, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, '[]', '{}', '{}', $7, 20, 10, $8, $9, $10, $11, $11)`,
    [id, applicationId, `00074462200${options.position}`, options.matterName, options.department, options.position, options.status,
      options.overdue ? now - 40 * 86400_000 : null, options.overdue ? '2020-01-02' : null, options.overdue ? 'computed' : null, now]);
  return id;
}

/** A delivery made (its id, as intake makes it, and created_at) at `madeAt`, last changed at `updatedAt`. */
async function delivery(store: Store, subApplicationId: string, options: { department: string; channel: string; state: string; attempts: number; lastError?: string }, updatedAt: number, madeAt: number): Promise<string> {
  const id = newId(madeAt);
  await store.query(
    `INSERT INTO deliveries (id, sub_application_id, department_code, channel, idempotency_key, state, attempts, next_attempt_at, last_error, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [id, subApplicationId, options.department, options.channel, `key-${id}`, options.state, options.attempts, updatedAt, options.lastError ?? null, madeAt, updatedAt]);
  return id;
}

async function attempt(store: Store, deliveryId: string, number: number, at: number, outcome: string, error?: string): Promise<void> {
  await store.query('INSERT INTO delivery_attempts (delivery_id, attempt, started_at, duration_ms, outcome, error_code, error) VALUES ($1, $2, $3, $4, $5, $6, $7)',
    [deliveryId, number, at, 42, outcome, error ? 'UPSTREAM_REJECTED' : null, error ?? null]);
}

async function application(store: Store, themeCode: string, form: Record<string, unknown>, now: number, actor?: ActorRecord): Promise<string> {
  const id = newId(now);
  await store.query(
    `INSERT INTO applications (id, client_id, idempotency_key, request_digest, response, theme_code, answers, form, provenance, status, created_at, updated_at, actor)
     VALUES ($1, 'platform', $2, 'digest', '{}', $3, '{}', $4, '{}', 'processing', $5, $5, $6)`,
    [id, `idem-${id}`, themeCode, JSON.stringify(form), now, actor === undefined ? null : JSON.stringify(actor)]);
  await recordApplicationHolders(store, id, form);
  return id;
}

export async function seedOpsData(store: Store, now = Date.now()): Promise<Seeded> {
  const holder = makeIdNumber({ areaCode: '110101', birthDate: '1990-03-07', sequence: 1 });
  const otherHolder = makeIdNumber({ areaCode: '310101', birthDate: '1985-11-20', sequence: 2 });
  for (const [code, name] of [['MX-T05', '婴儿“出生一件事”'], ['MX-T15', '我要开办食品经营(副食店、士多店)']] as const) {
    await store.query(
      `INSERT INTO catalog_themes (code, name, status, document, upstream_updated_at, synced_at) VALUES ($1, $2, 'published', $3, $4, $4) ON CONFLICT (code) DO NOTHING`,
      [code, name, JSON.stringify({ code, name }), now]);
  }
  const applicationId = await application(store, 'MX-T05', { mother: { name: MOTHER_NAME, idNumber: holder }, child: { name: '丘小某' } }, now, motherActor(holder, now));
  const deadSub = await subApplication(store, applicationId, { matterName: HOSTILE_MATTER, department: 'gaj', status: 'failed', position: 1 }, now);
  const dead2Sub = await subApplication(store, applicationId, { matterName: '户口登记', department: 'gaj', status: 'failed', position: 2 }, now);
  const deliveredSub = await subApplication(store, applicationId, { matterName: '社会保障卡申领', department: 'mzrsj', status: 'delivered', position: 3 }, now);
  await store.query('UPDATE sub_applications SET acceptance_number = $2 WHERE id = $1', [deliveredSub, ACCEPTANCE_NUMBER]);
  const pendingSub = await subApplication(store, applicationId, { matterName: '城乡居民参保登记', department: 'gaj', status: 'queued', position: 4 }, now);
  const overdueSubApplication = await subApplication(store, applicationId, { matterName: '逾期事项', department: 'scjgj', status: 'accepted', position: 5, overdue: true }, now);

  const submittedAt = now - 10 * 60_000;
  const deadError = `department gaj refused the delivery: HTTP 422 ${HOSTILE}`;
  const dead = await delivery(store, deadSub, { department: 'gaj', channel: 'rest', state: 'dead', attempts: 1, lastError: deadError }, now - 5 * 60_000, submittedAt);
  const dead2 = await delivery(store, dead2Sub, { department: 'gaj', channel: 'rest', state: 'dead', attempts: 1, lastError: 'department gaj refused the delivery: HTTP 400' }, now - 4 * 60_000, submittedAt);
  const delivered = await delivery(store, deliveredSub, { department: 'mzrsj', channel: 'soap', state: 'delivered', attempts: 1 }, now - 3 * 60_000, submittedAt);
  const pending = await delivery(store, pendingSub, { department: 'gaj', channel: 'rest', state: 'pending', attempts: 2, lastError: 'HTTP 503' }, now - 2 * 60_000, submittedAt);
  const shopApplicationId = await application(store, 'MX-T15', { enterprise: { name: '某某副食店', creditCode: SHOP_CREDIT_CODE }, legalRepresentative: { name: '李某' } }, now);
  const shopSub = await subApplication(store, shopApplicationId, { matterName: '个体工商户设立', department: 'scjgj', status: 'waiting', position: 1 }, now);
  const shopDelivery = await delivery(store, shopSub, { department: 'scjgj', channel: 'rest', state: 'waiting', attempts: 0 }, now - 60_000, submittedAt);
  await attempt(store, dead, 1, now - 5 * 60_000, 'dead', deadError);
  await attempt(store, dead2, 1, now - 4 * 60_000, 'dead', 'HTTP 400');
  await attempt(store, delivered, 1, now - 3 * 60_000, 'delivered');
  await attempt(store, pending, 1, now - 10 * 60_000, 'retry', 'HTTP 503');
  await attempt(store, pending, 2, now - 2 * 60_000, 'retry', 'HTTP 503');

  const ok = await startRun(store, { kind: 'full', trigger: 'startup', updatedSince: undefined, startedAt: now - 20 * 60_000 });
  await finishRun(store, ok.id, { status: 'succeeded', finishedAt: now - 19 * 60_000, themesReceived: 40, mattersReceived: 104, themesChanged: 40, mattersChanged: 104 });
  const failed = await startRun(store, { kind: 'incremental', trigger: 'schedule', updatedSince: now - 20 * 60_000, startedAt: now - 60_000 });
  await finishRun(store, failed.id, { status: 'failed', finishedAt: now - 59_000, errorCode: 'UPSTREAM_UNAVAILABLE', errorMessage: `matter system answered 503 <b>boom</b>` });

  const use = (holderCode: string, licenceType: string, useCause: string): LicenceUseInput => ({
    clientId: 'platform', holderCode, holderType: 'citizen', licenceIdentifier: `1.2.156.3005.2.11100000000013338W011.11430000006122244L.${licenceType.length}0230000403.001.U`,
    licenceType, themeCode: 'MX-T05', matterCodes: ['000744622000'], useCause, authorizationId: randomUUID(), action: 'query', outcome: 'used',
    ...(holderCode === holder ? { actor: motherActor(holder, now) } : {}),
  });
  const ledger = new LicenceUseLedger(store, { now: () => new Date(now - 30_000) });
  await ledger.append([use(holder, 'residentIdCard', '出生登记核验身份'), use(otherHolder, 'marriageCertificate', `核验婚姻 ${HOSTILE}`), use(holder, 'birthCertificate', '出生登记')]);

  return {
    applicationId, dead, dead2, delivered, pending, overdueSubApplication, deliveredSubApplication: deliveredSub, shopApplicationId, shopDelivery,
    holder, otherHolder, failedRunId: failed.id, now,
  };
}
