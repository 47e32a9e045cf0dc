-- Issue 17: a session waiting for its code allows five wrong codes, then ends (the password, throttled per
-- user and address, must be given again): six digits cannot be guessed at leisure.
ALTER TABLE console_session ADD COLUMN mfa_failures INTEGER NOT NULL DEFAULT 0;
