DROP INDEX incidents_status;
DROP INDEX stays_status;
DROP INDEX guests_departure_at;
DROP INDEX guests_arrival_at;
