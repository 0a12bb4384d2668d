-- Places named in a guest's own language: an English-speaking guest's itinerary names the
-- station, meeting point, hotel and dining point in English (none = the Chinese name).
ALTER TABLE hubs ADD COLUMN name_en TEXT;
ALTER TABLE hubs ADD COLUMN meeting_point_en TEXT;
ALTER TABLE hotels ADD COLUMN name_en TEXT;
ALTER TABLE hotels ADD COLUMN address_en TEXT;
ALTER TABLE dining_points ADD COLUMN name_en TEXT;
