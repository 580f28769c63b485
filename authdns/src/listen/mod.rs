//! Sockets: UDP on blocking worker threads, TCP on tokio, both answering
//! through one [`Service`].

pub mod connections;
pub mod tcp;
pub mod udp;

use zone_loader::SharedSnapshot;

use crate::answer::{self, AnswerConfig, Request};
use crate::querylog::QueryLog;
use crate::rrl::RateLimiter;
use crate::secondary::{Secondaries, notify_in};
use crate::transfer::{self, Transfers};

/// What every listener shares.
pub struct Service {
    /// The zones being served, swapped on reload.
    pub snapshot: std::sync::Arc<SharedSnapshot>,
    /// Settings answers depend on.
    pub answer: AnswerConfig,
    /// The query log.
    pub query_log: QueryLog,
    /// Response rate limiting for UDP, if on.
    pub rate_limit: Option<RateLimiter>,
    /// Who may transfer which zone.
    pub transfers: Transfers,
    /// Zones pulled from primaries (NOTIFY in).
    pub secondaries: Secondaries,
}

impl Service {
    /// Answers `request` into `buf` from the current snapshot (loaded once,
    /// for the whole answer) and logs it. `None`: send nothing.
    pub fn respond(&self, request: &Request<'_>, buf: &mut Vec<u8>) -> Option<usize> {
        let snapshot = self.snapshot.load();
        let len = if !self.secondaries.is_empty()
            && notify_in::is_notify(request.msg)
            && let Some(len) =
                notify_in::answer(&self.secondaries, self.transfers.keys(), request, buf)
        {
            len
        } else if transfer::is_transfer(request.msg) {
            // Over UDP a transfer query gets one short answer; the TCP
            // listener streams transfers itself.
            match transfer::start(&self.transfers, &snapshot, &self.answer, request, buf)? {
                transfer::Start::Reply(len) => len,
                transfer::Start::Stream(_) => return None,
            }
        } else if transfer::may_be_signed(&self.transfers, request.msg) {
            transfer::answer_signed(&self.transfers, &snapshot, &self.answer, request, buf)?
        } else {
            answer::answer(&snapshot, &self.answer, request, buf)?
        };
        self.query_log
            .record(&buf[..len], request.transport, request.client);
        Some(len)
    }
}

/// Seconds since the Unix epoch, for cookies.
pub(crate) fn unix_now() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as u32)
}
