//! The command line: `osprey serve`, `osprey openapi` and the administration commands.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::{
    ads, audit, commands, config::Config, data_dir, lists, look, senders, serve, settings, stats,
    transport,
};

/// Osprey: mail (SMTP, IMAP, POP3), calendars and their web app, in one server.
#[derive(Debug, Parser)]
#[command(name = "osprey", version, about)]
pub struct Cli {
    /// The configuration file (TOML). Without it, defaults and OSPREY_* variables apply.
    #[arg(long, short, global = true, env = "OSPREY_CONFIG")]
    pub config: Option<PathBuf>,
    /// Creates the data directory and the database when they are missing. `serve` always
    /// does; other commands otherwise refuse to run without them.
    #[arg(long, global = true)]
    pub init: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Runs the server until SIGINT or SIGTERM.
    Serve,
    /// Prints the OpenAPI document of the REST API.
    Openapi,
    /// Manages domains (virtual hosts).
    #[command(subcommand)]
    Domain(DomainCmd),
    /// Manages accounts.
    #[command(subcommand)]
    User(UserCmd),
    /// Manages aliases.
    #[command(subcommand)]
    Alias(AliasCmd),
    /// Manages mailing lists and their members.
    #[command(subcommand)]
    List(ListCmd),
    /// Manages access control: IP rules and the kill file.
    #[command(subcommand)]
    Access(AccessCmd),
    /// Shows, sets and tests the relay policy.
    #[command(subcommand)]
    Relay(RelayCmd),
    /// Lists and manages the outbound queue.
    #[command(subcommand)]
    Queue(QueueCmd),
    /// Reads the audit log of administrative changes, or sets how long it keeps them.
    #[command(subcommand)]
    Audit(AuditCmd),
    /// Shows or changes the server settings administrators change while it runs
    /// (a running server applies a change within 30 seconds).
    #[command(subcommand)]
    Settings(SettingsCmd),
    /// Runs banner ad campaigns on the web pages.
    #[command(subcommand)]
    Ad(AdCmd),
    /// Shows or changes the look of the pages (the server's, or a domain's with
    /// --domain): product name, colours, sign-in texts, footer, custom CSS, logo, favicon.
    #[command(subcommand)]
    Look(LookCmd),
    /// Prints the dashboard's figures: messages, sign-ins, the queue and sessions per
    /// hour (or day), storage per domain, the largest mailboxes, top senders and
    /// refused addresses.
    Stats {
        /// `24h` (a line per hour) or `30d` (a line per day).
        #[arg(long, default_value = "24h", value_parser = ["24h", "30d"])]
        range: String,
        /// The REST API's object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Shows, or names, the account that receives mail for postmaster at every local
    /// domain (by default the first server administrator).
    Postmaster {
        /// The account's address.
        address: Option<String>,
    },
    /// Delivers a message read from standard input to local accounts (a local delivery
    /// agent, for scripts and other MTAs).
    Deliver {
        /// A recipient account (repeatable).
        #[arg(long = "to", required = true)]
        to: Vec<String>,
        /// The mailbox to deliver to.
        #[arg(long, default_value = "INBOX")]
        mailbox: String,
        /// The largest message accepted, in bytes (an import of old mail may need more).
        #[arg(long, default_value_t = 64 * 1024 * 1024)]
        max_size: u64,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCmd {
    /// Prints changes, newest first, each with the fields it changed.
    Show {
        /// Only changes whose actor, IP address, action or target hold every word.
        #[arg(long)]
        search: Option<String>,
        /// Only actions starting with this (`account.` or `account.update`).
        #[arg(long)]
        action: Option<String>,
        /// How many changes (1 to 500).
        #[arg(long, default_value_t = 50)]
        limit: u32,
        /// One JSON object per line instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Shows, or sets, the days the log keeps its entries (1 to 3650).
    Retention { days: Option<u32> },
}

#[derive(Debug, Subcommand)]
pub enum AdCmd {
    /// Starts a campaign; prints its id.
    Add {
        /// Its name, for administrators.
        name: String,
        /// What the ad says (plain text).
        #[arg(long)]
        text: String,
        /// Where a click leads (https:// or http://).
        #[arg(long)]
        link: String,
        /// A page to show it on: webmail, calendar or login (repeatable).
        #[arg(long = "target", required = true)]
        targets: Vec<String>,
        /// The domain whose pages show it; without it, every domain's.
        #[arg(long)]
        domain: Option<String>,
        /// How often it shows against the others (1 to 1000).
        #[arg(long)]
        weight: Option<u32>,
        /// The first day it shows (YYYY-MM-DD).
        #[arg(long)]
        starts: Option<String>,
        /// The last day it shows (YYYY-MM-DD), whole.
        #[arg(long)]
        ends: Option<String>,
    },
    /// Lists campaigns with what each showed and was clicked.
    List {
        /// A JSON array of the REST API's objects instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Ends a campaign.
    Remove { id: String },
    /// Sets a campaign's image (PNG, JPEG, GIF or WebP, at most 256 KiB), or removes it.
    Image {
        id: String,
        file: Option<std::path::PathBuf>,
        #[arg(long)]
        remove: bool,
    },
    /// Prints a campaign's counts per day.
    Stats {
        id: String,
        #[arg(long, default_value_t = 30)]
        days: u32,
    },
    /// Spares an account the ads (or, with --remove, shows it ads again).
    Exempt {
        address: String,
        #[arg(long)]
        remove: bool,
    },
    /// Turns ads off (--off) or on again for a domain's pages.
    Domain {
        name: String,
        #[arg(long)]
        off: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum LookCmd {
    /// Prints a look: what it sets and what it inherits.
    Show {
        /// A domain's look; without it, the server's.
        #[arg(long)]
        domain: Option<String>,
        /// The REST API's object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Changes the fields named (an empty value unsets one: it is inherited again).
    Set {
        #[arg(long)]
        domain: Option<String>,
        #[arg(long)]
        product_name: Option<String>,
        /// `#rrggbb`.
        #[arg(long)]
        accent_color: Option<String>,
        /// The bar at the top of the pages: `#rrggbb`.
        #[arg(long)]
        header_color: Option<String>,
        #[arg(long)]
        login_title: Option<String>,
        #[arg(long)]
        login_text: Option<String>,
        #[arg(long)]
        footer: Option<String>,
        /// A file of custom CSS (an empty file unsets it).
        #[arg(long)]
        css_file: Option<std::path::PathBuf>,
    },
    /// Sets the logo or the favicon (`logo` or `favicon`) from a file, or removes it.
    Image {
        #[arg(value_parser = ["logo", "favicon"])]
        kind: String,
        file: Option<std::path::PathBuf>,
        #[arg(long)]
        domain: Option<String>,
        #[arg(long)]
        remove: bool,
    },
    /// Forgets a look, images and all: its pages show the inherited one.
    Reset {
        #[arg(long)]
        domain: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum SettingsCmd {
    /// Prints every setting: its value, and whether it is set or the configuration
    /// file's; then those that need a restart.
    Show {
        /// The REST API's settings object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Sets a setting: a number, true or false, a name, or a comma-separated list
    /// (`osprey settings set retry_intervals_secs 60,600,3600`).
    Set { name: String, value: String },
    /// Returns settings to the configuration file's values.
    Reset {
        #[arg(required = true)]
        names: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum DomainCmd {
    /// Adds a domain.
    Add {
        name: String,
        /// Another name for the same domain (repeatable).
        #[arg(long = "alias")]
        aliases: Vec<String>,
        /// Most accounts the domain may hold.
        #[arg(long)]
        max_accounts: Option<u32>,
        /// Most aliases the domain may hold.
        #[arg(long)]
        max_aliases: Option<u32>,
        /// The largest quota an account may have, in bytes.
        #[arg(long)]
        max_quota: Option<u64>,
    },
    /// Lists domains.
    List {
        /// `name` (by name) or `newest` (the newest first).
        #[arg(long, default_value = "name", value_parser = ["name", "newest"])]
        sort: String,
        /// A JSON array of the REST API's domain objects instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Removes a domain that has no accounts.
    Remove { name: String },
    /// Prints the DNS TXT record of the domain's DKIM key (made if missing).
    Dkim {
        name: String,
        /// Make a new key under a new selector first.
        #[arg(long)]
        rotate: bool,
    },
    /// Prints the DNS records the domain publishes for this server, as zone-file lines;
    /// with --check, what the DNS answers for each.
    Dns {
        name: String,
        /// Look each record up (through dns_servers, else the system's resolver).
        #[arg(long)]
        check: bool,
        /// The records as JSON (the REST API's shape) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Lists the domain's administrators; makes existing accounts administrators of it
    /// (--add) or withdraws it from them (--remove; one left without a domain becomes a
    /// plain user).
    Admins {
        name: String,
        /// An account to make an administrator of the domain (repeatable).
        #[arg(long)]
        add: Vec<String>,
        /// An administrator to withdraw the domain from (repeatable).
        #[arg(long)]
        remove: Vec<String>,
        /// A JSON array of the REST API's account objects instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct PasswordArgs {
    /// The password. Prefer --password-stdin: arguments are visible to other users.
    #[arg(long, env = "OSPREY_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
    /// Reads the password from the first line of standard input.
    #[arg(long, conflicts_with = "password")]
    pub password_stdin: bool,
}

#[derive(Debug, Subcommand)]
pub enum UserCmd {
    /// Adds an account; without a password one is generated and printed.
    Add {
        address: String,
        #[command(flatten)]
        password: PasswordArgs,
        /// admin, domain_admin or user.
        #[arg(long, default_value = "user")]
        role: String,
        #[arg(long, default_value = "")]
        display_name: String,
        /// Storage quota in bytes.
        #[arg(long)]
        quota: Option<u64>,
        /// For a domain_admin: a domain it manages (repeatable).
        #[arg(long = "manages")]
        manages: Vec<String>,
        /// The owner must choose a new password at the first sign-in (in the web app;
        /// mail clients are refused until then).
        #[arg(long)]
        must_change_password: bool,
    },
    /// Lists accounts.
    List {
        /// Only this domain's accounts.
        #[arg(long)]
        domain: Option<String>,
        /// `address`, `newest` (the newest first) or `largest` (the most mail first).
        #[arg(long, default_value = "address", value_parser = ["address", "newest", "largest"])]
        sort: String,
        /// A JSON array of the REST API's account objects instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Creates user accounts from a CSV file ("-": standard input), a line each:
    /// `address[,display name[,password[,quota in MiB]]]`, or columns named by a first
    /// line (`address,name,password,quota_mib`). Prints the passwords it drew
    /// for lines without one. A bad line stops the import before it creates anything,
    /// unless --skip-invalid.
    Import {
        file: String,
        /// Check every line and say what would happen; create nothing.
        #[arg(long)]
        dry_run: bool,
        /// Create the good lines' accounts even when other lines are bad.
        #[arg(long)]
        skip_invalid: bool,
    },
    /// Prints an account's mail figures: each folder's messages, unread ones and size,
    /// the totals against its quota, and what arrived in the last day, week and month.
    Stats {
        address: String,
        #[arg(long)]
        json: bool,
    },
    /// Prints the accounts (of one domain) as CSV:
    /// `address,name,role,quota_mib,used_bytes,enabled,pop3_mode,created`.
    Export {
        #[arg(long)]
        domain: Option<String>,
    },
    /// Sets an account's password; without one, one is generated and printed.
    Passwd {
        address: String,
        #[command(flatten)]
        password: PasswordArgs,
        /// The owner must choose another password at the next sign-in.
        #[arg(long)]
        must_change_password: bool,
    },
    /// Removes an account with its mail.
    Remove { address: String },
    /// Lists, grants or withdraws the addresses an account may send as besides its own
    /// and the aliases that deliver to it (`local@domain`, or `@domain` for all).
    SendAs {
        address: String,
        /// An address to grant (repeatable).
        #[arg(long)]
        grant: Vec<String>,
        /// An address to withdraw (repeatable).
        #[arg(long)]
        revoke: Vec<String>,
    },
    /// Shows or sets what POP3 does with downloaded mail.
    Pop3 {
        address: String,
        /// offline (DELE removes mail), keep (DELE is ignored) or trash (DELE moves to Trash).
        #[arg(long)]
        mode: Option<String>,
        /// Days after which mail downloaded by POP3 is removed (1-3650), or "none".
        #[arg(long)]
        retention_days: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AccessCmd {
    /// IP allow/deny rules, tried in order; the first match decides.
    #[command(subcommand)]
    Ip(IpCmd),
    /// The kill file: refused senders, sender domains and hosts.
    #[command(subcommand)]
    Kill(KillCmd),
}

#[derive(Debug, Subcommand)]
pub enum IpCmd {
    /// Adds a rule after the existing ones: ACTION is allow or deny.
    Add {
        action: String,
        /// An address or CIDR network, IPv4 or IPv6.
        network: String,
        /// Only for this listener: smtp, submission or submissions.
        #[arg(long)]
        listener: Option<String>,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Lists the rules in order, with their hits.
    List {
        /// A JSON array of the REST API's IP rules instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Moves a rule to POSITION (1 is tried first; past the end is last).
    Move { id: String, position: i64 },
    /// Removes a rule by id.
    Remove { id: String },
}

#[derive(Debug, Subcommand)]
pub enum KillCmd {
    /// Adds an entry: KIND is address, domain or host.
    Add {
        kind: String,
        value: String,
        /// Only for recipients in this local domain (refused at RCPT TO).
        #[arg(long)]
        domain: Option<String>,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Lists the entries with their hits.
    List {
        /// A JSON array of the REST API's kill-file entries instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Removes an entry by id.
    Remove { id: String },
}

#[derive(Debug, Subcommand)]
pub enum RelayCmd {
    /// Prints the relay mode and its lists.
    Show {
        /// The REST API's relay policy object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Replaces the relay policy: MODE is local-hosts, local-users, listed-addresses or
    /// no-relay.
    Set {
        mode: String,
        /// A local network for local-hosts (repeatable, CIDR).
        #[arg(long = "network")]
        networks: Vec<String>,
        /// A destination domain or address for listed-addresses (repeatable).
        #[arg(long = "destination")]
        destinations: Vec<String>,
    },
    /// Answers whether a recipient would be accepted from a client, and why.
    Check {
        /// The client's IP address.
        #[arg(long)]
        ip: String,
        /// The client has authenticated as a local user.
        #[arg(long)]
        authenticated: bool,
        /// The recipient address.
        recipient: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum QueueCmd {
    /// Lists queued messages, newest first.
    List {
        /// Only with a recipient in this state: pending, delivered or failed.
        #[arg(long)]
        state: Option<String>,
        /// Only with a recipient in this domain.
        #[arg(long)]
        domain: Option<String>,
        /// Only from this envelope sender.
        #[arg(long)]
        sender: Option<String>,
        /// A JSON array of the REST API's queued messages instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Shows a queued message with each recipient's state and last error.
    Show {
        id: String,
        /// The REST API's queued message object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Makes every pending recipient of a message due now.
    Retry { id: String },
    /// Returns every pending recipient of a message to its sender undelivered, now (the
    /// sender gets a failure report).
    Bounce { id: String },
    /// Removes a message from the queue without notifying anyone.
    Delete { id: String },
}

#[derive(Debug, Subcommand)]
pub enum AliasCmd {
    /// Adds an alias: ADDRESS (or @domain for a catch-all) delivers to TARGETS.
    Add {
        address: String,
        #[arg(required = true)]
        targets: Vec<String>,
    },
    /// Lists aliases.
    List {
        #[arg(long)]
        domain: Option<String>,
        /// `name` (by name) or `newest` (the newest first).
        #[arg(long, default_value = "name", value_parser = ["name", "newest"])]
        sort: String,
        /// A JSON array of the REST API's alias objects instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Removes an alias.
    Remove { address: String },
}

#[derive(Debug, Subcommand)]
pub enum ListCmd {
    /// Makes a mailing list at ADDRESS (its companions -request, -owner, -bounces,
    /// -subscribe and -unsubscribe too).
    Add {
        address: String,
        /// The list's name.
        #[arg(long)]
        name: String,
        /// Who may post: anyone, members (the default) or announce (owners only).
        #[arg(long, default_value = "members")]
        posting: String,
        /// An owner's address (repeatable).
        #[arg(long = "owner")]
        owners: Vec<String>,
        /// Bounces (on different days) that pause a member's delivery.
        #[arg(long, default_value_t = osprey_lists::settings::DEFAULT_BOUNCE_THRESHOLD)]
        bounce_threshold: u32,
        /// Who may read the archive: members (the default), public or off.
        #[arg(long, default_value = "members")]
        archive: String,
        /// Posts that make a digest go out (else it goes a day after its oldest).
        #[arg(long, default_value_t = osprey_lists::settings::DEFAULT_DIGEST_POSTS)]
        digest_posts: u32,
    },
    /// Lists mailing lists.
    Ls {
        #[arg(long)]
        domain: Option<String>,
        /// `name` (by address) or `newest` (the newest first).
        #[arg(long, default_value = "name", value_parser = ["name", "newest"])]
        sort: String,
        /// A JSON array of the REST API's list objects instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Deletes a list and its members.
    Remove { address: String },
    /// Lists a list's members.
    Members {
        address: String,
        /// A JSON array of the REST API's member objects instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Adds MEMBER to the list at ADDRESS.
    Subscribe {
        address: String,
        member: String,
        /// The member gets no mail (but may post to a members-only list); the same as
        /// `--mode nomail`.
        #[arg(long)]
        nomail: bool,
        /// How the member gets posts: each (the default), digest, digest_plain or nomail.
        #[arg(long)]
        mode: Option<String>,
    },
    /// Removes MEMBER from the list at ADDRESS.
    Unsubscribe { address: String, member: String },
    /// Adds the members of a CSV file (`address[,name[,mode]]` a line; `-` reads standard
    /// input) to the list at ADDRESS; bad lines are reported and skipped.
    Import {
        address: String,
        file: String,
        /// Only check the file and say what an import would do.
        #[arg(long)]
        dry_run: bool,
    },
    /// Writes the list's members as CSV to standard output.
    Export { address: String },
    /// Writes the list's archive as an mbox file (mboxrd) to standard output.
    Archive { address: String },
    /// Prints the list's last days: posts, joins, departures, bounces, members.
    Stats {
        address: String,
        /// How many days, today included (1 to 366).
        #[arg(long, default_value_t = 30)]
        days: u32,
    },
}

/// Runs a parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    if let Command::Openapi = cli.command {
        let doc = osprey_api::openapi().to_pretty_json()?;
        println!("{doc}");
        return Ok(());
    }
    let config = Config::load(cli.config.as_deref(), |k| std::env::var(k).ok())?;
    if let Command::Serve = cli.command {
        return serve::serve(config).await;
    }
    if cli.init {
        data_dir::create(&config)?;
    } else {
        // `deliver` writes message files into the data directory.
        data_dir::require(&config, matches!(cli.command, Command::Deliver { .. }))?;
    }
    match cli.command {
        Command::Serve => unreachable!("handled above"),
        Command::Openapi => unreachable!("handled above"),
        Command::Domain(cmd) => commands::domain(&config, cmd).await,
        Command::User(cmd) => commands::user(&config, cmd).await,
        Command::Alias(cmd) => commands::alias(&config, cmd).await,
        Command::List(cmd) => lists::run(&config, cmd).await,
        Command::Access(cmd) => commands::access(&config, cmd).await,
        Command::Relay(cmd) => transport::relay(&config, cmd).await,
        Command::Queue(cmd) => transport::queue(&config, cmd).await,
        Command::Audit(cmd) => audit::run(&config, cmd).await,
        Command::Settings(cmd) => settings::run(&config, cmd).await,
        Command::Stats { range, json } => stats::run(&config, &range, json).await,
        Command::Ad(cmd) => ads::run(&config, cmd).await,
        Command::Look(cmd) => look::run(&config, cmd).await,
        Command::Postmaster { address } => senders::postmaster(&config, address.as_deref()).await,
        Command::Deliver {
            to,
            mailbox,
            max_size,
        } => commands::deliver(&config, &to, &mailbox, max_size).await,
    }
}
