#!/usr/bin/env bash
# Measures the sandbox: time from launch to the first answer, at the seeded size and at
# `--scale 100x4x25` (10,000 extra Applications), the time to list one Environment's
# Applications at that scale, and the server's resident memory. Uses the release binary.
#
#   tools/measure-sandbox.sh            # builds with `cargo build --release` if needed
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/catalyst-tui
[ -x "$bin" ] || cargo build --release
port=18787

ms() { date +%s%3N; }

measure() {
  local label=$1; shift
  local t0 t1
  t0=$(ms)
  "$bin" sandbox --listen 127.0.0.1:$port --speed 0 "$@" >/dev/null 2>&1 &
  local pid=$!
  until curl -sf "http://127.0.0.1:$port/api/v1/meta" >/dev/null 2>&1; do sleep 0.01; done
  t1=$(ms)
  local rss
  rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
  printf '%-28s first answer after %5d ms, RSS %6d KiB\n' "$label" $((t1 - t0)) "$rss"
  echo "$pid"
}

out=$(measure "seeded (bankdhofar)"); echo "$out" | head -1; kill "$(echo "$out" | tail -1)"; wait 2>/dev/null || true
out=$(measure "scale 100x4x25" --scale 100x4x25); echo "$out" | head -1
pid=$(echo "$out" | tail -1)

# Sign in as admin through the device flow, then list a generated Environment.
B=http://127.0.0.1:$port
D=$(curl -s -X POST $B/oauth/device/code -d client_id=catalyst-tui)
UC=$(echo "$D" | sed -E 's/.*"user_code":"([^"]+)".*/\1/')
DC=$(echo "$D" | sed -E 's/.*"device_code":"([^"]+)".*/\1/')
curl -s -X POST $B/device -d user_code="$UC" -d persona=admin >/dev/null
T=$(curl -s -X POST $B/oauth/token -d grant_type=urn:ietf:params:oauth:grant-type:device_code \
  -d device_code="$DC" -d client_id=catalyst-tui | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
env=$(curl -s -H "Authorization: Bearer $T" "$B/api/v1/orgs?limit=5000" \
  | grep -o '"environments":\["[^"]*"' | tail -1 | sed -E 's/.*\["//; s/"$//')
t0=$(ms)
n=$(curl -s -H "Authorization: Bearer $T" "$B/api/v1/environments/$env/applications" | grep -o '"kind":' | wc -l)
t1=$(ms)
printf '%-28s %d Applications of %s in %d ms\n' "list one Environment" "$n" "$env" $((t1 - t0))
t0=$(ms)
orgs=$(curl -s -H "Authorization: Bearer $T" "$B/api/v1/orgs?limit=5000" | grep -o '"display_name"' | wc -l)
t1=$(ms)
printf '%-28s %d Orgs with roll-ups in %d ms\n' "list every Org" "$orgs" $((t1 - t0))
kill "$pid"; wait 2>/dev/null || true
