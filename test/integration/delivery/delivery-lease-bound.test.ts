/**
 * A push is resent within one attempt (after a timeout or a broken
 * connection) only while the claim's lease has room for a whole further try:
 * otherwise another replica, seeing the lease run out, would take over a
 * delivery whose push is still running here. Measured from the department's
 * side: how many pushes one attempt sent to a department that never answers.
 */
import { expect } from 'chai';
import { birthSubmission, startDeliveryEnvironment, type DeliveryEnvironment } from '../../helpers/delivery-environment.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';

const fixture = storeFixtures().find((candidate) => candidate.name === 'sqlite')!;

describe('in-attempt resends stay within the lease', function () {
  this.timeout(60_000);
  let env: DeliveryEnvironment | undefined;

  afterEach(async function () {
    await env?.close();
    env = undefined;
  });
  after(async function () {
    await fixture.cleanup(allPassed(this.test!.parent!));
  });

  /** Submits one birth application (one push to 公安局, which hangs) and waits for its single attempt to be dead-lettered. */
  async function pushesOfOneAttempt(settings: Record<string, string>): Promise<number> {
    env = await startDeliveryEnvironment(fixture, { env: { TONGBAN_DELIVERY_MAX_ATTEMPTS: '1', ...settings } });
    env.gaj.faults.set({ timeoutRate: 1 });
    const answer = await env.submit(birthSubmission());
    expect(answer.status).to.equal(202);
    const id = (answer.body as { applicationId: string }).applicationId;
    const view = await env.waitForApplication(id, (current) => current.subApplications[0]!.delivery.state === 'dead', 'the one attempt to end', 20_000);
    expect(view.subApplications[0]!.delivery.attempts).to.equal(1);
    return env.gaj.faults.injected.timeout;
  }

  it('resends a timed-out push twice within the attempt when the lease leaves room (timeout 300 ms, lease 10 s)', async () => {
    expect(await pushesOfOneAttempt({ TONGBAN_DELIVERY_TIMEOUT_MS: '300', TONGBAN_DELIVERY_LEASE_MS: '10000' })).to.equal(3);
  });

  it('does not resend when a further try would outlast the lease (timeout 300 ms, lease 1 s)', async () => {
    expect(await pushesOfOneAttempt({ TONGBAN_DELIVERY_TIMEOUT_MS: '300', TONGBAN_DELIVERY_LEASE_MS: '1000' })).to.equal(1);
  });
});
