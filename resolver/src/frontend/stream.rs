//! DNS over a byte stream, plain TCP (RFC 7766) or TLS (RFC 7858): two-
//! octet length framing, many queries per connection, each answered as
//! soon as it is resolved (out of order, as RFC 7766 6.2.1.1 allows), so
//! a slow name does not hold up a cached one behind it.
//!
//! Bounds: an idle timeout while waiting for the next query and for each
//! write (a client that stops reading is dropped), at most
//! [`MAX_IN_FLIGHT`] queries resolving per connection (reading pauses
//! beyond that).

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::{Semaphore, mpsc};
use tokio::time::timeout;

use super::{Frontend, Reply, Transport};

/// How long a connection may wait for its next query, or for a write.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(10);
/// Queries resolving at once on one connection.
pub const MAX_IN_FLIGHT: usize = 64;

/// Serves one connection until the client closes it, goes idle, or
/// stops reading; then finishes the answers under way.
pub async fn connection<S>(stream: S, client: IpAddr, frontend: Arc<Frontend>, transport: Transport)
where
    S: AsyncRead + AsyncWrite + Send + 'static,
{
    let (mut reader, mut writer) = tokio::io::split(stream);
    let (answers, mut outgoing) = mpsc::channel::<Vec<u8>>(MAX_IN_FLIGHT);
    let writing = tokio::spawn(async move {
        while let Some(framed) = outgoing.recv().await {
            if !matches!(
                timeout(IDLE_TIMEOUT, writer.write_all(&framed)).await,
                Ok(Ok(()))
            ) {
                return;
            }
        }
        let _ = writer.shutdown().await;
    });
    let in_flight = Arc::new(Semaphore::new(MAX_IN_FLIGHT));
    while let Some(msg) = read_message(&mut reader).await {
        // Cache hits and local answers go out at once, in order; the rest
        // resolve in their own tasks and go out as they finish.
        let mut framed = vec![0, 0];
        let mut response = Vec::with_capacity(512);
        match frontend.respond_now(&msg, client, transport, &mut response) {
            Reply::Send => {
                frame(&mut framed, &response);
                if answers.send(framed).await.is_err() {
                    break;
                }
                continue;
            }
            Reply::Drop => continue,
            Reply::Resolve => {}
        }
        let Ok(permit) = Arc::clone(&in_flight).acquire_owned().await else {
            break;
        };
        let (answers, frontend) = (answers.clone(), Arc::clone(&frontend));
        tokio::spawn(async move {
            if let Some(response) = frontend.respond(&msg, client, transport).await {
                frame(&mut framed, &response);
                let _ = answers.send(framed).await;
            }
            drop(permit);
        });
    }
    drop(answers);
    let _ = writing.await;
}

/// Appends `response` to `framed` (two octets reserved for its length)
/// and writes the length.
fn frame(framed: &mut Vec<u8>, response: &[u8]) {
    framed[..2].copy_from_slice(&(response.len() as u16).to_be_bytes());
    framed.extend_from_slice(response);
}

/// The next length-prefixed message, or `None` at EOF, error or idle timeout.
pub async fn read_message<R: AsyncRead + Unpin>(reader: &mut R) -> Option<Vec<u8>> {
    let mut len = [0u8; 2];
    timeout(IDLE_TIMEOUT, reader.read_exact(&mut len))
        .await
        .ok()?
        .ok()?;
    let mut msg = vec![0u8; usize::from(u16::from_be_bytes(len))];
    timeout(IDLE_TIMEOUT, reader.read_exact(&mut msg))
        .await
        .ok()?
        .ok()?;
    Some(msg)
}
