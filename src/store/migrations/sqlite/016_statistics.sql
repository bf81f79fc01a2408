-- Business statistics (issue #19, docs/ops.md "Statistics"): each period figure is a range over one time column,
-- so each gets an index; the business counters of /metrics are kept by triggers (like migration 011's counts),
-- so a scrape reads a few rows instead of counting applications.

CREATE INDEX applications_created ON applications (created_at);
CREATE INDEX sub_applications_created ON sub_applications (created_at);
CREATE INDEX sub_applications_completed ON sub_applications (completed_at) WHERE completed_at IS NOT NULL;
CREATE INDEX supplement_requests_requested ON supplement_requests (requested_at);

-- metric: applications_received (label: theme code), sub_applications_completed / sub_applications_rejected (label: department code),
-- evaluations (label: level 1–5). `shard` as in migration 011 (SQLite: always 0).
CREATE TABLE business_counts (
  metric TEXT NOT NULL,
  label  TEXT NOT NULL,
  shard  INTEGER NOT NULL,
  n      INTEGER NOT NULL,
  PRIMARY KEY (metric, label, shard)
);

CREATE TRIGGER applications_business_count AFTER INSERT ON applications BEGIN
  INSERT INTO business_counts (metric, label, shard, n) VALUES ('applications_received', NEW.theme_code, 0, 1)
    ON CONFLICT (metric, label, shard) DO UPDATE SET n = business_counts.n + 1;
END;

-- A department's decision (completed_at set); dependents cancelled because a prerequisite was rejected are not one.
CREATE TRIGGER sub_applications_business_count AFTER UPDATE OF status ON sub_applications
  WHEN NEW.status IN ('completed', 'rejected') AND OLD.status IS NOT NEW.status AND NEW.completed_at IS NOT NULL BEGIN
  INSERT INTO business_counts (metric, label, shard, n) VALUES ('sub_applications_' || NEW.status, NEW.department_code, 0, 1)
    ON CONFLICT (metric, label, shard) DO UPDATE SET n = business_counts.n + 1;
END;

CREATE TRIGGER evaluations_business_count AFTER INSERT ON evaluations BEGIN
  INSERT INTO business_counts (metric, label, shard, n) VALUES ('evaluations', CAST(NEW.level AS TEXT), 0, 1)
    ON CONFLICT (metric, label, shard) DO UPDATE SET n = business_counts.n + 1;
END;

-- What is already there.
INSERT INTO business_counts (metric, label, shard, n)
  SELECT 'applications_received', theme_code, 0, COUNT(*) FROM applications GROUP BY theme_code;
INSERT INTO business_counts (metric, label, shard, n)
  SELECT 'sub_applications_' || status, department_code, 0, COUNT(*) FROM sub_applications
   WHERE status IN ('completed', 'rejected') AND completed_at IS NOT NULL GROUP BY status, department_code;
INSERT INTO business_counts (metric, label, shard, n)
  SELECT 'evaluations', CAST(level AS TEXT), 0, COUNT(*) FROM evaluations GROUP BY level;
