ALTER TABLE inspectors DROP COLUMN email;
ALTER TABLE dining_points DROP COLUMN email;
DROP TABLE outbox;
DROP TABLE mail_batches;
