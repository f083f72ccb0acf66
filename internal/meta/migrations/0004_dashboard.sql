-- Console dashboards (QuickSight's role): datasets and dashboards. Their
-- definitions are JSON documents (spec) in the shape of the console API,
-- with the columns they are looked up by as keys. A SPICE dataset's current
-- snapshot file (a base name in the snapshot directory) and its sequence
-- number live beside the spec, so the API document stays as documented.
-- Times are Unix milliseconds.

CREATE TABLE dashboard_datasets (
    id           VARCHAR(64)  NOT NULL PRIMARY KEY,
    name         VARCHAR(256) NOT NULL,
    spec         TEXT         NOT NULL,
    snapshot     VARCHAR(256) NOT NULL,
    snapshot_seq BIGINT       NOT NULL,
    created      BIGINT       NOT NULL
);
CREATE INDEX dashboard_datasets_by_name ON dashboard_datasets (name);

CREATE TABLE dashboard_dashboards (
    id       VARCHAR(64)  NOT NULL PRIMARY KEY,
    name     VARCHAR(256) NOT NULL,
    version  BIGINT       NOT NULL,
    spec     TEXT         NOT NULL,
    created  BIGINT       NOT NULL
);
