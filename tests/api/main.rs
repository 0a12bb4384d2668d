#![allow(clippy::expect_used, clippy::unwrap_used)] // test code: a panic is a failed test
//! The API tests: one binary (a link per test binary is slow on two cores), one module per
//! part of the API. Each scenario runs on SQLite and, with `TEST_DATABASE_URL`, PostgreSQL.

mod common;

mod arrangements;
mod arrangements_property;
mod auth;
mod browser;
mod browser_arrangements;
mod browser_canteen;
mod browser_checkpoint;
mod browser_greeter;
mod browser_hotels;
mod browser_inspector;
mod browser_mail;
mod browser_offline;
mod browser_places;
mod browser_search;
mod browser_summary;
mod browser_today;
mod browser_users;
mod demo;
mod edge;
mod field;
mod guests;
mod hotels;
mod hygiene;
mod import;
mod instances;
mod kill;
mod mail;
mod meals;
mod migrations;
mod passes;
mod photos;
mod pickups;
mod roles;
mod search;
mod smtp_sink;
mod summary;
mod today;
