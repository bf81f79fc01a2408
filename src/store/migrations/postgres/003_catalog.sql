-- The matter catalogue as last synced from the provincial matter system.
-- Documents are kept whole (JSON) so the API can serve them while the upstream is down.
CREATE TABLE catalog_themes (
  code                TEXT PRIMARY KEY,
  name                TEXT NOT NULL,
  status              TEXT NOT NULL,
  document            TEXT NOT NULL,
  upstream_updated_at BIGINT NOT NULL,
  synced_at           BIGINT NOT NULL
);

CREATE TABLE catalog_matters (
  code                TEXT PRIMARY KEY,
  name                TEXT NOT NULL,
  department_code     TEXT NOT NULL,
  document            TEXT NOT NULL,
  upstream_updated_at BIGINT NOT NULL,
  synced_at           BIGINT NOT NULL
);
CREATE INDEX catalog_matters_department ON catalog_matters (department_code);

-- Every sync run, successful or not, for ops.
CREATE TABLE sync_runs (
  id              BIGSERIAL PRIMARY KEY,
  kind            TEXT NOT NULL CHECK (kind IN ('full', 'incremental')),
  trigger         TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
  started_at      BIGINT NOT NULL,
  finished_at     BIGINT,
  updated_since   BIGINT,
  themes_received INTEGER NOT NULL DEFAULT 0,
  matters_received INTEGER NOT NULL DEFAULT 0,
  themes_changed  INTEGER NOT NULL DEFAULT 0,
  matters_changed INTEGER NOT NULL DEFAULT 0,
  error_code      TEXT,
  error_message   TEXT
);
CREATE INDEX sync_runs_started_at ON sync_runs (started_at);

-- Named leases: one holder at a time across replicas (catalogue sync, …).
CREATE TABLE leases (
  name       TEXT PRIMARY KEY,
  holder     TEXT NOT NULL,
  expires_at BIGINT NOT NULL
);
