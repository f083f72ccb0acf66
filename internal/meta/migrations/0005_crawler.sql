-- Glue crawlers. A crawler's definition (the fields CreateCrawler and
-- UpdateCrawler set, its schedule state, version and times) is a JSON
-- document; its crawls are rows of their own, so a crawl still RUNNING when
-- the server stopped can be found and closed at the next start. Times are
-- Unix milliseconds.

CREATE TABLE crawlers (
    name        VARCHAR(255) NOT NULL PRIMARY KEY,
    spec        TEXT         NOT NULL,
    tags        TEXT         NOT NULL,
    create_time BIGINT       NOT NULL
);

-- state is CrawlerHistory's: RUNNING, COMPLETED, FAILED or STOPPED. summary
-- is the JSON summary ListCrawls returns; the counts feed GetCrawlerMetrics.
CREATE TABLE crawler_runs (
    crawler_name       VARCHAR(255) NOT NULL REFERENCES crawlers (name) ON DELETE CASCADE,
    crawl_id           VARCHAR(64)  NOT NULL,
    state              VARCHAR(16)  NOT NULL,
    start_time         BIGINT       NOT NULL,
    end_time           BIGINT       NOT NULL,
    error_message      TEXT         NOT NULL,
    summary            TEXT         NOT NULL,
    tables_created     BIGINT       NOT NULL,
    tables_updated     BIGINT       NOT NULL,
    tables_deleted     BIGINT       NOT NULL,
    PRIMARY KEY (crawler_name, crawl_id)
);
CREATE INDEX crawler_runs_by_start ON crawler_runs (crawler_name, start_time);

-- The leaf folders earlier crawls have seen, for CRAWL_NEW_FOLDERS_ONLY.
CREATE TABLE crawler_folders (
    crawler_name VARCHAR(255) NOT NULL REFERENCES crawlers (name) ON DELETE CASCADE,
    location     VARCHAR(2048) NOT NULL,
    PRIMARY KEY (crawler_name, location)
);
