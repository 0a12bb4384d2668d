-- Food hygiene inspectors of the health bureau.
CREATE TABLE inspectors (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    unit TEXT NOT NULL,
    phone TEXT,
    certificate_no TEXT NOT NULL,
    languages TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Roster rules (key → integer): max_minutes_per_day, min_rest_minutes, travel_minutes,
-- lead_minutes (raw food arrives this long before a service).
CREATE TABLE hygiene_settings (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);

-- An inspector on duty at a dining point.
CREATE TABLE inspector_shifts (
    id INTEGER PRIMARY KEY,
    inspector_id BIGINT NOT NULL REFERENCES inspectors(id) ON DELETE CASCADE,
    point_id BIGINT NOT NULL REFERENCES dining_points(id) ON DELETE CASCADE,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX inspector_shifts_time ON inspector_shifts(starts_at);
CREATE INDEX inspector_shifts_inspector ON inspector_shifts(inspector_id, starts_at);

-- What an inspector checked at a point: the checklist as JSON.
CREATE TABLE inspections (
    id INTEGER PRIMARY KEY,
    inspector_id BIGINT NOT NULL REFERENCES inspectors(id) ON DELETE CASCADE,
    point_id BIGINT NOT NULL REFERENCES dining_points(id) ON DELETE CASCADE,
    day DATE NOT NULL,
    arrived_at TIMESTAMP NOT NULL,
    items TEXT NOT NULL,
    failed INTEGER NOT NULL,
    note TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX inspections_point_day ON inspections(point_id, day);

-- A food safety incident and its follow-up, until closed.
CREATE TABLE incidents (
    id INTEGER PRIMARY KEY,
    point_id BIGINT NOT NULL REFERENCES dining_points(id) ON DELETE CASCADE,
    raised_by TEXT NOT NULL,
    kind TEXT NOT NULL,
    description TEXT NOT NULL,
    stops_service BOOLEAN NOT NULL,
    status TEXT NOT NULL,
    follow_up TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    closed_at TIMESTAMP
);

-- A photo of a checked item (450×600 JPEG without metadata).
CREATE TABLE inspection_photos (
    inspection_id BIGINT NOT NULL REFERENCES inspections(id) ON DELETE CASCADE,
    item TEXT NOT NULL,
    jpeg BLOB NOT NULL,
    PRIMARY KEY (inspection_id, item)
);
