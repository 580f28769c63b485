//! The strict query parser: a DNS message (RFC 1035 4.1) read as a query.
//!
//! It copies nothing but the question name (lowercased, for lookups) and
//! the EDNS facts an answer needs (RFC 6891 6.1: OPT only in the
//! additional section and at most once; RFC 5001 NSID; RFC 7873 cookies).
//! What cannot be answered at all is dropped; what is malformed but has a
//! usable header gets FORMERR.

use super::name::MAX_NAME_LEN;

/// The DNS header length.
pub const HEADER_LEN: usize = 12;
/// EDNS option code of NSID, RFC 5001.
pub const OPTION_NSID: u16 = 3;
/// EDNS option code of EXPIRE, RFC 7314.
pub const OPTION_EXPIRE: u16 = 9;
/// EDNS option code of COOKIE, RFC 7873.
pub const OPTION_COOKIE: u16 = 10;
/// EDNS option code of Padding, RFC 7830.
pub const OPTION_PADDING: u16 = 12;
/// EDNS option code of Extended DNS Error, RFC 8914.
pub const OPTION_EDE: u16 = 15;

/// Why a message is not answered normally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryError {
    /// No answer at all: shorter than a header, or a response (QR=1).
    Drop,
    /// Answer FORMERR (RFC 1035 4.1.1); the header is usable.
    FormErr,
}

/// A server cookie, 8 to 32 octets (RFC 7873 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerCookie {
    /// The octets; only `len` of them are used.
    pub bytes: [u8; 32],
    /// 8 to 32.
    pub len: u8,
}

/// The COOKIE option of a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cookie {
    /// The client cookie.
    pub client: [u8; 8],
    /// The server cookie the client sent back, if any.
    pub server: Option<ServerCookie>,
}

/// The EDNS facts of a query (RFC 6891 6.1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edns {
    /// Requestor's UDP payload size (values below 512 read as 512).
    pub udp_size: u16,
    /// EDNS version.
    pub version: u8,
    /// The DO bit (RFC 3225).
    pub dnssec_ok: bool,
    /// The NSID option was present.
    pub nsid: bool,
    /// The COOKIE option, if present and well-formed.
    pub cookie: Option<Cookie>,
    /// The Padding option was present (RFC 7830).
    pub padding: bool,
    /// The EXPIRE option was present (RFC 7314).
    pub expire: bool,
}

/// A parsed query.
#[derive(Debug, Clone)]
pub struct Query {
    /// Message ID.
    pub id: u16,
    /// The header's flags word (QR, opcode, AA, TC, RD, RA, Z, AD, CD, RCODE).
    pub flags: u16,
    qname: [u8; MAX_NAME_LEN],
    qname_len: u8,
    /// QTYPE.
    pub qtype: u16,
    /// QCLASS.
    pub qclass: u16,
    /// Offset just past the question in the message.
    pub question_end: usize,
    /// The OPT record's facts, if one was present.
    pub edns: Option<Edns>,
}

impl Query {
    /// The opcode (RFC 1035 4.1.1).
    pub fn opcode(&self) -> u8 {
        ((self.flags >> 11) & 0xf) as u8
    }

    /// RD, recursion desired.
    pub fn recursion_desired(&self) -> bool {
        self.flags & 0x0100 != 0
    }

    /// AD, authentic data: in a query, a request for the AD bit in the
    /// response (RFC 6840 5.7).
    pub fn authentic_data(&self) -> bool {
        self.flags & 0x0020 != 0
    }

    /// CD, checking disabled (RFC 4035 3.2.2).
    pub fn checking_disabled(&self) -> bool {
        self.flags & 0x0010 != 0
    }

    /// The question name, lowercased, in wire form.
    pub fn qname(&self) -> &[u8] {
        &self.qname[..usize::from(self.qname_len)]
    }
}

/// Reads the ID and flags of any message at least a header long, to build
/// an error answer when the rest does not parse.
pub fn header_id(msg: &[u8]) -> Option<(u16, u16)> {
    let header = msg.get(..HEADER_LEN)?;
    Some((
        u16::from_be_bytes([header[0], header[1]]),
        u16::from_be_bytes([header[2], header[3]]),
    ))
}

struct Reader<'m> {
    msg: &'m [u8],
    pos: usize,
}

impl Reader<'_> {
    fn u16(&mut self) -> Result<u16, QueryError> {
        let bytes = self
            .msg
            .get(self.pos..self.pos + 2)
            .ok_or(QueryError::FormErr)?;
        self.pos += 2;
        Ok(u16::from_be_bytes([bytes[0], bytes[1]]))
    }

    fn u32(&mut self) -> Result<u32, QueryError> {
        Ok((u32::from(self.u16()?) << 16) | u32::from(self.u16()?))
    }

    /// Skips a possibly compressed name, checking label types and length.
    fn skip_name(&mut self) -> Result<bool, QueryError> {
        let start = self.pos;
        loop {
            let len = *self.msg.get(self.pos).ok_or(QueryError::FormErr)?;
            match len {
                0 => {
                    self.pos += 1;
                    return Ok(self.pos - start == 1);
                }
                1..=63 => self.pos += 1 + usize::from(len),
                0xc0..=0xff => {
                    self.msg.get(self.pos + 1).ok_or(QueryError::FormErr)?;
                    self.pos += 2;
                    return Ok(false);
                }
                _ => return Err(QueryError::FormErr),
            }
            if self.pos - start > MAX_NAME_LEN {
                return Err(QueryError::FormErr);
            }
        }
    }
}

/// Parses `msg` as a query.
pub fn parse(msg: &[u8]) -> Result<Query, QueryError> {
    let (id, flags) = header_id(msg).ok_or(QueryError::Drop)?;
    if flags & 0x8000 != 0 {
        return Err(QueryError::Drop);
    }
    let count = |i: usize| u16::from_be_bytes([msg[4 + 2 * i], msg[5 + 2 * i]]);
    let (qdcount, ancount, nscount, arcount) = (count(0), count(1), count(2), count(3));
    if qdcount != 1 {
        return Err(QueryError::FormErr);
    }
    let mut query = Query {
        id,
        flags,
        qname: [0; MAX_NAME_LEN],
        qname_len: 0,
        qtype: 0,
        qclass: 0,
        question_end: 0,
        edns: None,
    };
    let mut pos = HEADER_LEN;
    loop {
        let len = usize::from(*msg.get(pos).ok_or(QueryError::FormErr)?);
        if len > 63 {
            // Compression pointers cannot point back from the question.
            return Err(QueryError::FormErr);
        }
        pos += 1 + len;
        if pos - HEADER_LEN > MAX_NAME_LEN {
            return Err(QueryError::FormErr);
        }
        if len == 0 {
            break;
        }
    }
    let wire = msg.get(HEADER_LEN..pos).ok_or(QueryError::FormErr)?;
    let qname = &mut query.qname[..wire.len()];
    qname.copy_from_slice(wire);
    // Length octets are at most 63, below b'A', so lowercasing the whole
    // name only touches label bytes.
    qname.make_ascii_lowercase();
    query.qname_len = wire.len() as u8;
    let mut reader = Reader { msg, pos };
    query.qtype = reader.u16()?;
    query.qclass = reader.u16()?;
    query.question_end = reader.pos;
    for section in 0..3 {
        let records = [ancount, nscount, arcount][section];
        for _ in 0..records {
            let root_owner = reader.skip_name()?;
            let rtype = reader.u16()?;
            let class = reader.u16()?;
            let ttl = reader.u32()?;
            let rdlen = usize::from(reader.u16()?);
            let rdata = msg
                .get(reader.pos..reader.pos + rdlen)
                .ok_or(QueryError::FormErr)?;
            reader.pos += rdlen;
            if rtype == crate::rtype::code::OPT {
                // RFC 6891 6.1.1: one OPT, in the additional section, owned by the root.
                if section != 2 || query.edns.is_some() || !root_owner {
                    return Err(QueryError::FormErr);
                }
                query.edns = Some(parse_opt(class, ttl, rdata)?);
            }
        }
    }
    if reader.pos != msg.len() {
        return Err(QueryError::FormErr);
    }
    Ok(query)
}

fn parse_opt(class: u16, ttl: u32, mut rdata: &[u8]) -> Result<Edns, QueryError> {
    let mut edns = Edns {
        udp_size: class.max(512),
        version: (ttl >> 16) as u8,
        dnssec_ok: ttl & 0x8000 != 0,
        nsid: false,
        cookie: None,
        padding: false,
        expire: false,
    };
    while !rdata.is_empty() {
        let header = rdata.get(..4).ok_or(QueryError::FormErr)?;
        let code = u16::from_be_bytes([header[0], header[1]]);
        let len = usize::from(u16::from_be_bytes([header[2], header[3]]));
        let data = rdata.get(4..4 + len).ok_or(QueryError::FormErr)?;
        rdata = &rdata[4 + len..];
        match code {
            OPTION_NSID => edns.nsid = true,
            OPTION_PADDING => edns.padding = true,
            OPTION_EXPIRE => edns.expire = true,
            OPTION_COOKIE => {
                // RFC 7873 5.2.2: a client cookie alone (8) or with a server cookie (16 to 40).
                if len != 8 && !(16..=40).contains(&len) {
                    return Err(QueryError::FormErr);
                }
                let mut client = [0u8; 8];
                client.copy_from_slice(&data[..8]);
                let server = (len > 8).then(|| {
                    let mut bytes = [0u8; 32];
                    bytes[..len - 8].copy_from_slice(&data[8..]);
                    ServerCookie {
                        bytes,
                        len: (len - 8) as u8,
                    }
                });
                edns.cookie = Some(Cookie { client, server });
            }
            // RFC 6891 6.1.2: unknown options are ignored.
            _ => {}
        }
    }
    Ok(edns)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(qname: &[u8], extra: &[u8], arcount: u16) -> Vec<u8> {
        let mut msg = vec![0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0];
        msg.extend_from_slice(&arcount.to_be_bytes());
        msg.extend_from_slice(qname);
        msg.extend_from_slice(&[0, 1, 0, 1]);
        msg.extend_from_slice(extra);
        msg
    }

    const OPT_HEAD: [u8; 9] = [0, 0, 41, 0x04, 0xd0, 0, 0, 0x80, 0];

    fn opt(options: &[u8]) -> Vec<u8> {
        let mut rr = OPT_HEAD.to_vec();
        rr.extend_from_slice(&(options.len() as u16).to_be_bytes());
        rr.extend_from_slice(options);
        rr
    }

    #[test]
    fn question_is_lowercased_and_edns_read() {
        let msg = query(b"\x03WWW\x07Example\x00", &opt(&[0, 3, 0, 0]), 1);
        let q = parse(&msg).unwrap();
        assert_eq!(q.qname(), b"\x03www\x07example\x00");
        assert_eq!((q.id, q.qtype, q.qclass), (0x1234, 1, 1));
        let edns = q.edns.unwrap();
        assert_eq!(edns.udp_size, 1232);
        assert!(edns.dnssec_ok && edns.nsid);
        assert_eq!(q.question_end, 12 + 13 + 4);
    }

    #[test]
    fn malformed_queries_are_formerr_or_dropped() {
        assert_eq!(parse(&[0; 11]).unwrap_err(), QueryError::Drop);
        let mut response = query(b"\x00", &[], 0);
        response[2] |= 0x80;
        assert_eq!(parse(&response).unwrap_err(), QueryError::Drop);
        let mut two_questions = query(b"\x00", &[], 0);
        two_questions[5] = 2;
        assert_eq!(parse(&two_questions).unwrap_err(), QueryError::FormErr);
        let truncated = &query(b"\x03www\x00", &[], 0)[..16];
        assert_eq!(parse(truncated).unwrap_err(), QueryError::FormErr);
        let pointer = query(b"\xc0\x0c", &[], 0);
        assert_eq!(parse(&pointer).unwrap_err(), QueryError::FormErr);
        let mut two_opts = opt(&[]);
        two_opts.extend_from_slice(&opt(&[]));
        assert_eq!(
            parse(&query(b"\x00", &two_opts, 2)).unwrap_err(),
            QueryError::FormErr
        );
        let bad_cookie = opt(&[0, 10, 0, 5, 1, 2, 3, 4, 5]);
        assert_eq!(
            parse(&query(b"\x00", &bad_cookie, 1)).unwrap_err(),
            QueryError::FormErr
        );
        let trailing = query(b"\x00", &[0], 0);
        assert_eq!(parse(&trailing).unwrap_err(), QueryError::FormErr);
    }

    #[test]
    fn cookies_are_read() {
        let mut options = vec![0, 10, 0, 24];
        options.extend_from_slice(&[7; 24]);
        let q = parse(&query(b"\x00", &opt(&options), 1)).unwrap();
        let cookie = q.edns.unwrap().cookie.unwrap();
        assert_eq!(cookie.client, [7; 8]);
        assert_eq!(cookie.server.unwrap().len, 16);
    }
}
