#!/usr/bin/env bash
# Starts the pair on loopback with no outside network: authdns serving
# examples/zones (a local root among them) on 127.0.0.1:5300, and the
# resolver on 127.0.0.1:5301 resolving from that root. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release --quiet -p authdns -p resolver
target/release/authdns --listen 127.0.0.1:5300 --zones examples/zones &
authdns=$!
target/release/resolver --config examples/pair/resolver.toml &
resolver=$!
trap 'kill "$authdns" "$resolver" 2>/dev/null; wait' INT TERM EXIT
echo "authdns on 127.0.0.1:5300, resolver on 127.0.0.1:5301; try:"
echo "  dig @127.0.0.1 -p 5301 www.example.internal"
wait -n "$authdns" "$resolver"
