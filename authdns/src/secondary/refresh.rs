//! One secondary zone's life: refresh on the SOA timers or a NOTIFY,
//! transfer (IXFR first, AXFR when IXFR fails, each primary in turn),
//! publish, save, and withdraw on expiry.
//!
//! ```text
//! loop: wait (refresh or retry timer | NOTIFY | expiry)
//!   expiry ─► Catalog::withdraw (SERVFAIL)
//!   refresh ─► each primary: SOA query ─► newer? ─► IXFR ─► (fails) AXFR
//!     ─► apply ─► Catalog::install ─► store::save ─► next refresh
//!     all fail ─► next retry
//! ```

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::time::{Instant, sleep_until};
use zone_loader::Zone;
use zone_loader::rtype::code;

use super::client;
use super::expiry::ExpireClocks;
use super::timers::{NO_ZONE_RETRY, SoaTimers};
use super::xfr_reader::Answer;
use super::{Limits, Secondary, SecondaryZone, XfrError, apply, store};
use crate::catalog::Catalog;
use crate::serial;

/// What a successful refresh found.
#[derive(Debug)]
pub enum Refreshed {
    /// Our version is the primary's (or newer).
    Current(u32),
    /// A new version, transferred and checked.
    Transferred {
        /// The zone.
        zone: Box<Zone>,
        /// "IXFR" or "AXFR".
        kind: &'static str,
        /// Where from.
        primary: SocketAddr,
        /// Messages received.
        messages: u32,
    },
}

/// Refreshes `zone` from its primaries in turn: the first that answers
/// decides. Every failure is logged; `Err` when all failed.
pub async fn refresh(
    zone: &SecondaryZone,
    ours: Option<&Arc<Zone>>,
    limits: &Limits,
) -> Result<Refreshed, ()> {
    for &primary in &zone.primaries {
        match from_primary(primary, zone, ours, limits).await {
            Ok(refreshed) => return Ok(refreshed),
            Err(e) => tracing::warn!("zone {}: refresh from {primary} failed: {e}", zone.origin),
        }
    }
    Err(())
}

async fn from_primary(
    primary: SocketAddr,
    zone: &SecondaryZone,
    ours: Option<&Arc<Zone>>,
    limits: &Limits,
) -> Result<Refreshed, XfrError> {
    let theirs = client::soa_serial(primary, zone, limits).await?;
    if let Some(ours) = ours
        && !serial::is_newer(theirs, ours.serial())
    {
        return Ok(Refreshed::Current(ours.serial()));
    }
    if let Some(old) = ours {
        match ixfr(primary, zone, old, limits).await {
            Ok(refreshed) => return Ok(refreshed),
            Err(e) => tracing::warn!(
                "zone {}: IXFR from {primary} failed: {e}; trying AXFR",
                zone.origin
            ),
        }
    }
    let (answer, messages) = client::transfer(primary, zone, code::AXFR, None, limits).await?;
    let Answer::Full(records) = answer else {
        return Err(XfrError::Sequence("an AXFR answered incrementally"));
    };
    let origin = zone.origin.clone();
    let label = format!("AXFR from {primary}");
    let built = tokio::task::spawn_blocking(move || apply::full(&origin, &records, &label))
        .await
        .map_err(|e| XfrError::Io(e.to_string()))??;
    Ok(Refreshed::Transferred {
        zone: Box::new(built),
        kind: "AXFR",
        primary,
        messages,
    })
}

async fn ixfr(
    primary: SocketAddr,
    zone: &SecondaryZone,
    old: &Arc<Zone>,
    limits: &Limits,
) -> Result<Refreshed, XfrError> {
    let (answer, messages) = client::transfer(primary, zone, code::IXFR, Some(old), limits).await?;
    let origin = zone.origin.clone();
    let old = Arc::clone(old);
    let built = tokio::task::spawn_blocking(move || match answer {
        Answer::UpToDate(serial) => Ok(Err(serial)),
        // RFC 1995 4: the server may answer with the whole zone.
        Answer::Full(records) => apply::full(
            &origin,
            &records,
            &format!("IXFR (AXFR-style) from {primary}"),
        )
        .map(|z| Ok((z, "AXFR"))),
        Answer::Incremental(diffs) => {
            apply::incremental(&old, &diffs, &format!("IXFR from {primary}"))
                .map(|z| Ok((z, "IXFR")))
        }
    })
    .await
    .map_err(|e| XfrError::Io(e.to_string()))??;
    Ok(match built {
        Err(serial) => Refreshed::Current(serial),
        Ok((zone, kind)) => Refreshed::Transferred {
            zone: Box::new(zone),
            kind,
            primary,
            messages,
        },
    })
}

/// Where a zone's refresh loop starts.
#[derive(Debug, Default)]
pub struct Start {
    /// The version served (from disk), if any.
    pub zone: Option<Arc<Zone>>,
    /// When it was last refreshed.
    pub refreshed: Option<SystemTime>,
}

/// Keeps `secondary` refreshed for ever: the task of one zone.
pub async fn run(
    secondary: Arc<Secondary>,
    catalog: Arc<Mutex<Catalog>>,
    state_dir: PathBuf,
    limits: Limits,
    clocks: ExpireClocks,
    start: Start,
) {
    let zone = &secondary.zone;
    let mut current = start.zone;
    let mut refreshed = start.refreshed;
    let mut expired = current.is_none();
    // Check the primaries at once (the copy from disk may be stale).
    let mut next = Instant::now();
    loop {
        let expires = match (&current, refreshed, expired) {
            (Some(z), Some(at), false) => Some(at + SoaTimers::of(z).expire()),
            _ => None,
        };
        let unix = expires.and_then(|at| at.duration_since(UNIX_EPOCH).ok());
        clocks.set(zone.origin.as_wire(), unix.map_or(0, |d| d.as_secs()));
        let expiry = expires.map(deadline);
        tokio::select! {
            () = sleep_until(next) => {}
            () = secondary.refresh_now.notified() => {
                tracing::info!("zone {}: NOTIFY received, refreshing", zone.origin);
            }
            () = until(expiry) => {
                tracing::error!(
                    "zone {}: expired (no successful refresh for the SOA expire time); answering SERVFAIL",
                    zone.origin
                );
                expired = true;
                let catalog = Arc::clone(&catalog);
                let origin: Box<[u8]> = zone.origin.as_wire().into();
                let _ = tokio::task::spawn_blocking(move || lock(&catalog).withdraw(&origin)).await;
                continue;
            }
        }
        let outcome = refresh(zone, current.as_ref(), &limits).await;
        let now = SystemTime::now();
        let random = rand::random::<f64>();
        next = match outcome {
            Ok(refreshed_as) => {
                let fresh = match refreshed_as {
                    Refreshed::Current(serial) => {
                        tracing::debug!("zone {}: serial {serial} is current", zone.origin);
                        current.clone()
                    }
                    Refreshed::Transferred {
                        zone: built,
                        kind,
                        primary,
                        messages,
                    } => {
                        tracing::info!(
                            "zone {}: {kind} from {primary}: serial {} in {messages} messages",
                            zone.origin,
                            built.serial()
                        );
                        Some(Arc::from(built))
                    }
                };
                let Some(fresh) = fresh else {
                    // Current without a version: cannot happen (a primary
                    // is only asked for its serial against ours); retry.
                    next = Instant::now() + NO_ZONE_RETRY;
                    continue;
                };
                let changed = !current.as_ref().is_some_and(|c| Arc::ptr_eq(c, &fresh));
                if changed || expired {
                    let published = publish(&catalog, &fresh).await;
                    if !published {
                        Instant::now() + SoaTimers::of(&fresh).next_retry(random)
                    } else {
                        if expired && current.is_some() {
                            tracing::info!("zone {}: served again", zone.origin);
                        }
                        expired = false;
                        save(&state_dir, &fresh, now, changed).await;
                        refreshed = Some(now);
                        let wait = SoaTimers::of(&fresh).next_refresh(random);
                        current = Some(fresh);
                        Instant::now() + wait
                    }
                } else {
                    save(&state_dir, &fresh, now, false).await;
                    refreshed = Some(now);
                    Instant::now() + SoaTimers::of(&fresh).next_refresh(random)
                }
            }
            Err(()) => {
                let wait = current
                    .as_ref()
                    .map_or(NO_ZONE_RETRY, |z| SoaTimers::of(z).next_retry(random));
                Instant::now() + wait
            }
        };
    }
}

/// Publishes `zone` in the catalog (on a blocking thread: the catalog's
/// lock and the old version's release may take a while).
async fn publish(catalog: &Arc<Mutex<Catalog>>, zone: &Arc<Zone>) -> bool {
    let catalog = Arc::clone(catalog);
    let zone = Arc::clone(zone);
    let origin = zone.origin().clone();
    let result = tokio::task::spawn_blocking(move || lock(&catalog).install(zone)).await;
    match result {
        Ok(Ok(_)) => true,
        Ok(Err(refused)) => {
            tracing::error!("zone {origin}: transferred version not published: {refused}");
            false
        }
        Err(e) => {
            tracing::error!("zone {origin}: publishing failed: {e}");
            false
        }
    }
}

/// Writes the disk copy (or only its refresh time when `changed` is false).
async fn save(state_dir: &Path, zone: &Arc<Zone>, now: SystemTime, changed: bool) {
    let state_dir = state_dir.to_owned();
    let zone = Arc::clone(zone);
    let result = tokio::task::spawn_blocking(move || {
        if changed {
            store::save(&state_dir, &zone, now).map(drop)
        } else {
            store::touch(&state_dir, zone.origin(), now)
                .or_else(|_| store::save(&state_dir, &zone, now).map(drop))
        }
        .map_err(|e| (e, store::path(&state_dir, zone.origin())))
    })
    .await;
    if let Ok(Err((e, path))) = result {
        tracing::error!("cannot write {}: {e}", path.display());
    }
}

fn lock(catalog: &Mutex<Catalog>) -> std::sync::MutexGuard<'_, Catalog> {
    catalog
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The instant of the wall-clock time `at`.
fn deadline(at: SystemTime) -> Instant {
    let left = at
        .duration_since(SystemTime::now())
        .unwrap_or(Duration::ZERO);
    Instant::now() + left
}

async fn until(deadline: Option<Instant>) {
    match deadline {
        Some(at) => sleep_until(at).await,
        None => std::future::pending().await,
    }
}
