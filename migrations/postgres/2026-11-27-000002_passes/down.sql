DROP TABLE pass_uses;
DROP TABLE scans;
DROP TABLE scan_points;
DROP TABLE pass_revocations;
DROP TABLE passes;
DROP TABLE event_sessions;
DROP TABLE zones;
DROP TABLE signing_keys;
