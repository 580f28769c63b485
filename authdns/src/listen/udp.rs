//! UDP: one socket per worker thread on the same address (`SO_REUSEPORT`,
//! the kernel spreads datagrams), each a blocking receive-answer-send loop
//! with one reused buffer. No task per datagram, no lock: each query loads
//! the current snapshot once (in [`Service::respond`]).

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use socket2::{Domain, Protocol, Socket, Type};

use super::Service;
use crate::answer::{self, Request, Transport};
use crate::rrl::{self, Verdict};

/// How often a worker checks for shutdown while idle.
const SHUTDOWN_POLL: Duration = Duration::from_millis(200);
/// Largest datagram read (a query larger than this is not a query).
const MAX_QUERY: usize = 4096;

fn bind(addr: SocketAddr) -> io::Result<UdpSocket> {
    let socket = Socket::new(Domain::for_address(addr), Type::DGRAM, Some(Protocol::UDP))?;
    if addr.is_ipv6() {
        socket.set_only_v6(true)?;
    }
    socket.set_reuse_port(true)?;
    socket.set_recv_buffer_size(4 << 20).ok();
    socket.bind(&addr.into())?;
    socket.set_read_timeout(Some(SHUTDOWN_POLL))?;
    Ok(socket.into())
}

/// Binds `workers` sockets to `addr`. Returns the bound address (port 0
/// becomes the port picked) and the sockets, not yet served: the caller
/// binds its other listeners first, so that a server that answers UDP
/// also accepts TCP.
pub fn bind_workers(addr: SocketAddr, workers: usize) -> io::Result<(SocketAddr, Vec<UdpSocket>)> {
    let first = bind(addr)?;
    let bound = first.local_addr()?;
    let mut sockets = vec![first];
    for _ in 1..workers {
        sockets.push(bind(bound)?);
    }
    Ok((bound, sockets))
}

/// Starts a serving thread on each socket.
pub fn spawn(
    sockets: Vec<UdpSocket>,
    service: &Arc<Service>,
    shutdown: &Arc<AtomicBool>,
) -> io::Result<Vec<JoinHandle<()>>> {
    sockets
        .into_iter()
        .enumerate()
        .map(|(i, socket)| {
            let (service, shutdown) = (Arc::clone(service), Arc::clone(shutdown));
            std::thread::Builder::new()
                .name(format!("udp-{i}"))
                .spawn(move || serve(&socket, &service, &shutdown))
        })
        .collect()
}

fn serve(socket: &UdpSocket, service: &Service, shutdown: &AtomicBool) {
    let mut query = vec![0u8; MAX_QUERY];
    let mut response = Vec::with_capacity(answer::MAX_MESSAGE);
    while !shutdown.load(Ordering::Relaxed) {
        let (len, peer) = match socket.recv_from(&mut query) {
            Ok(received) => received,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock
                        | io::ErrorKind::TimedOut
                        | io::ErrorKind::Interrupted
                ) =>
            {
                continue;
            }
            Err(e) => {
                tracing::warn!("udp receive failed: {e}");
                continue;
            }
        };
        let request = Request {
            msg: &query[..len],
            transport: Transport::Udp,
            client: peer.ip(),
            now: super::unix_now(),
        };
        let Some(mut out) = service.respond(&request, &mut response) else {
            continue;
        };
        // The cookie is checked (a second parse of the query) only for a
        // response the limiter would hold back: off the common path.
        if let Some(limiter) = &service.rate_limit {
            let verdict = limiter.check(peer.ip(), &response[..out], request.now);
            let cookie = &service.answer.cookie_secret;
            match verdict {
                Verdict::Send => {}
                _ if cookie.proves(request.msg, peer.ip(), request.now) => {}
                Verdict::Slip => out = rrl::slip(&mut response[..out]),
                Verdict::Drop => continue,
            }
        }
        if let Err(e) = socket.send_to(&response[..out], peer) {
            tracing::debug!("udp send failed: {}", e.kind());
        }
    }
}
