-- IAM additions: permissions boundaries, the account password policy,
-- GetSessionToken sessions, AssumeRole session policies and password
-- history (PasswordReusePrevention). Keys and times as in 0007_iam.sql.

CREATE TABLE iam_boundaries (
    entity_kind VARCHAR(8)    NOT NULL,
    entity_key  VARCHAR(64)   NOT NULL,
    policy_arn  VARCHAR(2048) NOT NULL,
    PRIMARY KEY (entity_kind, entity_key)
);
CREATE INDEX iam_boundaries_by_policy ON iam_boundaries (policy_arn);

CREATE TABLE iam_password_policy (
    id       BIGINT NOT NULL PRIMARY KEY,
    document TEXT   NOT NULL
);

CREATE TABLE iam_user_sessions (
    access_key_id VARCHAR(32) NOT NULL PRIMARY KEY,
    secret_sealed TEXT        NOT NULL,
    token_sha256  VARCHAR(64) NOT NULL,
    user_key      VARCHAR(64) NOT NULL,
    expire_time   BIGINT      NOT NULL
);
CREATE INDEX iam_user_sessions_by_expiry ON iam_user_sessions (expire_time);

CREATE TABLE iam_session_policies (
    access_key_id VARCHAR(32) NOT NULL PRIMARY KEY,
    documents     TEXT        NOT NULL
);

CREATE TABLE iam_password_history (
    user_key      VARCHAR(64) NOT NULL,
    change_time   BIGINT      NOT NULL,
    password_hash TEXT        NOT NULL
);
CREATE INDEX iam_password_history_by_user ON iam_password_history (user_key);
