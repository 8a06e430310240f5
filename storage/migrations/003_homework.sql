-- Homework a coach gives, and the messages the bot sends by itself (an outbox).

CREATE TABLE homework (
    id INTEGER PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participants (id),
    coach_id INTEGER NOT NULL REFERENCES coaches (id),
    flow_id TEXT NOT NULL,
    due_date TEXT NOT NULL,                -- YYYY-MM-DD, Europe/Brussels
    created_at TEXT NOT NULL
);
CREATE INDEX homework_by_participant ON homework (participant_id);

-- A message to send at or after send_after (UTC). claimed_at is set just before sending and
-- sent_at just after; a claimed message is never sent again, so none goes out twice.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participants (id),
    kind TEXT NOT NULL CHECK (kind IN ('homework', 'homework_reminder')),
    homework_id INTEGER REFERENCES homework (id),
    send_after TEXT NOT NULL,
    claimed_at TEXT,
    sent_at TEXT
);
CREATE INDEX outbox_due ON outbox (sent_at, claimed_at, send_after);
