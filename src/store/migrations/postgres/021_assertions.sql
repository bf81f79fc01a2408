-- tongban_assert(ok, reason): fails its statement (SQLSTATE TB001, the reason
-- as message) unless ok is true, so a transaction's check is a failing
-- statement, not a decision taken from an answer (src/store/assertions.ts).
CREATE OR REPLACE FUNCTION tongban_assert(ok boolean, reason text) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
  IF ok IS NOT TRUE THEN
    RAISE EXCEPTION USING ERRCODE = 'TB001', MESSAGE = reason;
  END IF;
  RETURN true;
END
$$;
