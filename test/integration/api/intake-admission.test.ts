/**
 * Admission control through a real gateway (TONGBAN_INTAKE_CONCURRENCY=1,
 * TONGBAN_INTAKE_WAIT_MS=100): a burst of submissions is answered 202 or
 * 503 GATEWAY_BUSY — signed, with Retry-After — and a refused one stored
 * nothing: sent again with the same Idempotency-Key it is a first answer,
 * not a replay. /metrics counts the refusals.
 */
import { expect } from 'chai';
import { hiringSubmission, startDeliveryEnvironment, type DeliveryEnvironment } from '../../helpers/delivery-environment.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';

const BURST = 40;

for (const fixture of storeFixtures()) {
  describe(`intake admission control (${fixture.name})`, function () {
    this.timeout(120_000);
    let env: DeliveryEnvironment;

    before(async () => {
      env = await startDeliveryEnvironment(fixture, { env: { TONGBAN_INTAKE_CONCURRENCY: '1', TONGBAN_INTAKE_WAIT_MS: '100', TONGBAN_DISPATCHER: 'false' } });
    });
    after(async function () {
      await env?.close();
      await fixture.cleanup(allPassed(this.test!.parent!));
    });

    it('answers a burst 202 or 503 GATEWAY_BUSY (signed, Retry-After: 1); a refused submission stored nothing and is accepted when sent again', async () => {
      const keys = Array.from({ length: BURST }, (_, index) => `admission-${index}-${crypto.randomUUID()}`);
      const answers = await Promise.all(keys.map((key) => env.submit(hiringSubmission(), key)));
      const busy: string[] = [];
      const accepted = new Set<string>();
      answers.forEach((answer, index) => {
        if (answer.status === 503) {
          expect(answer.body).to.include({ code: 'GATEWAY_BUSY', status: 503, retryable: true });
          expect(answer.headers['retry-after']).to.equal('1');
          expect(answer.headers['content-type']).to.match(/^application\/problem\+json/);
          expect(answer.verified, 'the 503 is signed like every answer').to.equal(true);
          busy.push(keys[index]!);
        } else {
          expect(answer.status, JSON.stringify(answer.body)).to.equal(202);
          accepted.add((answer.body as { applicationId: string }).applicationId);
        }
      });
      // One at a time, each waiting its turn behind 39 others for at most 100 ms: a burst this size does not all fit.
      expect(busy.length, 'some submissions waited past TONGBAN_INTAKE_WAIT_MS').to.be.greaterThan(0);

      for (const key of busy) {
        const again = await env.submit(hiringSubmission(), key);
        expect(again.status, JSON.stringify(again.body)).to.equal(202);
        expect(again.headers['idempotent-replayed'], 'nothing was stored for the refused one').to.equal(undefined);
        accepted.add((again.body as { applicationId: string }).applicationId);
      }
      expect(accepted.size).to.equal(BURST);

      const metrics = await (await fetch(`${env.gateway.url}/metrics`)).text();
      const sample = (name: string) => Number(/^(\S+) (\S+)$/m.exec(metrics.split('\n').find((line) => line.startsWith(`${name} `)) ?? '')?.[2]);
      expect(sample('tongban_intake_busy_total')).to.equal(busy.length);
      expect(sample('tongban_intake_in_progress')).to.equal(0);
      expect(sample('tongban_intake_waiting')).to.equal(0);
    });
  });
}
