//! Padding of responses on encrypted transports (RFC 7830, RFC 8467).

use super::*;

#[test]
fn padding_fills_the_opt_record_to_a_468_octet_block() {
    let mut msg = vec![0u8; 12];
    msg.extend_from_slice(&[0; 30]);
    let opt_start = msg.len();
    msg.extend_from_slice(&opt_record(EDNS_UDP_SIZE, false, Some(Ede(3, ""))));
    let before = msg.len();
    pad(&mut msg, opt_start);
    assert_eq!(msg.len(), PADDING_BLOCK);
    let rdlength = usize::from(u16::from_be_bytes([
        msg[opt_start + 9],
        msg[opt_start + 10],
    ]));
    assert_eq!(
        opt_start + 11 + rdlength,
        msg.len(),
        "the OPT record spans the padding"
    );
    let option = &msg[before..before + 4];
    assert_eq!(u16::from_be_bytes([option[0], option[1]]), OPTION_PADDING);
    assert_eq!(
        usize::from(u16::from_be_bytes([option[2], option[3]])),
        PADDING_BLOCK - before - 4
    );

    // A message already past one block goes to the next.
    let mut long = vec![0u8; 600];
    let opt_start = long.len();
    long.extend_from_slice(&opt_record(EDNS_UDP_SIZE, false, None));
    pad(&mut long, opt_start);
    assert_eq!(long.len(), 2 * PADDING_BLOCK);
}
