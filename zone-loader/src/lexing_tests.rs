//! The lexer and directive fixes of issue 12 (items 12 and 13), each
//! with the exact problems and `line:col` BIND-like reading gives.

use crate::lexer::LexError;
use crate::parse_tests::parse;
use crate::problem::ProblemKind;
use crate::rdata::RdataErrorKind;

#[test]
fn an_unclosed_quote_ends_at_its_line_and_the_next_line_is_read() {
    let (records, problems) = parse("t 60 TXT \"abc\nwww 60 A 192.0.2.256\nok 60 A 192.0.2.1\n");
    let found: Vec<(u32, u32, &ProblemKind)> = problems
        .list
        .iter()
        .map(|p| (p.line, p.col, &p.kind))
        .collect();
    assert_eq!(
        found,
        [
            (1, 10, &ProblemKind::Lex(LexError::UnclosedQuote)),
            (2, 10, &ProblemKind::Rdata(RdataErrorKind::BadIpv4)),
        ]
    );
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].owner, "ok.example.com.");
}

#[test]
fn after_a_backslash_at_the_end_of_a_line_the_lines_still_count() {
    let (_, problems) = parse("a\\\nb 60 TXT x\nwww 60 A 192.0.2.256\n");
    let found: Vec<(u32, u32, &ProblemKind)> = problems
        .list
        .iter()
        .map(|p| (p.line, p.col, &p.kind))
        .collect();
    assert_eq!(
        found,
        [
            (1, 2, &ProblemKind::Lex(LexError::DanglingEscape)),
            (3, 10, &ProblemKind::Rdata(RdataErrorKind::BadIpv4)),
        ]
    );
}

#[test]
fn ttls_from_2_31_to_2_32_are_read_as_zero_with_a_warning() {
    let (records, problems) = parse("www 3000000000 A 192.0.2.1\n$TTL 2147483648\nb A 192.0.2.2\n");
    let ttls: Vec<u32> = records.iter().map(|r| r.ttl).collect();
    assert_eq!(ttls, [0, 0]);
    let found: Vec<(u32, u32, &ProblemKind)> = problems
        .list
        .iter()
        .map(|p| (p.line, p.col, &p.kind))
        .collect();
    assert_eq!(
        found,
        [
            (1, 5, &ProblemKind::TtlAboveMax),
            (2, 6, &ProblemKind::TtlAboveMax)
        ]
    );
    assert_eq!(problems.errors(), 0);
}

#[test]
fn generate_takes_what_bind_takes() {
    let (records, problems) = parse(
        "$TTL 60\n$GENERATE 0-1 h$$${-1} TXT x\n$GENERATE 0-0 a${-1,0,x} TXT x\n\
         $GENERATE 2147483647-2147483647 m$ TXT x\n$GENERATE 1-1 e\\$ TXT x\n",
    );
    assert!(problems.list.is_empty(), "{:?}", problems.list);
    let owners: Vec<&str> = records.iter().map(|r| r.owner.as_str()).collect();
    assert_eq!(
        owners,
        [
            "h\\$-1.example.com.",
            "h\\$0.example.com.",
            "affffffff.example.com.",
            "m2147483647.example.com.",
            "e\\$.example.com.",
        ]
    );
}
