DROP TABLE credential_zones;
ALTER TABLE guests DROP COLUMN withdrawn_reason;
ALTER TABLE guests DROP COLUMN withdrawn_at;
