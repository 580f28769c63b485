//! The running server: zones loaded, UDP workers and the TCP listener
//! started, then signals: SIGHUP reloads, SIGTERM and SIGINT stop.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::Context;
use tokio::net::TcpListener;
use tokio::signal::unix::{Signal, SignalKind, signal};
use tokio::sync::{mpsc, watch};

use crate::catalog::SerialPolicy;
use crate::catalog::{self, Catalog};
use crate::config::Config;
use crate::journal::{self, Journals};
use crate::listen::connections::ConnectionLimits;
use crate::listen::{Service, tcp, udp};
use crate::memory;
use crate::notify::{Notice, Notifier, Retry, ZoneNotify};
use crate::rrl::RateLimiter;
use crate::secondary::{self, refresh, store};
use crate::serial;

/// Runs until SIGTERM or SIGINT.
pub fn run(config: Config) -> anyhow::Result<()> {
    memory::configure_allocator();
    let (mut catalog, report) = Catalog::load(&config.zones)
        .with_context(|| format!("cannot read zone directory {}", config.zones.display()))?;
    catalog::log_report(&report);
    let starts = load_secondaries(&mut catalog, &config);
    let journals = journals(&config, &mut catalog);
    let (notices, notifier) = notifier(&config, &mut catalog);
    let mut transfers = config.transfers.clone();
    transfers.set_journals(journals);
    // The parser's buffers are gone: give their pages back before serving.
    memory::release_free_pages();
    let zones = catalog.shared().load().len();
    let service = Arc::new(Service {
        snapshot: Arc::clone(catalog.shared()),
        answer: config.answer.clone(),
        query_log: config.query_log,
        rate_limit: config
            .rate_limit
            .map(|(rate, slip)| RateLimiter::new(rate, slip)),
        transfers,
        secondaries: config.secondaries.clone(),
    });
    let catalog = Arc::new(Mutex::new(catalog));
    let shutdown = Arc::new(AtomicBool::new(false));

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(config.udp_workers.clamp(1, 4))
        .thread_name("tcp")
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    // The handlers go in before the first answer: a SIGHUP sent as soon
    // as the server answers must reload it, not end it (the default).
    let signals = {
        let _runtime = runtime.enter();
        Signals::install().context("cannot install the signal handlers")?
    };

    let mut bound: Vec<SocketAddr> = Vec::new();
    let mut udp_sockets = Vec::new();
    let mut tcp_listeners = Vec::new();
    for &addr in &config.listen {
        let (addr, sockets) = udp::bind_workers(addr, config.udp_workers)
            .with_context(|| format!("cannot listen on udp {addr}"))?;
        let listener = std::net::TcpListener::bind(addr)
            .and_then(|l| l.set_nonblocking(true).map(|()| l))
            .with_context(|| format!("cannot listen on tcp {addr}"))?;
        bound.push(addr);
        udp_sockets.extend(sockets);
        tcp_listeners.push(listener);
    }
    let udp_threads =
        udp::spawn(udp_sockets, &service, &shutdown).context("cannot start the udp workers")?;

    runtime.block_on(async {
        tokio::spawn(notifier.run(notices));
        let (stop_tx, stop_rx) = watch::channel(false);
        let connections = ConnectionLimits::new(
            config.tcp.max_connections,
            config.tcp.max_connections_per_client,
        );
        for listener in tcp_listeners {
            let listener =
                TcpListener::from_std(listener).context("cannot register a tcp listener")?;
            tokio::spawn(tcp::serve(
                listener,
                config.tcp,
                Arc::clone(&connections),
                Arc::clone(&service),
                stop_rx.clone(),
            ));
        }
        for (secondary, start) in config.secondaries.iter().zip(starts) {
            tokio::spawn(refresh::run(
                Arc::clone(secondary),
                Arc::clone(&catalog),
                config.state_dir(),
                config.secondaries.limits,
                config.secondaries.clocks.clone(),
                start,
            ));
        }
        let listening: Vec<String> = bound.iter().map(ToString::to_string).collect();
        tracing::info!(
            "serving {zones} zones on {} (udp, tcp)",
            listening.join(", ")
        );
        signals.run(catalog, &config).await?;
        let _ = stop_tx.send(true);
        anyhow::Ok(())
    })?;
    shutdown.store(true, Ordering::Relaxed);
    for thread in udp_threads {
        let _ = thread.join();
    }
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    tracing::info!("stopped");
    Ok(())
}

/// Opens the journal of every `[[zone]]` and has the catalog append to
/// them on every publish; sets the zones' serial policies.
fn journals(config: &Config, catalog: &mut Catalog) -> Arc<Journals> {
    let dir = config.state_dir().join("journal");
    for (origin, zone) in &config.zone_settings {
        catalog.set_serial_policy(origin, zone.serial_policy);
        if zone.serial_policy == SerialPolicy::Increment {
            continue_numbering(catalog, &dir, origin);
        }
    }
    let limits = config
        .zone_settings
        .iter()
        .map(|(origin, zone)| (origin.clone(), zone.journal_size))
        .collect();
    let journals = Arc::new(Journals::open(dir, &limits, |origin| {
        catalog.served(origin).map(|z| z.serial())
    }));
    let observer = Arc::clone(&journals);
    catalog.on_publish(Box::new(move |change| observer.record(change)));
    journals
}

/// Serial policy "increment" numbers versions past the file's serial, and
/// the file is not rewritten: after a restart its serial may be behind
/// what secondaries hold (the journal's last serial). The zone is then
/// served as that serial plus one, so secondaries see a newer version;
/// the journal cannot reach it, so they get the whole zone once.
fn continue_numbering(catalog: &mut Catalog, dir: &std::path::Path, origin: &[u8]) {
    let Some(file_serial) = catalog.served(origin).map(|z| z.serial()) else {
        return;
    };
    let Ok(name) = zone_loader::Name::from_wire(origin) else {
        return;
    };
    let Some(ended) = journal::ends_at(dir, &name) else {
        return;
    };
    if serial::is_newer(file_serial, ended) {
        return;
    }
    let next = serial::next(ended);
    if catalog.renumber(origin, next).is_some() {
        tracing::info!(
            "zone {name}: the file's serial {file_serial} is not newer than the journal's {ended}: \
             served as serial {next} (serial-policy increment)"
        );
    }
}

/// The NOTIFY sender for every zone with `notify` targets, fed by a
/// catalog observer.
fn notifier(config: &Config, catalog: &mut Catalog) -> (mpsc::UnboundedReceiver<Notice>, Notifier) {
    let zones: HashMap<_, _> = config
        .zone_settings
        .iter()
        .filter(|(_, zone)| !zone.notify.is_empty())
        .map(|(origin, zone)| {
            let notify = ZoneNotify {
                targets: zone.notify.clone(),
                key: config.transfers.key(origin).cloned(),
            };
            (origin.clone(), notify)
        })
        .collect();
    let (sender, notices) = mpsc::unbounded_channel();
    // As BIND does, secondaries hear of every zone at start: a file
    // changed while authdns was stopped reaches them without waiting for
    // their refresh timer.
    for origin in zones.keys() {
        if let Some(zone) = catalog.served(origin) {
            let _ = sender.send(Notice::of(zone));
        }
    }
    catalog.on_publish(Notifier::observer(zones.keys().cloned().collect(), sender));
    let notifier = Notifier::new(zones, config.notify_source, Retry::default());
    (notices, notifier)
}

/// Serves each secondary zone's copy from disk, unless it expired while
/// the server was down; a zone without one answers SERVFAIL until its
/// first transfer. Returns where each zone's refresh loop starts, in the
/// order of [`secondary::Secondaries::iter`].
fn load_secondaries(catalog: &mut Catalog, config: &Config) -> Vec<refresh::Start> {
    let state_dir = config.state_dir();
    let mut starts = Vec::new();
    for secondary in config.secondaries.iter() {
        let origin = &secondary.zone.origin;
        let stored = match store::load(&state_dir, origin) {
            Ok(stored) => stored,
            Err(problems) => {
                tracing::error!("zone {origin}: the disk copy does not load: {problems}");
                None
            }
        };
        let mut start = refresh::Start::default();
        match stored {
            Some(stored) => {
                let zone = Arc::new(stored.zone);
                let expire = secondary::timers::SoaTimers::of(&zone).expire();
                let fresh = stored.refreshed.elapsed().map_or(true, |age| age < expire);
                if fresh && catalog.install(Arc::clone(&zone)).is_ok() {
                    tracing::info!(
                        "zone {origin}: serving serial {} from {}",
                        zone.serial(),
                        store::path(&state_dir, origin).display()
                    );
                    start.zone = Some(zone);
                    start.refreshed = Some(stored.refreshed);
                } else {
                    tracing::warn!(
                        "zone {origin}: the disk copy has expired; answering SERVFAIL until a transfer"
                    );
                    catalog.withdraw(origin.as_wire());
                }
            }
            None => {
                tracing::info!(
                    "zone {origin}: no copy yet; answering SERVFAIL until the first transfer"
                );
                catalog.withdraw(origin.as_wire());
            }
        }
        starts.push(start);
    }
    starts
}

/// The signals the server acts on, caught from start.
struct Signals {
    hangup: Signal,
    terminate: Signal,
    interrupt: Signal,
}

impl Signals {
    /// Installs the handlers (within a runtime context).
    fn install() -> std::io::Result<Self> {
        Ok(Self {
            hangup: signal(SignalKind::hangup())?,
            terminate: signal(SignalKind::terminate())?,
            interrupt: signal(SignalKind::interrupt())?,
        })
    }

    /// Waits for signals (and the watch timer); returns on SIGTERM or SIGINT.
    async fn run(self, catalog: Arc<Mutex<Catalog>>, config: &Config) -> anyhow::Result<()> {
        let Self {
            mut hangup,
            mut terminate,
            mut interrupt,
        } = self;
        let mut ticker = config.watch.map(|period| {
            let mut t = tokio::time::interval(period);
            t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            t
        });
        loop {
            let tick = async {
                match ticker.as_mut() {
                    Some(t) => {
                        t.tick().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                _ = hangup.recv() => tracing::info!("SIGHUP: reloading zones"),
                () = tick => {}
                _ = terminate.recv() => break,
                _ = interrupt.recv() => break,
            }
            let catalog = Arc::clone(&catalog);
            tokio::task::spawn_blocking(move || reload(&catalog)).await?;
        }
        tracing::info!("stopping");
        Ok(())
    }
}

/// Reloads the zone files that changed and publishes their new versions.
/// An unreadable directory publishes nothing: the old zones keep serving.
fn reload(catalog: &Mutex<Catalog>) {
    let mut catalog = catalog
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    match catalog.reload() {
        Ok(reload) => reload.log(),
        Err(e) => tracing::error!(
            "cannot read zone directory {}: {e}; keeping the zones loaded",
            catalog.directory().display()
        ),
    }
}
