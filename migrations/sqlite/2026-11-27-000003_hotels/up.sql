-- Guests who need an accessible room.
ALTER TABLE guests ADD COLUMN accessible BOOLEAN NOT NULL DEFAULT FALSE;

-- Designated hotels. `categories` is a comma list of the guest categories the hotel serves.
-- An exclusive hotel takes no other guests without reception's permission (see releases).
CREATE TABLE hotels (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    contact_name TEXT,
    contact_phone TEXT,
    email TEXT,
    categories TEXT NOT NULL,
    halal BOOLEAN NOT NULL,
    venue_minutes INTEGER NOT NULL,
    exclusive BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Rooms held for the event: a room type over nights [nights_from, nights_to).
CREATE TABLE room_blocks (
    id INTEGER PRIMARY KEY,
    hotel_id BIGINT NOT NULL REFERENCES hotels(id) ON DELETE CASCADE,
    room_type TEXT NOT NULL,
    nights_from DATE NOT NULL,
    nights_to DATE NOT NULL,
    rooms INTEGER NOT NULL,
    rate_cents BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX room_blocks_hotel ON room_blocks(hotel_id);

-- A hotel asks to release held rooms; the block shrinks only when reception grants it.
CREATE TABLE room_releases (
    id INTEGER PRIMARY KEY,
    hotel_id BIGINT NOT NULL REFERENCES hotels(id) ON DELETE CASCADE,
    room_type TEXT NOT NULL,
    nights_from DATE NOT NULL,
    nights_to DATE NOT NULL,
    rooms INTEGER NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    decided_by TEXT,
    comment TEXT,
    created_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP
);
CREATE INDEX room_releases_hotel ON room_releases(hotel_id, status);

-- Per guest category: which hotels and room types, and who may share a twin.
CREATE TABLE lodging_policies (
    category TEXT PRIMARY KEY,
    hotels TEXT NOT NULL,
    room_types TEXT NOT NULL,
    shared BOOLEAN NOT NULL,
    share_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Allocation plans: draft → submitted → published (or returned to reception). Every
-- publication supersedes the previous one; `revision` counts publications.
CREATE TABLE allocation_plans (
    id INTEGER PRIMARY KEY,
    revision INTEGER NOT NULL,
    status TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    submitted_at TIMESTAMP,
    decided_by TEXT,
    decided_at TIMESTAMP,
    comment TEXT,
    penalty TEXT NOT NULL,
    baseline_penalty TEXT NOT NULL,
    unplaced TEXT NOT NULL
);

-- Who sleeps where in a plan. Guests with the same `room` share it.
CREATE TABLE plan_assignments (
    plan_id BIGINT NOT NULL REFERENCES allocation_plans(id) ON DELETE CASCADE,
    guest_id BIGINT NOT NULL REFERENCES guests(id) ON DELETE CASCADE,
    hotel_id BIGINT NOT NULL REFERENCES hotels(id),
    room_type TEXT NOT NULL,
    room INTEGER NOT NULL,
    nights_from DATE NOT NULL,
    nights_to DATE NOT NULL,
    locked BOOLEAN NOT NULL,
    why TEXT NOT NULL,
    PRIMARY KEY (plan_id, guest_id)
);
CREATE INDEX plan_assignments_hotel ON plan_assignments(plan_id, hotel_id);

-- A hotel's acknowledgement of a published revision.
CREATE TABLE hotel_acks (
    hotel_id BIGINT NOT NULL REFERENCES hotels(id) ON DELETE CASCADE,
    plan_id BIGINT NOT NULL REFERENCES allocation_plans(id) ON DELETE CASCADE,
    acknowledged_by TEXT NOT NULL,
    acknowledged_at TIMESTAMP NOT NULL,
    PRIMARY KEY (hotel_id, plan_id)
);

-- The booking a hotel desk works with: made from the published plan, then checked in,
-- extended or shortened, checked out. `room_group` ties roommates together.
CREATE TABLE stays (
    guest_id BIGINT PRIMARY KEY REFERENCES guests(id) ON DELETE CASCADE,
    hotel_id BIGINT NOT NULL REFERENCES hotels(id),
    room_type TEXT NOT NULL,
    room_group BIGINT NOT NULL,
    room_no TEXT,
    nights_from DATE NOT NULL,
    nights_to DATE NOT NULL,
    status TEXT NOT NULL,
    checked_in_at TIMESTAMP,
    checked_out_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX stays_hotel ON stays(hotel_id, nights_from);
