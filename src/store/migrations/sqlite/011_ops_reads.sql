-- Ops reads that cost what they return (#17): an index for each ops list's filter and order, and counts kept as rows
-- change instead of counted over every delivery and attempt. The counts are kept by triggers, so every path that
-- writes deliveries or attempts (intake, dispatchers, inbox, department events, replays, tools) keeps them exact.
-- `shard` spreads one count over several rows on PostgreSQL (one per database session); SQLite has one writer: always 0.

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
  n               INTEGER NOT NULL,
  PRIMARY KEY (department_code, state, shard)
);

-- Delivery attempts per minute (bucket_ms 60000) and per hour (3600000), department and outcome.
CREATE TABLE delivery_attempt_buckets (
  bucket_ms       INTEGER NOT NULL,
  bucket_start    INTEGER NOT NULL,          -- started_at rounded down to the bucket
  department_code TEXT NOT NULL,
  outcome         TEXT NOT NULL,
  shard           INTEGER NOT NULL,
  n               INTEGER NOT NULL,
  PRIMARY KEY (bucket_ms, bucket_start, department_code, outcome, shard)
);

-- Per department: its latest attempt (highest id), latest success, latest failure (retry or dead) and that failure's code.
CREATE TABLE department_attempts (
  department_code    TEXT NOT NULL,
  shard              INTEGER NOT NULL,
  last_id            INTEGER NOT NULL,
  last_started_at    INTEGER NOT NULL,
  last_outcome       TEXT NOT NULL,
  success_at         INTEGER,
  failure_at         INTEGER,
  failure_id         INTEGER,
  failure_error_code TEXT,
  PRIMARY KEY (department_code, shard)
);

CREATE TRIGGER deliveries_count_insert AFTER INSERT ON deliveries BEGIN
  INSERT INTO delivery_counts (department_code, state, shard, n) VALUES (NEW.department_code, NEW.state, 0, 1)
    ON CONFLICT (department_code, state, shard) DO UPDATE SET n = delivery_counts.n + 1;
END;

CREATE TRIGGER deliveries_count_update AFTER UPDATE OF state, department_code ON deliveries
  WHEN OLD.state IS NOT NEW.state OR OLD.department_code IS NOT NEW.department_code BEGIN
  UPDATE delivery_counts SET n = n - 1 WHERE department_code = OLD.department_code AND state = OLD.state AND shard = 0;
  INSERT INTO delivery_counts (department_code, state, shard, n) VALUES (NEW.department_code, NEW.state, 0, 1)
    ON CONFLICT (department_code, state, shard) DO UPDATE SET n = delivery_counts.n + 1;
END;

CREATE TRIGGER deliveries_count_delete AFTER DELETE ON deliveries BEGIN
  UPDATE delivery_counts SET n = n - 1 WHERE department_code = OLD.department_code AND state = OLD.state AND shard = 0;
END;

CREATE TRIGGER delivery_attempts_rollup AFTER INSERT ON delivery_attempts BEGIN
  INSERT INTO delivery_attempt_buckets (bucket_ms, bucket_start, department_code, outcome, shard, n)
    SELECT b.ms, NEW.started_at - NEW.started_at % b.ms, d.department_code, NEW.outcome, 0, 1
      FROM deliveries d, (SELECT 60000 AS ms UNION ALL SELECT 3600000) AS b WHERE d.id = NEW.delivery_id
    ON CONFLICT (bucket_ms, bucket_start, department_code, outcome, shard) DO UPDATE SET n = delivery_attempt_buckets.n + 1;
  INSERT INTO department_attempts (department_code, shard, last_id, last_started_at, last_outcome, success_at, failure_at, failure_id, failure_error_code)
    SELECT d.department_code, 0, NEW.id, NEW.started_at, NEW.outcome,
           CASE WHEN NEW.outcome = 'delivered' THEN NEW.started_at END,
           CASE WHEN NEW.outcome IN ('retry', 'dead') THEN NEW.started_at END,
           CASE WHEN NEW.outcome IN ('retry', 'dead') THEN NEW.id END,
           CASE WHEN NEW.outcome IN ('retry', 'dead') THEN NEW.error_code END
      FROM deliveries d WHERE d.id = NEW.delivery_id
    ON CONFLICT (department_code, shard) DO UPDATE SET
      last_started_at = CASE WHEN excluded.last_id > department_attempts.last_id THEN excluded.last_started_at ELSE department_attempts.last_started_at END,
      last_outcome = CASE WHEN excluded.last_id > department_attempts.last_id THEN excluded.last_outcome ELSE department_attempts.last_outcome END,
      last_id = max(excluded.last_id, department_attempts.last_id),
      success_at = CASE WHEN department_attempts.success_at IS NULL OR excluded.success_at > department_attempts.success_at
                        THEN coalesce(excluded.success_at, department_attempts.success_at) ELSE department_attempts.success_at END,
      failure_error_code = CASE WHEN excluded.failure_at IS NOT NULL AND (department_attempts.failure_at IS NULL OR excluded.failure_at > department_attempts.failure_at
                                  OR (excluded.failure_at = department_attempts.failure_at AND excluded.failure_id > department_attempts.failure_id))
                                THEN excluded.failure_error_code ELSE department_attempts.failure_error_code END,
      failure_id = CASE WHEN excluded.failure_at IS NOT NULL AND (department_attempts.failure_at IS NULL OR excluded.failure_at > department_attempts.failure_at
                          OR (excluded.failure_at = department_attempts.failure_at AND excluded.failure_id > department_attempts.failure_id))
                        THEN excluded.failure_id ELSE department_attempts.failure_id END,
      failure_at = CASE WHEN excluded.failure_at IS NOT NULL AND (department_attempts.failure_at IS NULL OR excluded.failure_at > department_attempts.failure_at)
                        THEN excluded.failure_at ELSE department_attempts.failure_at END;
END;

-- What is already there.
INSERT INTO delivery_counts (department_code, state, shard, n)
  SELECT department_code, state, 0, COUNT(*) FROM deliveries GROUP BY department_code, state;
INSERT INTO delivery_attempt_buckets (bucket_ms, bucket_start, department_code, outcome, shard, n)
  SELECT b.ms, a.started_at - a.started_at % b.ms, d.department_code, a.outcome, 0, COUNT(*)
    FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id, (SELECT 60000 AS ms UNION ALL SELECT 3600000) AS b
   GROUP BY 1, 2, 3, 4;
INSERT INTO department_attempts (department_code, shard, last_id, last_started_at, last_outcome, success_at, failure_at, failure_id, failure_error_code)
  SELECT d.department_code, 0, a.id, a.started_at, a.outcome,
         (SELECT MAX(s.started_at) FROM delivery_attempts s JOIN deliveries sd ON sd.id = s.delivery_id WHERE sd.department_code = d.department_code AND s.outcome = 'delivered'),
         f.started_at, f.id, f.error_code
    FROM (SELECT d2.department_code AS code, MAX(a2.id) AS last_id FROM delivery_attempts a2 JOIN deliveries d2 ON d2.id = a2.delivery_id GROUP BY d2.department_code) AS l
    JOIN delivery_attempts a ON a.id = l.last_id JOIN deliveries d ON d.id = a.delivery_id
    LEFT JOIN delivery_attempts f ON f.id = (SELECT f2.id FROM delivery_attempts f2 JOIN deliveries fd ON fd.id = f2.delivery_id
                                              WHERE fd.department_code = l.code AND f2.outcome IN ('retry', 'dead') ORDER BY f2.started_at DESC, f2.id DESC LIMIT 1);
