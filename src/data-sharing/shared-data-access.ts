/**
 * The one door to a person's shared data (docs/shared-data.md), with the
 * rules of the licence door (src/licences/licence-access.ts): a reason, the
 * person's verified identity, a covering authorisation that names the
 * resource — checked before the exchange is asked anything — and a ledger
 * entry for every record handed out and every statement verified, written
 * before the answer leaves Tongban.
 */
import { TongbanError, validationError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import type { LicenceHolderType } from '../domain/licence-library.js';
import {
  isSharedResourceKey, SHARED_RESOURCES, type SharedDataExchange, type SharedDataRecord, type SharedDataVerdict, type SharedResourceKey,
} from '../domain/shared-data.js';
import type { Actor } from '../identity/actor.js';
import { actorAtUse, type Authorization, type AuthorizationService } from '../licences/authorizations.js';
import { holderCodeProblem } from '../licences/holder.js';
import type { LicenceUseInput, LicenceUseLedger } from '../licences/ledger.js';
import { useCauseFromBody } from '../licences/use-cause.js';
import type { Queryable } from '../store/index.js';

export interface SharedDataAccessOptions {
  /** Absent when no exchange is configured (TONGBAN_DATA_SHARING_URL): every access answers 503. */
  exchange: SharedDataExchange | undefined;
  authorizations: AuthorizationService;
  ledger: LicenceUseLedger;
  logger: Logger;
}

/** Who asks, for whom, under which authorisation and why. */
export interface SharedDataUse {
  readonly clientId: string;
  /** The person acting (the request's verified ID token): the one the authorisation was recorded for. */
  readonly actor: Actor;
  readonly authorizationId: string | undefined;
  readonly holder: { readonly code: string; readonly type: LicenceHolderType };
  readonly themeCode: string;
  /** The matters the data is for; omitted or empty = what the authorisation names. */
  readonly matterCodes?: readonly string[];
  /** Reason for use (用途 / 用证事由), 1–200 characters: sent to the exchange as the purpose. */
  readonly useCause: string | undefined;
  /** Runs in the transaction of the ledger entries (e.g. records the request's jti). */
  readonly recordJti?: (tx: Queryable) => Promise<void>;
}

/** A record as handed out: the exchange's answer, its resource key and its ledger entry. */
export interface UsedSharedRecord extends SharedDataRecord {
  readonly resource: SharedResourceKey;
  readonly ledgerSeq: number;
}

/** A verdict as handed out, with its ledger entry. */
export interface LedgeredVerdict extends SharedDataVerdict {
  readonly resource: SharedResourceKey;
  readonly ledgerSeq: number;
}

export class SharedDataAccess {
  constructor(private readonly options: SharedDataAccessOptions) {}

  /**
   * The holder's records of the given resources (those the sources hold: a
   * resource without a record is left out), each ledgered as `shared-data`.
   * @throws TongbanError USE_CAUSE_REQUIRED, VALIDATION_FAILED, AUTHORIZATION_*, HOLDER_MISMATCH, DELEGATION_*, SERVICE_UNAVAILABLE;
   *   UpstreamError from the exchange.
   */
  async fetchForHolder(use: SharedDataUse & { readonly resources: readonly string[] }): Promise<UsedSharedRecord[]> {
    const { useCause, keys, authorization, exchange, matterCodes } = await this.admit(use, use.resources, '/sharedData');
    const records: { resource: SharedResourceKey; record: SharedDataRecord }[] = [];
    for (const resource of keys) {
      const record = await exchange.query({ resourceCode: SHARED_RESOURCES[resource].code, holderCode: use.holder.code, purpose: useCause, authorizationRef: authorization.id });
      if (record) records.push({ resource, record });
    }
    const entries = await this.options.ledger.append(records.map(({ resource, record }) => this.entry(use, authorization, matterCodes, useCause, {
      resource, identifier: record.resourceCode, action: 'shared-data', outcome: 'used',
    })), undefined, use.recordJti ? { guard: use.recordJti } : {});
    this.options.logger.info('shared data used', {
      client: use.clientId, theme: use.themeCode, authorization: authorization.id, resources: keys, records: records.length, ledgerSeqs: entries.map((entry) => entry.seq),
    });
    return records.map(({ resource, record }, index) => ({ ...record, resource, ledgerSeq: entries[index]!.seq }));
  }

  /**
   * Whether a statement about the holder holds (在线核验): the exchange says
   * yes or no and Tongban never sees the data. Ledgered as
   * `shared-data-verify`, outcome `used` when it holds, `refused-invalid` when not.
   * @throws TongbanError as {@link fetchForHolder}; VALIDATION_FAILED for claims naming fields the resource has not.
   */
  async verify(use: SharedDataUse & { readonly resource: string; readonly claims: Readonly<Record<string, string>> }): Promise<LedgeredVerdict> {
    const { useCause, keys, authorization, exchange, matterCodes } = await this.admit(use, [use.resource], '/resource');
    const resource = keys[0]!;
    const fields = SHARED_RESOURCES[resource].fields;
    const unknown = Object.keys(use.claims).filter((field) => !Object.hasOwn(fields, field));
    if (Object.keys(use.claims).length === 0 || unknown.length > 0) {
      throw validationError((unknown.length > 0 ? unknown : ['']).map((field) => ({
        pointer: `/claims${field ? `/${field}` : ''}`, message: `name fields of ${SHARED_RESOURCES[resource].name}: ${Object.keys(fields).join(', ')}`,
      })));
    }
    const verdict = await exchange.verify({
      resourceCode: SHARED_RESOURCES[resource].code, holderCode: use.holder.code, purpose: useCause, authorizationRef: authorization.id, claims: use.claims,
    });
    const [entry] = await this.options.ledger.append([this.entry(use, authorization, matterCodes, useCause, {
      resource, identifier: `${verdict.resourceCode}#${verdict.verificationId}`, action: 'shared-data-verify', outcome: verdict.holds ? 'used' : 'refused-invalid',
    })]);
    this.options.logger.info('shared data verified', { client: use.clientId, theme: use.themeCode, authorization: authorization.id, resource, holds: verdict.holds, ledgerSeq: entry!.seq });
    return { ...verdict, resource, ledgerSeq: entry!.seq };
  }

  /** Every check before the exchange is asked anything. */
  private async admit(use: SharedDataUse, resources: readonly string[], pointer: string) {
    const useCause = useCauseFromBody(use.useCause, '/useCause');
    const holderProblem = holderCodeProblem(use.holder.code, use.holder.type);
    if (holderProblem) throw validationError([{ pointer: '/holder/code', message: holderProblem }]);
    const keys = resourceKeys(resources, pointer, use.holder.type);
    const authorization = await this.options.authorizations.requireCovering({
      clientId: use.clientId, actor: use.actor, authorizationId: use.authorizationId, holderCode: use.holder.code, holderType: use.holder.type,
      licenceTypes: keys, themeCode: use.themeCode, ...(use.matterCodes ? { matterCodes: use.matterCodes } : {}),
    });
    if (!this.options.exchange) throw new TongbanError('SERVICE_UNAVAILABLE', 'No data-sharing exchange is configured (TONGBAN_DATA_SHARING_URL)');
    const matterCodes = use.matterCodes?.length ? use.matterCodes : authorization.purpose.matterCodes;
    return { useCause, keys, authorization, exchange: this.options.exchange, matterCodes };
  }

  private entry(use: SharedDataUse, authorization: Authorization, matterCodes: readonly string[], useCause: string,
    what: { resource: SharedResourceKey; identifier: string; action: 'shared-data' | 'shared-data-verify'; outcome: LicenceUseInput['outcome'] }): LicenceUseInput {
    return {
      clientId: use.clientId, holderCode: use.holder.code, holderType: use.holder.type, licenceIdentifier: what.identifier, licenceType: what.resource,
      themeCode: use.themeCode, matterCodes, useCause, authorizationId: authorization.id, action: what.action, outcome: what.outcome,
      actor: actorAtUse(authorization.actor!, use.actor),
    };
  }
}

function resourceKeys(resources: readonly string[], pointer: string, holderType: LicenceHolderType): SharedResourceKey[] {
  if (resources.length === 0) throw validationError([{ pointer, message: 'name at least one shared-data resource' }]);
  const errors = resources.flatMap((key, index) => {
    const at = resources.length > 1 || pointer.endsWith('Data') ? `${pointer}/${index}` : pointer;
    if (!isSharedResourceKey(key)) return [{ pointer: at, message: `unknown shared-data resource "${key}" (known: ${Object.keys(SHARED_RESOURCES).join(', ')})` }];
    return SHARED_RESOURCES[key].holderType === holderType ? [] : [{ pointer: at, message: `${SHARED_RESOURCES[key].name} (${key}) is kept for citizens, not for a holder of type ${holderType}` }];
  });
  if (errors.length > 0) throw validationError(errors);
  return [...new Set(resources)] as SharedResourceKey[];
}
