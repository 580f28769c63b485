//! Parses a zone file with hickory-proto's parser and prints the time taken
//! (or its error), for BENCHMARKS.md. `cargo run --release -- FILE ORIGIN`.

use std::str::FromStr;

use hickory_proto::rr::Name;
use hickory_proto::serialize::txt::Parser;

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(origin)) = (args.next(), args.next()) else {
        eprintln!("usage: hickory-parser-bench FILE ORIGIN");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(&path).expect("readable zone file");
    let origin = Name::from_str(&origin).expect("valid origin");
    let start = std::time::Instant::now();
    match Parser::new(text, Some(path.into()), Some(origin)).parse() {
        Ok((_, sets)) => println!("parsed {} RRsets in {:.2?}", sets.len(), start.elapsed()),
        Err(e) => println!("error: {e} (after {:.2?})", start.elapsed()),
    }
}
