//! TTLs as plain seconds or BIND's units (`1w2d3h4m5s`, case-insensitive).

/// Largest TTL a zone may hold: RFC 2181 8 limits TTLs to 2^31 - 1.
pub const MAX_TTL: u32 = 0x7fff_ffff;

/// Parses a TTL; `None` if it is malformed or above [`MAX_TTL`].
pub fn parse_ttl(text: &[u8]) -> Option<u32> {
    parse_ttl_u32(text).filter(|&t| t <= MAX_TTL)
}

/// A record's or `$TTL`'s TTL as a zone file may write it: any 32-bit
/// value. One above [`MAX_TTL`] is read as 0 with a warning, as BIND does
/// (RFC 2181 8): `Some((0, true))`. `None` if malformed or above 2^32 - 1.
pub fn parse_record_ttl(text: &[u8]) -> Option<(u32, bool)> {
    let ttl = parse_ttl_u32(text)?;
    Some(if ttl > MAX_TTL {
        (0, true)
    } else {
        (ttl, false)
    })
}

/// Parses a TTL of up to 2^32 - 1 seconds.
fn parse_ttl_u32(text: &[u8]) -> Option<u32> {
    if text.is_empty() || !text[0].is_ascii_digit() {
        return None;
    }
    let mut total: u64 = 0;
    let mut current: u64 = 0;
    let mut pending_digits = false;
    for &b in text {
        if b.is_ascii_digit() {
            current = current.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
            pending_digits = true;
            continue;
        }
        let unit = match b.to_ascii_lowercase() {
            b'w' => 604_800,
            b'd' => 86_400,
            b'h' => 3_600,
            b'm' => 60,
            b's' => 1,
            _ => return None,
        };
        if !pending_digits {
            return None;
        }
        total = total.checked_add(current.checked_mul(unit)?)?;
        current = 0;
        pending_digits = false;
    }
    total = total.checked_add(current)?;
    u32::try_from(total).ok()
}

#[cfg(test)]
mod tests {
    use super::{parse_record_ttl, parse_ttl};

    #[test]
    fn bind_units() {
        assert_eq!(parse_ttl(b"3600"), Some(3600));
        assert_eq!(parse_ttl(b"1h30m"), Some(5400));
        assert_eq!(
            parse_ttl(b"1W2d3H4m5S"),
            Some(604_800 + 2 * 86_400 + 3 * 3600 + 4 * 60 + 5)
        );
        assert_eq!(parse_ttl(b"2147483647"), Some(2_147_483_647));
        assert_eq!(parse_ttl(b"2147483648"), None);
        assert_eq!(parse_ttl(b"1x"), None);
        assert_eq!(parse_ttl(b"h"), None);
        assert_eq!(parse_ttl(b""), None);
    }

    #[test]
    fn record_ttls_above_2_31_read_as_zero() {
        assert_eq!(
            parse_record_ttl(b"2147483647"),
            Some((2_147_483_647, false))
        );
        assert_eq!(parse_record_ttl(b"2147483648"), Some((0, true)));
        assert_eq!(parse_record_ttl(b"4294967295"), Some((0, true)));
        assert_eq!(parse_record_ttl(b"4294967296"), None);
        assert_eq!(parse_record_ttl(b"7000w"), Some((0, true)));
        assert_eq!(parse_record_ttl(b"1x"), None);
    }
}
