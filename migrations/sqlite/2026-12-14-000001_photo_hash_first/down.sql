CREATE TABLE guest_photos_original (
    guest_id BIGINT PRIMARY KEY REFERENCES guests(id) ON DELETE CASCADE,
    jpeg BLOB NOT NULL,
    sha256 TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO guest_photos_original (guest_id, jpeg, sha256, updated_at)
    SELECT guest_id, jpeg, sha256, updated_at FROM guest_photos;
DROP TABLE guest_photos;
ALTER TABLE guest_photos_original RENAME TO guest_photos;
