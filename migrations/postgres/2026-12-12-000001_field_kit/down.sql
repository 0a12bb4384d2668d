DROP TABLE scan_conflicts;
ALTER TABLE scans DROP COLUMN received_at;
ALTER TABLE scans DROP COLUMN device_reason;
ALTER TABLE scans DROP COLUMN device_verdict;
ALTER TABLE scans DROP COLUMN device_id;
ALTER TABLE scan_points DROP COLUMN offline_max_age_minutes;
DROP TABLE devices;
