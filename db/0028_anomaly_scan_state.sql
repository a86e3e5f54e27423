-- The last complete anomaly scan of every project: the hours it covered (up to until_hour) and
-- when it began, by the database's clock. The scan job runs every few minutes but judges whole
-- hours only, so a scan of the same hours finds the same anomalies unless a span of those hours
-- was written since (a late span, re-pricing or re-attribution all move ingested_at): the job then
-- skips the scan instead of reading five weeks of spans again. One row.
CREATE TABLE anomaly_scan_state (
    singleton   boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    until_hour  timestamptz NOT NULL,
    began_at    timestamptz NOT NULL
);
