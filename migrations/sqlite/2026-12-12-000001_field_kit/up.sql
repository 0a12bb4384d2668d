-- The field kit: scanner devices registered at a point, the offline scans they upload, and
-- the conflicts found when two devices used one single-use thing while apart.
CREATE TABLE devices (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    point_id BIGINT NOT NULL REFERENCES scan_points(id),
    user_id BIGINT NOT NULL,
    registered_at TIMESTAMP NOT NULL,
    last_sync_at TIMESTAMP,
    kit_generated_at TIMESTAMP,
    retired_at TIMESTAMP
);
CREATE INDEX devices_point ON devices(point_id);

-- How old a point's offline lists may grow before its devices stop accepting (minutes);
-- NULL: the event's limit (YINGBIN_OFFLINE_MAX_AGE_MINUTES).
ALTER TABLE scan_points ADD COLUMN offline_max_age_minutes INTEGER;

-- An offline scan: which device, what it answered there, and when it reached the service.
ALTER TABLE scans ADD COLUMN device_id BIGINT;
ALTER TABLE scans ADD COLUMN device_verdict TEXT;
ALTER TABLE scans ADD COLUMN device_reason TEXT;
ALTER TABLE scans ADD COLUMN received_at TIMESTAMP;

CREATE TABLE scan_conflicts (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    pass_id BIGINT NOT NULL,
    kept_scan_id BIGINT,
    lost_scan_id BIGINT NOT NULL,
    detected_at TIMESTAMP NOT NULL
);
CREATE INDEX scan_conflicts_detected ON scan_conflicts(detected_at);
