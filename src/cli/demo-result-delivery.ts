/**
 * `tongban demo`'s birth story chooses 邮政寄递 for the results: the
 * submission carries the mother's postal address, and once the results are
 * ready the demo follows the waybill the mail service made, trace by trace,
 * to its end (the sandbox's mail service advances each waybill on its own).
 */
import type { SigningClient } from '../trust/signing-client.js';
import type { DemoIo } from './demo-evaluation.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const FINAL = ['delivered', 'failed', 'returned', 'cancelled', 'not_created', 'no_results'];
const CODES: Record<string, string> = {
  accepted: '收寄', 'in-transit': '运输中', arrived: '到达', 'out-for-delivery': '派送中', delivered: '妥投', failed: '投递失败', returned: '退回', cancelled: '撤单',
};

/** The submission member that chooses 邮政寄递 to `recipient` (a demo address in 梅州, the sandbox's service area). */
export function postalChoice(recipient: string, mobile = '13800138000'): Record<string, unknown> {
  return { method: 'post', address: { recipient, mobile, province: '广东省', city: '梅州市', county: '梅江区', detail: '江南街道新中路18号2栋301房', postcode: '514000' } };
}

/** Follows the application's result posting until it ends (or `timeoutMs`), printing the waybill and each trace event once. */
export async function followResultPosting(io: DemoIo, platform: SigningClient, applicationId: string, options: { pollMs: number; timeoutMs: number }): Promise<void> {
  const { step, say, check } = io;
  step('The results go by post (邮政寄递, chosen at submission): Tongban asks the mail service for a waybill and follows its trace');
  const deadline = Date.now() + options.timeoutMs;
  let shown = 0;
  let waybill: string | null = null;
  for (;;) {
    const section = check(await platform.request('GET', `/v1/applications/${applicationId}`), 200, 'application').resultDelivery as Json;
    if (section.waybillNo && section.waybillNo !== waybill) {
      waybill = section.waybillNo as string;
      say(`waybill ${waybill} (order ${section.orderNo}) from ${section.hall?.name ?? 'the hall'} to ${section.address.name} ${section.address.mobile}, ${section.address.province}${section.address.city}${section.address.county}`);
    }
    for (const trace of (section.trace ?? []).slice(shown)) {
      say(`  ${trace.time.slice(0, 16).replace('T', ' ')}  ${CODES[trace.code] ?? trace.code}  ${trace.location}  ${trace.description}${trace.signer ? ` (签收人 ${trace.signer})` : ''}${trace.reason ? ` (${trace.reason})` : ''}`);
    }
    shown = section.trace?.length ?? 0;
    if (section.status === 'waiting_for_logistics') {
      say('no mail service is configured (TONGBAN_LOGISTICS_URL): the waybill waits for one');
      return;
    }
    if (FINAL.includes(section.status)) {
      say(`the results posting ended: ${section.status}${section.lastError ? ` (${section.lastError})` : ''}`);
      return;
    }
    if (Date.now() > deadline) {
      say(`still ${section.status} after ${Math.round(options.timeoutMs / 1000)} s: follow it at GET /v1/applications/${applicationId} (resultDelivery)`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs));
  }
}
