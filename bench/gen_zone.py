#!/usr/bin/env python3
"""Writes a benchmark zone and its query file.

  gen_zone.py NAMES OUT_DIR [--records-only]

OUT_DIR/bench.test.zone: NAMES owner names, each with an A record; every
4th also AAAA, every 10th MX and TXT, every 50th a CNAME to a neighbour.
OUT_DIR/queries.txt (dnsperf format): 70% existing names (A), 20% names
that do not exist (NXDOMAIN), 10% existing names with a type they lack
(NODATA), in a fixed pseudo-random order.
"""
import random
import sys
from pathlib import Path

ORIGIN = "bench.test."


def main():
    names = int(sys.argv[1])
    out = Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    records = 0
    with open(out / "bench.test.zone", "w") as z:
        z.write(f"$ORIGIN {ORIGIN}\n$TTL 3600\n")
        z.write("@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ NS ns1\n@ NS ns2\n")
        z.write("ns1 A 192.0.2.1\nns2 A 192.0.2.2\n")
        records += 5
        for i in range(names):
            z.write(f"h{i} A 10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}\n")
            records += 1
            if i % 4 == 0:
                z.write(f"h{i} AAAA 2001:db8::{i >> 16:x}:{i & 0xffff:x}\n")
                records += 1
            if i % 10 == 0:
                z.write(f"h{i} MX 10 h{(i + 1) % names}\n")
                z.write(f'h{i} TXT "v=spf1 ip4:10.0.0.0/8 -all"\n')
                records += 2
            if i % 50 == 25:
                z.write(f"c{i} CNAME h{i}\n")
                records += 1
    if "--records-only" in sys.argv:
        print(records)
        return
    rng = random.Random(42)
    with open(out / "queries.txt", "w") as q:
        for _ in range(200_000):
            r = rng.random()
            i = rng.randrange(names)
            if r < 0.70:
                q.write(f"h{i}.{ORIGIN} A\n")
            elif r < 0.90:
                q.write(f"nx{i}.{ORIGIN} A\n")
            else:
                q.write(f"h{i}.{ORIGIN} SRV\n")
    print(records)


main()
