//! TTLs as plain seconds or BIND's units (`1w2d3h4m5s`, case-insensitive).

/// Largest TTL a zone may hold: RFC 2181 8 limits TTLs to 2^31 - 1.
pub const MAX_TTL: u32 = 0x7fff_ffff;

/// Parses a TTL; `None` if it is malformed or above [`MAX_TTL`].
pub fn parse_ttl(text: &[u8]) -> Option<u32> {
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
    u32::try_from(total).ok().filter(|&t| t <= MAX_TTL)
}

#[cfg(test)]
mod tests {
    use super::parse_ttl;

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
}
