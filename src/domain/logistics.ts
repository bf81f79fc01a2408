/**
 * Posting by the government mail service (政务EMS / 邮政寄递): results posted to
 * applicants and paper originals the applicant posts in.
 *
 * Glossary:
 * - waybill 运单: one parcel's record at the carrier, numbered in the UPU S10 form (`EM123456785CN`, 13 characters);
 * - order number 订单号: Tongban's own id of a posting (办件编号 + direction), the carrier's idempotency key;
 * - direction 寄递方向: `result` 结果寄递 (government → applicant) or `material` 材料寄递 (applicant → government);
 *   a case that uses both is 双向寄递;
 * - trace event 物流轨迹: one step of a waybill's life (收寄, 运输中, 到达, 派送中, 妥投, 投递失败, 退回, 撤单);
 * - pickup 收寄: the carrier took the parcel; a waybill can be cancelled (撤单) only before it;
 * - signer 签收人: who signed for a delivered parcel.
 */

/** A postal address with its contact (寄件人 / 收件人). */
export interface Address {
  /** Contact name (姓名). */
  readonly name: string;
  /** Mainland mobile number, 11 digits (手机号). */
  readonly mobile: string;
  /** 省 / 市 / 区县. */
  readonly province: string;
  readonly city: string;
  readonly county: string;
  /** Street address below the county (详细地址). */
  readonly address: string;
  /** Six-digit postcode (邮政编码), when known. */
  readonly postcode?: string;
}

export type PostingDirection = 'result' | 'material';

/** A waybill's status: `created` until pickup, then the code of its latest trace event. */
export type WaybillStatus =
  | 'created' | 'accepted' | 'in-transit' | 'arrived' | 'out-for-delivery' | 'delivered' | 'failed' | 'returned' | 'cancelled';

/** Kinds of trace event: every status but `created`. */
export type TraceEventCode = Exclude<WaybillStatus, 'created'>;

/** What Tongban asks the carrier to collect and deliver. */
export interface WaybillRequest {
  /** Tongban's id of this posting (办件编号 + direction); the same order number never makes a second waybill. */
  readonly orderNo: string;
  readonly direction: PostingDirection;
  readonly sender: Address;
  readonly recipient: Address;
  /** What is in the parcel (e.g. 营业执照正本 × 1); at least one. */
  readonly items: readonly { readonly name: string; readonly count: number }[];
  readonly remark?: string;
}

export interface Waybill {
  /** UPU S10 number, e.g. `EM000000015CN`. */
  readonly waybillNo: string;
  readonly orderNo: string;
  readonly direction: PostingDirection;
  readonly status: WaybillStatus;
  /** ISO 8601 with the carrier's offset (+08:00). */
  readonly createdAt: string;
}

/** The answer to creating a waybill: `duplicate` when the order number already had one (that one is returned). */
export interface CreatedWaybill extends Waybill {
  readonly duplicate: boolean;
}

/** One step of a waybill's life. */
export interface TraceEvent {
  /** Unique per event: a pushed event that arrives twice has the same id. */
  readonly eventId: string;
  readonly waybillNo: string;
  /** 1, 2, … in the order the carrier recorded the events (orders reordered pushes). */
  readonly sequence: number;
  readonly code: TraceEventCode;
  /** ISO 8601 with +08:00. */
  readonly time: string;
  /** Where it happened (e.g. 杭州市邮区中心局). */
  readonly location: string;
  /** The carrier's Chinese description. */
  readonly description: string;
  /** For `delivered`: who signed (签收人). */
  readonly signer?: string;
  /** For `failed`: why (投递失败原因). */
  readonly reason?: string;
}

/** A pushed trace event, verified: the event plus the order number it belongs to. */
export interface PushedTraceEvent extends TraceEvent {
  readonly orderNo: string;
}

/** The government mail service as the gateway uses it (adapters/logistics implements it). */
export interface LogisticsService {
  /** Creates the waybill of an order; the same `orderNo` again answers the existing waybill with `duplicate: true`. */
  createWaybill(request: WaybillRequest): Promise<CreatedWaybill>;
  /** The waybill, or `undefined` when the service does not know the number. */
  getWaybill(waybillNo: string): Promise<Waybill | undefined>;
  /** Trace events in the order the service recorded them. */
  traces(waybillNo: string): Promise<TraceEvent[]>;
  /** Cancels a waybill not yet picked up (cancelling a cancelled one answers it again). */
  cancel(waybillNo: string): Promise<Waybill>;
  /**
   * Verifies one push (headers as received, body as raw bytes) and returns its event.
   * @throws PushVerificationError naming the header or body field at fault.
   */
  verifyPush(headers: Readonly<Record<string, string | string[] | undefined>>, rawBody: Buffer | string): PushedTraceEvent;
}

/** A push that does not verify: wrong key, stale timestamp, bad signature or body. `field` names what is wrong. */
export class PushVerificationError extends Error {
  readonly code = 'LOGISTICS_PUSH_INVALID' as const;
  constructor(readonly field: string, message: string) {
    super(message);
    this.name = 'PushVerificationError';
  }
}
