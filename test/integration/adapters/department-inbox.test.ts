/**
 * Contract suite of the inbox department channel: a department behind a
 * front-end processor (前置机) pulls from a fake Tongban inbox that verifies
 * its signatures, hands out leases and hands un-acknowledged items out again
 * after the lease; Tongban's side checks the signed receipts.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import {
  createInboxDepartmentAdapter, isInboxAck, isInboxPage, startInboxDepartmentSimulator, verifyInboxAck,
  type InboxDepartmentSimulator, type InboxDepartmentSimulatorOptions,
} from '../../../adapters/department-inbox/index.js';
import { checkDelivery } from '../../../adapters/common/department/delivery-schema.js';
import { signReceiptToken } from '../../../adapters/common/department/receipt-token.js';
import { loadDepartments } from '../../../src/delivery/department-registry.js';
import { isTongbanError, type TongbanError } from '../../../src/errors/index.js';
import type { SubApplicationDelivery } from '../../../src/domain/department-channel.js';
import { generateKeyPair, type GeneratedKeyPair } from '../../../src/trust/index.js';
import { waitFor } from '../../helpers/wait.js';
import { sampleDelivery, startFakeTongban, type FakeTongban } from './department-fake-tongban.js';

async function refusal(promise: Promise<unknown>): Promise<TongbanError> {
  try {
    await promise;
  } catch (error) {
    if (isTongbanError(error)) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('inbox department channel (polling department ↔ fake Tongban inbox, real sockets)', () => {
  const code = 'gaj'; // 公安局 signs with SM2: the inbox suite runs end to end in SM2
  let tongban: FakeTongban;
  let department: GeneratedKeyPair;
  const started: InboxDepartmentSimulator[] = [];

  async function start(options: Partial<InboxDepartmentSimulatorOptions> = {}) {
    const running = await startInboxDepartmentSimulator({
      tongbanUrl: tongban.url, departmentCode: code, key: department.privateJwk, tongbanKeys: tongban.publicKeys, ...options,
    });
    started.push(running);
    return running;
  }

  const enqueue = (overrides: Partial<SubApplicationDelivery> = {}) => {
    const delivery = sampleDelivery({ departmentCode: code, ...overrides });
    tongban.enqueue(delivery);
    return delivery;
  };

  before(async () => {
    expect(loadDepartments().find((entry) => entry.code === code)!.algorithm).to.equal('SM2');
    department = await generateKeyPair('SM2');
    tongban = await startFakeTongban([{ code, publicKey: department.publicJwk }]);
  });

  afterEach(async () => {
    while (started.length > 0) await started.pop()!.close();
    // Leave nothing leased or pending for the next test.
    tongban.expireLeases();
    const drain = await start();
    await drain.pollOnce();
    await started.pop()!.close();
  });

  after(() => tongban.close());

  it('the adapter side queues the delivery ({ queued: true }) through the enqueue callback', async () => {
    const queued: SubApplicationDelivery[] = [];
    const channel = createInboxDepartmentAdapter({ departmentCode: code, enqueue: async (delivery) => { queued.push(delivery); } });
    const delivery = sampleDelivery({ departmentCode: code });
    expect(await channel.deliver(delivery)).to.deep.equal({ queued: true });
    expect(channel.kind).to.equal('inbox');
    expect(queued).to.deep.equal([delivery]);
    let misrouted: unknown;
    try {
      await channel.deliver(sampleDelivery({ departmentCode: 'swj' }));
    } catch (error) {
      misrouted = error;
    }
    expect(misrouted).to.be.instanceOf(TypeError);
    expect(queued).to.have.length(1);
  });

  it('pulls, applies, and acknowledges with an SM2-signed receipt that Tongban verifies', async () => {
    const channel = createInboxDepartmentAdapter({ enqueue: async (delivery) => tongban.enqueue(delivery) });
    const delivery = sampleDelivery({ departmentCode: code });
    await channel.deliver(delivery);
    const simulator = await start();
    const result = await simulator.pollOnce();
    expect(result).to.include({ items: 1, applied: 1, acked: 1, duplicates: 0 });
    expect(result.error).to.equal(undefined);
    const receipt = tongban.receipt(delivery.deliveryId)!;
    expect(receipt).to.include({ departmentCode: code, deliveryId: delivery.deliveryId, idempotencyKey: delivery.idempotencyKey, duplicate: false, signatureVerified: true });
    expect(receipt.acceptanceNumber).to.match(/^GAJ\d{13}$/);
    expect(receipt.evidence.format).to.equal('receipt-jws');
    expect(JSON.parse(Buffer.from(receipt.evidence.signature.split('.')[0]!, 'base64url').toString())).to.include({ alg: 'SM2', typ: 'tongban-receipt+jwt' });
    expect(simulator.received().map((entry) => entry.delivery)).to.deep.equal([delivery]);
    expect(tongban.offers(delivery.deliveryId)).to.equal(1);
  });

  it('an item whose ack was lost comes back after its lease and is not applied twice', async () => {
    const delivery = enqueue();
    const simulator = await start({ leaseHandling: 'lose-first-ack' });
    expect(await simulator.pollOnce()).to.include({ items: 1, applied: 1, acksLost: 1, acked: 0 });
    expect(await simulator.pollOnce()).to.include({ items: 0 }); // still leased: not handed out again yet
    tongban.expireLeases();
    expect(await simulator.pollOnce()).to.include({ items: 1, applied: 0, duplicates: 1, acked: 1 });
    expect(simulator.effectsByKey().get(delivery.idempotencyKey)).to.equal(1);
    expect(tongban.offers(delivery.deliveryId)).to.equal(2);
    const first = simulator.received()[0]!;
    expect(tongban.receipt(delivery.deliveryId)).to.include({ acceptanceNumber: first.acceptanceNumber, duplicate: true });
    expect(simulator.received().map((entry) => entry.duplicate)).to.deep.equal([false, true]);
  });

  it('an ack after the lease ran out is refused (409); the item comes back and is acknowledged, applied once', async () => {
    const delivery = enqueue();
    const simulator = await start({
      leaseHandling: (_item, offer) => {
        if (offer === 1) tongban.expireLeases(); // the department was too slow
        return 'ack';
      },
    });
    expect(await simulator.pollOnce()).to.include({ applied: 1, ackRefused: 1 });
    expect(simulator.acks()[0]).to.include({ deliveryId: delivery.deliveryId, status: 409 });
    expect(await simulator.pollOnce()).to.include({ items: 1, duplicates: 1, acked: 1 });
    expect(simulator.effectsByKey().get(delivery.idempotencyKey)).to.equal(1);
    expect(tongban.receipt(delivery.deliveryId)?.acceptanceNumber).to.equal(simulator.acks()[0]!.acceptanceNumber);
  });

  it('a receipt with a corrupted signature is refused (401 SIGNATURE_INVALID); a receipt for another delivery → 409', async () => {
    const delivery = enqueue();
    const simulator = await start();
    simulator.injectReceiptFault('bad-signature', 'wrong-delivery');
    expect(await simulator.pollOnce()).to.include({ applied: 1, ackRefused: 1 });
    expect(tongban.acks().filter((ack) => ack.deliveryId === delivery.deliveryId)).to.deep.equal([{ deliveryId: delivery.deliveryId, status: 401, code: 'SIGNATURE_INVALID' }]);
    tongban.expireLeases();
    expect(await simulator.pollOnce()).to.include({ duplicates: 1, ackRefused: 1 });
    expect(tongban.acks().filter((ack) => ack.deliveryId === delivery.deliveryId).map((ack) => ack.code)).to.deep.equal(['SIGNATURE_INVALID', 'CONFLICT']);
    expect(tongban.receipt(delivery.deliveryId)).to.equal(undefined);
    tongban.expireLeases();
    expect(await simulator.pollOnce()).to.include({ duplicates: 1, acked: 1 });
    expect(simulator.effectsByKey().get(delivery.idempotencyKey)).to.equal(1);
  });

  it('a department signing with a key Tongban does not know gets nothing (401), and applies nothing', async () => {
    const delivery = enqueue();
    const impostor = await generateKeyPair('SM2');
    const simulator = await start({ key: impostor.privateJwk });
    const result = await simulator.pollOnce();
    expect(result.error).to.match(/HTTP 401/);
    expect(tongban.refusals().at(-1)).to.deep.include({ status: 401, code: 'KEY_UNKNOWN' });
    expect(simulator.effectsByKey().size).to.equal(0);
    expect(tongban.offers(delivery.deliveryId)).to.equal(0);
  });

  it('an inbox answer that does not verify with Tongban\'s keys is not trusted: nothing applied', async () => {
    enqueue();
    const notTongban = await generateKeyPair('EdDSA', tongban.key.kid);
    const simulator = await start({ tongbanKeys: [notTongban.publicJwk] });
    const result = await simulator.pollOnce();
    expect(result.error).to.match(/SIGNATURE_INVALID|signature/i);
    expect(simulator.received()).to.have.length(0);
  });

  it('Tongban unreachable: the poll records the error and the department keeps running', async () => {
    const simulator = await start({ tongbanUrl: 'http://127.0.0.1:9' });
    const result = await simulator.pollOnce();
    expect(result.error).to.be.a('string');
    expect(result.items).to.equal(0);
  });

  it('polls on a timer and sends signed events (受理, 办结; 不予受理 as scripted) to Tongban', async () => {
    const completed = enqueue();
    const rejected = enqueue();
    const simulator = await start({ pollIntervalMs: 10, eventDelayMs: 10, outcomes: { [rejected.subApplicationId]: { kind: 'reject', reason: '非本辖区户籍，不予受理' } } });
    await waitFor(() => tongban.receipt(completed.deliveryId) && tongban.receipt(rejected.deliveryId), { what: 'both acknowledgements' });
    const typesOf = (delivery: SubApplicationDelivery) => tongban.events().filter((seen) => seen.event.subApplicationId === delivery.subApplicationId).map((seen) => seen.event.type);
    await waitFor(() => typesOf(completed).length === 2 && typesOf(rejected).length === 1, { what: 'the events' });
    expect(typesOf(completed)).to.deep.equal(['accepted', 'completed']);
    expect(typesOf(rejected)).to.deep.equal(['rejected']);
    expect(tongban.events().every((seen) => seen.clientId === `dept-${code}`)).to.equal(true);
    expect(simulator.sentEvents().every((attempt) => attempt.answerVerified)).to.equal(true);
    expect(tongban.events().find((seen) => seen.event.type === 'completed' && seen.event.subApplicationId === completed.subApplicationId)!.event.acceptanceNumber)
      .to.equal(tongban.receipt(completed.deliveryId)!.acceptanceNumber);
  });

  it('duplicate and out-of-order events on request', async () => {
    const delivery = enqueue();
    const simulator = await start({ duplicateEvents: true, outOfOrder: true });
    await simulator.pollOnce();
    await simulator.flushEvents();
    const mine = tongban.events().filter((seen) => seen.event.subApplicationId === delivery.subApplicationId);
    expect(mine.map((seen) => seen.event.type)).to.deep.equal(['completed', 'completed', 'accepted', 'accepted']);
    expect(new Set(mine.map((seen) => seen.event.eventId)).size).to.equal(2);
  });

  describe('verifyInboxAck (Tongban\'s check of an acknowledgement)', () => {
    const delivery = sampleDelivery({ departmentCode: code });
    const fields = () => ({
      departmentCode: code, deliveryId: delivery.deliveryId, subApplicationId: delivery.subApplicationId, idempotencyKey: delivery.idempotencyKey,
      acceptanceNumber: 'GAJ2026112400042', receivedAt: '2026-11-24T10:00:00+08:00', duplicate: false,
    });
    const ack = async (change: (receipt: ReturnType<typeof fields> & { signature: string }) => void = () => undefined) => {
      const signed = { ...fields(), signature: await signReceiptToken(fields(), department.privateJwk) };
      change(signed);
      return { leaseToken: 'lease-1', acceptanceNumber: signed.acceptanceNumber, receipt: signed };
    };
    const verify = (body: unknown) => verifyInboxAck({ departmentCode: code, deliveryId: delivery.deliveryId, body, delivery }, { departmentPublicKeys: [department.publicJwk] });

    it('accepts a good receipt', async () => {
      expect(await verify(await ack())).to.include({ acceptanceNumber: 'GAJ2026112400042', signatureVerified: true });
    });

    it('refuses a body whose fields differ from what was signed (CLAIM_INVALID)', async () => {
      const body = await ack((receipt) => { receipt.receivedAt = '2026-11-25T10:00:00+08:00'; });
      expect((await refusal(verify(body))).code).to.equal('CLAIM_INVALID');
    });

    it('refuses a malformed body, naming the JSON Pointers (VALIDATION_FAILED)', async () => {
      const error = await refusal(verify({ leaseToken: 'x', receipt: { duplicate: 'no' } }));
      expect(error.code).to.equal('VALIDATION_FAILED');
      expect(error.errors!.map((entry) => entry.pointer)).to.include.members(['', '/receipt', '/receipt/duplicate']);
    });

    it('the recorded page and acknowledgement match the wire schemas; the recorded receipt is not believed', async () => {
      const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../../adapters/department-inbox/fixtures/${name}`, import.meta.url), 'utf8')) as unknown;
      const page = fixture('inbox-page.json');
      expect(isInboxPage(page)).to.equal(true);
      const [item] = (page as { items: { deliveryId: string; delivery: SubApplicationDelivery }[] }).items;
      expect(checkDelivery(item!.delivery).ok).to.equal(true);
      const recordedAck = fixture('ack.json');
      expect(isInboxAck(recordedAck)).to.equal(true);
      const error = await refusal(verifyInboxAck({ departmentCode: code, deliveryId: item!.deliveryId, body: recordedAck, delivery: item!.delivery }, { departmentPublicKeys: [department.publicJwk] }));
      expect(error.code).to.equal('KEY_UNKNOWN');
    });

    it('refuses a receipt signed by another department\'s key (KEY_UNKNOWN)', async () => {
      const other = await generateKeyPair('SM2');
      const body = await ack();
      body.receipt.signature = await signReceiptToken(fields(), other.privateJwk);
      expect((await refusal(verify(body))).code).to.equal('KEY_UNKNOWN');
    });
  });
});
