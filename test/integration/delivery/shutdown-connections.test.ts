/**
 * The dispatcher keeps one keep-alive connection pool per department
 * endpoint; stopping the gateway closes them, so a department sees its
 * connections end with the gateway rather than when its idle timeout runs out.
 */
import { expect } from 'chai';
import { birthSubmission, startDeliveryEnvironment, type DeliveryEnvironment } from '../../helpers/delivery-environment.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';
import { waitFor } from '../../helpers/wait.js';

const fixture = storeFixtures().find((candidate) => candidate.name === 'sqlite')!;

describe('gateway shutdown and the departments\' connections', function () {
  this.timeout(60_000);
  let env: DeliveryEnvironment | undefined;

  after(async function () {
    await env?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });

  it('closes the keep-alive connections to each department when the gateway stops', async () => {
    env = await startDeliveryEnvironment(fixture);
    env.outcomes.gaj = () => 'silent';
    const answer = await env.submit(birthSubmission());
    expect(answer.status).to.equal(202);
    const id = (answer.body as { applicationId: string }).applicationId;
    await env.waitForApplication(id, (view) => view.subApplications[0]!.delivery.state === 'delivered', '公安局 to receive its push', 10_000);
    expect(await env.gaj.openConnections(), 'the pushed connection is kept alive').to.be.greaterThan(0);
    await env.gateway.close();
    // Well before the simulator's own idle timeout (5 s) would end it.
    await waitFor(async () => (await env!.gaj.openConnections()) === 0, { timeoutMs: 1_500, intervalMs: 20, what: 'the connections to 公安局 to be closed' });
  });
});
