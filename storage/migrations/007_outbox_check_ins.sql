-- The outbox also carries check-ins: of a small step (mini-POP, `run_id` names its run), of
-- an action of the action plan (`plan_id` and `action_index`), and the aftercare question.
-- SQLite cannot change a CHECK, so the table is made anew with the same rows and indexes.
CREATE TABLE outbox_new (
    id INTEGER PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participants (id),
    kind TEXT NOT NULL CHECK (kind IN (
        'homework', 'homework_reminder', 'action_plan',
        'mini_pop_check', 'action_check_in', 'aftercare'
    )),
    homework_id INTEGER REFERENCES homework (id),
    plan_id INTEGER REFERENCES action_plans (id),
    run_id INTEGER REFERENCES flow_runs (id),
    action_index INTEGER,
    send_after TEXT NOT NULL,
    claimed_at TEXT,
    sent_at TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    failure TEXT,
    failed_at TEXT
);
INSERT INTO outbox_new (
    id, participant_id, kind, homework_id, plan_id, send_after, claimed_at, sent_at,
    attempts, failure, failed_at
)
SELECT
    id, participant_id, kind, homework_id, plan_id, send_after, claimed_at, sent_at,
    attempts, failure, failed_at
FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (sent_at, claimed_at, send_after);
CREATE INDEX outbox_waiting ON outbox (send_after) WHERE claimed_at IS NULL;
CREATE INDEX outbox_of_run ON outbox (run_id) WHERE run_id IS NOT NULL;
