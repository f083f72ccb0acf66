-- Glue Data Catalog: databases, tables with their versions, partitions.
-- Definitions are stored as JSON documents in the shape of Glue's API
-- (TEXT here; JSONB would be a later optimisation on PostgreSQL), with the
-- names they are looked up by as indexed key columns. Times are Unix
-- milliseconds.

CREATE TABLE catalog_databases (
    name        VARCHAR(255) NOT NULL PRIMARY KEY,
    spec        TEXT         NOT NULL,
    tags        TEXT         NOT NULL,
    create_time BIGINT       NOT NULL
);

CREATE TABLE catalog_tables (
    database_name   VARCHAR(255) NOT NULL REFERENCES catalog_databases (name) ON DELETE CASCADE,
    name            VARCHAR(255) NOT NULL,
    current_version BIGINT       NOT NULL,
    created_by      VARCHAR(2048) NOT NULL,
    create_time     BIGINT       NOT NULL,
    PRIMARY KEY (database_name, name)
);

-- Every version of a table, the current one included; UpdateTable adds one
-- and (with SkipArchive) removes the one it replaced.
CREATE TABLE catalog_table_versions (
    database_name VARCHAR(255) NOT NULL,
    table_name    VARCHAR(255) NOT NULL,
    version_id    BIGINT       NOT NULL,
    spec          TEXT         NOT NULL,
    update_time   BIGINT       NOT NULL,
    PRIMARY KEY (database_name, table_name, version_id),
    FOREIGN KEY (database_name, table_name) REFERENCES catalog_tables (database_name, name) ON DELETE CASCADE
);

-- values_key is the JSON array of the partition values, the partition's
-- identity within its table.
CREATE TABLE catalog_partitions (
    database_name VARCHAR(255) NOT NULL,
    table_name    VARCHAR(255) NOT NULL,
    values_key    TEXT         NOT NULL,
    spec          TEXT         NOT NULL,
    creation_time BIGINT       NOT NULL,
    PRIMARY KEY (database_name, table_name, values_key),
    FOREIGN KEY (database_name, table_name) REFERENCES catalog_tables (database_name, name) ON DELETE CASCADE
);
