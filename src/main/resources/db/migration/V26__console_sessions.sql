-- Issue 17: a signed-in console user's session. Only the SHA-256 of the session cookie is stored, so a copy of
-- the table cannot sign anyone in; signing out deletes the row, and a session ends after its idle timeout or
-- its absolute lifetime whatever the browser keeps.
CREATE TABLE console_session (
    token_hash   VARCHAR(64) PRIMARY KEY,
    username     VARCHAR(100) NOT NULL REFERENCES app_user (username),
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seen_at TIMESTAMP WITH TIME ZONE NOT NULL,
    address      VARCHAR(100)
);
CREATE INDEX console_session_user ON console_session (username);
