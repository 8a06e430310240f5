-- Participants, their consent, flow runs and every answer as it arrived.

CREATE TABLE participants (
    id INTEGER PRIMARY KEY,
    channel TEXT NOT NULL,              -- 'telegram', 'web'
    external_id TEXT NOT NULL,          -- the channel's id of the person (Telegram user id)
    consent TEXT NOT NULL CHECK (consent IN ('given', 'refused')),
    consent_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    UNIQUE (channel, external_id)
);

-- Every yes or no to the consent question, oldest first.
CREATE TABLE consent_events (
    id INTEGER PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participants (id),
    given INTEGER NOT NULL CHECK (given IN (0, 1)),
    at TEXT NOT NULL
);

CREATE TABLE flow_runs (
    id INTEGER PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participants (id),
    flow_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'paused', 'finished')),
    state TEXT NOT NULL,                -- JSON of flows.state.RunState
    started_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX flow_runs_by_participant ON flow_runs (participant_id, status);

-- Append-only: the current answer to (run, step, item) is its newest row; NULL value = cleared.
CREATE TABLE answers (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES flow_runs (id),
    step TEXT NOT NULL,
    item TEXT NOT NULL DEFAULT '',
    value TEXT,
    answered_at TEXT NOT NULL
);
CREATE INDEX answers_by_run ON answers (run_id, step, item, id);

-- Telegram's file_id for an image we uploaded once, by the image's content key.
CREATE TABLE telegram_files (
    image_key TEXT PRIMARY KEY,
    file_id TEXT NOT NULL,
    created_at TEXT NOT NULL
);
