#!/usr/bin/env bash
# make loadtest: the form page against Echo's hello world, measured with wrk
# on this machine in the same run, in alternating rounds so that load from
# elsewhere falls on both alike. Prints requests per second and p99 latency
# of each, and the ratios; exits 1 when the page misses its targets
# (throughput >= 0.5x hello world, p99 <= 2x, no errors).
#
# A third server in each round is the ceiling: the page's recorded bytes and
# headers served from memory by a static Echo handler (hello -page), what
# the page would reach if Onramp's work for it cost nothing.
#
# The page is served by the real binary with its embedded emulator, signed in
# with a session cookie this script obtains by signing up (curl), with a warm
# report card cache. Knobs (environment): ROUNDS (3), DURATION (5s per round
# and server), THREADS (2), CONNS (64), PAGE (/sources/new/platform.mysql),
# GZIP=1 (send Accept-Encoding: gzip to both, as browsers do).
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS="${ROUNDS:-3}" DURATION="${DURATION:-5s}" THREADS="${THREADS:-2}" CONNS="${CONNS:-64}"
PAGE="${PAGE:-/sources/new/platform.mysql}"
GO="${GO:-go}"

if ! command -v wrk >/dev/null 2>&1; then
  echo "installing wrk (apt)" >&2
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y -qq --no-install-recommends wrk >&2 \
    || { $SUDO apt-get update -qq >&2 && $SUDO apt-get install -y -qq --no-install-recommends wrk >&2; }
fi

tmp="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

echo "building bin: onramp and the hello world" >&2
CGO_ENABLED=0 "$GO" build -trimpath -o "$tmp/onramp" .
CGO_ENABLED=0 "$GO" build -trimpath -o "$tmp/hello" ./scripts/hello

# wait_for FILE PATTERN: the first line of FILE matching PATTERN (10 s at most).
wait_for() {
  for _ in $(seq 100); do
    if line="$(grep -m1 -E "$2" "$1" 2>/dev/null)"; then echo "$line"; return 0; fi
    sleep 0.1
  done
  echo "timed out waiting for /$2/ in $1:" >&2; cat "$1" >&2; return 1
}

ONRAMP_ADDR=127.0.0.1:0 "$tmp/onramp" >"$tmp/onramp.log" 2>&1 &
pids+=($!)
ONRAMP="$(wait_for "$tmp/onramp.log" 'Onramp is ready' | grep -oE 'url=http://[^ ]+' | sed 's/^url=//; s:/$::')"

# Sign up against the embedded emulator; keep the session cookie.
jar="$tmp/cookies"
csrf="$(curl -fsS -c "$jar" -b "$jar" "$ONRAMP/account/new" | grep -oE 'name="_csrf" value="[^"]+"' | head -1 | sed 's/.*value="//; s/"$//')"
code="$(curl -sS -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" \
  --data-urlencode "_csrf=$csrf" -d first_name=Load -d last_name=Test -d "email=load-$$@example.com" \
  -d company=Bench -d region=us-east-1 "$ONRAMP/account")"
[ "$code" = 303 ] || { echo "sign up: got $code, want 303" >&2; exit 1; }
curl -fsS -o /dev/null -c "$jar" -b "$jar" "$ONRAMP/"                   # takes the sign-up's flash
curl -fsS -c "$jar" -b "$jar" "$ONRAMP$PAGE" >"$tmp/page.html"          # warms the report card cache
grep -q 'data-property="host"\|<main' "$tmp/page.html" || { echo "$PAGE did not render a page" >&2; exit 1; }
cookie="$(awk '$6 == "onramp" { print $7 }' "$jar")"
[ -n "$cookie" ] || { echo "no session cookie after sign up" >&2; exit 1; }
if curl -fsS -D - -o /dev/null -H "Cookie: onramp=$cookie" "$ONRAMP$PAGE" | grep -qi '^set-cookie:'; then
  echo "warning: $PAGE rewrites the session cookie on every request" >&2
fi

headers=()
[ "${GZIP:-}" = 1 ] && headers+=(-H "Accept-Encoding: gzip, deflate, br")

# The ceiling: the page as served (compressed too with GZIP=1), replayed.
curl -fsS -D "$tmp/page.headers" -o "$tmp/page.body" -H "Cookie: onramp=$cookie" "${headers[@]}" "$ONRAMP$PAGE"
"$tmp/hello" -page "$tmp/page.body" -headers "$tmp/page.headers" >"$tmp/hello.log" 2>&1 &
pids+=($!)
HELLO="$(wait_for "$tmp/hello.log" 'listening on' | grep -oE 'http://[^ ]+' | sed 's:/$::')"

# measure NAME URL [wrk args…]: one round; prints "rps p99_ms errors".
measure() {
  local out
  out="$(wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency "${@:2}" "${headers[@]}" "$1")"
  echo "$out" >>"$tmp/wrk.log"
  echo "$out" | awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec:/ { rps = $2 }
    $1 == "99%" { p99 = ms($2) }
    /Non-2xx or 3xx responses:/ { err += $NF }
    /Socket errors:/ { for (i = 3; i <= NF; i++) { gsub(",", "", $i); if ($i ~ /^[0-9]+$/) err += $i } }
    END { printf "%.0f %.2f %d\n", rps, p99, err }'
}

echo "warming up" >&2
DURATION=1s measure "$HELLO/" >/dev/null
DURATION=1s measure "$HELLO/page" >/dev/null
DURATION=1s measure "$ONRAMP$PAGE" -H "Cookie: onramp=$cookie" >/dev/null

# round KEY LABEL URL [wrk args…]: one measurement, printed and added to KEY's sums.
declare -A rps_sum=() p99_sum=()
errs=0
round() {
  local rps p99 e
  read -r rps p99 e < <(measure "${@:3}")
  printf '%-7s %-34s %10s %10s %7s\n' "$r" "$2" "$rps" "$p99" "$e"
  rps_sum[$1]=$(awk -v a="${rps_sum[$1]:-0}" -v b="$rps" 'BEGIN{print a+b}')
  p99_sum[$1]=$(awk -v a="${p99_sum[$1]:-0}" -v b="$p99" 'BEGIN{print a+b}')
  errs=$((errs + e))
}

printf '%-7s %-34s %10s %10s %7s\n' round server rps p99_ms errors
for r in $(seq "$ROUNDS"); do
  round hello "echo hello world" "$HELLO/"
  round static "ceiling: the page, static" "$HELLO/page"
  round page "GET $PAGE" "$ONRAMP$PAGE" -H "Cookie: onramp=$cookie"
done

awk -v hr="${rps_sum[hello]}" -v hp="${p99_sum[hello]}" -v fr="${rps_sum[page]}" -v fp="${p99_sum[page]}" \
  -v sr="${rps_sum[static]}" -v sp="${p99_sum[static]}" -v n="$ROUNDS" -v errs="$errs" -v page="$PAGE" 'BEGIN {
  hr /= n; hp /= n; fr /= n; fp /= n; sr /= n; sp /= n
  printf "\nmean of %d rounds (wrk -t'"$THREADS"' -c'"$CONNS"' -d'"$DURATION"'%s):\n", n, ENVIRON["GZIP"] == "1" ? ", gzip" : ""
  printf "  %-34s %10.0f rps  p99 %8.2f ms\n", "echo hello world", hr, hp
  printf "  %-34s %10.0f rps  p99 %8.2f ms   (%.2fx, p99 %.2fx)\n", "ceiling: the page, static", sr, sp, sr / hr, sp / hp
  printf "  %-34s %10.0f rps  p99 %8.2f ms   (%.2fx of the ceiling)\n", "GET " page, fr, fp, fr / sr
  rr = fr / hr; pr = fp / hp
  printf "  throughput ratio %.2fx (target >= 0.50x)   p99 ratio %.2fx (target <= 2.00x)   errors %d\n", rr, pr, errs
  ok = rr >= 0.5 && pr <= 2 && errs == 0
  print ok ? "PASS" : "FAIL"
  exit ok ? 0 : 1
}'
