/**
 * The checks every crash scenario ends with: nothing accepted is missing,
 * nothing was accepted twice, every deliverable sub-application reached its
 * department, and each department applied each idempotency key exactly once.
 */
import { expect } from 'chai';
import type { RestDepartmentSimulator } from '../../adapters/department-rest/simulator/rest-department-simulator.js';
import { MATERIAL_DOWNLOAD_FAILED } from '../../adapters/common/department/simulator/material-check.js';
import type { Outcome } from './workload.js';

/** Rows of the database that the checks read (the same on SQLite and PostgreSQL). */
export interface StoredFacts {
  applications: { id: string; idempotency_key: string }[];
  deliveries: { id: string; application_id: string; department_code: string; idempotency_key: string; state: string }[];
}

/** The SQL that reads {@link StoredFacts} (portable). */
export const FACTS_SQL = {
  applications: "SELECT id, idempotency_key FROM applications WHERE client_id = 'platform'",
  deliveries: `SELECT d.id, s.application_id, d.department_code, d.idempotency_key, d.state
                 FROM deliveries d JOIN sub_applications s ON s.id = d.sub_application_id`,
};

/** Application ids answered 202, by submission index. */
export function accepted(outcomes: ReadonlyMap<number, Outcome>): Map<number, string> {
  return new Map([...outcomes].flatMap(([index, outcome]) => ('applicationId' in outcome ? [[index, outcome.applicationId] as [number, string]] : [])));
}

/** Every application acknowledged with a 202 is stored (the acknowledgement came after a durable commit). */
export function expectAcknowledgedStored(acknowledged: ReadonlyMap<number, string>, facts: StoredFacts): void {
  const stored = new Set(facts.applications.map((application) => application.id));
  const missing = [...acknowledged.values()].filter((id) => !stored.has(id));
  expect(missing, 'applications answered 202 but not in the database').to.deep.equal([]);
}

/**
 * After every submission was retried until answered: one application per
 * idempotency key, exactly the ones answered, every delivery delivered, and
 * each department's effects one per key.
 */
export function expectExactlyOnce(options: {
  total: number; acknowledged: ReadonlyMap<number, string>; keyOf: (index: number) => string; facts: StoredFacts;
  departments: ReadonlyMap<string, RestDepartmentSimulator>;
}): void {
  const { facts, acknowledged } = options;
  expect(acknowledged.size, 'submissions answered 202').to.equal(options.total);
  expect(new Set(acknowledged.values()).size, 'distinct application ids answered').to.equal(options.total);
  expect(facts.applications, 'applications stored').to.have.length(options.total);
  const byKey = new Map(facts.applications.map((application) => [application.idempotency_key, application.id]));
  for (const [index, id] of acknowledged) expect(byKey.get(options.keyOf(index)), `application stored for ${options.keyOf(index)}`).to.equal(id);

  const ids = new Set(acknowledged.values());
  const deliveries = facts.deliveries.filter((delivery) => ids.has(delivery.application_id));
  expect(deliveries, 'deliveries (two per application)').to.have.length(options.total * 2);
  const undelivered = deliveries.filter((delivery) => delivery.state !== 'delivered');
  expect(undelivered.map((delivery) => `${delivery.department_code}:${delivery.state}`), 'deliveries not delivered').to.deep.equal([]);

  for (const [code, simulator] of options.departments) {
    const expected = deliveries.filter((delivery) => delivery.department_code === code).map((delivery) => delivery.idempotency_key).sort();
    const effects = simulator.effectsByKey();
    expect([...effects.keys()].sort(), `idempotency keys applied by ${code}`).to.deep.equal(expected);
    expect([...effects.values()].filter((count) => count !== 1), `keys ${code} applied more than once`).to.deep.equal([]);
    expect(simulator.received().length, `deliveries ${code} received (repeats included)`).to.be.at.least(expected.length);
    // A file download the killed gateway cut is the department's "try later" (503, nothing applied): the delivery came again.
    expect(simulator.refused().filter((refusal) => refusal.code !== MATERIAL_DOWNLOAD_FAILED), `requests ${code} refused`).to.deep.equal([]);
  }
}

/** Repeats seen by the departments: deliveries sent again after a crash, absorbed by their idempotency keys. */
export function repeats(departments: ReadonlyMap<string, RestDepartmentSimulator>): number {
  return [...departments.values()].reduce((sum, simulator) => sum + simulator.received().filter((entry) => entry.duplicate).length, 0);
}
