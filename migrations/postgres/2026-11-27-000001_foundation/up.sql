-- Accounts, sessions and the audit log.
CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    scope TEXT,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE sessions (
    id BIGSERIAL PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    user_id BIGINT,
    username TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX audit_entity ON audit_log(entity, entity_id);

-- The guest registry.
CREATE TABLE departments (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE delegations (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE hubs (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE guests (
    id BIGSERIAL PRIMARY KEY,
    department_id BIGINT NOT NULL REFERENCES departments(id),
    ref_code TEXT NOT NULL,
    name TEXT NOT NULL,
    name_latin TEXT,
    category TEXT,
    gender TEXT,
    delegation_id BIGINT REFERENCES delegations(id),
    organization TEXT,
    id_type TEXT,
    id_number TEXT,
    phone TEXT,
    email TEXT,
    language TEXT NOT NULL,
    halal BOOLEAN NOT NULL,
    diet TEXT,
    arrival_mode TEXT,
    arrival_no TEXT,
    arrival_hub_id BIGINT REFERENCES hubs(id),
    arrival_at TIMESTAMP,
    departure_mode TEXT,
    departure_no TEXT,
    departure_hub_id BIGINT REFERENCES hubs(id),
    departure_at TIMESTAMP,
    stay_from DATE,
    stay_to DATE,
    notes TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (department_id, ref_code)
);
CREATE INDEX guests_delegation ON guests(delegation_id);
CREATE INDEX guests_arrival ON guests(arrival_hub_id, arrival_at);
CREATE INDEX guests_category ON guests(category);

CREATE TABLE guest_photos (
    guest_id BIGINT PRIMARY KEY REFERENCES guests(id) ON DELETE CASCADE,
    jpeg BYTEA NOT NULL,
    sha256 TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
