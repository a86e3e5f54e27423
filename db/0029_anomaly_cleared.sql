-- An anomaly that a later scan of its hour no longer finds (a late span or a re-pricing took the
-- hour back into its band) leaves the lists. One that was never announced is deleted; one whose
-- alert went out is kept, for the deliveries that name it, and marked cleared here. A scan that
-- finds it again clears the mark.
ALTER TABLE anomalies ADD COLUMN cleared_at timestamptz NULL;
