-- Shared data (#20, docs/shared-data.md): reads of the data-sharing exchange
-- are ledgered beside licence uses, as actions `shared-data` (a record read)
-- and `shared-data-verify` (a statement verified). Only the CHECK changes:
-- every row, and so the hash chain, is untouched.
ALTER TABLE licence_uses DROP CONSTRAINT licence_uses_action_check;
ALTER TABLE licence_uses ADD CONSTRAINT licence_uses_action_check CHECK (action IN ('query', 'file', 'verify', 'shared-data', 'shared-data-verify'));
