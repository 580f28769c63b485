#!/usr/bin/env bash
# Signs the demo's local root and example.internal. (ldns-signzone, ECDSA
# P-256, NSEC) from examples/pair/unsigned/ into examples/zones/, with the
# keys in examples/pair/keys/ (made on first use) and signatures valid
# from 2026 to 2046. The root's KSK, as a DS, is the resolver's trust
# anchor (examples/pair/root.anchor). Run it again after editing a zone.
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
keys=keys
key() { # key ZONE [-k]: the base name of the zone's KSK (-k) or ZSK
  local zone=$1 flag=${2:-} found
  local tag=$([ -n "$flag" ] && echo ksk || echo zsk)
  local file=$([ "$zone" = . ] && echo root || echo "$zone")
  found=$(cat "$keys/$file.$tag" 2>/dev/null || true)
  if [ -z "$found" ]; then
    found=$(cd "$keys" && ldns-keygen -a ECDSAP256SHA256 $flag "$zone")
    echo "$found" > "$keys/$file.$tag"
  fi
  echo "$found"
}
sign() { # sign ORIGIN ZONE-NAME UNSIGNED OUT
  local origin=$1 zone=$2 ksk zsk
  ksk=$(key "$zone" -k)
  zsk=$(key "$zone")
  ldns-signzone -i 20260101000000 -e 20460101000000 -o "$origin" -f "$tmp/signed" "$3" "$keys/$zsk" "$keys/$ksk"
  { echo "; Signed by examples/pair/sign.sh from examples/pair/unsigned/: edit that, then run sign.sh."; cat "$tmp/signed"; } > "$4"
}
sign example.internal. example.internal unsigned/example.internal.zone ../zones/example.internal.zone
ds=$(cat "$keys/$(key example.internal -k).ds")
{ cat unsigned/root.zone; echo "; The DS of example.internal.'s key-signing key (added by sign.sh)."; echo "$ds"; } > "$tmp/root.zone"
sign . . "$tmp/root.zone" ../zones/root.zone
{ echo "; The demo root's key-signing key: the resolver's trust anchor (sign.sh)."; cat "$keys/$(key . -k).ds"; } > root.anchor
echo "signed: examples/zones/root.zone, examples/zones/example.internal.zone; anchor: examples/pair/root.anchor"
