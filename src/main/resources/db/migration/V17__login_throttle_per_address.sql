-- Failed logins are counted per username AND caller address (issue 12): a stranger's wrong passwords slow
-- that stranger down, and never lock the real user out from where they sign in.
DROP TABLE login_throttle;
CREATE TABLE login_throttle (
    throttle_key   VARCHAR(210) PRIMARY KEY,
    username       VARCHAR(100) NOT NULL,
    remote_address VARCHAR(100),
    failures       INTEGER NOT NULL,
    locked_until   TIMESTAMP WITH TIME ZONE,
    updated_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX login_throttle_username ON login_throttle (username);
