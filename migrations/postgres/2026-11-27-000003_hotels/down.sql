DROP TABLE stays;
DROP TABLE hotel_acks;
DROP TABLE plan_assignments;
DROP TABLE allocation_plans;
DROP TABLE lodging_policies;
DROP TABLE room_releases;
DROP TABLE room_blocks;
DROP TABLE hotels;
ALTER TABLE guests DROP COLUMN accessible;
