//! A plain DNS client over UDP and TCP, with hickory-proto messages.

use std::io::{self, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream, UdpSocket};
use std::str::FromStr;
use std::time::Duration;

use hickory_proto::op::{Edns, Message, MessageType, OpCode, Query};
use hickory_proto::rr::{Name, Record, RecordType};

/// How long to wait for an answer.
pub const TIMEOUT: Duration = Duration::from_secs(2);

/// A query for `name` and `rtype`, with EDNS (1232 bytes) if `edns`.
pub fn query(name: &str, rtype: RecordType, edns: bool) -> Message {
    let mut msg = Message::new(rand_id(), MessageType::Query, OpCode::Query);
    msg.add_query(Query::query(
        Name::from_str(name).expect("valid test name"),
        rtype,
    ));
    if edns {
        let mut e = Edns::new();
        e.set_max_payload(1232);
        msg.set_edns(e);
    }
    msg
}

/// A recursive query (RD set) for `name` and `rtype`, with EDNS.
pub fn recursive(name: &str, rtype: RecordType) -> Message {
    let mut msg = query(name, rtype, true);
    msg.metadata.recursion_desired = true;
    msg
}

fn rand_id() -> u16 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    (nanos ^ (nanos >> 16)) as u16
}

/// Sends raw bytes over UDP and returns the raw answer.
pub fn udp_raw(addr: SocketAddr, bytes: &[u8]) -> io::Result<Vec<u8>> {
    let local = if addr.is_ipv4() {
        "127.0.0.1:0"
    } else {
        "[::1]:0"
    };
    udp_raw_from(local.parse().expect("valid address"), addr, bytes)
}

/// Sends a query over UDP from the address `local` and decodes the answer.
pub fn udp_from(local: SocketAddr, addr: SocketAddr, msg: &Message) -> io::Result<Message> {
    let answer = udp_raw_from(local, addr, &msg.to_vec().map_err(io::Error::other)?)?;
    Message::from_vec(&answer).map_err(io::Error::other)
}

/// Sends a query over UDP and waits at most `timeout` for the answer.
pub fn udp_within(addr: SocketAddr, msg: &Message, timeout: Duration) -> io::Result<Message> {
    let answer = udp_raw_within(addr, &msg.to_vec().map_err(io::Error::other)?, timeout)?;
    Message::from_vec(&answer).map_err(io::Error::other)
}

/// Sends raw bytes over UDP and waits at most `timeout` for the raw answer.
pub fn udp_raw_within(addr: SocketAddr, bytes: &[u8], timeout: Duration) -> io::Result<Vec<u8>> {
    let local = if addr.is_ipv4() {
        "127.0.0.1:0"
    } else {
        "[::1]:0"
    };
    let socket = UdpSocket::bind(local)?;
    socket.set_read_timeout(Some(timeout))?;
    exchange(&socket, addr, bytes)
}

/// Sends raw bytes over UDP from the address `local` and returns the raw answer.
pub fn udp_raw_from(local: SocketAddr, addr: SocketAddr, bytes: &[u8]) -> io::Result<Vec<u8>> {
    let socket = UdpSocket::bind(local)?;
    socket.set_read_timeout(Some(TIMEOUT))?;
    exchange(&socket, addr, bytes)
}

fn exchange(socket: &UdpSocket, addr: SocketAddr, bytes: &[u8]) -> io::Result<Vec<u8>> {
    socket.send_to(bytes, addr)?;
    let mut buf = vec![0u8; 65_535];
    let len = loop {
        match socket.recv_from(&mut buf) {
            // A signal for another thread of the test process: wait on.
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            received => break received?.0,
        }
    };
    buf.truncate(len);
    Ok(buf)
}

/// Sends a query over UDP and decodes the answer.
pub fn udp(addr: SocketAddr, msg: &Message) -> io::Result<Message> {
    let answer = udp_raw(addr, &msg.to_vec().map_err(io::Error::other)?)?;
    Message::from_vec(&answer).map_err(io::Error::other)
}

/// Sends queries over one TCP connection and decodes the answers, in the
/// order they arrive.
pub fn tcp_many(addr: SocketAddr, msgs: &[Message]) -> io::Result<Vec<Message>> {
    tcp_many_within(addr, msgs, TIMEOUT)
}

/// [`tcp_many`], waiting at most `timeout` for each answer; the answers
/// come back in the order they arrived.
pub fn tcp_many_within(
    addr: SocketAddr,
    msgs: &[Message],
    timeout: Duration,
) -> io::Result<Vec<Message>> {
    let mut stream = TcpStream::connect_timeout(&addr, TIMEOUT)?;
    stream.set_read_timeout(Some(timeout))?;
    exchange_on(&mut stream, msgs)
}

/// Sends queries over an open DNS stream (TCP framing) and decodes the
/// answers in the order they arrive.
pub fn exchange_on<S: Read + Write>(stream: &mut S, msgs: &[Message]) -> io::Result<Vec<Message>> {
    let mut out = Vec::new();
    for msg in msgs {
        let bytes = msg.to_vec().map_err(io::Error::other)?;
        out.extend_from_slice(&(bytes.len() as u16).to_be_bytes());
        out.extend_from_slice(&bytes);
    }
    stream.write_all(&out)?;
    msgs.iter()
        .map(|_| {
            let mut len = [0u8; 2];
            stream.read_exact(&mut len)?;
            let mut buf = vec![0u8; usize::from(u16::from_be_bytes(len))];
            stream.read_exact(&mut buf)?;
            Message::from_vec(&buf).map_err(io::Error::other)
        })
        .collect()
}

/// Opens a TCP connection to `addr` from the address `local` (any port):
/// tests use distinct 127.x.y.z source addresses as distinct clients.
pub fn tcp_connect_from(local: IpAddr, addr: SocketAddr) -> io::Result<TcpStream> {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    socket.bind(&SocketAddr::new(local, 0).into())?;
    socket.connect_timeout(&addr.into(), TIMEOUT)?;
    let stream: TcpStream = socket.into();
    stream.set_read_timeout(Some(TIMEOUT))?;
    Ok(stream)
}

/// Whether the server closes `stream` (the read sees its end, or a reset)
/// within `limit`.
pub fn closed_within(stream: &mut TcpStream, limit: Duration) -> bool {
    stream.set_read_timeout(Some(limit)).ok();
    let mut byte = [0u8; 1];
    match stream.read(&mut byte) {
        Ok(0) => true,
        Err(e) => e.kind() == io::ErrorKind::ConnectionReset,
        Ok(_) => false,
    }
}

/// Sends one query over TCP.
pub fn tcp(addr: SocketAddr, msg: &Message) -> io::Result<Message> {
    Ok(tcp_many(addr, std::slice::from_ref(msg))?.remove(0))
}

/// A section as sorted, lowercased `name ttl type rdata` lines (OPT left out).
pub fn lines(records: &[Record]) -> Vec<String> {
    let mut out: Vec<String> = records
        .iter()
        .filter(|r| r.record_type() != RecordType::OPT)
        .map(|r| format!("{} {} {} {}", r.name, r.ttl, r.record_type(), r.data).to_lowercase())
        .collect();
    out.sort();
    out
}
