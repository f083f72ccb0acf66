-- AssumeRole session tags and source identity, kept with the session
-- (iam_sessions) they belong to and pruned with it. tags is a JSON array
-- of {key, value, transitive}; source_identity is '' when none was set.

CREATE TABLE iam_session_attributes (
    access_key_id   VARCHAR(32) NOT NULL PRIMARY KEY,
    tags            TEXT        NOT NULL,
    source_identity VARCHAR(64) NOT NULL
);
