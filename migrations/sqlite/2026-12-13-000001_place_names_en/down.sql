ALTER TABLE dining_points DROP COLUMN name_en;
ALTER TABLE hotels DROP COLUMN address_en;
ALTER TABLE hotels DROP COLUMN name_en;
ALTER TABLE hubs DROP COLUMN meeting_point_en;
ALTER TABLE hubs DROP COLUMN name_en;
