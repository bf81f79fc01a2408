/**
 * The `notifications` section of the application view: how far the
 * platform has been told about the application — its last event's sequence
 * number and its webhook deliveries by state (every endpoint of its client).
 */
import type { Queryable } from '../store/index.js';

export interface ApplicationNotifications {
  /** Sequence number of the application's last event (0: none yet). */
  lastSequence: number;
  /** Its deliveries by state; `pending` counts those in flight and those waiting their turn. */
  deliveries: { pending: number; delivered: number; dead: number };
}

/** An application's deliveries by state (exported for the query-plan test). */
export const APPLICATION_DELIVERY_STATES_SQL = `SELECT d.state, COUNT(*) AS n FROM webhook_messages m JOIN webhook_deliveries d ON d.message_id = m.id
  WHERE m.application_id = $1 GROUP BY d.state`;

/** The section, through the messages' (application_id, sequence) and the deliveries' (message_id, endpoint_id) keys. */
export async function notificationsOf(db: Queryable, applicationId: string): Promise<ApplicationNotifications> {
  const [sequence, states] = await Promise.all([
    db.query<{ last_sequence: number | string }>('SELECT last_sequence FROM webhook_sequences WHERE application_id = $1', [applicationId]),
    db.query<{ state: string; n: number | string }>(APPLICATION_DELIVERY_STATES_SQL, [applicationId]),
  ]);
  const deliveries = { pending: 0, delivered: 0, dead: 0 };
  for (const row of states.rows) {
    if (row.state === 'delivered' || row.state === 'dead') deliveries[row.state] += Number(row.n);
    else deliveries.pending += Number(row.n);
  }
  return { lastSequence: Number(sequence.rows[0]?.last_sequence ?? 0), deliveries };
}
