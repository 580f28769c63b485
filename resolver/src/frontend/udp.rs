//! UDP frontend: one socket per worker thread on the same address
//! (`SO_REUSEPORT`, the kernel spreads datagrams), each a blocking loop
//! that takes up to 32 datagrams per `recvmmsg` and sends the answers of
//! a batch with one `sendmmsg` (the system calls are most of a cache
//! hit's cost).
//! What can be answered at once (cache hits, local zones, errors) is
//! answered on the worker, with nothing allocated but the response; a
//! query that needs resolution becomes a task on the async runtime,
//! which sends its response when it is done.

use std::io::{self, IoSlice, IoSliceMut};
use std::net::{SocketAddr, UdpSocket};
use std::os::fd::{AsRawFd, RawFd};
use std::sync::Arc;
use std::thread::JoinHandle;

use nix::errno::Errno;
use nix::sys::socket::{MsgFlags, MultiHeaders, SockaddrStorage, recvmmsg, sendmmsg};
use tokio::runtime::Handle;

use super::{Frontend, Reply, Transport};

/// Largest query read.
const MAX_QUERY: usize = 4096;

/// Binds `workers` sockets to `addr` with `SO_REUSEPORT`, as authdns does
/// (port 0: the first picks it).
pub fn bind_workers(addr: SocketAddr, workers: usize) -> io::Result<Vec<UdpSocket>> {
    authdns::listen::udp::bind_workers(addr, workers.max(1)).map(|(_, sockets)| sockets)
}

/// Starts a worker thread on each socket; resolutions run on `runtime`.
pub fn spawn(
    sockets: Vec<UdpSocket>,
    frontend: &Arc<Frontend>,
    runtime: &Handle,
) -> io::Result<Vec<JoinHandle<()>>> {
    sockets
        .into_iter()
        .enumerate()
        .map(|(i, socket)| {
            let (frontend, runtime) = (Arc::clone(frontend), runtime.clone());
            std::thread::Builder::new()
                .name(format!("udp-{i}"))
                .spawn(move || serve(&Arc::new(socket), &frontend, &runtime))
        })
        .collect()
}

/// Datagrams received (and responses sent) per system call.
const BATCH: usize = 32;

fn serve(socket: &Arc<UdpSocket>, frontend: &Arc<Frontend>, runtime: &Handle) {
    let fd = socket.as_raw_fd();
    let mut buffers = vec![[0u8; MAX_QUERY]; BATCH];
    let mut receiving = MultiHeaders::<SockaddrStorage>::preallocate(BATCH, None);
    let mut sending = MultiHeaders::<SockaddrStorage>::preallocate(BATCH, None);
    let mut received: Vec<(usize, usize, SocketAddr)> = Vec::with_capacity(BATCH);
    // Response buffers, reused: the first `ready` hold this batch's answers.
    let mut responses: Vec<Vec<u8>> = (0..BATCH).map(|_| Vec::with_capacity(512)).collect();
    let mut ready = 0;
    let mut peers: Vec<Option<SockaddrStorage>> = Vec::with_capacity(BATCH);
    loop {
        received.clear();
        if let Err(e) = receive(fd, &mut receiving, &mut buffers, &mut received) {
            if !matches!(e, Errno::EAGAIN | Errno::EINTR) {
                tracing::debug!("udp receive failed: {e}");
            }
            continue;
        }
        for &(i, len, peer) in &received {
            let msg = &buffers[i][..len];
            match frontend.respond_now(msg, peer.ip(), Transport::Udp, &mut responses[ready]) {
                Reply::Send => {
                    ready += 1;
                    peers.push(Some(SockaddrStorage::from(peer)));
                }
                Reply::Drop => {}
                Reply::Resolve => {
                    let msg = msg.to_vec();
                    let (socket, frontend) = (Arc::clone(socket), Arc::clone(frontend));
                    runtime.spawn(async move {
                        let response = frontend.respond(&msg, peer.ip(), Transport::Udp).await;
                        if let Some(response) = response {
                            let _ = socket.send_to(&response, peer);
                        }
                    });
                }
            }
        }
        if ready > 0 {
            let slices: Vec<[IoSlice<'_>; 1]> = responses[..ready]
                .iter()
                .map(|r| [IoSlice::new(r)])
                .collect();
            if let Err(e) = sendmmsg(fd, &mut sending, &slices, &peers, [], MsgFlags::empty()) {
                tracing::debug!("udp send failed: {e}");
            }
            drop(slices);
            ready = 0;
            peers.clear();
        }
    }
}

/// Receives a batch into `buffers`: (buffer index, length, sender) in
/// `received`. Blocks for the first datagram, then takes what is queued.
fn receive(
    fd: RawFd,
    headers: &mut MultiHeaders<SockaddrStorage>,
    buffers: &mut [[u8; MAX_QUERY]],
    received: &mut Vec<(usize, usize, SocketAddr)>,
) -> Result<(), Errno> {
    let mut slices: Vec<[IoSliceMut<'_>; 1]> =
        buffers.iter_mut().map(|b| [IoSliceMut::new(b)]).collect();
    let messages = recvmmsg(
        fd,
        headers,
        slices.iter_mut(),
        MsgFlags::MSG_WAITFORONE,
        None,
    )?;
    for (i, message) in messages.enumerate() {
        if let Some(peer) = message.address.as_ref().and_then(socket_addr) {
            received.push((i, message.bytes, peer));
        }
    }
    Ok(())
}

fn socket_addr(storage: &SockaddrStorage) -> Option<SocketAddr> {
    if let Some(v4) = storage.as_sockaddr_in() {
        return Some(SocketAddr::V4((*v4).into()));
    }
    storage
        .as_sockaddr_in6()
        .map(|v6| SocketAddr::V6((*v6).into()))
}
