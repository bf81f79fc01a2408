/**
 * The simulator's waybills and their lives. A waybill moves only when told
 * (`advance`), one status at a time along its path:
 *
 *     CREATED → ACCEPTED → IN_TRANSIT → ARRIVED → OUT_FOR_DELIVERY → outcome
 *
 * where the outcome is DELIVERED (default), FAILED (stays failed), or
 * RETURNED (FAILED, then RETURNED to the sender). CANCELLED only by `cancel`,
 * and only before pickup (ACCEPTED).
 */
import { beijingTime, type WireAddress, type WireBusinessType, type WireOrderRequest, type WireStatus, type WireTrace, type WireWaybill } from '../logistics-api.js';
import { formatWaybillNo } from '../waybill-number.js';

export type Outcome = 'DELIVERED' | 'FAILED' | 'RETURNED';

export interface BookedWaybill {
  readonly waybillNo: string;
  readonly orderNo: string;
  readonly appKey: string;
  readonly businessType: WireBusinessType;
  readonly sender: WireAddress;
  readonly recipient: WireAddress;
  readonly items: WireOrderRequest['items'];
  readonly remark: string | undefined;
  readonly createdAtMs: number;
  status: WireStatus;
  outcome: Outcome;
  failReason: string;
  readonly traces: WireTrace[];
}

/** A control request the waybill cannot follow (unknown number, no such next step). */
export class AdvanceError extends Error {
  constructor(readonly reason: 'not-found' | 'not-reachable', message: string) {
    super(message);
    this.name = 'AdvanceError';
  }
}

const MAIN_LINE: readonly WireStatus[] = ['ACCEPTED', 'IN_TRANSIT', 'ARRIVED', 'OUT_FOR_DELIVERY'];
const ENDINGS: Readonly<Record<Outcome, readonly WireStatus[]>> = { DELIVERED: ['DELIVERED'], FAILED: ['FAILED'], RETURNED: ['FAILED', 'RETURNED'] };
export const DEFAULT_FAIL_REASON = '收件人电话无法接通,改约投递';

/** The statuses a waybill passes after CREATED, given its outcome. */
export function lifePath(outcome: Outcome): readonly WireStatus[] {
  return [...MAIN_LINE, ...ENDINGS[outcome]];
}

export function toWireWaybill(waybill: BookedWaybill): WireWaybill & Record<string, unknown> {
  return {
    waybillNo: waybill.waybillNo, orderNo: waybill.orderNo, businessType: waybill.businessType, status: waybill.status,
    createdAt: beijingTime(waybill.createdAtMs), sender: waybill.sender, recipient: waybill.recipient, items: waybill.items,
    ...(waybill.remark === undefined ? {} : { remark: waybill.remark }),
  };
}

export class WaybillBook {
  private readonly byNumber = new Map<string, BookedWaybill>();
  private readonly byOrder = new Map<string, BookedWaybill>();
  private readonly nextOutcomes: { outcome: Outcome; reason: string }[] = [];
  private serial: number;

  constructor(private readonly now: () => number, firstSerial = 1) {
    this.serial = firstSerial;
  }

  get(waybillNo: string, appKey?: string): BookedWaybill | undefined {
    const waybill = this.byNumber.get(waybillNo);
    return waybill && (appKey === undefined || waybill.appKey === appKey) ? waybill : undefined;
  }

  all(): BookedWaybill[] {
    return [...this.byNumber.values()];
  }

  /** The app key's waybill of this order number, if any (orders are idempotent per app key). */
  byOrderNo(appKey: string, orderNo: string): BookedWaybill | undefined {
    return this.byOrder.get(`${appKey}\u0000${orderNo}`);
  }

  create(appKey: string, order: WireOrderRequest): BookedWaybill {
    const scripted = this.nextOutcomes.shift();
    const waybill: BookedWaybill = {
      waybillNo: formatWaybillNo('M', this.serial++), orderNo: order.orderNo, appKey, businessType: order.businessType,
      sender: order.sender, recipient: order.recipient, items: order.items, remark: order.remark, createdAtMs: this.now(),
      status: 'CREATED', outcome: scripted?.outcome ?? 'DELIVERED', failReason: scripted?.reason ?? DEFAULT_FAIL_REASON, traces: [],
    };
    this.byNumber.set(waybill.waybillNo, waybill);
    this.byOrder.set(`${appKey}\u0000${order.orderNo}`, waybill);
    return waybill;
  }

  /** Sets how a waybill (or the next one created, `'next'`) ends. @throws AdvanceError when it is past the point of choosing. */
  scriptOutcome(target: string, outcome: Outcome, reason = DEFAULT_FAIL_REASON): void {
    if (target === 'next') return void this.nextOutcomes.push({ outcome, reason });
    const waybill = this.require(target);
    if (!['CREATED', ...MAIN_LINE].includes(waybill.status)) throw new AdvanceError('not-reachable', `${target} is already ${waybill.status}`);
    waybill.outcome = outcome;
    waybill.failReason = reason;
  }

  /** Statuses still ahead of the waybill (empty when it is final). */
  remaining(waybill: BookedWaybill): readonly WireStatus[] {
    if (waybill.status === 'CANCELLED') return [];
    const path = lifePath(waybill.outcome);
    return path.slice(path.indexOf(waybill.status) + 1);
  }

  /**
   * Moves a waybill to `to` (through every status in between) or to its next
   * status; returns the new trace events in order.
   * @throws AdvanceError for an unknown waybill, a final one, or a `to` not ahead of it.
   */
  advance(waybillNo: string, to?: WireStatus): WireTrace[] {
    const waybill = this.require(waybillNo);
    const ahead = this.remaining(waybill);
    const steps = to === undefined ? ahead.slice(0, 1) : ahead.slice(0, ahead.indexOf(to) + 1);
    if (steps.length === 0 || (to !== undefined && !ahead.includes(to))) {
      throw new AdvanceError('not-reachable', `${waybillNo} is ${waybill.status}: ${to ?? 'a next status'} is not ahead of it (ahead: ${ahead.join(', ') || 'nothing'})`);
    }
    return steps.map((status) => this.record(waybill, status));
  }

  /** Cancels before pickup; `undefined` when picked up already (cancelling twice answers the cancelled waybill). */
  cancel(waybill: BookedWaybill): WireTrace | null | undefined {
    if (waybill.status === 'CANCELLED') return null;
    if (waybill.status !== 'CREATED') return undefined;
    return this.record(waybill, 'CANCELLED');
  }

  private require(waybillNo: string): BookedWaybill {
    const waybill = this.byNumber.get(waybillNo);
    if (!waybill) throw new AdvanceError('not-found', `no waybill ${waybillNo}`);
    return waybill;
  }

  private record(waybill: BookedWaybill, status: WireStatus): WireTrace {
    const sequence = waybill.traces.length + 1;
    const last = waybill.traces.at(-1);
    // Several events recorded at once still get increasing times, a second apart.
    const timeMs = Math.max(this.now(), last ? Date.parse(last.time) + 1000 : 0);
    const trace: WireTrace = { eventId: `${waybill.waybillNo}-${String(sequence).padStart(3, '0')}`, sequence, code: status as WireTrace['code'], time: beijingTime(timeMs), ...describe(waybill, status) };
    waybill.traces.push(trace);
    waybill.status = status;
    return trace;
  }
}

/** Location and Chinese description (and signer / reason) of one event. */
function describe(waybill: BookedWaybill, status: WireStatus): Pick<WireTrace, 'location' | 'description' | 'signer' | 'reason'> {
  const { sender, recipient } = waybill;
  const counter = `${sender.city}${sender.county}邮政营业部`;
  const delivery = `${recipient.city}${recipient.county}邮政揽投部`;
  switch (status) {
    case 'ACCEPTED': return { location: counter, description: `【${counter}】已收寄邮件` };
    case 'IN_TRANSIT': return { location: `${sender.city}邮区中心局`, description: `邮件离开【${sender.city}邮区中心局】,正在发往【${recipient.city}邮区中心局】` };
    case 'ARRIVED': return { location: `${recipient.city}邮区中心局`, description: `邮件到达【${recipient.city}邮区中心局】` };
    case 'OUT_FOR_DELIVERY': return { location: delivery, description: `【${delivery}】安排投递,投递员:张师傅,电话:13900000000` };
    case 'DELIVERED': return { location: delivery, description: `已妥投,本人签收,签收人:${recipient.name}`, signer: recipient.name };
    case 'FAILED': return { location: delivery, description: `投递失败:${waybill.failReason}`, reason: waybill.failReason };
    case 'RETURNED': return { location: delivery, description: `邮件已退回寄件人【${sender.name}】` };
    default: return { location: counter, description: '寄件人已撤单' };
  }
}
