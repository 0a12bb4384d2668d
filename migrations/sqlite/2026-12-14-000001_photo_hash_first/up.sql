-- The photo's hash before the photo: SQLite reads a row's columns in order, so reading the
-- hash (every scan of a guest's pass shows whether the photo matches) after a JPEG of tens
-- of kilobytes walked the JPEG's overflow pages each time. Same table, columns reordered.
CREATE TABLE guest_photos_reordered (
    guest_id BIGINT PRIMARY KEY REFERENCES guests(id) ON DELETE CASCADE,
    sha256 TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    jpeg BLOB NOT NULL
);
INSERT INTO guest_photos_reordered (guest_id, sha256, updated_at, jpeg)
    SELECT guest_id, sha256, updated_at, jpeg FROM guest_photos;
DROP TABLE guest_photos;
ALTER TABLE guest_photos_reordered RENAME TO guest_photos;
