//! UDP: one socket per worker thread on the same address (`SO_REUSEPORT`,
//! the kernel spreads datagrams), each a blocking loop that takes up to
//! [`BATCH`] datagrams per `recvmmsg` and sends their answers with one
//! `sendmmsg` (the system calls are most of an answer's cost), with
//! buffers reused. No task per datagram, no lock: each query loads the
//! current snapshot once (in [`Service::respond`]). The resolver's UDP
//! frontend batches with the same [`Receiver`] and [`Sender`].

use std::io::{self, IoSlice, IoSliceMut};
use std::net::{SocketAddr, UdpSocket};
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use arrayvec::ArrayVec;
use nix::errno::Errno;
use nix::sys::socket::{MsgFlags, MultiHeaders, SockaddrStorage, recvmmsg, sendmmsg};
use socket2::{Domain, Protocol, Socket, Type};

use super::Service;
use crate::answer::{Request, Transport};
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
    let mut receiver = Receiver::new();
    let mut sender = Sender::new();
    while !shutdown.load(Ordering::Relaxed) {
        if let Err(e) = receiver.receive(socket) {
            if !matches!(e, Errno::EAGAIN | Errno::EINTR) {
                tracing::warn!("udp receive failed: {e}");
            }
            continue;
        }
        let now = super::unix_now();
        for (msg, peer) in receiver.datagrams() {
            let request = Request {
                msg,
                transport: Transport::Udp,
                client: peer.ip(),
                now,
            };
            if answer_one(service, &request, sender.buffer()) {
                sender.push(peer);
            }
        }
        sender.flush(socket);
    }
}

/// Answers one datagram into `response`; false: send nothing.
fn answer_one(service: &Service, request: &Request<'_>, response: &mut Vec<u8>) -> bool {
    let Some(mut out) = service.respond(request, response) else {
        return false;
    };
    // The cookie is checked (a second parse of the query) only for a
    // response the limiter would hold back: off the common path.
    if let Some(limiter) = &service.rate_limit {
        let verdict = limiter.check(request.client, &response[..out], request.now);
        let cookie = &service.answer.cookie_secret;
        match verdict {
            Verdict::Send => {}
            _ if cookie.proves(request.msg, request.client, request.now) => {}
            Verdict::Slip => out = rrl::slip(&mut response[..out]),
            Verdict::Drop => return false,
        }
    }
    response.truncate(out);
    true
}

/// Datagrams received, and responses sent, per system call.
pub const BATCH: usize = 32;

/// Receives datagrams in batches: one `recvmmsg` takes up to [`BATCH`].
pub struct Receiver {
    buffers: Vec<[u8; MAX_QUERY]>,
    headers: MultiHeaders<SockaddrStorage>,
    /// (buffer index, length, sender) of the last batch.
    received: Vec<(usize, usize, SocketAddr)>,
}

impl Receiver {
    /// Buffers for one batch, allocated once.
    pub fn new() -> Self {
        Self {
            buffers: vec![[0; MAX_QUERY]; BATCH],
            headers: MultiHeaders::preallocate(BATCH, None),
            received: Vec::with_capacity(BATCH),
        }
    }

    /// Blocks for the first datagram (up to the socket's read timeout:
    /// `EAGAIN`), then takes what is already queued.
    pub fn receive(&mut self, socket: &UdpSocket) -> Result<(), Errno> {
        self.received.clear();
        // A Vec, not an ArrayVec: recvmmsg ties the slices' borrow to the
        // results', which only a Vec's drop may outlive.
        let mut slices: Vec<[IoSliceMut<'_>; 1]> = self
            .buffers
            .iter_mut()
            .map(|b| [IoSliceMut::new(b)])
            .collect();
        let messages = recvmmsg(
            socket.as_raw_fd(),
            &mut self.headers,
            slices.iter_mut(),
            MsgFlags::MSG_WAITFORONE,
            None,
        )?;
        for (i, message) in messages.enumerate() {
            if let Some(peer) = message.address.as_ref().and_then(socket_addr) {
                self.received.push((i, message.bytes, peer));
            }
        }
        Ok(())
    }

    /// The datagrams of the last batch, with their senders.
    pub fn datagrams(&self) -> impl Iterator<Item = (&[u8], SocketAddr)> {
        self.received
            .iter()
            .map(|&(i, len, peer)| (&self.buffers[i][..len], peer))
    }
}

impl Default for Receiver {
    fn default() -> Self {
        Self::new()
    }
}

/// Sends responses in batches: one `sendmmsg` for up to [`BATCH`].
pub struct Sender {
    headers: MultiHeaders<SockaddrStorage>,
    /// Reused buffers: the first `peers.len()` hold responses to send.
    responses: Vec<Vec<u8>>,
    peers: ArrayVec<Option<SockaddrStorage>, BATCH>,
}

impl Sender {
    /// Buffers for one batch.
    pub fn new() -> Self {
        Self {
            headers: MultiHeaders::preallocate(BATCH, None),
            responses: (0..BATCH).map(|_| Vec::with_capacity(1232)).collect(),
            peers: ArrayVec::new(),
        }
    }

    /// The buffer for the next response (the whole buffer is sent once
    /// [`Self::push`] gives it a destination).
    pub fn buffer(&mut self) -> &mut Vec<u8> {
        &mut self.responses[self.peers.len()]
    }

    /// Queues the response just written into [`Self::buffer`] for `peer`.
    pub fn push(&mut self, peer: SocketAddr) {
        self.peers.push(Some(SockaddrStorage::from(peer)));
    }

    /// Sends every queued response. A datagram the kernel refuses ends
    /// the `sendmmsg`: when it is the first, each response is then sent on
    /// its own, so that it costs only its own answer; after it, the rest
    /// of the batch is lost as UDP may lose it (the count sent is not
    /// known without unsafe code).
    pub fn flush(&mut self, socket: &UdpSocket) {
        let ready = self.peers.len();
        if ready == 0 {
            return;
        }
        let slices: ArrayVec<[IoSlice<'_>; 1], BATCH> = self.responses[..ready]
            .iter()
            .map(|r| [IoSlice::new(r)])
            .collect();
        let sent = sendmmsg(
            socket.as_raw_fd(),
            &mut self.headers,
            &slices,
            &self.peers,
            [],
            MsgFlags::empty(),
        );
        if sent.is_err() {
            for (response, peer) in self.responses.iter().zip(&self.peers) {
                if let Some(peer) = peer.as_ref().and_then(socket_addr)
                    && let Err(e) = socket.send_to(response, peer)
                {
                    tracing::debug!("udp send failed: {}", e.kind());
                }
            }
        }
        self.peers.clear();
    }
}

impl Default for Sender {
    fn default() -> Self {
        Self::new()
    }
}

fn socket_addr(storage: &SockaddrStorage) -> Option<SocketAddr> {
    if let Some(v4) = storage.as_sockaddr_in() {
        return Some(SocketAddr::V4((*v4).into()));
    }
    storage
        .as_sockaddr_in6()
        .map(|v6| SocketAddr::V6((*v6).into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_takes_what_is_queued_and_answers_each_sender() {
        let (addr, mut sockets) = bind_workers("127.25.0.1:0".parse().unwrap(), 1).unwrap();
        let server = sockets.pop().unwrap();
        let clients: Vec<UdpSocket> = (0..4)
            .map(|_| UdpSocket::bind("127.25.0.2:0").unwrap())
            .collect();
        for round in 0..10u8 {
            for (c, client) in clients.iter().enumerate() {
                client.send_to(&[c as u8, round], addr).unwrap();
            }
        }
        let (mut receiver, mut sender) = (Receiver::new(), Sender::new());
        let mut batches = Vec::new();
        while batches.iter().sum::<usize>() < 40 && batches.len() < 10 {
            receiver.receive(&server).unwrap();
            let mut count = 0;
            for (msg, peer) in receiver.datagrams() {
                let response = sender.buffer();
                response.clear();
                response.extend_from_slice(msg);
                response.push(0xff);
                sender.push(peer);
                count += 1;
            }
            sender.flush(&server);
            batches.push(count);
        }
        assert_eq!(batches, [BATCH, 40 - BATCH], "datagrams per recvmmsg");
        for (c, client) in clients.iter().enumerate() {
            client
                .set_read_timeout(Some(Duration::from_secs(2)))
                .unwrap();
            for round in 0..10u8 {
                let mut buf = [0u8; 8];
                let len = client.recv(&mut buf).unwrap();
                assert_eq!(&buf[..len], [c as u8, round, 0xff]);
            }
        }
    }
}
