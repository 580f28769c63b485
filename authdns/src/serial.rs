//! Zone serial numbers compared with RFC 1982 serial arithmetic (32 bits):
//! a serial is newer than another when it is ahead by less than 2^31.
//! Two serials exactly 2^31 apart are neither newer nor older (RFC 1982
//! 3.2 leaves them undefined); both directions answer `false`.

/// Whether `serial` is newer than `than`.
pub fn is_newer(serial: u32, than: u32) -> bool {
    let ahead = serial.wrapping_sub(than);
    ahead != 0 && ahead < 1 << 31
}

/// Whether a holder of `theirs` is up to date with `ours`: the same
/// serial, or a newer one.
pub fn is_current(theirs: u32, ours: u32) -> bool {
    theirs == ours || is_newer(theirs, ours)
}

/// The serial after `serial` (RFC 1982 3.1: addition modulo 2^32).
pub fn next(serial: u32) -> u32 {
    serial.wrapping_add(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_1982_order() {
        assert!(is_newer(11, 10));
        assert!(!is_newer(10, 10));
        assert!(!is_newer(10, 11));
        assert!(is_newer(0, u32::MAX), "wraps around");
        assert!(is_newer(5, u32::MAX - 5));
        assert!(is_newer((1 << 31) - 1, 0));
        assert!(!is_newer(1 << 31, 0), "2^31 apart is undefined");
        assert!(!is_newer(0, 1 << 31), "in both directions");
        assert!(is_current(10, 10) && is_current(11, 10) && !is_current(9, 10));
        assert_eq!(next(u32::MAX), 0);
    }
}
