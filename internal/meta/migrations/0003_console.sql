-- Console sign-in sessions. The id column holds the SHA-256 of the session
-- token, so a copy of the metadata store cannot be used to sign in. Times
-- are Unix milliseconds.

CREATE TABLE console_sessions (
    id           VARCHAR(64)  NOT NULL PRIMARY KEY,
    principal    TEXT         NOT NULL,
    access_key   VARCHAR(128) NOT NULL,
    csrf         VARCHAR(64)  NOT NULL,
    created      BIGINT       NOT NULL,
    expires      BIGINT       NOT NULL
);
CREATE INDEX console_sessions_by_expiry ON console_sessions (expires);
