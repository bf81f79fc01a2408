-- Business statistics (issue #19, docs/ops.md "Statistics"): each period figure is a range over one time column,
-- so each gets an index; the business counters of /metrics are kept by triggers (like migration 011's counts),
-- so a scrape reads a few rows instead of counting applications.

CREATE INDEX applications_created ON applications (created_at);
CREATE INDEX sub_applications_created ON sub_applications (created_at);
CREATE INDEX sub_applications_completed ON sub_applications (completed_at) WHERE completed_at IS NOT NULL;
CREATE INDEX supplement_requests_requested ON supplement_requests (requested_at);

-- metric: applications_received (label: theme code), sub_applications_completed / sub_applications_rejected (label: department code),
-- evaluations (label: level 1–5). `shard`: the writing session's backend pid, as in migration 011 (folded by compactCounters).
CREATE TABLE business_counts (
  metric TEXT NOT NULL,
  label  TEXT NOT NULL,
  shard  INTEGER NOT NULL,
  n      BIGINT NOT NULL,
  PRIMARY KEY (metric, label, shard)
);

-- SET search_path FROM CURRENT: the functions find their tables in Tongban's schema whichever session writes
-- (a trigger fires in the writer's session: an admin or another tool with another search_path).
CREATE FUNCTION business_count_add(metric TEXT, label TEXT) RETURNS void LANGUAGE sql SET search_path FROM CURRENT AS $$
  INSERT INTO business_counts AS c (metric, label, shard, n) VALUES ($1, $2, pg_backend_pid(), 1)
    ON CONFLICT (metric, label, shard) DO UPDATE SET n = c.n + 1;
$$;

CREATE FUNCTION applications_business_count() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  PERFORM business_count_add('applications_received', NEW.theme_code);
  RETURN NULL;
END $$;
CREATE TRIGGER applications_business_count AFTER INSERT ON applications FOR EACH ROW EXECUTE FUNCTION applications_business_count();

-- A department's decision (completed_at set); dependents cancelled because a prerequisite was rejected are not one.
CREATE FUNCTION sub_applications_business_count() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  PERFORM business_count_add('sub_applications_' || NEW.status, NEW.department_code);
  RETURN NULL;
END $$;
CREATE TRIGGER sub_applications_business_count AFTER UPDATE OF status ON sub_applications FOR EACH ROW
  WHEN (NEW.status IN ('completed', 'rejected') AND OLD.status IS DISTINCT FROM NEW.status AND NEW.completed_at IS NOT NULL)
  EXECUTE FUNCTION sub_applications_business_count();

CREATE FUNCTION evaluations_business_count() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  PERFORM business_count_add('evaluations', NEW.level::text);
  RETURN NULL;
END $$;
CREATE TRIGGER evaluations_business_count AFTER INSERT ON evaluations FOR EACH ROW EXECUTE FUNCTION evaluations_business_count();

-- What is already there.
INSERT INTO business_counts (metric, label, shard, n)
  SELECT 'applications_received', theme_code, 0, COUNT(*) FROM applications GROUP BY theme_code;
INSERT INTO business_counts (metric, label, shard, n)
  SELECT 'sub_applications_' || status, department_code, 0, COUNT(*) FROM sub_applications
   WHERE status IN ('completed', 'rejected') AND completed_at IS NOT NULL GROUP BY status, department_code;
INSERT INTO business_counts (metric, label, shard, n)
  SELECT 'evaluations', level::text, 0, COUNT(*) FROM evaluations GROUP BY level;
