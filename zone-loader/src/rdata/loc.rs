//! LOC rdata (RFC 1876): angles, altitude and three precisions.

use super::fields::Fields;
use super::{RdataErrorKind, Result};

/// The largest size or precision RFC 1876 2 can write: 9e9 cm (90,000 km).
const MAX_PRECISION_CM: i64 = 9_000_000_000;

impl Fields<'_, '_> {
    pub(super) fn loc(&mut self, out: &mut Vec<u8>) -> Result<()> {
        let latitude = self.loc_angle(b'N', b'S', 90)?;
        let longitude = self.loc_angle(b'E', b'W', 180)?;
        let altitude = self.loc_meters("altitude", true)?;
        let altitude = u32::try_from(altitude.saturating_add(10_000_000))
            .map_err(|_| self.back_err(RdataErrorKind::BadLoc("altitude")))?;
        let mut precisions = [100i64, 1_000_000, 1_000];
        for (value, field) in
            precisions
                .iter_mut()
                .zip(["size", "horizontal precision", "vertical precision"])
        {
            if self.done() {
                break;
            }
            *value = self.loc_meters(field, false)?;
            if *value > MAX_PRECISION_CM {
                return Err(self.back_err(RdataErrorKind::BadLoc(field)));
            }
        }
        out.push(0);
        for (value, field) in
            precisions
                .iter()
                .zip(["size", "horizontal precision", "vertical precision"])
        {
            out.push(
                precision_byte(*value)
                    .ok_or_else(|| self.back_err(RdataErrorKind::BadLoc(field)))?,
            );
        }
        out.extend_from_slice(&latitude.to_be_bytes());
        out.extend_from_slice(&longitude.to_be_bytes());
        out.extend_from_slice(&altitude.to_be_bytes());
        Ok(())
    }

    /// `d [m [s.sss]] H` as thousandths of arc seconds offset by 2^31.
    fn loc_angle(&mut self, positive: u8, negative: u8, max_degrees: u32) -> Result<u32> {
        let field = if max_degrees == 90 {
            "latitude"
        } else {
            "longitude"
        };
        let bad = |f: &Self| f.back_err(RdataErrorKind::BadLoc(field));
        let degrees: u32 = self.number(field)?;
        let mut minutes = 0u32;
        let mut millis = 0u32;
        let mut hemisphere = self.next(field)?;
        if hemisphere.first().is_some_and(u8::is_ascii_digit) {
            minutes = std::str::from_utf8(hemisphere)
                .ok()
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| bad(self))?;
            hemisphere = self.next(field)?;
            if hemisphere.first().is_some_and(u8::is_ascii_digit) {
                millis = parse_decimal(hemisphere, 3)
                    .and_then(|v| u32::try_from(v).ok())
                    .ok_or_else(|| bad(self))?;
                hemisphere = self.next(field)?;
            }
        }
        if degrees > max_degrees || minutes >= 60 || millis >= 60_000 {
            return Err(bad(self));
        }
        let offset = (degrees * 3600 + minutes * 60) * 1000 + millis;
        if offset > max_degrees * 3_600_000 {
            return Err(bad(self));
        }
        let base = 1u32 << 31;
        match hemisphere.to_ascii_uppercase().as_slice() {
            [h] if *h == positive => Ok(base + offset),
            [h] if *h == negative => Ok(base - offset),
            _ => Err(bad(self)),
        }
    }

    /// A length in meters (optional trailing `m`) as centimeters.
    fn loc_meters(&mut self, field: &'static str, signed: bool) -> Result<i64> {
        let text = self.next(field)?;
        let text = text.strip_suffix(b"m").unwrap_or(text);
        let (negative, digits) = match text.strip_prefix(b"-") {
            Some(rest) if signed => (true, rest),
            _ => (false, text),
        };
        let value =
            parse_decimal(digits, 2).ok_or_else(|| self.back_err(RdataErrorKind::BadLoc(field)))?;
        Ok(if negative { -value } else { value })
    }
}

/// A non-negative decimal with at most `scale` fractional digits, scaled by 10^scale.
fn parse_decimal(text: &[u8], scale: u32) -> Option<i64> {
    let s = std::str::from_utf8(text).ok()?;
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if whole.is_empty() || frac.len() > scale as usize {
        return None;
    }
    if !whole
        .bytes()
        .chain(frac.bytes())
        .all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let mut frac_value: i64 = if frac.is_empty() {
        0
    } else {
        frac.parse().ok()?
    };
    for _ in frac.len()..scale as usize {
        frac_value *= 10;
    }
    whole.checked_mul(10i64.pow(scale))?.checked_add(frac_value)
}

/// RFC 1876 precision: a centimeter value as mantissa and power of ten.
fn precision_byte(mut centimeters: i64) -> Option<u8> {
    let mut exponent = 0u8;
    while centimeters >= 10 {
        if centimeters % 10 != 0 && centimeters >= 100 {
            centimeters = centimeters.saturating_add(5) / 10;
        } else {
            centimeters /= 10;
        }
        exponent += 1;
    }
    if exponent > 9 || centimeters < 0 {
        return None;
    }
    Some(((centimeters as u8) << 4) | exponent)
}

/// Whether LOC wire rdata is well formed: version 0 and 16 octets (RFC
/// 1876 2), with precisions whose digits are decimal.
pub(super) fn check_wire(rdata: &[u8]) -> bool {
    let precision_ok = |b: u8| b >> 4 <= 9 && b & 0x0f <= 9;
    rdata.len() == 16 && rdata[0] == 0 && rdata[1..4].iter().all(|&b| precision_ok(b))
}
