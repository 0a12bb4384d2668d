-- Outgoing email: the transactional outbox. A row is written in the same transaction as the
-- change it tells of; a worker renders and sends it. What it says is rendered when sent
-- (current facts), what changed is kept in params (JSON) from the moment of the change.
CREATE TABLE mail_batches (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    total INTEGER NOT NULL,
    filter TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE outbox (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    -- Whom it tells: a guest (history per guest), a hotel, a dining point or an inspector.
    guest_id BIGINT,
    recipient_kind TEXT NOT NULL,
    recipient_id BIGINT NOT NULL,
    recipient TEXT NOT NULL,
    -- What it is about (pass id, plan id, day…) and what changed.
    ref_id TEXT NOT NULL,
    params TEXT NOT NULL,
    batch_id BIGINT REFERENCES mail_batches(id),
    -- Lists sent on a schedule are queued once, whichever instance gets there first.
    dedupe_key TEXT UNIQUE,
    -- queued → claimed (by a worker) → sending → sent | queued (retry) | failed; or cancelled.
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_by TEXT,
    claimed_at TIMESTAMP,
    subject TEXT,
    last_error TEXT,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
CREATE INDEX outbox_guest ON outbox(guest_id);
CREATE INDEX outbox_batch ON outbox(batch_id);

ALTER TABLE dining_points ADD COLUMN email TEXT;
ALTER TABLE inspectors ADD COLUMN email TEXT;

-- Who a guest is told to look for at the airport: a greeter's name and phone.
ALTER TABLE users ADD COLUMN display_name TEXT;
ALTER TABLE users ADD COLUMN phone TEXT;
