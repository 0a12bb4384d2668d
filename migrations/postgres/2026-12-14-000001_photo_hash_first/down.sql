-- Nothing to do on PostgreSQL: it keeps a large value out of the row (TOAST), so reading the
-- photo's hash never reads the photo. (SQLite reorders the columns in this migration.)
SELECT 1;
