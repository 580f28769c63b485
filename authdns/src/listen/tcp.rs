//! TCP (RFC 7766): several queries per connection, answered in order; an
//! idle timeout between queries and bounds on simultaneous connections,
//! overall and per client ([`ConnectionLimits`]; a connection over a
//! limit is closed at once).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use super::Service;
use super::connections::ConnectionLimits;
use crate::answer::{Request, Transport};
use crate::transfer::{self, Start, axfr};

/// TCP limits.
#[derive(Debug, Clone, Copy)]
pub struct TcpLimits {
    /// How long a connection may wait for its next query.
    pub idle_timeout: Duration,
    /// Most connections at once.
    pub max_connections: usize,
    /// Most connections at once from one client (0: no bound).
    pub max_connections_per_client: usize,
}

/// Accepts connections until `shutdown` turns true; `connections` is
/// shared by every listener.
pub async fn serve(
    listener: TcpListener,
    limits: TcpLimits,
    connections: Arc<ConnectionLimits>,
    service: Arc<Service>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = shutdown.changed() => return,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(e) => {
                tracing::debug!("tcp accept failed: {}", e.kind());
                continue;
            }
        };
        let Some(slot) = connections.admit(peer.ip()) else {
            drop(stream);
            continue;
        };
        let service = Arc::clone(&service);
        tokio::spawn(async move {
            connection(stream, peer, limits, &service).await;
            drop(slot);
        });
    }
}

async fn connection(mut stream: TcpStream, peer: SocketAddr, limits: TcpLimits, service: &Service) {
    let _ = stream.set_nodelay(true);
    let mut query = Vec::with_capacity(512);
    let mut response = Vec::with_capacity(4096);
    let mut frame = Vec::with_capacity(4096);
    loop {
        let mut prefix = [0u8; 2];
        match tokio::time::timeout(limits.idle_timeout, stream.read_exact(&mut prefix)).await {
            Ok(Ok(_)) => {}
            _ => return,
        }
        let len = usize::from(u16::from_be_bytes(prefix));
        query.resize(len, 0);
        match tokio::time::timeout(limits.idle_timeout, stream.read_exact(&mut query)).await {
            Ok(Ok(_)) => {}
            _ => return,
        }
        let request = Request {
            msg: &query,
            transport: Transport::Tcp,
            client: peer.ip(),
            now: super::unix_now(),
        };
        if transfer::is_transfer(&query) {
            if send_transfer(
                &mut stream,
                &request,
                limits,
                service,
                &mut response,
                &mut frame,
            )
            .await
            .is_err()
            {
                return;
            }
            continue;
        }
        let Some(out) = service.respond(&request, &mut response) else {
            continue;
        };
        if send(&mut stream, &response[..out], &mut frame, limits)
            .await
            .is_err()
        {
            return;
        }
    }
}

/// The connection failed or timed out: close it.
struct Closed;

/// Writes one framed message, within the idle timeout.
async fn send(
    stream: &mut TcpStream,
    message: &[u8],
    frame: &mut Vec<u8>,
    limits: TcpLimits,
) -> Result<(), Closed> {
    frame.clear();
    frame.extend_from_slice(&(message.len() as u16).to_be_bytes());
    frame.extend_from_slice(message);
    match tokio::time::timeout(limits.idle_timeout, stream.write_all(frame)).await {
        Ok(Ok(())) => Ok(()),
        _ => Err(Closed),
    }
}

/// Answers a transfer query: one reply, or the zone streamed message by
/// message (each written before the next is built, so a slow client
/// holds one message of memory and no lock; the idle timeout bounds
/// each write).
async fn send_transfer(
    stream: &mut TcpStream,
    request: &Request<'_>,
    limits: TcpLimits,
    service: &Service,
    response: &mut Vec<u8>,
    frame: &mut Vec<u8>,
) -> Result<(), Closed> {
    let snapshot = service.snapshot.load_full();
    let started = std::time::Instant::now();
    let start = transfer::start(
        &service.transfers,
        &snapshot,
        &service.answer,
        request,
        response,
    );
    drop(snapshot);
    let stream_out = match start {
        None => return Ok(()),
        Some(Start::Reply(len)) => return send(stream, &response[..len], frame, limits).await,
        Some(Start::Stream(out)) => out,
    };
    let reserve = stream_out.reserve();
    let transfer::Stream {
        zone,
        mut signer,
        question_end,
        qtype,
        changesets,
        expire,
    } = stream_out;
    let mut messages_out = transfer::Messages::new(&zone, changesets.as_deref());
    let mut messages = 0u32;
    loop {
        match messages_out.next_message(request.msg, question_end, response, reserve) {
            axfr::Next::Message(len) => {
                response.truncate(len);
                if messages == 0
                    && let Some(opt) = &expire
                {
                    transfer::append_opt(response, opt);
                }
                if let Some(signer) = signer.as_mut() {
                    signer.sign(response);
                }
                send(stream, response, frame, limits).await?;
                messages += 1;
            }
            axfr::Next::Done => break,
            axfr::Next::TooLarge => {
                tracing::warn!(
                    "transfer of {} stopped: a record does not fit in a message",
                    zone.origin()
                );
                return Err(Closed);
            }
        }
    }
    let kind = match (&changesets, qtype == zone_loader::rtype::code::IXFR) {
        (Some(changesets), _) => {
            let records: u32 = changesets
                .iter()
                .map(|c| c.removed.len() + c.added.len())
                .sum();
            format!(
                "IXFR from serial {} ({} changesets, {records} records)",
                changesets.first().map_or(0, |c| c.from()),
                changesets.len()
            )
        }
        (None, true) => "IXFR (answered as AXFR)".to_owned(),
        (None, false) => "AXFR".to_owned(),
    };
    let elapsed = started.elapsed().as_secs_f64() * 1000.0;
    let zone_name = zone.origin();
    let serial = zone.serial();
    if service.query_log.clients {
        tracing::info!(
            "transfer {kind} of {zone_name} serial {serial}: {messages} messages in {elapsed:.1} ms to {}",
            request.client
        );
    } else {
        tracing::info!(
            "transfer {kind} of {zone_name} serial {serial}: {messages} messages in {elapsed:.1} ms"
        );
    }
    Ok(())
}
