#!/usr/bin/env bash
# bench/profile.sh: a CPU profile of gatewayd under wrk load (issue 14's
# "where the time goes"), on 127.0.0.1 only.
#
# Builds gatewayd and bench/upstream, starts both with bench/gateway.yaml.tmpl
# plus an admin listener with pprof, registers one user, then runs wrk
# (-t2 -c64, DURATION) against one configuration while pprof samples
# gatewayd for the same time. Prints the profile's top functions and the
# share of CPU by package group, and keeps the profile and binary in $KEEP.
#
# Usage: bench/profile.sh                  # (e) the required route, 10s
#        ROUTE=pub bench/profile.sh        # (d) the public route
#        DURATION=20 KEEP=/tmp/p bench/profile.sh
# Needs wrk and curl (bench/run.sh installs them).
set -euo pipefail

DURATION=${DURATION:-10}
ROUTE=${ROUTE:-app}
GO=${GO:-go}
cd "$(dirname "$0")/.."
root=$PWD
KEEP=${KEEP:-$root/bench/profile}
prog=profile
# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
command -v wrk >/dev/null && command -v curl >/dev/null || die "needs wrk and curl (apt-get install wrk curl)"

make_work profile

echo "profile: building" >&2
CGO_ENABLED=0 "$GO" build -trimpath -o "$work/gatewayd" ./cmd/gatewayd
CGO_ENABLED=0 "$GO" build -trimpath -o "$work/upstream" ./bench/upstream

pick_port; UP=127.0.0.1:$PORT
"$work/upstream" -listen "$UP" >"$work/upstream.log" 2>&1 &
up_pid=$!; pids+=("$up_pid")
wait_http "http://$UP/" 200 upstream "$up_pid"

pick_port; GW=127.0.0.1:$PORT
pick_port; ADMIN=127.0.0.1:$PORT
sed -e "s|__LISTEN__|$GW|g" -e "s|__UPSTREAM__|$UP|g" \
	-e "s|^  listen: \"\"|  listen: \"$ADMIN\"\n  pprof: true|" bench/gateway.yaml.tmpl >"$work/gateway.yaml"
grep -q "pprof: true" "$work/gateway.yaml" || die "bench/gateway.yaml.tmpl changed: could not enable admin.pprof"
env -i PATH="$PATH" HOME="$work" \
	JWT_SECRET="profile-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
	DATABASE_URL="sqlite:$work/gateway.db" \
	"$work/gatewayd" --config "$work/gateway.yaml" serve >"$work/gatewayd.log" 2>&1 &
gw_pid=$!; pids+=("$gw_pid")
wait_http "http://$GW/healthz" 200 gatewayd "$gw_pid"

resp=$(curl -sS --max-time 10 -H 'Content-Type: application/json' \
	-d '{"email":"profile@example.com","password":"profile-password-123"}' "http://$GW/auth/register")
TOKEN=$(printf '%s' "$resp" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
[ -n "$TOKEN" ] || die "register failed: $resp"
url="http://$GW/$ROUTE/bench"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$url")" = 200 ] || die "$url did not answer 200"

wrk -t2 -c64 -d2s -H "Authorization: Bearer $TOKEN" "$url" >/dev/null # warm-up
mkdir -p "$KEEP"
curl -sS --max-time $((DURATION + 30)) -o "$KEEP/cpu.pprof" \
	"http://$ADMIN/debug/pprof/profile?seconds=$DURATION" &
prof=$!
sleep 0.2
wrk -t2 -c64 -d"${DURATION}s" --latency -H "Authorization: Bearer $TOKEN" "$url" >"$KEEP/wrk.txt"
wait "$prof" || die "pprof download failed"
cp "$work/gatewayd" "$KEEP/gatewayd"
grep -E "Requests/sec|requests in" "$KEEP/wrk.txt" >&2

echo "## top 25 (flat)"
"$GO" tool pprof -top -nodecount=25 "$KEEP/gatewayd" "$KEEP/cpu.pprof" 2>/dev/null | sed -n '1,32p'
echo
echo "## share by group (flat)"
"$GO" tool pprof -top -nodefraction=0 -nodecount=1000000 "$KEEP/gatewayd" "$KEEP/cpu.pprof" 2>/dev/null |
	awk '
	function secs(v) {
		if (v ~ /ms$/) return substr(v, 1, length(v) - 2) / 1000
		if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1e6
		return substr(v, 1, length(v) - 1) + 0
	}
	$1 ~ /s$/ && $2 ~ /%$/ {
		name = $6
		if (name ~ /(^|\/)syscall[\/.]/) g = "system calls (the kernel time they cause is charged here)"
		else if (name ~ /^runtime\..*(malloc|Malloc|gc|GC|sweep|Sweep|scan|mark|Mark|memclr|heap|span|Span)/) g = "Go runtime: malloc and GC"
		else if (name ~ /^(runtime\.|internal\/runtime\/atomic)/) g = "Go runtime: scheduler, netpoll, timers"
		else if (name ~ /^(internal\/runtime\/maps|aeshash|memeqbody)/) g = "maps (header maps mostly)"
		else if (name ~ /^(internal\/sync|sync)/) g = "sync (pools, mutexes)"
		else if (name ~ /^(internal\/poll|net\.)/) g = "internal/poll, net (deadlines, fd locks)"
		else if (name ~ /^(net\/http|net\/textproto|bufio|net\/url|mime)/) g = "net/http, textproto, bufio, url"
		else if (name ~ /^github.com\/valyala/) g = "fasthttp"
		else if (name ~ /^github.com\/labstack/) g = "Echo"
		else if (name ~ /^github.com\/authgate/) g = "gatewayd"
		else if (name ~ /^(log\/slog|github.com\/prometheus)/) g = "logging and metrics"
		else g = "other standard library (context, time, strings, crypto)"
		sum[g] += secs($1); total += secs($1)
	}
	END { for (g in sum) printf "%6.1f%%  %s\n", sum[g] * 100 / total, g }' | sort -rn
echo "profile: kept $KEEP/cpu.pprof and $KEEP/gatewayd (go tool pprof -http=: $KEEP/gatewayd $KEEP/cpu.pprof)" >&2
