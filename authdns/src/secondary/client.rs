//! Talking to a primary over TCP (RFC 7766, two-octet length framing):
//! an SOA query for its serial, then a transfer read message by message
//! into an [`xfr_reader::Reader`], each step under a timeout.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio::time::timeout;
use zone_loader::Zone;
use zone_loader::rtype::code;

use super::xfr_reader::{self, Answer, Bounds, Reader};
use super::{Limits, SecondaryZone, XfrError, request};
use crate::listen::unix_now;

/// The primary's serial for `zone`, asked over TCP (signed when keyed).
pub async fn soa_serial(
    primary: SocketAddr,
    zone: &SecondaryZone,
    limits: &Limits,
) -> Result<u32, XfrError> {
    let id = rand::random::<u16>();
    let mut query = request::build(&zone.origin, code::SOA, None, id, zone.key.as_ref(), now());
    let mut stream = connect(primary, limits).await?;
    send(&mut stream, &query.msg, limits).await?;
    let msg = receive(&mut stream, limits)
        .await?
        .ok_or(XfrError::Incomplete)?;
    xfr_reader::soa_answer(&msg, &zone.origin, id, query.exchange.as_mut(), now())
}

/// A `qtype` (AXFR or IXFR from `ours`) transfer of `zone` from
/// `primary`: the answer and how many messages brought it.
pub async fn transfer(
    primary: SocketAddr,
    zone: &SecondaryZone,
    qtype: u16,
    ours: Option<&Arc<Zone>>,
    limits: &Limits,
) -> Result<(Answer, u32), XfrError> {
    let id = rand::random::<u16>();
    let query = request::build(
        &zone.origin,
        qtype,
        ours.map(|z| &**z),
        id,
        zone.key.as_ref(),
        now(),
    );
    let bounds = Bounds {
        max_records: limits.max_records,
        max_bytes: limits.max_bytes,
    };
    let serial = ours.map(|z| z.serial());
    let mut reader = Reader::new(&zone.origin, id, qtype, serial, query.exchange, bounds);
    let whole = async {
        let mut stream = connect(primary, limits).await?;
        send(&mut stream, &query.msg, limits).await?;
        loop {
            let msg = receive(&mut stream, limits)
                .await?
                .ok_or(XfrError::Incomplete)?;
            if reader.feed(&msg, now())? {
                break;
            }
        }
        Ok::<_, XfrError>(())
    };
    timeout(limits.transfer, whole)
        .await
        .map_err(|_| XfrError::Timeout)??;
    let messages = reader.messages();
    Ok((reader.finish()?, messages))
}

fn now() -> u64 {
    u64::from(unix_now())
}

async fn connect(primary: SocketAddr, limits: &Limits) -> Result<TcpStream, XfrError> {
    let socket = match primary {
        SocketAddr::V4(_) => TcpSocket::new_v4(),
        SocketAddr::V6(_) => TcpSocket::new_v6(),
    }
    .map_err(|e| XfrError::Io(format!("cannot open a socket: {e}")))?;
    if let Some(source) = limits.source {
        socket
            .bind(SocketAddr::new(source, 0))
            .map_err(|e| XfrError::Io(format!("cannot bind to {source}: {e}")))?;
    }
    timeout(limits.connect, socket.connect(primary))
        .await
        .map_err(|_| XfrError::Timeout)?
        .map_err(|e| XfrError::Io(format!("cannot connect: {e}")))
}

async fn send(stream: &mut TcpStream, msg: &[u8], limits: &Limits) -> Result<(), XfrError> {
    let mut framed = Vec::with_capacity(msg.len() + 2);
    framed.extend_from_slice(&(msg.len() as u16).to_be_bytes());
    framed.extend_from_slice(msg);
    timeout(limits.message, stream.write_all(&framed))
        .await
        .map_err(|_| XfrError::Timeout)?
        .map_err(|e| XfrError::Io(format!("cannot send: {e}")))
}

/// The next message; `None` when the primary closed the connection
/// between messages.
async fn receive(stream: &mut TcpStream, limits: &Limits) -> Result<Option<Vec<u8>>, XfrError> {
    let read = async {
        let mut len = [0u8; 2];
        match stream.read_exact(&mut len).await {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(e) => return Err(e),
        }
        let mut msg = vec![0u8; usize::from(u16::from_be_bytes(len))];
        stream.read_exact(&mut msg).await?;
        Ok(Some(msg))
    };
    match timeout(limits.message, read).await {
        Err(_) => Err(XfrError::Timeout),
        Ok(Ok(msg)) => Ok(msg),
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => Err(XfrError::Incomplete),
        Ok(Err(e)) => Err(XfrError::Io(format!("cannot read: {e}"))),
    }
}
