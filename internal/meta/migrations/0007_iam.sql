-- IAM: users, access keys, roles, groups, policies and STS sessions.
-- IAM names are unique regardless of case, so each entity is keyed by the
-- lower-cased name (name_key) and keeps the name as created. Secret access
-- keys are AES-GCM encrypted (they must stay usable for SigV4); session
-- tokens and console passwords are stored only as hashes. Times are Unix
-- milliseconds. Rows refer to users, roles and groups by name_key without
-- foreign keys, so that renaming (UpdateUser, UpdateGroup) is plain UPDATEs;
-- the service checks references (DeleteConflict) itself.

CREATE TABLE iam_users (
    name_key    VARCHAR(64)  NOT NULL PRIMARY KEY,
    name        VARCHAR(64)  NOT NULL,
    id          VARCHAR(32)  NOT NULL UNIQUE,
    path        VARCHAR(512) NOT NULL,
    create_time BIGINT       NOT NULL
);

CREATE TABLE iam_access_keys (
    access_key_id     VARCHAR(32)  NOT NULL PRIMARY KEY,
    user_key          VARCHAR(64)  NOT NULL,
    secret_sealed     TEXT         NOT NULL,
    status            VARCHAR(16)  NOT NULL,
    create_time       BIGINT       NOT NULL,
    last_used_time    BIGINT       NOT NULL,
    last_used_service VARCHAR(64)  NOT NULL,
    last_used_region  VARCHAR(64)  NOT NULL
);
CREATE INDEX iam_access_keys_by_user ON iam_access_keys (user_key);

CREATE TABLE iam_login_profiles (
    user_key                VARCHAR(64) NOT NULL PRIMARY KEY,
    password_hash           TEXT        NOT NULL,
    password_reset_required BIGINT      NOT NULL,
    create_time             BIGINT      NOT NULL
);

CREATE TABLE iam_roles (
    name_key             VARCHAR(64)   NOT NULL PRIMARY KEY,
    name                 VARCHAR(64)   NOT NULL,
    id                   VARCHAR(32)   NOT NULL UNIQUE,
    path                 VARCHAR(512)  NOT NULL,
    description          VARCHAR(1000) NOT NULL,
    trust_policy         TEXT          NOT NULL,
    max_session_duration BIGINT        NOT NULL,
    create_time          BIGINT        NOT NULL,
    last_used_time       BIGINT        NOT NULL,
    last_used_region     VARCHAR(64)   NOT NULL
);

CREATE TABLE iam_groups (
    name_key    VARCHAR(128) NOT NULL PRIMARY KEY,
    name        VARCHAR(128) NOT NULL,
    id          VARCHAR(32)  NOT NULL UNIQUE,
    path        VARCHAR(512) NOT NULL,
    create_time BIGINT       NOT NULL
);

CREATE TABLE iam_group_members (
    group_key VARCHAR(128) NOT NULL,
    user_key  VARCHAR(64)  NOT NULL,
    PRIMARY KEY (group_key, user_key)
);
CREATE INDEX iam_group_members_by_user ON iam_group_members (user_key);

-- Customer-managed policies; AWS-managed ones are built in, not stored.
CREATE TABLE iam_policies (
    arn             VARCHAR(2048) NOT NULL PRIMARY KEY,
    name_key        VARCHAR(128)  NOT NULL UNIQUE,
    name            VARCHAR(128)  NOT NULL,
    id              VARCHAR(32)   NOT NULL UNIQUE,
    path            VARCHAR(512)  NOT NULL,
    description     VARCHAR(1000) NOT NULL,
    default_version VARCHAR(16)   NOT NULL,
    next_version    BIGINT        NOT NULL,
    create_time     BIGINT        NOT NULL,
    update_time     BIGINT        NOT NULL
);

CREATE TABLE iam_policy_versions (
    policy_arn  VARCHAR(2048) NOT NULL REFERENCES iam_policies (arn) ON DELETE CASCADE,
    version_id  VARCHAR(16)   NOT NULL,
    document    TEXT          NOT NULL,
    create_time BIGINT        NOT NULL,
    PRIMARY KEY (policy_arn, version_id)
);

-- entity_kind is user, role or group; entity_key that entity's name_key.
CREATE TABLE iam_inline_policies (
    entity_kind VARCHAR(8)   NOT NULL,
    entity_key  VARCHAR(128) NOT NULL,
    policy_name VARCHAR(128) NOT NULL,
    document    TEXT         NOT NULL,
    PRIMARY KEY (entity_kind, entity_key, policy_name)
);

CREATE TABLE iam_attachments (
    entity_kind VARCHAR(8)    NOT NULL,
    entity_key  VARCHAR(128)  NOT NULL,
    policy_arn  VARCHAR(2048) NOT NULL,
    PRIMARY KEY (entity_kind, entity_key, policy_arn)
);
CREATE INDEX iam_attachments_by_policy ON iam_attachments (policy_arn);

-- entity_kind is user, role or policy; entity_key the name_key or the ARN.
-- seq keeps the order tags were added in.
CREATE TABLE iam_tags (
    entity_kind VARCHAR(8)    NOT NULL,
    entity_key  VARCHAR(2048) NOT NULL,
    tag_key     VARCHAR(128)  NOT NULL,
    tag_value   VARCHAR(256)  NOT NULL,
    seq         BIGINT        NOT NULL,
    PRIMARY KEY (entity_kind, entity_key, tag_key)
);

-- STS temporary credentials: the secret sealed like access keys', the
-- session token only as its SHA-256. Expired rows are pruned on issue.
CREATE TABLE iam_sessions (
    access_key_id VARCHAR(32)   NOT NULL PRIMARY KEY,
    secret_sealed TEXT          NOT NULL,
    token_sha256  VARCHAR(64)   NOT NULL,
    role_key      VARCHAR(64)   NOT NULL,
    session_name  VARCHAR(64)   NOT NULL,
    expire_time   BIGINT        NOT NULL
);
CREATE INDEX iam_sessions_by_expiry ON iam_sessions (expire_time);
