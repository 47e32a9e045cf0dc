-- Issue 17: multi-factor sign-in for built-in users (TOTP, RFC 6238). The shared secret must be readable to check
-- a code; the recovery codes are kept as SHA-256 only. last_step stops a code being used twice. A console session
-- that has passed the password but not yet the code is mfa_pending: it opens nothing but the code page.
ALTER TABLE app_user ADD COLUMN totp_secret VARCHAR(64);
ALTER TABLE app_user ADD COLUMN totp_pending_secret VARCHAR(64);
ALTER TABLE app_user ADD COLUMN totp_enabled_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE app_user ADD COLUMN totp_last_step BIGINT;
CREATE TABLE recovery_code (
    username  VARCHAR(100) NOT NULL REFERENCES app_user (username),
    code_hash VARCHAR(64) NOT NULL,
    used_at   TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (username, code_hash)
);
ALTER TABLE console_session ADD COLUMN mfa_pending BOOLEAN NOT NULL DEFAULT FALSE;
