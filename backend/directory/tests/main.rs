//! The directory's rules, on the engine named by `OSPREY_TEST_BACKEND`. Every front end
//! (REST API, CLI, first start) reaches these rules through the same methods.

mod accounts;
mod activity;
mod aliases;
mod audit;
mod authenticate;
mod domains;
mod support;
