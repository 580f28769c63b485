//! BIND's `$GENERATE` (BIND 9 ARM, "The $GENERATE Directive"): the range
//! and the templates its owner and rdata are made from.

/// Most records one `$GENERATE` may produce.
pub const MAX_GENERATE_RECORDS: u64 = 1 << 20;
/// Largest start, stop or step of a `$GENERATE` range (BIND reads them as C `int`s).
pub const GENERATE_MAX: u32 = 0x7fff_ffff;

/// `start-stop[/step]` as BIND reads it: each a decimal from 0 to
/// 2^31 - 1, `stop` not below `start`, `step` at least 1.
pub fn parse_range(text: &[u8]) -> Option<(u64, u64, u64)> {
    let s = std::str::from_utf8(text).ok()?;
    let (range, step) = s.split_once('/').unwrap_or((s, "1"));
    let (start, stop) = range.split_once('-')?;
    let number = |t: &str| -> Option<u64> {
        let digits = t.strip_prefix('+').unwrap_or(t);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits
            .parse()
            .ok()
            .filter(|&n| n <= u64::from(GENERATE_MAX))
    };
    let (start, stop, step) = (number(start)?, number(stop)?, number(step)?);
    (start <= stop && step > 0).then_some((start, stop, step))
}

/// Expands BIND's `$GENERATE` template: `$` is the value, `$$` a literal
/// `$`, `${offset[,width[,base]]}` formats it (base d, o, x, X, n or N for
/// nibbles), and a backslash keeps itself and the next byte as they are.
pub fn substitute(template: &[u8], value: u64, out: &mut Vec<u8>) -> Result<(), &'static str> {
    let mut i = 0;
    while i < template.len() {
        match template[i] {
            b'\\' => {
                let end = (i + 2).min(template.len());
                out.extend_from_slice(&template[i..end]);
                i = end;
            }
            b'$' if template.get(i + 1) == Some(&b'$') => {
                out.push(b'$');
                i += 2;
            }
            b'$' if template.get(i + 1) == Some(&b'{') => {
                let close = template[i..]
                    .iter()
                    .position(|&b| b == b'}')
                    .ok_or("unclosed ${")?;
                let spec = std::str::from_utf8(&template[i + 2..i + close])
                    .map_err(|_| "bad ${} modifier")?;
                format_modifier(spec, value, out)?;
                i += close + 1;
            }
            b'$' => {
                out.extend_from_slice(value.to_string().as_bytes());
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    Ok(())
}

/// Formats `value + offset` as BIND's `${offset,width,base}` does: C's
/// `%0<width>d` (a negative sum keeps its sign), `o`, `x` and `X` of the
/// 32-bit pattern, `n` and `N` as nibble labels, least significant first.
fn format_modifier(spec: &str, value: u64, out: &mut Vec<u8>) -> Result<(), &'static str> {
    let mut parts = spec.split(',');
    let offset: i32 = parts
        .next()
        .unwrap_or("0")
        .parse()
        .map_err(|_| "bad ${} offset")?;
    let width: usize = match parts.next() {
        Some(w) => w.parse().map_err(|_| "bad ${} width")?,
        None => 0,
    };
    if width > 255 {
        return Err("${} width above 255");
    }
    let base = parts.next().unwrap_or("d");
    if parts.next().is_some() {
        return Err("too many ${} fields");
    }
    let sum = i32::try_from(value as i64 + i64::from(offset))
        .map_err(|_| "${} offset takes the value out of range")?;
    let bits = sum as u32;
    let text = match base {
        "d" => format!("{sum:0width$}"),
        "o" => format!("{bits:0width$o}"),
        "x" => format!("{bits:0width$x}"),
        "X" => format!("{bits:0width$X}"),
        "n" | "N" => {
            let hex = if base == "n" {
                format!("{bits:0width$x}")
            } else {
                format!("{bits:0width$X}")
            };
            let nibbles: Vec<String> = hex.chars().rev().map(String::from).collect();
            nibbles.join(".")
        }
        _ => return Err("${} base must be d, o, x, X, n or N"),
    };
    out.extend_from_slice(text.as_bytes());
    Ok(())
}
