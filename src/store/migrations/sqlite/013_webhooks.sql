-- Platform notifications (webhooks, issue #19). See docs/notifications.md.

-- Where a platform client wants its events: one URL, all event types (NULL) or a JSON array of them.
CREATE TABLE webhook_endpoints (
  id          TEXT PRIMARY KEY,          -- ep_<uuid>
  client_id   TEXT NOT NULL,             -- the platform client that owns it
  url         TEXT NOT NULL,
  event_types TEXT,                      -- JSON array of event types; NULL = every type
  description TEXT,
  status      TEXT NOT NULL CHECK (status IN ('active', 'disabled')),
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  disabled_at INTEGER
);
CREATE INDEX webhook_endpoints_client ON webhook_endpoints (client_id, status, created_at, id);

-- The next sequence number of each application's events (one row per application, bumped in the event's transaction).
CREATE TABLE webhook_sequences (
  application_id TEXT PRIMARY KEY,
  last_sequence  INTEGER NOT NULL
);

-- Every event recorded for a platform client, stored even when no endpoint takes it.
CREATE TABLE webhook_messages (
  id                 TEXT PRIMARY KEY,   -- msg_<uuid>: the webhook-id, stable across retries and replays
  client_id          TEXT NOT NULL,
  application_id     TEXT,               -- NULL for webhook.test pings
  sequence           INTEGER,            -- per application, from 1; NULL for pings
  type               TEXT NOT NULL,
  sub_application_id TEXT,
  payload            TEXT NOT NULL,      -- the exact JSON body sent
  created_at         INTEGER NOT NULL,
  UNIQUE (application_id, sequence)
);
CREATE INDEX webhook_messages_sub_application ON webhook_messages (sub_application_id, type);
CREATE INDEX webhook_messages_client ON webhook_messages (client_id, created_at, id);

-- One delivery per message and endpoint: the outbox the webhook worker claims from.
CREATE TABLE webhook_deliveries (
  id               TEXT PRIMARY KEY,     -- whd_<uuid>
  message_id       TEXT NOT NULL REFERENCES webhook_messages (id),
  endpoint_id      TEXT NOT NULL REFERENCES webhook_endpoints (id),
  client_id        TEXT NOT NULL,
  application_id   TEXT,
  sequence         INTEGER,
  state            TEXT NOT NULL CHECK (state IN ('pending', 'in_flight', 'delivered', 'dead')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER NOT NULL,
  lease_owner      TEXT,
  lease_expires_at INTEGER,
  last_status      INTEGER,              -- HTTP status of the last attempt, if one came back
  last_error       TEXT,
  delivered_at     INTEGER,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  UNIQUE (message_id, endpoint_id)
);
-- The worker: due ones in order, expired leases; whether an earlier message of the application is still open for the endpoint.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_lease ON webhook_deliveries (state, lease_expires_at);
CREATE INDEX webhook_deliveries_order ON webhook_deliveries (endpoint_id, application_id, sequence);
-- Lists: an endpoint's messages, ops by state, newest change first; gauges per client and state.
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at, id);
CREATE INDEX webhook_deliveries_state_updated ON webhook_deliveries (state, updated_at, id);
CREATE INDEX webhook_deliveries_client_state ON webhook_deliveries (state, client_id);

-- Sub-applications whose `sub_application.overdue` event was recorded: each once, whichever replica's check sees it first.
CREATE TABLE webhook_overdue_marks (
  sub_application_id TEXT PRIMARY KEY,
  marked_at          INTEGER NOT NULL
);
