-- The last success and failure of each upstream Tongban calls from a worker, for `GET /v1/ops/adapters` and the
-- dashboard's adapters (src/ops/upstream-outcomes.ts): the newest job row of each outcome is the head of one of these
-- indexes, so each read is one index entry, never a walk over the rows of the other outcome. A query uses a partial
-- index only with the same WHERE, word for word.

-- Payments (统一公共支付平台): notices the platform created whose latest call succeeded; latest call failed.
CREATE INDEX payments_answered ON payments (updated_at) WHERE notice_no IS NOT NULL AND last_error IS NULL;
CREATE INDEX payments_failed ON payments (updated_at) WHERE last_error IS NOT NULL;

-- Postings (政务EMS): waybills the carrier created whose latest call succeeded; latest call failed.
CREATE INDEX postings_answered ON postings (updated_at) WHERE waybill_no IS NOT NULL AND last_error IS NULL;
CREATE INDEX postings_failed ON postings (updated_at) WHERE last_error IS NOT NULL;

-- 好差评 pushes whose latest attempt failed (delivered ones: evaluation_pushes_state_updated). A claim sets updated_at,
-- so pushes in flight are left out.
CREATE INDEX evaluation_pushes_failed ON evaluation_pushes (updated_at) WHERE state <> 'in_flight' AND last_error IS NOT NULL;

-- Licence issuance into the e-licence library: jobs by state and last change (the newest done one: issued or revoked;
-- a partial index of done jobs would lose to licence_issuances_due and a sort on an unanalysed SQLite); jobs whose
-- latest attempt failed at the library (not Tongban's own refusals: no mapped value, no signer, no result file).
CREATE INDEX licence_issuances_state_updated ON licence_issuances (state, updated_at);
CREATE INDEX licence_issuances_failed ON licence_issuances (updated_at) WHERE error_code NOT IN ('MAPPING', 'NO_SIGNER', 'NO_FILE');
