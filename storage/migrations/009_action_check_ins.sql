-- Her answers to the check-ins on the actions of her plan (outbox kind 'action_check_in'):
-- one row per answer, several per action over time. A 🆘 answer also carries the alert to
-- her coach in Telegram, in the same row, so that the answer and the alert are stored in one
-- write: claimed just before it is sent (never twice), tried again only when Telegram surely
-- did not get it, like the outbox.
CREATE TABLE action_check_ins (
    id INTEGER PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participants (id),
    plan_id INTEGER NOT NULL REFERENCES action_plans (id),
    action_index INTEGER NOT NULL CHECK (action_index >= 0),
    -- The check-in message she answered (outbox.id): one answer per message. Not a foreign
    -- key: migrations rebuild the outbox table, and a row kept here must not stop that.
    outbox_id INTEGER NOT NULL UNIQUE,
    answer TEXT NOT NULL CHECK (answer IN ('gelukt', 'een_beetje', 'nog_niet', 'hulp')),
    answered_at TEXT NOT NULL,
    -- 🆘 only: the coach told in Telegram (NULL: nobody to tell there, the portal shows it).
    alert_coach_id INTEGER REFERENCES coaches (id),
    alert_link TEXT,                       -- the portal page the alert points to
    alert_send_after TEXT,                 -- UTC; after a failed try, when the next one is
    alert_claimed_at TEXT,
    alert_sent_at TEXT,
    alert_attempts INTEGER NOT NULL DEFAULT 0,
    alert_failure TEXT,
    alert_failed_at TEXT,
    CHECK (
        alert_coach_id IS NULL
        OR (answer = 'hulp' AND alert_link IS NOT NULL AND alert_send_after IS NOT NULL)
    )
);
CREATE INDEX action_check_ins_by_plan ON action_check_ins (plan_id, action_index);
CREATE INDEX action_check_ins_by_participant ON action_check_ins (participant_id);
CREATE INDEX action_check_ins_alerts_waiting ON action_check_ins (alert_send_after)
    WHERE alert_coach_id IS NOT NULL AND alert_claimed_at IS NULL
    AND alert_sent_at IS NULL AND alert_failed_at IS NULL;
