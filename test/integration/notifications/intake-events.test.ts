/**
 * The events of a new application, recorded at intake in statements that do
 * not wait for each other (so the intake transaction can go out with its
 * COMMIT): sequences 1, 2, … in order, one message each, and per endpoint
 * the first message it takes due at once, the later ones waiting their turn —
 * an endpoint that does not take `application.received` gets its first
 * `payment.updated` due at once, not stuck behind a message it never gets.
 */
import { expect } from 'chai';
import { recordIntakeEvents, WAITING_TURN } from '../../../src/notifications/platform-events.js';
import { pipelined, type Store } from '../../../src/store/index.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';

for (const fixture of storeFixtures()) describe(`intake events (${fixture.name})`, function () {
  let store: Store;
  const at = 1_765_000_000_000;

  before(async () => {
    store = await fixture.open();
    const endpoint = (id: string, client: string, types: string[] | null, status = 'active') => store.query(
      'INSERT INTO webhook_endpoints (id, client_id, url, event_types, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)',
      [id, client, `https://platform.example/${id}`, types === null ? null : JSON.stringify(types), status, at]);
    await endpoint('ep-all', 'platform-web', null);
    await endpoint('ep-payments', 'platform-web', ['payment.updated']);
    await endpoint('ep-received', 'platform-web', ['application.received']);
    await endpoint('ep-disabled', 'platform-web', null, 'disabled');
    await endpoint('ep-other-client', 'platform-other', null);
  });

  after(async function () {
    await store.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });

  it('numbers the events from 1 in order; per endpoint the first it takes is due, the rest wait their turn', async () => {
    await store.transaction((tx) => pipelined([recordIntakeEvents(tx, {
      applicationId: 'app-1', clientId: 'platform-web', at,
      events: [
        { type: 'application.received', data: { status: 'received' } },
        { type: 'payment.updated', subApplicationId: 'sub-a', data: { step: 'scheduled' } },
        { type: 'payment.updated', subApplicationId: 'sub-b', data: { step: 'scheduled' } },
      ],
    })]), { commitWithStatements: true });

    const { rows: [sequence] } = await store.query<{ last_sequence: number }>('SELECT last_sequence FROM webhook_sequences WHERE application_id = $1', ['app-1']);
    expect(Number(sequence!.last_sequence)).to.equal(3);
    const { rows: messages } = await store.query<{ id: string; sequence: number; type: string; sub_application_id: string | null; payload: string }>(
      'SELECT id, sequence, type, sub_application_id, payload FROM webhook_messages WHERE application_id = $1 ORDER BY sequence', ['app-1']);
    expect(messages.map((message) => [Number(message.sequence), message.type, message.sub_application_id])).to.deep.equal([
      [1, 'application.received', null], [2, 'payment.updated', 'sub-a'], [3, 'payment.updated', 'sub-b']]);
    for (const message of messages) {
      const payload = JSON.parse(message.payload) as Record<string, unknown>;
      expect(payload).to.include({ id: message.id, type: message.type, applicationId: 'app-1', sequence: Number(message.sequence), timestamp: new Date(at).toISOString() });
      expect(payload['subApplicationId']).to.equal(message.sub_application_id ?? undefined);
    }

    const { rows: deliveries } = await store.query<{ endpoint_id: string; sequence: number; state: string; next_attempt_at: number }>(
      'SELECT endpoint_id, sequence, state, next_attempt_at FROM webhook_deliveries WHERE application_id = $1 ORDER BY endpoint_id, sequence', ['app-1']);
    expect(deliveries.map((delivery) => [delivery.endpoint_id, Number(delivery.sequence), delivery.state, Number(delivery.next_attempt_at) === at ? 'due' : Number(delivery.next_attempt_at) === WAITING_TURN ? 'waiting' : delivery.next_attempt_at]))
      .to.deep.equal([
        ['ep-all', 1, 'pending', 'due'], ['ep-all', 2, 'pending', 'waiting'], ['ep-all', 3, 'pending', 'waiting'],
        ['ep-payments', 2, 'pending', 'due'], ['ep-payments', 3, 'pending', 'waiting'],
        ['ep-received', 1, 'pending', 'due'],
      ]);
  });
});
