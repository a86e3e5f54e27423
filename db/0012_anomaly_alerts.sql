-- Cost anomalies go out through the channels of the budgets that cover them (total budgets for
-- the project's total, team budgets for their team). Such a delivery carries its message, since
-- there is no budget alert to build it from; each anomaly is announced once.
ALTER TABLE alert_deliveries ALTER COLUMN alert_id DROP NOT NULL;
ALTER TABLE alert_deliveries ADD COLUMN anomaly_id bigint NULL REFERENCES anomalies(id) ON DELETE CASCADE;
ALTER TABLE alert_deliveries ADD COLUMN message jsonb NULL;
ALTER TABLE alert_deliveries ADD CONSTRAINT alert_deliveries_source
    CHECK ((alert_id IS NOT NULL AND anomaly_id IS NULL) OR (alert_id IS NULL AND anomaly_id IS NOT NULL AND message IS NOT NULL));

ALTER TABLE anomalies ADD COLUMN notified_at timestamptz NULL;
CREATE INDEX anomalies_unannounced ON anomalies (hour) WHERE notified_at IS NULL;
