DROP TABLE live_events;
DROP TABLE run_guests;
DROP TABLE runs;
DROP TABLE vehicles;
DROP TABLE pickup_events;
DROP TABLE pickups;
DROP TABLE trips;
DROP TABLE hub_travel;
ALTER TABLE hubs DROP COLUMN meeting_point;
