-- Signing keys: rows, so several instances share them. The secret is kept as hex.
CREATE TABLE signing_keys (
    id BIGSERIAL PRIMARY KEY,
    key_id INTEGER NOT NULL UNIQUE,
    public_key TEXT NOT NULL,
    secret_key TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    retired_at TIMESTAMP
);

-- Access zones the event defines; `bit` is the zone's place in a token's bitmask.
CREATE TABLE zones (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL,
    color TEXT NOT NULL,
    bit INTEGER NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);

-- Ceremonies, banquets and other large sessions.
CREATE TABLE event_sessions (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    gates TEXT NOT NULL,
    allow_reentry BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Every pass: credential, vehicle pass, admission.
CREATE TABLE passes (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    serial INTEGER NOT NULL,
    status TEXT NOT NULL,
    guest_id BIGINT REFERENCES guests(id) ON DELETE CASCADE,
    zones TEXT NOT NULL,
    valid_from DATE NOT NULL,
    valid_to DATE NOT NULL,
    plate TEXT,
    stream TEXT,
    vehicle_type TEXT,
    driver_name TEXT,
    driver_phone TEXT,
    session_id BIGINT REFERENCES event_sessions(id),
    section TEXT,
    seat TEXT,
    invitee_name TEXT,
    invitee_org TEXT,
    token TEXT,
    key_id INTEGER,
    revoked_reason TEXT,
    revoked_note TEXT,
    issued_at TIMESTAMP,
    printed_at TIMESTAMP,
    collected_at TIMESTAMP,
    revoked_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX passes_guest ON passes(guest_id);
CREATE INDEX passes_kind_status ON passes(kind, status);
CREATE INDEX passes_session ON passes(session_id);

-- The revocation feed scanners poll: its id is the cursor.
CREATE TABLE pass_revocations (
    id BIGSERIAL PRIMARY KEY,
    pass_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    min_serial INTEGER NOT NULL,
    revoked BOOLEAN NOT NULL,
    at TIMESTAMP NOT NULL
);

-- Where passes are scanned.
CREATE TABLE scan_points (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    zone TEXT,
    session_id BIGINT REFERENCES event_sessions(id),
    target TEXT,
    created_at TIMESTAMP NOT NULL
);

-- Every scan, append-only. The response is kept so a retried nonce gets the same answer.
CREATE TABLE scans (
    id BIGSERIAL PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    point_id BIGINT NOT NULL REFERENCES scan_points(id),
    user_id BIGINT NOT NULL,
    device TEXT,
    nonce TEXT,
    pass_id BIGINT,
    serial INTEGER,
    verdict TEXT NOT NULL,
    reason TEXT,
    response TEXT NOT NULL
);
CREATE UNIQUE INDEX scans_nonce ON scans(user_id, nonce);
CREATE INDEX scans_point_at ON scans(point_id, at);
CREATE INDEX scans_at ON scans(at);

-- One entry per admission per session: the unique key makes "already used" exact.
CREATE TABLE pass_uses (
    id BIGSERIAL PRIMARY KEY,
    pass_id BIGINT NOT NULL,
    session_id BIGINT NOT NULL,
    scan_id BIGINT NOT NULL,
    at TIMESTAMP NOT NULL,
    UNIQUE (pass_id, session_id)
);
