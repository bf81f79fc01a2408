/**
 * Counter QR codes (一窗受理): an applicant, logged in at a platform, has
 * Tongban make a short-lived code for one service hall, one theme and some
 * licence types (or shared-data resources); at the hall's window the staff member, logged in at the
 * counter terminal, scans it, which records a time-boxed authorisation for
 * that counter client given to that staff member. Only the code's SHA-256
 * is stored; a code is scanned once. See docs/identity.md (The window).
 */
import { createHash, randomBytes } from 'node:crypto';
import QRCode from 'qrcode';
import type { CatalogStore } from '../catalog/index.js';
import { TongbanError, validationError } from '../errors/index.js';
import type { LicenceHolderType } from '../domain/licence-library.js';
import type { AuthorizationRequest } from '../licences/authorization-request.js';
import type { Authorization } from '../licences/authorizations.js';
import { redactText } from '../log/redact.js';
import type { Store } from '../store/index.js';
import type { ActingFor } from './acting-for.js';
import { actorRecord, type Actor, type ActorRecord } from './actor.js';
import { COUNTER_QR_PREFIX, parseCounterCodeRequest, parseScanRequest } from './counter-code-request.js';

/** Default lifetime of a counter code (s): the time to walk up to the window. */
export const COUNTER_CODE_TTL_SECONDS = 300;
/** Default lifetime of the authorisation a scan gives (min): the time of one visit to the window. */
export const COUNTER_AUTHORIZATION_MINUTES = 30;

/** Where a scan records the staff member's authorisation (AuthorizationService). */
export interface CounterAuthorizationRecorder {
  recordFor(clientId: string, request: AuthorizationRequest, actor: ActorRecord): Promise<Authorization>;
}

export interface CounterCodesOptions {
  store: Store;
  catalog: CatalogStore;
  actingFor: ActingFor;
  authorizations: CounterAuthorizationRecorder;
  /** Lifetime of a code (s). Default {@link COUNTER_CODE_TTL_SECONDS}. */
  ttlSeconds?: number;
  /** Lifetime of the authorisation a scan gives (min). Default {@link COUNTER_AUTHORIZATION_MINUTES}. */
  authorizationMinutes?: number;
  /** Clock (Unix ms). Default Date.now. */
  now?: () => number;
}

/** A code just made: the only time the code itself is seen. */
export interface CounterCode {
  readonly code: string;
  readonly qr: { readonly text: string; readonly svg: string };
  readonly hallCode: string;
  readonly themeCode: string;
  readonly holder: { readonly code: string; readonly type: LicenceHolderType };
  readonly licenceTypes: readonly string[];
  readonly expiresAt: string;
}

/** What the staff member learns by scanning. */
export interface CounterScan {
  readonly authorizationId: string;
  readonly holder: { readonly code: string; readonly type: LicenceHolderType };
  readonly themeCode: string;
  readonly licenceTypes: readonly string[];
  readonly hallCode: string;
  readonly expiresAt: string;
  /** The person who made the code, to compare with the one at the window (ID number masked). */
  readonly applicant: { readonly name: string; readonly idNumber: string };
}

/** A scan as the counter's list shows it: ID numbers masked. */
export interface CounterScanRecord {
  readonly authorizationId: string | null;
  readonly scannedAt: string;
  readonly hallCode: string;
  readonly themeCode: string;
  readonly holder: { readonly code: string; readonly type: LicenceHolderType };
  readonly licenceTypes: readonly string[];
  readonly staff: { readonly name: string; readonly idNumber: string };
  readonly applicant: { readonly name: string; readonly idNumber: string };
}

interface CodeRow {
  hall_code: string;
  theme_code: string;
  holder_code: string;
  holder_type: LicenceHolderType;
  licence_types: string;
  applicant: string;
  expires_at: number | string;
  scanned_at: number | string | null;
}

export class CounterCodes {
  private readonly now: () => number;
  private readonly ttlMs: number;
  private readonly authorizationMs: number;
  private lastPurge = 0;

  constructor(private readonly options: CounterCodesOptions) {
    this.now = options.now ?? Date.now;
    this.ttlMs = (options.ttlSeconds ?? COUNTER_CODE_TTL_SECONDS) * 1000;
    this.authorizationMs = (options.authorizationMinutes ?? COUNTER_AUTHORIZATION_MINUTES) * 60_000;
  }

  /**
   * Makes a code for `actor`'s session at platform `clientId` from a `POST /v1/counter-codes` body.
   * @throws TongbanError VALIDATION_FAILED, NOT_FOUND (theme), HOLDER_MISMATCH (the actor may not act for the holder), DELEGATION_*.
   */
  async make(clientId: string, actor: Actor, body: unknown): Promise<CounterCode> {
    const request = parseCounterCodeRequest(body, actor);
    const theme = await this.options.catalog.getTheme(request.themeCode);
    if (!theme) throw new TongbanError('NOT_FOUND', `No theme "${request.themeCode}" in the catalogue`, { errors: [{ pointer: '/themeCode', message: `no theme "${request.themeCode}" in the catalogue` }] });
    if (theme.status === 'withdrawn') throw validationError([{ pointer: '/themeCode', message: `theme "${request.themeCode}" (${theme.name}) was withdrawn` }]);
    const now = this.now();
    const applicant = await this.options.actingFor.resolve(actor, {
      clientId, holder: request.holder, themeCode: request.themeCode, licenceTypes: request.licenceTypes, at: new Date(now),
    });
    const code = randomBytes(32).toString('base64url');
    const expiresAt = now + this.ttlMs;
    await this.options.store.query(
      `INSERT INTO counter_codes (code_hash, client_id, hall_code, theme_code, holder_code, holder_type, licence_types, applicant, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [codeHash(code), clientId, request.hallCode, request.themeCode, request.holder.code, request.holder.type, JSON.stringify(request.licenceTypes), JSON.stringify(applicant), now, expiresAt],
    );
    this.purgeNowAndThen(now);
    const text = `${COUNTER_QR_PREFIX}${code}`;
    return {
      code, qr: { text, svg: await qrSvg(text) }, hallCode: request.hallCode, themeCode: request.themeCode,
      holder: request.holder, licenceTypes: request.licenceTypes, expiresAt: new Date(expiresAt).toISOString(),
    };
  }

  /**
   * Scans a code at counter client `client` (in `client.hall`) by the logged-in staff member:
   * claims the code (one scan wins), then records the staff member's authorisation.
   * @throws TongbanError VALIDATION_FAILED, NOT_FOUND (unknown code), HOLDER_MISMATCH (staff not a natural person),
   *   COUNTER_CODE_WRONG_HALL, COUNTER_CODE_EXPIRED, COUNTER_CODE_USED.
   */
  async scan(client: { id: string; hall: string }, staff: Actor, body: unknown): Promise<CounterScan> {
    const code = parseScanRequest(body);
    if (staff.subjectType !== 'natural') {
      throw new TongbanError('HOLDER_MISMATCH', 'A counter officer scans with their own login as a natural person (自然人), not on behalf of an enterprise');
    }
    const hash = codeHash(code);
    const row = await this.read(hash);
    if (!row) throw new TongbanError('NOT_FOUND', 'No such counter code: ask the applicant to make a new one', { errors: [{ pointer: '/code', message: 'is not a counter code Tongban made' }] });
    if (row.hall_code !== client.hall) {
      throw new TongbanError('COUNTER_CODE_WRONG_HALL', `The counter code was made for service hall "${row.hall_code}", not for "${client.hall}" where this counter stands`);
    }
    const now = this.now();
    const record = actorRecord(staff, 'counter', { hall: client.hall });
    // The conditional UPDATE is the claim: of two scans at once, one changes the row.
    const { rowCount } = await this.options.store.query(
      'UPDATE counter_codes SET scanned_at = $1, scanned_by = $2, staff = $3 WHERE code_hash = $4 AND scanned_at IS NULL AND expires_at > $1',
      [now, client.id, JSON.stringify(record), hash],
    );
    if (rowCount === 0) throw refusal(await this.read(hash) ?? row, now);
    let authorization: Authorization;
    try {
      authorization = await this.options.authorizations.recordFor(client.id, {
        holder: { code: row.holder_code, type: row.holder_type },
        licenceTypes: JSON.parse(row.licence_types) as AuthorizationRequest['licenceTypes'],
        purpose: { themeCode: row.theme_code, matterCodes: [], description: `一窗受理 ${client.hall}` },
        expiresAt: new Date(now + this.authorizationMs),
        consent: { method: 'counter', at: new Date(now) },
      }, record);
    } catch (error) {
      // Without its authorisation the scan did not happen: the applicant may show the code again.
      await this.options.store.query('UPDATE counter_codes SET scanned_at = NULL, scanned_by = NULL, staff = NULL WHERE code_hash = $1 AND authorization_id IS NULL', [hash])
        .catch(() => undefined);
      throw error;
    }
    await this.options.store.query('UPDATE counter_codes SET authorization_id = $1 WHERE code_hash = $2', [authorization.id, hash]);
    return {
      authorizationId: authorization.id, holder: authorization.holder, themeCode: row.theme_code, licenceTypes: authorization.licenceTypes,
      hallCode: row.hall_code, expiresAt: authorization.expiresAt, applicant: maskedPerson(row.applicant),
    };
  }

  /** The scans made at counter client `clientId`, newest first. */
  async listScans(clientId: string, limit: number): Promise<CounterScanRecord[]> {
    const { rows } = await this.options.store.query<CodeRow & { staff: string; scanned_at: number | string; authorization_id: string | null }>(
      `SELECT hall_code, theme_code, holder_code, holder_type, licence_types, applicant, expires_at, scanned_at, staff, authorization_id
         FROM counter_codes WHERE scanned_by = $1 AND scanned_at IS NOT NULL ORDER BY scanned_at DESC, code_hash LIMIT $2`, [clientId, limit]);
    return rows.map((row) => ({
      authorizationId: row.authorization_id, scannedAt: new Date(Number(row.scanned_at)).toISOString(), hallCode: row.hall_code, themeCode: row.theme_code,
      holder: { code: redactText(row.holder_code), type: row.holder_type }, licenceTypes: JSON.parse(row.licence_types) as string[],
      staff: maskedPerson(row.staff), applicant: maskedPerson(row.applicant),
    }));
  }

  private async read(hash: string): Promise<CodeRow | undefined> {
    const { rows } = await this.options.store.query<CodeRow>(
      'SELECT hall_code, theme_code, holder_code, holder_type, licence_types, applicant, expires_at, scanned_at FROM counter_codes WHERE code_hash = $1', [hash]);
    return rows[0];
  }

  /** Deletes codes never scanned a day after they expired, at most once an hour, in the background; scanned ones stay with their authorisation. */
  private purgeNowAndThen(now: number): void {
    if (now - this.lastPurge < 3_600_000) return;
    this.lastPurge = now;
    this.options.store.query('DELETE FROM counter_codes WHERE scanned_at IS NULL AND expires_at < $1', [now - 86_400_000])
      .catch(() => { this.lastPurge = 0; });
  }
}

/** Why a code could not be claimed: expired (checked first: an old code is old whoever scanned it), or scanned already. */
function refusal(row: CodeRow, now: number): TongbanError {
  const expiresAt = Number(row.expires_at);
  if (expiresAt <= now) return new TongbanError('COUNTER_CODE_EXPIRED', `The counter code expired at ${new Date(expiresAt).toISOString()}: ask the applicant to make a new one`);
  return new TongbanError('COUNTER_CODE_USED', `The counter code was already scanned at ${new Date(Number(row.scanned_at)).toISOString()}: ask the applicant to make a new one`);
}

/** The name and masked ID number of a stored actor record (JSON). */
function maskedPerson(recordJson: string): { name: string; idNumber: string } {
  const record = JSON.parse(recordJson) as ActorRecord;
  return { name: record.name, idNumber: redactText(record.idNumber) };
}

function codeHash(code: string): string {
  return createHash('sha256').update(code, 'ascii').digest('hex');
}

/** A QR code of `text` as an SVG document (error correction M, a quiet zone of 2 modules). */
function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}
