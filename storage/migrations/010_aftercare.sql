-- Aftercare: the bot asks how things are going three months after the last contact, unless
-- her coach switched it off (when: aftercare_off_at).
ALTER TABLE participants ADD COLUMN aftercare_off_at TEXT;
