-- A participant can switch reminders off ("Geen herinneringen meer").
ALTER TABLE participants ADD COLUMN reminders_off_at TEXT;
