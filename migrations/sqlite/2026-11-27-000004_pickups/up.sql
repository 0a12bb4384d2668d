-- Where greeters stand at a hub, and how far each hotel is.
ALTER TABLE hubs ADD COLUMN meeting_point TEXT;

CREATE TABLE hub_travel (
    hub_id BIGINT NOT NULL REFERENCES hubs(id) ON DELETE CASCADE,
    hotel_id BIGINT NOT NULL REFERENCES hotels(id) ON DELETE CASCADE,
    minutes INTEGER NOT NULL,
    PRIMARY KEY (hub_id, hotel_id)
);

-- A flight or train on a day, as updates leave it: one row moves every guest on it.
CREATE TABLE trips (
    id INTEGER PRIMARY KEY,
    hub_id BIGINT NOT NULL REFERENCES hubs(id) ON DELETE CASCADE,
    number TEXT NOT NULL,
    service_date DATE NOT NULL,
    direction TEXT NOT NULL,
    expected_at TIMESTAMP,
    status TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL,
    UNIQUE (hub_id, number, service_date, direction)
);

-- A guest's pickup (arrival) or drop-off (departure) step, and every step taken.
CREATE TABLE pickups (
    guest_id BIGINT NOT NULL REFERENCES guests(id) ON DELETE CASCADE,
    direction TEXT NOT NULL,
    status TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (guest_id, direction)
);

CREATE TABLE pickup_events (
    id INTEGER PRIMARY KEY,
    guest_id BIGINT NOT NULL REFERENCES guests(id) ON DELETE CASCADE,
    direction TEXT NOT NULL,
    status TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    by_user TEXT NOT NULL
);
CREATE INDEX pickup_events_guest ON pickup_events(guest_id);

-- The transport department's pool cars.
CREATE TABLE vehicles (
    id INTEGER PRIMARY KEY,
    plate TEXT NOT NULL UNIQUE,
    seats INTEGER NOT NULL,
    vehicle_type TEXT NOT NULL,
    driver_name TEXT,
    driver_phone TEXT,
    available_from TIMESTAMP,
    available_to TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);

-- A car's trip between a hub and a hotel with the guests it carries.
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    hub_id BIGINT NOT NULL REFERENCES hubs(id) ON DELETE CASCADE,
    direction TEXT NOT NULL,
    service_date DATE NOT NULL,
    hotel_id BIGINT REFERENCES hotels(id) ON DELETE SET NULL,
    vehicle_id BIGINT REFERENCES vehicles(id) ON DELETE SET NULL,
    greeter TEXT,
    depart_at TIMESTAMP NOT NULL,
    status TEXT NOT NULL,
    locked BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX runs_hub_day ON runs(hub_id, service_date, direction);

CREATE TABLE run_guests (
    run_id BIGINT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    guest_id BIGINT NOT NULL REFERENCES guests(id) ON DELETE CASCADE,
    direction TEXT NOT NULL,
    PRIMARY KEY (guest_id, direction)
);
CREATE INDEX run_guests_run ON run_guests(run_id);

-- Every change a board must hear of; each instance tails this table and pushes to its boards.
CREATE TABLE live_events (
    id INTEGER PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    hub_id BIGINT,
    kind TEXT NOT NULL,
    ref_id TEXT NOT NULL
);
