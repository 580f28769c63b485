#!/usr/bin/env bash
# Starts the pair on loopback with no outside network: authdns serving
# examples/zones (a local root among them) on 127.0.0.1:5300, and the
# resolver on 127.0.0.1:5301 resolving from that root, with DNS-over-TLS on
# 127.0.0.1:8853 and DNS-over-HTTPS on 127.0.0.1:8443. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release --quiet -p authdns -p resolver
target/release/authdns --listen 127.0.0.1:5300 --zones examples/zones &
authdns=$!
target/release/resolver --config examples/pair/resolver.toml &
resolver=$!
trap 'kill "$authdns" "$resolver" 2>/dev/null; wait' INT TERM EXIT
echo "authdns on 127.0.0.1:5300, resolver on 127.0.0.1:5301 (DoT 8853, DoH 8443); try:"
echo "  dig @127.0.0.1 -p 5301 www.example.internal"
echo "  kdig @127.0.0.1 -p 8853 +tls www.example.internal"
echo "  kdig @127.0.0.1 -p 8443 +https www.example.internal"
echo "  curl -sk -H 'accept: application/dns-json' 'https://127.0.0.1:8443/dns-query?name=www.example.internal'"
wait -n "$authdns" "$resolver"
