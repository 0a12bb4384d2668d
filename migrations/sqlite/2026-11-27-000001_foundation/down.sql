DROP TABLE guest_photos;
DROP TABLE guests;
DROP TABLE hubs;
DROP TABLE delegations;
DROP TABLE departments;
DROP TABLE audit_log;
DROP TABLE sessions;
DROP TABLE users;
