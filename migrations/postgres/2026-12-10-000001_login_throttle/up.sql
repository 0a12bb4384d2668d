-- Sign-in throttling, shared by every instance: failures by source ("ip:<address>") and by
-- account name ("user:<name>", known or not), and the sources each account signed in from
-- lately ("ok:<user id>:<address>"; updated_at is the last success).
CREATE TABLE login_throttle (
    throttle_key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL DEFAULT 0,
    locked_until TIMESTAMP,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX login_throttle_updated ON login_throttle(updated_at);
