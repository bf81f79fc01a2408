/**
 * One department system that hangs must not hold up the others: its circuit
 * breaker opens, its deliveries wait (not dead-lettered by the outage), the
 * dispatcher's slots stay free for the other departments, and it recovers
 * when the department does. The breaker is in-process, so SQLite suffices.
 */
import { expect } from 'chai';
import { birthSubmission, hiringSubmission, startDeliveryEnvironment, type DeliveryEnvironment } from '../../helpers/delivery-environment.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';
import { waitFor } from '../../helpers/wait.js';

const fixture = storeFixtures().find((candidate) => candidate.name === 'sqlite')!;

describe('a failing department and the circuit breaker', function () {
  this.timeout(60_000);
  let env: DeliveryEnvironment;

  before(async function () {
    this.timeout(60_000);
    // Four deliveries in flight at once, 300 ms per push: a hanging department could occupy every slot.
    env = await startDeliveryEnvironment(fixture, { env: { TONGBAN_DELIVERY_CONCURRENCY: '4', TONGBAN_DELIVERY_TIMEOUT_MS: '300', TONGBAN_DELIVERY_MAX_ATTEMPTS: '6' } });
    env.outcomes.gaj = () => 'silent';
    env.outcomes.mzrsj = () => 'silent';
  });
  after(async function () {
    await env?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });

  const submitted = async (body: unknown) => {
    const answer = await env.submit(body);
    expect(answer.status).to.equal(202);
    return (answer.body as { applicationId: string }).applicationId;
  };

  it('民政和人社局 hangs: its breaker opens, its deliveries wait, and 公安\'s go through at once; then it recovers', async () => {
    env.mzrsj.faults.set({ timeoutRate: 1 });
    const hiring = await Promise.all([1, 2, 3, 4].map(() => submitted(hiringSubmission()))); // 8 pushes to mzrsj
    await waitFor(() => env.gateway.dispatcher.breakerStates()['mzrsj'] === 'open', { what: 'the mzrsj breaker to open', timeoutMs: 8_000 });

    const started = Date.now();
    const birth = await submitted(birthSubmission());
    await env.waitForApplication(birth, (view) => view.subApplications[0]!.delivery.state === 'delivered', '公安 to get its push', 3_000);
    expect(Date.now() - started, 'time to deliver to 公安 while 民政和人社局 hangs').to.be.below(1_500);
    expect(env.gateway.dispatcher.breakerStates()['gaj']).to.equal('closed');

    // The outage does not use up the attempts of the waiting deliveries: none is a dead letter.
    const waiting = await Promise.all(hiring.map((id) => env.application(id)));
    const states = waiting.flatMap((view) => view.subApplications.map((sub) => sub.delivery.state));
    expect(states).to.not.include('dead');
    expect(states.filter((state) => state === 'pending').length).to.be.greaterThan(0);

    // 民政和人社局 is back: after the breaker's pause a trial push succeeds and everything is delivered.
    env.mzrsj.faults.reset();
    for (const id of hiring) {
      await env.waitForApplication(id, (view) => view.subApplications.every((sub) => sub.delivery.state === 'delivered'), 'the waiting filings after recovery', 20_000);
    }
    expect(env.gateway.dispatcher.breakerStates()['mzrsj']).to.equal('closed');
    expect([...env.mzrsj.effectsByKey().values()].every((effects) => effects === 1)).to.equal(true);
  });
});
