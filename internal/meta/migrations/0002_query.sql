-- Athena: query executions, workgroups, named queries and prepared
-- statements. Definitions are JSON documents (spec) in the shape of the
-- query service's Go types, with the columns they are looked up by as keys.
-- Times are Unix milliseconds.

CREATE TABLE query_workgroups (
    name        VARCHAR(128) NOT NULL PRIMARY KEY,
    spec        TEXT         NOT NULL,
    create_time BIGINT       NOT NULL
);

CREATE TABLE query_executions (
    id           VARCHAR(64)  NOT NULL PRIMARY KEY,
    workgroup    VARCHAR(128) NOT NULL,
    client_token VARCHAR(128),
    submitted    BIGINT       NOT NULL,
    state        VARCHAR(16)  NOT NULL,
    spec         TEXT         NOT NULL
);
CREATE INDEX query_executions_by_workgroup ON query_executions (workgroup, submitted);
CREATE UNIQUE INDEX query_executions_by_token ON query_executions (client_token);

CREATE TABLE query_named_queries (
    id           VARCHAR(64)  NOT NULL PRIMARY KEY,
    workgroup    VARCHAR(128) NOT NULL,
    client_token VARCHAR(128),
    spec         TEXT         NOT NULL,
    create_time  BIGINT       NOT NULL
);
CREATE UNIQUE INDEX query_named_queries_by_token ON query_named_queries (client_token);

CREATE TABLE query_prepared_statements (
    workgroup   VARCHAR(128) NOT NULL,
    name        VARCHAR(256) NOT NULL,
    spec        TEXT         NOT NULL,
    update_time BIGINT       NOT NULL,
    PRIMARY KEY (workgroup, name)
);
