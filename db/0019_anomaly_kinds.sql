-- Anomalies of more than one kind: 'cost' (a series' hourly cost left its forecast) and 'mix'
-- (a key's share of the project's spend moved while the total may look normal). Each row names
-- the detector that flagged it and says why in words. A key may have both kinds in one hour, so
-- the kind is part of what identifies a row.
ALTER TABLE anomalies ADD COLUMN kind text NOT NULL DEFAULT 'cost' CHECK (kind IN ('cost', 'mix'));
ALTER TABLE anomalies ADD COLUMN detector text NOT NULL DEFAULT 'forecast'
    CHECK (detector IN ('forecast', 'level_shift', 'pattern', 'mix'));
ALTER TABLE anomalies ADD COLUMN explanation text NULL;
ALTER TABLE anomalies DROP CONSTRAINT anomalies_project_id_dimension_key_hour_key;
ALTER TABLE anomalies ADD CONSTRAINT anomalies_kind_series_hour UNIQUE (project_id, kind, dimension, key, hour);
