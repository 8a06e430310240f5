-- Coaches, the participants who joined them, and one-time sign-in links for the portal.

CREATE TABLE coaches (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    join_code TEXT NOT NULL UNIQUE,        -- participants join with it (deep link, typed, web link)
    telegram_code TEXT UNIQUE,             -- the coach's own: /coach <code> links her Telegram once
    telegram_user_id TEXT UNIQUE,
    created_at TEXT NOT NULL
);

-- A sign-in link works once, for 15 minutes; only a hash of its token is kept.
CREATE TABLE coach_sign_ins (
    token_hash TEXT PRIMARY KEY,
    coach_id INTEGER NOT NULL REFERENCES coaches (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);

ALTER TABLE participants ADD COLUMN coach_id INTEGER REFERENCES coaches (id);
ALTER TABLE participants ADD COLUMN joined_coach_at TEXT;
ALTER TABLE participants ADD COLUMN display_name TEXT;   -- what the coach calls her
CREATE INDEX participants_by_coach ON participants (coach_id);
