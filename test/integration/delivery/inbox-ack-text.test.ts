/**
 * The texts of an inbox acknowledgement that Tongban keeps follow the text
 * rules: a 受理号 with invisible or control characters is refused (400, each
 * member by pointer) before the receipt is even verified, and one with stray
 * white space is stored trimmed while the signed evidence keeps what was signed.
 * Here the test is the department: ybj's simulator polls once at start and
 * never again, so each item is leased and acknowledged by the test.
 */
import { expect } from 'chai';
import { signReceiptToken } from '../../../adapters/common/department/receipt-token.js';
import type { SubApplicationDelivery } from '../../../src/domain/department-channel.js';
import { birthForm, birthSubmission, startDeliveryEnvironment, type ApplicationView, type DeliveryEnvironment } from '../../helpers/delivery-environment.js';
import { devKey } from '../../helpers/dev-keys.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';
import { waitFor } from '../../helpers/wait.js';

interface LeasedItem { deliveryId: string; leaseToken: string; delivery: SubApplicationDelivery }

for (const fixture of storeFixtures()) describe(`inbox acknowledgements: the 受理号 follows the text rules (${fixture.name})`, function () {
  this.timeout(60_000);
  let env: DeliveryEnvironment;

  before(async function () {
    this.timeout(60_000);
    env = await startDeliveryEnvironment(fixture, { inboxPollIntervalMs: 3_600_000 });
    env.outcomes.gaj = () => 'complete';
  });
  after(async function () {
    await env?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });

  /** A birth application whose 参保 (ybj, inbox) was released by 公安's result, leased by the test. */
  async function leasedInsurance(): Promise<{ view: ApplicationView; item: LeasedItem }> {
    const answer = await env.submit(birthSubmission(birthForm()));
    expect(answer.status, JSON.stringify(answer.body)).to.equal(202);
    const id = (answer.body as { applicationId: string }).applicationId;
    await env.waitForApplication(id, (view) => view.subApplications[0]!.delivery.state === 'delivered', '出生登记 to be delivered');
    await env.gaj.flushEvents();
    const view = await env.waitForApplication(id, (current) => current.subApplications[1]!.delivery.state === 'pending', '参保 to be released');
    const ybj = await env.department('ybj');
    const item = await waitFor(async () => {
      const page = await ybj.request('GET', '/v1/departments/ybj/inbox?limit=100');
      expect(page.status).to.equal(200);
      return (page.body as { items: LeasedItem[] }).items.find((leased) => leased.deliveryId === view.subApplications[1]!.delivery.id);
    }, { what: 'the 参保 item in the inbox' });
    return { view, item };
  }

  async function ack(item: LeasedItem, acceptanceNumber: string) {
    const fields = {
      departmentCode: 'ybj', deliveryId: item.deliveryId, subApplicationId: item.delivery.subApplicationId, idempotencyKey: item.delivery.idempotencyKey,
      acceptanceNumber, receivedAt: new Date().toISOString(), duplicate: false,
    };
    const receipt = { ...fields, signature: await signReceiptToken(fields, await devKey('dept-ybj')) };
    return (await env.department('ybj')).request('POST', `/v1/departments/ybj/inbox/${item.deliveryId}/ack`, { body: { leaseToken: item.leaseToken, acceptanceNumber, receipt } });
  }

  it('refuses a signed 受理号 with a control, bidi or noncharacter, naming both members; the delivery stays unacknowledged', async () => {
    const { view, item } = await leasedInsurance();
    for (const junk of ['YBJ\u202e1000', 'YBJ\u00001000', 'YBJ-1000\ufffe', ' \u3000 ']) {
      const answer = await ack(item, junk);
      expect(answer.status, JSON.stringify(answer.body)).to.equal(400);
      expect(answer.body).to.include({ code: 'VALIDATION_FAILED' });
      expect((answer.body as { errors: { pointer: string }[] }).errors.map((error) => error.pointer)).to.deep.equal(['/acceptanceNumber', '/receipt/acceptanceNumber']);
    }
    const insurance = (await env.application(view.id)).subApplications[1]!;
    expect(insurance.delivery.state).to.equal('in_flight');
    expect(insurance.acceptanceNumber).to.equal(null);
  });

  it('stores a 受理号 with stray white space trimmed, and shows it so; the evidence keeps what the department signed', async () => {
    const { view, item } = await leasedInsurance();
    const answer = await ack(item, ' YBJ-2026-0001\u3000');
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    expect(answer.body).to.deep.equal({ acceptanceNumber: 'YBJ-2026-0001', duplicate: false });
    const insurance = (await env.application(view.id)).subApplications[1]!;
    expect(insurance.acceptanceNumber).to.equal('YBJ-2026-0001');
    expect(insurance.receipt!.evidence.acceptanceNumber).to.equal(' YBJ-2026-0001\u3000');
  });
});
