/**
 * A post choice while no mail service is configured: accepted, and when the
 * results are ready the posting waits, visibly; the first worker with a mail
 * service queues it and makes its waybill. Real SQLite and PostgreSQL, the
 * logistics simulator on a real socket.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createLogisticsAdapter } from '../../../adapters/logistics/index.js';
import { DEFAULT_LOGISTICS_CREDENTIALS, startLogisticsSimulator, type LogisticsSimulator } from '../../../adapters/logistics/simulator/index.js';
import { createLogger } from '../../../src/log/index.js';
import { PostingWorker } from '../../../src/results-delivery/index.js';
import { readResultDeliverySections } from '../../../src/results-delivery/read-result-delivery.js';
import { recordResultDelivery } from '../../../src/results-delivery/choice.js';
import type { Store } from '../../../src/store/index.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';

const ADDRESS = { name: '李芳', mobile: '13800138000', province: '广东省', city: '梅州市', county: '梅江区', address: '江南路1号' };

/** An application whose one sub-application completed with a result, that chose the post (intake is tested elsewhere). */
async function completedApplication(store: Store): Promise<string> {
  const applicationId = randomUUID();
  const now = Date.now();
  await store.transaction(async (tx) => {
    await tx.query(`INSERT INTO applications (id, client_id, idempotency_key, request_digest, response, theme_code, answers, form, provenance, status, created_at, updated_at)
      VALUES ($1, 'platform', $2, 'x', '{}', 'MX-T05', '{}', '{}', '{}', 'received', $3, $3)`, [applicationId, `key-${applicationId}`, now]);
    await tx.query(`INSERT INTO sub_applications (id, application_id, matter_code, matter_name, department_code, position, prerequisites, form, provenance, status, results, statutory_days, promised_days, created_at, updated_at)
      VALUES ($1, $2, '000744622000', '国（境）内出生登记', 'gaj', 0, '[]', '{}', '{}', 'completed', $3, 20, 5, $4, $4)`,
    [randomUUID(), applicationId, JSON.stringify([{ name: '居民户口簿' }]), now]);
    await recordResultDelivery(tx, applicationId, { method: 'post', address: ADDRESS }, now);
  });
  return applicationId;
}

for (const fixture of storeFixtures()) describe(`postings without a mail service, and after a crash (${fixture.name})`, function () {
  this.timeout(30_000);
  let store: Store;
  let logistics: LogisticsSimulator;

  before(async () => {
    store = await fixture.open();
    logistics = await startLogisticsSimulator();
  });

  after(async function () {
    await store?.close();
    await logistics?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });

  it('waits (waiting_for_logistics) until a worker with a mail service queues it and makes the waybill', async () => {
    const applicationId = await completedApplication(store);
    const logger = createLogger({ level: 'silent' });
    const retry = { maxAttempts: 3, baseMs: 10, capMs: 50 };
    const unconfigured = new PostingWorker({ store, logger, logistics: undefined, retry, trackIntervalMs: 60_000 });
    expect(await unconfigured.runOnce()).to.equal(1);
    const waiting = (await readResultDeliverySections(store, applicationId)).resultDelivery;
    expect(waiting).to.deep.include({ method: 'post', status: 'waiting_for_logistics', waitingFor: 'logistics configuration', waybillNo: null });
    expect(await unconfigured.runOnce(), 'nothing more to do without a mail service').to.equal(0);

    const configured = new PostingWorker({
      store, logger, retry, trackIntervalMs: 60_000,
      logistics: createLogisticsAdapter({ baseUrl: logistics.url, appKey: DEFAULT_LOGISTICS_CREDENTIALS.appKey, appSecret: DEFAULT_LOGISTICS_CREDENTIALS.appSecret }),
    });
    expect(await configured.runOnce()).to.equal(1);
    const created = (await readResultDeliverySections(store, applicationId)).resultDelivery;
    expect(created).to.deep.include({ status: 'created', orderNo: `${applicationId}-R` });
    expect(created['waybillNo']).to.match(/^EM\d{9}CN$/);
    expect(logistics.waybill(created['waybillNo'] as string)).to.deep.include({ businessType: 'RESULT' });

    const { rows } = await store.query<{ payload: string }>("SELECT payload FROM webhook_messages WHERE application_id = $1 AND type = 'result_delivery.updated' ORDER BY sequence", [applicationId]);
    expect(rows.map((row) => { const { step, status } = (JSON.parse(row.payload) as { data: { step: string; status: string } }).data; return [step, status]; }))
      .to.deep.equal([['scheduled', 'waiting_for_logistics'], ['waybill_created', 'created']]);
  });

  it('takes over a posting whose worker died mid-call (its lease ran out): the same order number, one waybill', async () => {
    const applicationId = await completedApplication(store);
    const logger = createLogger({ level: 'silent' });
    const retry = { maxAttempts: 3, baseMs: 10, capMs: 50 };
    const adapter = createLogisticsAdapter({ baseUrl: logistics.url, appKey: DEFAULT_LOGISTICS_CREDENTIALS.appKey, appSecret: DEFAULT_LOGISTICS_CREDENTIALS.appSecret });
    await new PostingWorker({ store, logger, logistics: undefined, retry, trackIntervalMs: 60_000 }).runOnce();
    // A worker claimed it, made the waybill at the carrier, and was killed (kill -9) before storing the answer.
    const orderNo = `${applicationId}-R`;
    const { rows } = await store.query<{ id: string; sender: string; recipient: string; items: string }>('SELECT id, sender, recipient, items FROM postings WHERE order_no = $1', [orderNo]);
    const posting = rows[0]!;
    const lost = await adapter.createWaybill({ orderNo, direction: 'result', sender: JSON.parse(posting.sender), recipient: JSON.parse(posting.recipient), items: JSON.parse(posting.items) });
    const now = Date.now();
    await store.query("UPDATE postings SET state = 'in_flight', status = 'creating', lease_owner = 'postings-killed', lease_expires_at = $2 WHERE id = $1", [posting.id, now + 60_000]);
    const survivor = new PostingWorker({ store, logger, logistics: adapter, retry, trackIntervalMs: 60_000, now: () => Date.now() });
    expect(await survivor.runOnce(), 'the lease still holds: not taken').to.equal(0);
    await store.query('UPDATE postings SET lease_expires_at = $2 WHERE id = $1', [posting.id, now - 1]);
    expect(await survivor.runOnce()).to.equal(1);
    const section = (await readResultDeliverySections(store, applicationId)).resultDelivery;
    expect(section).to.deep.include({ status: 'created', waybillNo: lost.waybillNo });
    const { rows: created } = await store.query<{ payload: string }>("SELECT payload FROM webhook_messages WHERE application_id = $1 AND type = 'result_delivery.updated' ORDER BY sequence", [applicationId]);
    expect((JSON.parse(created.at(-1)!.payload) as { data: Record<string, unknown> }).data).to.deep.include({ step: 'waybill_created', duplicate: true, waybillNo: lost.waybillNo });
  });
});
