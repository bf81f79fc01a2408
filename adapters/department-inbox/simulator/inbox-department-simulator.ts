/**
 * A department behind a front-end processor (前置机): it cannot be called, so
 * it polls Tongban's inbox, applies each delivery once per idempotency key
 * (an item handed out again after its lease ran out is not applied twice),
 * acknowledges it with a receipt signed by the department's key, and later
 * sends status/result events. Everything it sends is signed with
 * `createSigningClient`; Tongban's answers are verified.
 */
import type { SubApplicationDelivery } from '../../../src/domain/department-channel.js';
import { createSigningClient, type FetchFunction, type PrivateJwk } from '../../../src/trust/index.js';
import { checkDelivery } from '../../common/department/delivery-schema.js';
import { corruptSignature, signReceiptToken } from '../../common/department/receipt-token.js';
import { MaterialCheck, type MaterialDownload } from '../../common/department/simulator/material-check.js';
import { DepartmentBook, type ReceivedDelivery } from '../../common/department/simulator/department-book.js';
import { DepartmentEvents, type DepartmentEventOptions, type SentEvent } from '../../common/department/simulator/department-events.js';
import type { TongbanKeySource } from '../../common/department/simulator/tongban-verifier.js';
import { ackPath, inboxPath, isInboxPage, type InboxAck, type InboxItem } from '../inbox-api.js';

/**
 * What to do with a lease once the item is applied: `ack` (default);
 * `lose-first-ack`: the first hand-out of every item is applied but its ack
 * is lost (as if the front-end processor crashed before sending it), so
 * Tongban hands it out again after the lease; or a function deciding per item
 * (`offer` counts the hand-outs of that delivery seen by this department, from 1).
 */
export type LeaseHandling = 'ack' | 'lose-first-ack' | ((item: InboxItem, offer: number) => 'ack' | 'lose-ack');

export interface InboxDepartmentSimulatorOptions extends DepartmentEventOptions {
  /** Tongban's base URL. */
  tongbanUrl: string;
  departmentCode: string;
  /** Client id at Tongban; default `dept-<code>`. */
  clientId?: string;
  /** The department's private key (algorithm as in mappings/departments.json). */
  key: PrivateJwk;
  /** Tongban's public keys or a JWKS fetcher (e.g. `() => jwks(tongbanUrl)`): answers must verify. */
  tongbanKeys: TongbanKeySource;
  /** Poll on a timer with this pause between polls (ms); unset: only `pollOnce()`. */
  pollIntervalMs?: number;
  /** Items asked for per poll; default 10. */
  limit?: number;
  leaseHandling?: LeaseHandling;
  fetch?: FetchFunction;
  now?: () => Date;
}

/** What one poll did. */
export interface PollResult {
  /** Items handed out. */
  items: number;
  /** Items applied for the first time. */
  applied: number;
  /** Items already applied before (handed out again). */
  duplicates: number;
  acked: number;
  /** Acks Tongban refused (e.g. 409: lease lost). */
  ackRefused: number;
  /** Acks deliberately not sent (`leaseHandling`). */
  acksLost: number;
  /** Items that could not be applied (invalid delivery, key reused with other content). */
  invalid: number;
  /** Set when the poll itself failed (Tongban unreachable, bad answer). */
  error?: string;
}

/** One acknowledgement sent. */
export interface AckAttempt {
  deliveryId: string;
  acceptanceNumber: string;
  duplicate: boolean;
  status: number;
  /** The problem code of a refused acknowledgement. */
  code?: string;
  error?: string;
}

/**
 * Faults in the department's own acknowledgements (it is a client, so the
 * HTTP-level FaultController does not apply): `bad-signature` corrupts the
 * receipt signature, `wrong-delivery` acknowledges with a receipt made out for
 * another delivery id, `malformed` sends an acknowledgement without its receipt.
 */
export type ReceiptFault = 'bad-signature' | 'wrong-delivery' | 'malformed';

export interface InboxDepartmentSimulator {
  /** Polls once and processes what was handed out. */
  pollOnce(): Promise<PollResult>;
  /** The next acknowledgements carry these faults, in order. */
  injectReceiptFault(...faults: ReceiptFault[]): void;
  /** Every material file downloaded from Tongban to check it before applying a delivery, in order. */
  materialDownloads(): MaterialDownload[];
  /** Every delivery applied or re-seen (repeats flagged `duplicate`). */
  received(): ReceivedDelivery[];
  /** Effects per idempotency key (one each). */
  effectsByKey(): Map<string, number>;
  acks(): AckAttempt[];
  polls(): PollResult[];
  flushEvents(): Promise<SentEvent[]>;
  sentEvents(): SentEvent[];
  pendingEvents(): ReturnType<DepartmentEvents['pending']>;
  /** Stops polling (waits for a poll in progress) and the event timers. */
  close(): Promise<void>;
}

/** Starts the polling department (polling begins at once when `pollIntervalMs` is set). */
export async function startInboxDepartmentSimulator(options: InboxDepartmentSimulatorOptions): Promise<InboxDepartmentSimulator> {
  const { departmentCode } = options;
  const clientId = options.clientId ?? `dept-${departmentCode}`;
  const client = createSigningClient({
    baseUrl: options.tongbanUrl, clientId, key: options.key, tongbanKeys: options.tongbanKeys, ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const book = new DepartmentBook(departmentCode, options.now);
  const events = new DepartmentEvents(departmentCode, {
    ...options,
    eventsTarget: options.eventsTarget ?? { url: options.tongbanUrl, clientId, key: options.key, tongbanKeys: options.tongbanKeys, ...(options.fetch ? { fetch: options.fetch } : {}) },
  }, options.now);
  const materials = new MaterialCheck(() => client);
  const offers = new Map<string, number>();
  const ackLog: AckAttempt[] = [];
  const pollLog: PollResult[] = [];
  const receiptFaults: ReceiptFault[] = [];
  let running: Promise<PollResult> = Promise.resolve(emptyResult());
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const decide = (item: InboxItem, offer: number): 'ack' | 'lose-ack' => {
    const handling = options.leaseHandling ?? 'ack';
    if (typeof handling === 'function') return handling(item, offer);
    return handling === 'lose-first-ack' && offer === 1 ? 'lose-ack' : 'ack';
  };

  async function process(item: InboxItem, result: PollResult): Promise<void> {
    const offer = (offers.get(item.deliveryId) ?? 0) + 1;
    offers.set(item.deliveryId, offer);
    const checked = checkDelivery(item.delivery);
    if (!checked.ok || checked.delivery.deliveryId !== item.deliveryId || checked.delivery.departmentCode !== departmentCode) {
      result.invalid += 1; // nothing to acknowledge; Tongban sees the lease run out and ops see the delivery stuck
      return;
    }
    const delivery: SubApplicationDelivery = checked.delivery;
    // A sub-application new to the department: its files are downloaded and checked before it is applied and
    // acknowledged; one that fails is left to its lease (handed out again, with fresh links).
    if (!book.knows(delivery.idempotencyKey) && !(await materials.check(delivery)).ok) {
      result.invalid += 1;
      return;
    }
    const entry = book.receive(delivery);
    if (entry.outcome === 'conflict') {
      result.invalid += 1;
      return;
    }
    if (entry.outcome === 'new') {
      result.applied += 1;
      events.schedule(delivery, entry.receipt.acceptanceNumber);
    } else {
      result.duplicates += 1;
    }
    if (decide(item, offer) === 'lose-ack') {
      result.acksLost += 1;
      return;
    }
    const receiptFault = receiptFaults.shift();
    const fields = receiptFault === 'wrong-delivery' ? { ...entry.receipt, deliveryId: `${entry.receipt.deliveryId}-other` } : entry.receipt;
    const token = await signReceiptToken(fields, options.key);
    const receipt = { ...fields, signature: receiptFault === 'bad-signature' ? corruptSignature(token) : token };
    const ack: InboxAck | Omit<InboxAck, 'receipt'> = receiptFault === 'malformed'
      ? { leaseToken: item.leaseToken, acceptanceNumber: receipt.acceptanceNumber }
      : { leaseToken: item.leaseToken, acceptanceNumber: receipt.acceptanceNumber, receipt };
    const attempt: AckAttempt = { deliveryId: item.deliveryId, acceptanceNumber: receipt.acceptanceNumber, duplicate: receipt.duplicate, status: 0 };
    try {
      const answer = await client.request('POST', ackPath(departmentCode, item.deliveryId), { body: ack });
      attempt.status = answer.status;
      const code = (answer.body as { code?: unknown } | undefined)?.code;
      if (answer.status >= 400 && typeof code === 'string') attempt.code = code;
    } catch (error) {
      attempt.error = (error as Error).message;
    }
    ackLog.push(attempt);
    if (attempt.status >= 200 && attempt.status < 300) result.acked += 1;
    else result.ackRefused += 1; // the item comes back after its lease; it will not be applied again
  }

  async function poll(): Promise<PollResult> {
    const result = emptyResult();
    try {
      const answer = await client.request('GET', `${inboxPath(departmentCode)}?limit=${options.limit ?? 10}`);
      if (answer.status !== 200) throw new Error(`inbox answered HTTP ${answer.status}`);
      if (!isInboxPage(answer.body)) throw new Error('inbox answer is not a page of items');
      result.items = answer.body.items.length;
      for (const item of answer.body.items) await process(item, result);
    } catch (error) {
      result.error = (error as Error).message;
    }
    pollLog.push(result);
    return result;
  }

  const pollOnce = (): Promise<PollResult> => {
    running = running.then(poll, poll);
    return running;
  };

  const loop = () => {
    if (closed || options.pollIntervalMs === undefined) return;
    timer = setTimeout(() => { void pollOnce().finally(loop); }, options.pollIntervalMs);
  };
  if (options.pollIntervalMs !== undefined) void pollOnce().finally(loop);

  return {
    pollOnce,
    injectReceiptFault: (...faults) => { receiptFaults.push(...faults); },
    received: () => book.received(),
    materialDownloads: () => materials.downloads(),
    effectsByKey: () => book.effectsByKey(),
    acks: () => [...ackLog],
    polls: () => [...pollLog],
    flushEvents: () => events.flush(),
    sentEvents: () => events.sent(),
    pendingEvents: () => events.pending(),
    close: async () => {
      closed = true;
      if (timer) clearTimeout(timer);
      await running.catch(() => undefined);
      await events.close();
    },
  };
}

function emptyResult(): PollResult {
  return { items: 0, applied: 0, duplicates: 0, acked: 0, ackRefused: 0, acksLost: 0, invalid: 0 };
}
