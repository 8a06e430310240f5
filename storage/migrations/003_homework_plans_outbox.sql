-- Homework a coach gives, action plans (the POP) a coach writes with a participant, and the
-- messages the bot sends by itself (an outbox).

CREATE TABLE homework (
    id INTEGER PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participants (id),
    coach_id INTEGER NOT NULL REFERENCES coaches (id),
    flow_id TEXT NOT NULL,
    due_date TEXT NOT NULL,                -- YYYY-MM-DD, Europe/Brussels
    created_at TEXT NOT NULL
);
CREATE INDEX homework_by_participant ON homework (participant_id);

-- One action plan (POP) per row; the plan itself is JSON checked by bot.action_plan.ActionPlan.
CREATE TABLE action_plans (
    id INTEGER PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participants (id),
    coach_id INTEGER NOT NULL REFERENCES coaches (id),
    plan TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    completed_at TEXT                      -- the POP was finished (for the monthly overview)
);
CREATE INDEX action_plans_by_participant ON action_plans (participant_id);

-- A message to send at or after send_after (UTC). claimed_at is set just before sending and
-- sent_at just after; a claimed message is never sent again, so none goes out twice.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participants (id),
    kind TEXT NOT NULL CHECK (kind IN ('homework', 'homework_reminder', 'action_plan')),
    homework_id INTEGER REFERENCES homework (id),
    plan_id INTEGER REFERENCES action_plans (id),
    send_after TEXT NOT NULL,
    claimed_at TEXT,
    sent_at TEXT
);
CREATE INDEX outbox_due ON outbox (sent_at, claimed_at, send_after);
