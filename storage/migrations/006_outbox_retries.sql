-- The outbox keeps what became of a message it could not send (see bot/telegram_outbox.py):
-- a failure that proves Telegram did not get it is tried again later (claimed_at back to NULL,
-- send_after moved on), any other failure is final.
--   attempts   tries that failed so far
--   failure    the kind of the last failure (storage.outbox_repository.FailureKind), e.g.
--              'rate_limited', 'server_error', 'blocked', 'no_answer', 'unknown'
--   failed_at  when the outbox gave the message up; with 'no_answer' or 'unknown' it may have
--              arrived all the same, so it is never sent again
ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN failure TEXT;
ALTER TABLE outbox ADD COLUMN failed_at TEXT;

-- Claimed before this migration and never marked sent: nobody knows whether it went out.
UPDATE outbox SET failed_at = claimed_at, failure = 'unknown'
    WHERE claimed_at IS NOT NULL AND sent_at IS NULL;

-- The sender only ever looks for unclaimed messages, by time.
CREATE INDEX outbox_waiting ON outbox (send_after) WHERE claimed_at IS NULL;
