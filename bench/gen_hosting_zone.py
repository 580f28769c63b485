#!/usr/bin/env python3
"""Writes a hosting-like zone of about RECORDS records, as a provider's zone looks.

  gen_hosting_zone.py RECORDS OUT_FILE [--serial N] [--changed K] [--changed-names M [--changed-rest L]]

Per ten owner names: four delegations (two NS, two glue A), four hosts (A,
every other one AAAA too), one mail name (MX and an SPF TXT) and one of a
CNAME, an SRV or a wildcard A, in turn. `--serial` sets the SOA serial and
`--changed` the last octet of `changed.hosting.test. A`, so a reload with
one record changed is a rewrite with both bumped. `--changed-names M` adds
`changed2` .. `changedM` with the last octet `--changed-rest` (default
`--changed`): bump both octets to change M records at once. Prints the record count
and the name of the last owner, which a benchmark asks to know the whole
zone is loaded.
"""
import argparse
import sys

ORIGIN = "hosting.test."


def body(records):
    lines = []
    count = 0
    i = 0
    last = None
    while count < records:
        kind = i % 10
        if kind < 4:
            lines.append(f"d{i} NS ns1.d{i}\nd{i} NS ns2.d{i}\n"
                         f"ns1.d{i} A 10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}\n"
                         f"ns2.d{i} A 10.{(i >> 16 & 255) | 128}.{i >> 8 & 255}.{i & 255}\n")
            count += 4
        elif kind < 8:
            lines.append(f"h{i} A 172.{16 + (i >> 16 & 15)}.{i >> 8 & 255}.{i & 255}\n")
            count += 1
            last = f"h{i}.{ORIGIN}"
            if i % 2 == 0:
                lines.append(f"h{i} AAAA 2001:db8::{i >> 16:x}:{i & 0xffff:x}\n")
                count += 1
        elif kind == 8:
            lines.append(f"m{i} MX 10 h{i - 4}\nm{i} TXT \"v=spf1 a mx -all\"\n")
            count += 2
        else:
            turn = (i // 10) % 3
            if turn == 0:
                lines.append(f"c{i} CNAME h{i - 5}\n")
            elif turn == 1:
                lines.append(f"_sip._tcp.s{i} SRV 10 60 5060 h{i - 5}\n")
            else:
                lines.append(f"*.w{i} A 192.0.2.{i & 255}\n")
            count += 1
        i += 1
    return "".join(lines), count, last


def header(serial, changed, changed_names, rest):
    more = "".join(f"changed{n} A 198.51.100.{rest}\n" for n in range(2, changed_names + 1))
    return (f"$ORIGIN {ORIGIN}\n$TTL 3600\n"
            f"@ SOA ns1 hostmaster {serial} 7200 3600 1209600 300\n@ NS ns1\n@ NS ns2\n"
            f"ns1 A 192.0.2.1\nns2 A 192.0.2.2\nchanged A 198.51.100.{changed}\n" + more)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("records", type=int)
    p.add_argument("out")
    p.add_argument("--serial", type=int, default=1)
    p.add_argument("--changed", type=int, default=1)
    p.add_argument("--changed-names", type=int, default=1)
    p.add_argument("--changed-rest", type=int)
    a = p.parse_args()
    fixed = 5 + a.changed_names
    text, count, last = body(a.records - fixed)
    with open(a.out, "w") as f:
        f.write(header(a.serial, a.changed, a.changed_names, a.changed if a.changed_rest is None else a.changed_rest))
        f.write(text)
    print(count + fixed, last)


if __name__ == "__main__":
    sys.exit(main())
