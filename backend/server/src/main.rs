//! `osprey`: the Osprey mail and calendar server.
//!
//! This crate is wiring: it reads the configuration, opens the store, builds the services
//! and front ends from the library crates and runs them, and offers the administration
//! CLI. It also composes the HTTP application (`http`): the REST router, the web app it
//! carries, and the middleware they share. Behaviour lives in the library crates.

mod account_import;
mod ads;
mod audit;
mod cli;
mod commands;
mod config;
mod data_dir;
mod files;
mod http;
mod lists;
mod live_settings;
mod look;
mod outbound;
mod senders;
mod serve;
mod settings;
mod stats;
mod tls;
mod transport;

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("osprey: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(cli::run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("osprey: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
