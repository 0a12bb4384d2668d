-- Reception's "today at a glance" counts arrivals and departures in a time window (any hub)
-- and the stays still to check in: indexes that serve those range filters.
CREATE INDEX guests_arrival_at ON guests(arrival_at);
CREATE INDEX guests_departure_at ON guests(departure_at);
CREATE INDEX stays_status ON stays(status, nights_from);
CREATE INDEX incidents_status ON incidents(status);
