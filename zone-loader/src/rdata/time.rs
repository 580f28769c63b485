//! RRSIG and SIG times (RFC 4034 3.2).

/// Parses an RRSIG time field: 14 digits as a UTC date, else seconds.
///
/// A date must exist (no 2023-02-29) and its year lie in 1970 to 2225, as
/// Knot DNS reads them; a date past 2106-02-07 06:28:15 wraps modulo 2^32
/// (RFC 4034 3.1.5: the field is serial number arithmetic), as both Knot
/// and BIND write it.
pub fn parse_rrsig_time(text: &[u8]) -> Option<u32> {
    let s = std::str::from_utf8(text).ok()?;
    if !s.bytes().all(|b| b.is_ascii_digit()) || s.is_empty() {
        return None;
    }
    if s.len() != 14 {
        return s.parse().ok();
    }
    let num = |range: std::ops::Range<usize>| s[range].parse::<i64>().ok();
    let (year, month, day) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (hour, minute, second) = (num(8..10)?, num(10..12)?, num(12..14)?);
    if !(1970..=2225).contains(&year)
        || !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let seconds = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
    Some((seconds % (1 << 32)) as u32)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}
