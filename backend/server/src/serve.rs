//! `osprey serve`: the embedded-mode start-up and the listeners.

use std::{net::SocketAddr, path::PathBuf, sync::Arc, time::Duration};

use anyhow::Context;
use osprey_api::{
    ApiSettings, AppState,
    auth::{JwtKeys, LoginThrottle, ThrottleLimits, install_crypto_provider},
};
use osprey_core::{Address, DomainName, Role};
use osprey_directory::{
    Actor, Authenticator, CacheSettings, Directory, DirectoryError, NewAccountRequest,
    NewDomainRequest,
};
use osprey_imap::ImapServer;
use osprey_managesieve::ManageSieveServer;
use osprey_net::{Shutdown, TlsAcceptor};
use osprey_pop3::Pop3Server;
use osprey_smtp::{Listener, SmtpServer};
use osprey_store::{
    ConnectSettings, Store, StoreError,
    blob::{BlobStore, FsBlobStore},
    redact,
};
use tokio::{net::TcpListener, task::JoinSet};

use crate::{config::Config, files, http::WebApp, live_settings, tls};

/// How often the lists' digests that are due by the day are looked for.
const DIGEST_TICK: Duration = Duration::from_secs(300);

/// Opens the store named by the configuration (a SQLite file is created when missing:
/// see `data_dir` for who may do that).
pub async fn open_store(config: &Config) -> anyhow::Result<Store> {
    let url = config.database_url();
    let settings = ConnectSettings {
        max_connections: config.database.max_connections,
        ..Default::default()
    };
    Store::connect(&url, &settings)
        .await
        .with_context(|| format!("cannot open the database {}", redact(&url)))
}

fn init_logging(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if config.log_format == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

/// The web app to serve: the directory `web_dir` names, or the one the binary carries.
fn web_app(config: &Config) -> WebApp {
    if config.web_dir.is_empty() {
        WebApp::Embedded
    } else {
        WebApp::Dir(PathBuf::from(&config.web_dir))
    }
}

/// The directory service over `store` (its password policy is the stored server
/// setting): the one place the CLI and the server make it.
pub fn directory(store: &Store) -> Directory {
    Directory::new(store.clone())
}

/// Creates the host's domain and its first server administrator when the server has
/// none, printing the password once if it was generated.
async fn bootstrap_admin(store: &Store, config: &Config) -> anyhow::Result<()> {
    if store
        .accounts()
        .count_accounts_with_role(Role::Admin)
        .await?
        > 0
    {
        return Ok(());
    }
    let directory = directory(store);
    let domain = DomainName::parse(&config.hostname)?;
    match store.domains().domain_by_name(domain.as_str()).await {
        Ok(_) => {}
        Err(StoreError::NotFound) => {
            directory
                .create_domain(
                    &Actor::Operator,
                    NewDomainRequest {
                        name: domain.as_str().to_owned(),
                        enabled: true,
                        ..Default::default()
                    },
                )
                .await?;
        }
        Err(e) => return Err(e.into()),
    }
    let address = Address::from_parts("admin", &domain)?;
    let (password, generated) = match std::env::var("OSPREY_ADMIN_PASSWORD") {
        Ok(p) if !p.is_empty() => (p, false),
        _ => (
            osprey_directory::generate_password(
                &address.to_string(),
                &osprey_core::PasswordPolicy::default(),
            ),
            true,
        ),
    };
    directory
        .create_account(
            &Actor::Operator,
            NewAccountRequest {
                address: address.to_string(),
                password: password.clone(),
                role: Role::Admin,
                display_name: Some("Administrator".into()),
                quota_bytes: None,
                admin_domains: vec![],
                enabled: true,
                must_change_password: false,
            },
        )
        .await
        .map_err(|e| match e {
            DirectoryError::Invalid(_) => anyhow::anyhow!("OSPREY_ADMIN_PASSWORD: {e}"),
            other => other.into(),
        })?;
    if generated {
        // Printed once, to standard output, never logged.
        println!("Created the server administrator {address} with the password: {password}");
        println!("Change it after signing in (Settings), or with `osprey user passwd {address}`.");
    } else {
        println!(
            "Created the server administrator {address} with the password from OSPREY_ADMIN_PASSWORD."
        );
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}

/// Opens the blob store in the data directory.
pub fn open_blobs(config: &Config) -> anyhow::Result<Arc<dyn BlobStore>> {
    let dir = config.data_dir.join("blobs");
    let blobs = FsBlobStore::open(&dir)
        .with_context(|| format!("cannot open the blob store {}", dir.display()))?;
    Ok(Arc::new(blobs))
}

async fn bind(config: &Config, name: &str) -> anyhow::Result<Option<TcpListener>> {
    let Some(addr) = config.listen_addr(name) else {
        return Ok(None);
    };
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr} (listen.{name})"))?;
    Ok(Some(listener))
}

/// Runs the server until a shutdown signal.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    init_logging(&config);
    tls::install_provider();
    install_crypto_provider();
    crate::data_dir::create(&config)?;
    let store = open_store(&config).await?;
    let blobs = open_blobs(&config)?;
    // Message bodies whose rename a crash interrupted are put in place before serving.
    let recovered = blobs.recover().context("recovering the blob store")?;
    if recovered > 0 {
        tracing::info!(recovered, "moved message bodies left by a crash into place");
    }
    let tls = TlsAcceptor::from(tls::server_config(&config)?);
    bootstrap_admin(&store, &config).await?;
    // The settings administrators changed, over the configuration file's.
    let settings = directory(&store).with_settings(live_settings::base(&config));
    settings.reload_settings().await?;
    let now = settings.settings_now();
    let live = live_settings::LiveConfigs::new(&config, &now);
    let secret = files::jwt_secret(&config.data_dir)?;
    let a = &config.auth;
    // One throttle for every protocol: failures on POP3 count for the web API too.
    let throttle = Arc::new(LoginThrottle::new(ThrottleLimits {
        per_ip: a.login_failures_per_ip,
        per_ip_account: a.login_failures_per_ip_account,
        per_account: a.login_failures_per_account,
        max_backoff: Duration::from_secs(a.login_backoff_max_secs),
        ..ThrottleLimits::default()
    }));
    let delivery = osprey_mail::LocalDelivery::with_group_commit(store.clone(), blobs.clone());
    // One submission service (and so one outbox, whose signal wakes the queue worker)
    // for SMTP, the REST API and the worker's reports.
    let rules = osprey_mail::DeliveryRules::new(store.clone(), config.hostname.clone())
        .with_srs(files::srs_key(&config.data_dir)?, config.hostname.clone());
    let submission = osprey_mail::Submission::new(
        delivery.clone(),
        osprey_mail::Outbox::new(store.clone(), blobs.clone()),
        config.smtp.max_alias_depth as usize,
    )
    .with_rules(rules.clone());
    // The list server distributes through the same submission, without itself.
    let checks = crate::outbound::message_checks(&config)?;
    let mut lists = osprey_lists::ListServer::new(&submission).with_web_url(config.web_url());
    if let Some(c) = &checks {
        lists = lists.with_dmarc(c.clone());
    }
    let lists = Arc::new(lists);
    let digests = lists.clone();
    let submission = submission.with_lists(lists);
    // The calendar sends invitations through that submission, and is shown delivered
    // scheduling mail (an attendee's answer) through the one everything else uses.
    let calendar =
        osprey_calendar::CalendarService::with_limits(store.clone(), config.calendar.limits())
            .with_mail(submission.clone(), config.hostname.clone());
    let submission = submission.with_scheduling(Arc::new(calendar.clone()));
    // The legacy mechanisms' key is loaded even while they are off, so that an
    // administrator can turn them on without a restart.
    let auth = Authenticator::new(store.clone(), throttle, CacheSettings::default()).with_legacy(
        osprey_directory::LegacyKey::new(&files::legacy_key(&config.data_dir)?),
    );
    auth.set_legacy_enabled(now.values.legacy_auth);
    let auth = Arc::new(auth);
    let auth_for_settings = auth.clone();
    let (trigger, shutdown) = Shutdown::new();
    let uploads = osprey_mail::outgoing::Uploads::open(config.data_dir.join("uploads"))
        .context("cannot open the upload area")?;
    let composer = osprey_mail::Composer::new(
        submission.clone(),
        uploads.clone(),
        config.hostname.clone(),
        live.max_message_size.clone(),
    );
    let reminders = osprey_calendar::ReminderWorker::new(
        calendar.clone(),
        delivery.clone(),
        osprey_calendar::ReminderSettings {
            grace: chrono::Duration::minutes(config.calendar.reminder_grace_minutes.max(0)),
            lease: chrono::Duration::seconds(config.calendar.reminder_lease_secs.max(1)),
            tick: std::time::Duration::from_secs(config.calendar.reminder_tick_secs.max(1)),
            hostname: config.hostname.clone(),
            web_url: config.web_url(),
            ..osprey_calendar::ReminderSettings::default()
        },
    );
    let jwt = Arc::new(JwtKeys::from_secret(
        &secret,
        now.values.access_token_ttl_secs,
    ));
    let state = AppState {
        store: store.clone(),
        jwt: jwt.clone(),
        directory: settings.clone(),
        auth: auth.clone(),
        settings: Arc::new(ApiSettings {
            refresh_ttl_days: live.refresh_ttl_days.clone(),
            hostname: config.hostname.clone(),
            web_url: config.web_url(),
            services: config.listen.services(),
            restart_required: live_settings::restart_required(&config),
            activity_interval: config.activity.interval(),
        }),
        metrics: osprey_api::metrics_handle(),
        submission: submission.clone(),
        composer,
        shutdown: shutdown.clone(),
        spell: osprey_spell::SpellChecker::new(
            store.clone(),
            osprey_spell::Dictionaries::new(&config.spell_dictionaries),
        ),
        calendar: calendar.clone(),
        dns: crate::outbound::check_resolver(&config)?,
    };
    // From here on, administrators' changes of the settings reach every part of this
    // node before the change returns.
    live_settings::apply_changes(
        &settings,
        config.clone(),
        live.clone(),
        jwt,
        auth_for_settings,
    );
    let limits = |name: &str| live.limits(name);
    let smtp = |kind| {
        let server = SmtpServer::new(
            live.smtp.clone(),
            kind,
            submission.clone(),
            auth.clone(),
            Some(tls.clone()),
        );
        Arc::new(match &checks {
            Some(c) => server.with_checks(c.clone()),
            None => server,
        })
    };
    let smtp_servers = [
        ("smtp", smtp(Listener::Mx), None),
        ("submission", smtp(Listener::Submission), None),
        (
            "submissions",
            smtp(Listener::Submissions),
            Some(tls.clone()),
        ),
    ];
    let imap = Arc::new(ImapServer::new(
        live.imap.clone(),
        delivery.clone(),
        blobs.clone(),
        auth.clone(),
        Some(tls.clone()),
    ));
    let indexer = osprey_mail::TextIndexer::new(store.clone(), blobs.clone());
    let managesieve = Arc::new(ManageSieveServer::new(
        live.managesieve.clone(),
        rules,
        auth.clone(),
        Some(tls.clone()),
    ));
    let pop3 = Arc::new(Pop3Server::new(
        live.pop3.clone(),
        store.clone(),
        blobs,
        auth,
        Some(tls.clone()),
    ));
    // Bind everything first, so that a port in use stops the start-up before anything
    // is served.
    let mut smtp_listeners = Vec::new();
    for (name, server, implicit) in smtp_servers {
        if let Some(l) = bind(&config, name).await? {
            smtp_listeners.push((name, l, server, implicit));
        }
    }
    let imap_listener = bind(&config, "imap").await?;
    let imaps_listener = bind(&config, "imaps").await?;
    let pop3_listener = bind(&config, "pop3").await?;
    let pop3s_listener = bind(&config, "pop3s").await?;
    let managesieve_listener = bind(&config, "managesieve").await?;
    let http_listener = bind(&config, "http").await?;
    let mut tasks: JoinSet<anyhow::Result<()>> = JoinSet::new();
    for (name, listener, server, implicit) in smtp_listeners {
        let local = listener.local_addr()?;
        println!("SMTP ({name}) is listening on {local}");
        tracing::info!(%local, listener = name, "listening");
        let (shutdown, limits) = (shutdown.clone(), limits(name));
        tasks.spawn(async move {
            osprey_net::serve(listener, implicit, limits, server, shutdown).await;
            Ok(())
        });
    }
    for (listener, implicit, scheme) in [
        (imap_listener, None, "imap"),
        (imaps_listener, Some(tls.clone()), "imaps"),
    ] {
        let Some(listener) = listener else { continue };
        let local = listener.local_addr()?;
        println!("IMAP is listening on {scheme}://{local}/");
        tracing::info!(%local, scheme, "listening");
        let (imap, shutdown, limits) = (imap.clone(), shutdown.clone(), limits(scheme));
        tasks.spawn(async move {
            osprey_net::serve(listener, implicit, limits, imap, shutdown).await;
            Ok(())
        });
    }
    for (listener, implicit, scheme) in [
        (pop3_listener, None, "pop3"),
        (pop3s_listener, Some(tls.clone()), "pop3s"),
    ] {
        let Some(listener) = listener else { continue };
        let local = listener.local_addr()?;
        println!("POP3 is listening on {scheme}://{local}/");
        tracing::info!(%local, scheme, "listening");
        let (pop3, shutdown, limits) = (pop3.clone(), shutdown.clone(), limits(scheme));
        tasks.spawn(async move {
            osprey_net::serve(listener, implicit, limits, pop3, shutdown).await;
            Ok(())
        });
    }
    if let Some(listener) = managesieve_listener {
        let local = listener.local_addr()?;
        println!("ManageSieve is listening on sieve://{local}/");
        tracing::info!(%local, scheme = "sieve", "listening");
        let (shutdown, limits) = (shutdown.clone(), limits("managesieve"));
        tasks.spawn(async move {
            osprey_net::serve(listener, None, limits, managesieve, shutdown).await;
            Ok(())
        });
    }
    if let Some(listener) = http_listener {
        let local = listener.local_addr()?;
        let web = web_app(&config);
        if !web.is_built() {
            tracing::warn!(web_app = %web, "the web app is not built; / explains how to build it");
        }
        println!("Osprey is listening on http://{local}/ (API docs: http://{local}/api/docs)");
        tracing::info!(%local, web_app = %web, database = %redact(&config.database_url()), "http listening");
        let app = crate::http::app(state, web);
        let mut stop = shutdown.clone();
        tasks.spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(async move { stop.wait().await })
            .await
            .context("the HTTP server failed")
        });
    }
    if tasks.is_empty() {
        anyhow::bail!("every listener is disabled: set at least one of listen.*");
    }
    if let Some(worker) =
        crate::outbound::worker(&config, submission.clone(), live.schedule.clone())?
    {
        let mut stop = shutdown.clone();
        tasks.spawn(async move {
            worker.run(async move { stop.wait().await }).await;
            Ok(())
        });
    }
    // Settings changed on another node or at the command line are read now and then.
    let follow = live_settings::follow(settings, shutdown.clone());
    tasks.spawn(async move {
        follow.await;
        Ok(())
    });
    // The full-text index for IMAP SEARCH: delivery queues, this catches up.
    let mut stop = shutdown.clone();
    tasks.spawn(async move {
        indexer.run(async move { stop.wait().await }).await;
        Ok(())
    });
    let sweeper = osprey_pop3::retention::run_sweeper(
        store.clone(),
        pop3.locks(),
        Duration::from_secs(3600),
        shutdown.clone(),
    );
    tasks.spawn(async move {
        sweeper.await;
        Ok(())
    });
    // Lists' digests that are due by the day go out.
    let mut stop = shutdown.clone();
    tasks.spawn(async move {
        let mut tick = tokio::time::interval(DIGEST_TICK);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stop.wait() => return Ok(()),
            }
            if let Err(e) = digests.send_due_digests(chrono::Utc::now()).await {
                tracing::warn!(error = %e, "the due digests were not sent");
            }
        }
    });
    // Calendar reminders go out as they fall due (every node may run this worker).
    let mut stop = shutdown.clone();
    tasks.spawn(async move {
        reminders.run(async move { stop.wait().await }).await;
        Ok(())
    });
    // The audit log forgets entries older than its retention, hourly.
    let mut stop = shutdown.clone();
    let auditor = directory(&store);
    tasks.spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stop.wait() => return Ok(()),
            }
            match auditor.purge_audit_log().await {
                Ok(0) => {}
                Ok(n) => tracing::info!(removed = n, "old audit log entries removed"),
                Err(e) => tracing::warn!(error = %e, "old audit log entries were not removed"),
            }
        }
    });
    // What this node counted goes to the dashboard's figures at a fixed interval.
    let mut stop = shutdown.clone();
    // Nodes share the public host name: the machine's own name tells them apart.
    let node = match config.activity.node.trim() {
        "" => std::fs::read_to_string("/proc/sys/kernel/hostname")
            .ok()
            .map(|h| h.trim().to_owned())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| config.hostname.clone()),
        name => name.to_owned(),
    };
    let recorder = osprey_directory::activity::ActivityRecorder::new(
        store.clone(),
        node,
        config.activity.interval(),
    );
    let last_record = recorder.clone();
    tasks.spawn(async move {
        recorder.run(async move { stop.wait().await }).await;
        Ok(())
    });
    // Uploads no message used are removed after a day.
    let mut stop = shutdown.clone();
    tasks.spawn(async move {
        uploads
            .run_sweeper(Duration::from_secs(3600), async move { stop.wait().await })
            .await;
        Ok(())
    });
    tokio::select! {
        _ = shutdown_signal() => {}
        Some(done) = tasks.join_next() => {
            // A listener ended by itself: that is a failure; stop the rest.
            trigger.fire();
            done??;
        }
    }
    trigger.fire();
    while let Some(done) = tasks.join_next().await {
        done??;
    }
    // What the sessions and deliveries that drained after the stop counted.
    last_record.record_now().await;
    store.close().await?;
    Ok(())
}
