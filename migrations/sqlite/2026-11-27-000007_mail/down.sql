ALTER TABLE users DROP COLUMN phone;
ALTER TABLE users DROP COLUMN display_name;
ALTER TABLE inspectors DROP COLUMN email;
ALTER TABLE dining_points DROP COLUMN email;
DROP TABLE outbox;
DROP TABLE mail_batches;
