-- A guest who withdraws stays on record, marked, and can be restored; their passes are
-- revoked (and listed as revoked), their room, rides and meals released.
ALTER TABLE guests ADD COLUMN withdrawn_at TIMESTAMP;
ALTER TABLE guests ADD COLUMN withdrawn_reason TEXT;

-- The zones each guest category's credential opens: a change of category reissues the card
-- when its zones differ.
CREATE TABLE credential_zones (
    category TEXT PRIMARY KEY,
    zones TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
