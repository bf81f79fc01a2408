-- Ops reads that cost what they return (#17): an index for each ops list's filter and order, and counts kept as rows
-- change instead of counted over every delivery and attempt. The counts are kept by triggers, so every path that
-- writes deliveries or attempts (intake, dispatchers, inbox, department events, replays, tools) keeps them exact.
-- `shard` is the writing session's backend pid: two sessions never write the same counter row, so dispatchers and
-- intake never wait on one another for a count (and cannot deadlock on counts); readers sum the shards. Rows of
-- sessions that have ended are folded into shard 0 from time to time (src/ops/counters.ts).

-- Delivery lists, newest change first (updated_at DESC, id DESC), unfiltered, by state, by department, by both.
DROP INDEX deliveries_department_state;
CREATE INDEX deliveries_department_state_updated ON deliveries (department_code, state, updated_at, id);
CREATE INDEX deliveries_department_updated ON deliveries (department_code, updated_at, id);
CREATE INDEX deliveries_state_updated ON deliveries (state, updated_at, id);
CREATE INDEX deliveries_updated ON deliveries (updated_at, id);

-- Overdue sub-applications: accepted ones by their sort key (uncovered first as '', then by due date), then id.
CREATE INDEX sub_applications_overdue ON sub_applications
  ((CASE due_status WHEN 'uncovered' THEN '' WHEN 'computed' THEN due_date END), id) WHERE status = 'accepted';

-- Deferred (容缺) materials not supplied, by due date then key; 补正 requests by status and deadline; commitment reports newest first.
DROP INDEX application_materials_outstanding;
CREATE INDEX application_materials_outstanding ON application_materials (due_date, application_id, material_code, version)
  WHERE satisfied_by = 'deferred' AND supplied_at IS NULL;
CREATE INDEX supplement_requests_status ON supplement_requests (status, deadline, id);
CREATE INDEX commitment_reports_reported ON commitment_reports (reported_at, department_code, event_id);
CREATE INDEX sync_runs_status ON sync_runs (status, id);

-- Deliveries per department and state.
CREATE TABLE delivery_counts (
  department_code TEXT NOT NULL,
  state           TEXT NOT NULL,
  shard           INTEGER NOT NULL,
  n               BIGINT NOT NULL,
  PRIMARY KEY (department_code, state, shard)
);

-- Delivery attempts per minute (bucket_ms 60000) and per hour (3600000), department and outcome.
CREATE TABLE delivery_attempt_buckets (
  bucket_ms       INTEGER NOT NULL,
  bucket_start    BIGINT NOT NULL,           -- started_at rounded down to the bucket
  department_code TEXT NOT NULL,
  outcome         TEXT NOT NULL,
  shard           INTEGER NOT NULL,
  n               BIGINT NOT NULL,
  PRIMARY KEY (bucket_ms, bucket_start, department_code, outcome, shard)
);

-- Per department: its latest attempt (highest id), latest success, latest failure (retry or dead) and that failure's code.
CREATE TABLE department_attempts (
  department_code    TEXT NOT NULL,
  shard              INTEGER NOT NULL,
  last_id            BIGINT NOT NULL,
  last_started_at    BIGINT NOT NULL,
  last_outcome       TEXT NOT NULL,
  success_at         BIGINT,
  failure_at         BIGINT,
  failure_id         BIGINT,
  failure_error_code TEXT,
  PRIMARY KEY (department_code, shard)
);

CREATE FUNCTION delivery_counts_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO delivery_counts AS c (department_code, state, shard, n) VALUES (OLD.department_code, OLD.state, pg_backend_pid(), -1)
      ON CONFLICT (department_code, state, shard) DO UPDATE SET n = c.n - 1;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO delivery_counts AS c (department_code, state, shard, n) VALUES (NEW.department_code, NEW.state, pg_backend_pid(), 1)
      ON CONFLICT (department_code, state, shard) DO UPDATE SET n = c.n + 1;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER deliveries_count AFTER INSERT OR DELETE ON deliveries FOR EACH ROW EXECUTE FUNCTION delivery_counts_keep();
CREATE TRIGGER deliveries_count_update AFTER UPDATE OF state, department_code ON deliveries FOR EACH ROW
  WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.department_code IS DISTINCT FROM NEW.department_code)
  EXECUTE FUNCTION delivery_counts_keep();

CREATE FUNCTION delivery_attempts_roll_up() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  department TEXT;
  failed BOOLEAN := NEW.outcome IN ('retry', 'dead');
BEGIN
  SELECT department_code INTO department FROM deliveries WHERE id = NEW.delivery_id;
  IF department IS NULL THEN RETURN NULL; END IF;
  INSERT INTO delivery_attempt_buckets AS b (bucket_ms, bucket_start, department_code, outcome, shard, n)
    VALUES (60000, NEW.started_at - NEW.started_at % 60000, department, NEW.outcome, pg_backend_pid(), 1),
           (3600000, NEW.started_at - NEW.started_at % 3600000, department, NEW.outcome, pg_backend_pid(), 1)
    ON CONFLICT (bucket_ms, bucket_start, department_code, outcome, shard) DO UPDATE SET n = b.n + 1;
  INSERT INTO department_attempts AS t (department_code, shard, last_id, last_started_at, last_outcome, success_at, failure_at, failure_id, failure_error_code)
    VALUES (department, pg_backend_pid(), NEW.id, NEW.started_at, NEW.outcome,
            CASE WHEN NEW.outcome = 'delivered' THEN NEW.started_at END,
            CASE WHEN failed THEN NEW.started_at END, CASE WHEN failed THEN NEW.id END, CASE WHEN failed THEN NEW.error_code END)
    ON CONFLICT (department_code, shard) DO UPDATE SET
      last_started_at = CASE WHEN excluded.last_id > t.last_id THEN excluded.last_started_at ELSE t.last_started_at END,
      last_outcome = CASE WHEN excluded.last_id > t.last_id THEN excluded.last_outcome ELSE t.last_outcome END,
      last_id = GREATEST(excluded.last_id, t.last_id),
      success_at = GREATEST(excluded.success_at, t.success_at),
      failure_error_code = CASE WHEN (excluded.failure_at, excluded.failure_id) > (t.failure_at, t.failure_id) IS NOT FALSE AND excluded.failure_at IS NOT NULL
                                THEN excluded.failure_error_code ELSE t.failure_error_code END,
      failure_id = CASE WHEN (excluded.failure_at, excluded.failure_id) > (t.failure_at, t.failure_id) IS NOT FALSE AND excluded.failure_at IS NOT NULL
                        THEN excluded.failure_id ELSE t.failure_id END,
      failure_at = GREATEST(excluded.failure_at, t.failure_at);
  RETURN NULL;
END $$;

CREATE TRIGGER delivery_attempts_rollup AFTER INSERT ON delivery_attempts FOR EACH ROW EXECUTE FUNCTION delivery_attempts_roll_up();

-- What is already there.
INSERT INTO delivery_counts (department_code, state, shard, n)
  SELECT department_code, state, 0, COUNT(*) FROM deliveries GROUP BY department_code, state;
INSERT INTO delivery_attempt_buckets (bucket_ms, bucket_start, department_code, outcome, shard, n)
  SELECT b.ms, a.started_at - a.started_at % b.ms, d.department_code, a.outcome, 0, COUNT(*)
    FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id CROSS JOIN (VALUES (60000), (3600000)) AS b (ms)
   GROUP BY 1, 2, 3, 4;
INSERT INTO department_attempts (department_code, shard, last_id, last_started_at, last_outcome, success_at, failure_at, failure_id, failure_error_code)
  SELECT l.code, 0, a.id, a.started_at, a.outcome, s.success_at, f.started_at, f.id, f.error_code
    FROM (SELECT d.department_code AS code, MAX(a2.id) AS last_id FROM delivery_attempts a2 JOIN deliveries d ON d.id = a2.delivery_id GROUP BY d.department_code) AS l
    JOIN delivery_attempts a ON a.id = l.last_id
    CROSS JOIN LATERAL (SELECT MAX(s2.started_at) AS success_at FROM delivery_attempts s2 JOIN deliveries sd ON sd.id = s2.delivery_id
                         WHERE sd.department_code = l.code AND s2.outcome = 'delivered') AS s
    LEFT JOIN LATERAL (SELECT f2.id, f2.started_at, f2.error_code FROM delivery_attempts f2 JOIN deliveries fd ON fd.id = f2.delivery_id
                        WHERE fd.department_code = l.code AND f2.outcome IN ('retry', 'dead') ORDER BY f2.started_at DESC, f2.id DESC LIMIT 1) AS f ON true;
