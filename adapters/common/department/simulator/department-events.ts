/**
 * What a simulated department says after it received a sub-application:
 * 受理 accepted, then 办结 completed with results, or 不予受理 rejected — as
 * scripted per sub-application or matter — sent to Tongban's
 * `POST /v1/departments/{dept}/events`, signed with the department's key.
 * Real departments resend and reorder, so duplicates and completed-before-
 * accepted can be switched on.
 */
import { randomUUID } from 'node:crypto';
import type { DepartmentEvent, DepartmentResult, SubApplicationDelivery } from '../../../../src/domain/department-channel.js';
import { createSigningClient, type FetchFunction, type PrivateJwk, type SigningClient } from '../../../../src/trust/index.js';
import { mulberry32 } from '../../random.js';
import { chinaDate, chinaIso } from './china-time.js';
import { defaultResults } from './result-documents.js';
import type { TongbanKeySource } from './tongban-verifier.js';

/**
 * How the department ends a sub-application:
 * - `complete` (default): accepted, optional status events, then completed with results;
 * - `reject`: one rejected event with a reason (不予受理);
 * - `accept-only`: accepted and never completed (an overdue case);
 * - `silent`: never answers;
 * - `supplement` (补正): accepted, then supplement_requested naming the matter's
 *   material codes and/or form fields, a reason and a deadline `deadlineDays`
 *   calendar days ahead (default 10); the next version (a new idempotency key)
 *   is completed with results.
 */
export type DepartmentOutcome =
  | 'complete' | 'reject' | 'accept-only' | 'silent'
  | { kind: 'complete'; results?: DepartmentResult[]; statuses?: string[] }
  | { kind: 'supplement'; materials?: string[]; fields?: string[]; reason?: string; deadlineDays?: number }
  | { kind: 'reject'; reason?: string }
  | { kind: 'accept-only' }
  | { kind: 'silent' };

/** Outcomes by sub-application id or matter code (first match wins), or a function of the delivery. */
export type OutcomeScript = Readonly<Record<string, DepartmentOutcome>> | ((delivery: SubApplicationDelivery) => DepartmentOutcome | undefined);

/** Where and as whom events are sent. */
export interface EventsTarget {
  /** Tongban's base URL. */
  url: string;
  /** The department's client id at Tongban, e.g. `dept-gaj`. */
  clientId: string;
  /** The department's private key. */
  key: PrivateJwk;
  /** Tongban's public keys, to verify its answers (unverified without). */
  tongbanKeys?: TongbanKeySource;
  fetch?: FetchFunction;
}

/** Scripting of events, shared by the three department simulators. */
export interface DepartmentEventOptions {
  /** Where to send events; without it events are generated and kept pending. */
  eventsTarget?: EventsTarget;
  outcomes?: OutcomeScript;
  /** Send an event twice (same event id): `true` always, a number = share of events (seeded). */
  duplicateEvents?: boolean | number;
  /** Send completed before accepted: `true` always, a number = share of sub-applications (seeded). */
  outOfOrder?: boolean | number;
  /** Send events on a timer: accepted after this delay, each later event one delay later (ms). Unset: only on `flushEvents()`. */
  eventDelayMs?: number;
  /** Seed of the duplicate/out-of-order choices. Default 1. */
  seed?: number;
}

/** One attempt to send an event. */
export interface SentEvent {
  event: DepartmentEvent;
  /** When it was sent (ISO). */
  at: string;
  /** Tongban's HTTP status; 0 when the connection failed. */
  status: number;
  /** Tongban's answer signature was verified. */
  answerVerified: boolean;
  error?: string;
}

interface PendingEvent {
  event: DepartmentEvent;
  /** Epoch ms from which the timer may send it. */
  dueAt: number;
}

export class DepartmentEvents {
  private readonly queue: PendingEvent[] = [];
  private readonly log: SentEvent[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly random: () => number;
  private readonly client: SigningClient | undefined;
  private flushing: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly departmentCode: string, private readonly options: DepartmentEventOptions, private readonly now: () => Date = () => new Date()) {
    this.random = mulberry32(options.seed ?? 1);
    const target = options.eventsTarget;
    this.client = target && createSigningClient({
      baseUrl: target.url, clientId: target.clientId, key: target.key,
      ...(target.tongbanKeys ? { tongbanKeys: target.tongbanKeys } : {}), ...(target.fetch ? { fetch: target.fetch } : {}),
    });
  }

  /** The department's signed client to Tongban (the one events go through); undefined without an events target. */
  tongbanClient(): SigningClient | undefined {
    return this.client;
  }

  /** Generates the events of a newly received sub-application and queues them (sent on flush or timer). */
  schedule(delivery: SubApplicationDelivery, acceptanceNumber: string): DepartmentEvent[] {
    const outcome = normalise(this.outcomeOf(delivery));
    const at = this.now();
    const event = (type: DepartmentEvent['type'], extra: Partial<DepartmentEvent> = {}, offsetS = 0): DepartmentEvent => ({
      eventId: randomUUID(), departmentCode: this.departmentCode, subApplicationId: delivery.subApplicationId, type,
      occurredAt: chinaIso(new Date(at.getTime() + offsetS * 1000)), acceptanceNumber, ...extra,
    });
    let events: DepartmentEvent[] = [];
    switch (outcome.kind) {
      case 'silent':
        break;
      case 'reject':
        events = [event('rejected', { reason: outcome.reason ?? '申请材料不齐全，不予受理' })];
        break;
      case 'accept-only':
        events = [event('accepted')];
        break;
      case 'supplement':
        // The answer to the request arrives as the next version of the sub-application: the department then decides.
        if ((delivery.version ?? 1) > 1) {
          events = [event('completed', { results: defaultResults(delivery, acceptanceNumber) })];
          break;
        }
        events = [event('accepted'), event('supplement_requested', {
          ...(outcome.materials ? { materials: outcome.materials } : {}), ...(outcome.fields ? { fields: outcome.fields } : {}),
          reason: outcome.reason ?? '申请材料不符合法定形式，请补正', deadline: chinaDate(new Date(at.getTime() + (outcome.deadlineDays ?? 10) * 86_400_000)),
        }, 1)];
        break;
      case 'complete': {
        const statuses = (outcome.statuses ?? []).map((reason, index) => event('status', { reason }, index + 1));
        const completed = event('completed', { results: outcome.results ?? defaultResults(delivery, acceptanceNumber) }, statuses.length + 1);
        events = [event('accepted'), ...statuses, completed];
        if (this.roll(this.options.outOfOrder)) events = [completed, ...events.slice(0, -1)];
        break;
      }
    }
    const delay = this.options.eventDelayMs;
    events.forEach((generated, index) => {
      const dueAt = Date.now() + (delay ?? 0) * (index + 1);
      this.queue.push({ event: generated, dueAt });
      if (this.roll(this.options.duplicateEvents)) this.queue.push({ event: generated, dueAt });
      if (delay !== undefined) this.timer(delay * (index + 1));
    });
    return events;
  }

  /** Sends every pending event now, in order; answers the attempts made. Failed sends stay pending. */
  flush(): Promise<SentEvent[]> {
    return this.serialised(() => this.send(() => true));
  }

  /** Events generated and not yet delivered, in sending order (duplicates included). */
  pending(): DepartmentEvent[] {
    return this.queue.map((entry) => entry.event);
  }

  /** Every send attempt, in order. */
  sent(): SentEvent[] {
    return [...this.log];
  }

  /** Stops the timers and waits for a flush in progress. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.flushing.catch(() => undefined);
  }

  private timer(ms: number): void {
    if (this.closed) return;
    // A timer may fire a millisecond before Date.now() reaches the due time it was set for; the events due
    // by then must still go, or the last one of a sub-application (no later timer) would never be sent.
    const dueBy = Date.now() + ms;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.serialised(() => this.send((entry) => entry.dueAt <= Math.max(dueBy, Date.now()))).then((attempts) => {
        // A department retries what Tongban did not take, one delay later.
        if (attempts.some((attempt) => !delivered(attempt.status)) && this.options.eventDelayMs !== undefined) this.timer(this.options.eventDelayMs);
      });
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const next = this.flushing.then(work, work);
    this.flushing = next.catch(() => undefined);
    return next;
  }

  private async send(ready: (entry: PendingEvent) => boolean): Promise<SentEvent[]> {
    if (this.client === undefined) throw new Error(`department ${this.departmentCode} simulator has no eventsTarget to send events to`);
    const attempts: SentEvent[] = [];
    for (let index = 0; index < this.queue.length;) {
      const entry = this.queue[index]!;
      if (!ready(entry)) {
        index += 1;
        continue;
      }
      const attempt = await this.post(this.client, entry.event);
      attempts.push(attempt);
      this.log.push(attempt);
      if (delivered(attempt.status) || givenUp(attempt.status)) this.queue.splice(index, 1);
      else break; // keep the order: later events wait until this one gets through
    }
    return attempts;
  }

  private async post(client: SigningClient, event: DepartmentEvent): Promise<SentEvent> {
    const at = new Date().toISOString();
    try {
      const answer = await client.request('POST', `/v1/departments/${encodeURIComponent(this.departmentCode)}/events`, { body: event });
      return { event, at, status: answer.status, answerVerified: answer.verified };
    } catch (error) {
      return { event, at, status: 0, answerVerified: false, error: (error as Error).message };
    }
  }

  private outcomeOf(delivery: SubApplicationDelivery): DepartmentOutcome {
    const script = this.options.outcomes;
    if (script === undefined) return 'complete';
    if (typeof script === 'function') return script(delivery) ?? 'complete';
    return script[delivery.subApplicationId] ?? script[delivery.matterCode] ?? 'complete';
  }

  private roll(setting: boolean | number | undefined): boolean {
    if (setting === undefined || setting === false) return false;
    if (setting === true) return true;
    return this.random() < setting;
  }
}

function normalise(outcome: DepartmentOutcome): Exclude<DepartmentOutcome, string> {
  return typeof outcome === 'string' ? { kind: outcome } : outcome;
}

/** Tongban took it (a repeat of a known event id may be answered 409). */
function delivered(status: number): boolean {
  return (status >= 200 && status < 300) || status === 409;
}

/** Tongban refused it for good: resending the same event cannot help. */
function givenUp(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429 && status !== 409;
}
