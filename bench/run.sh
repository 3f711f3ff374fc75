#!/usr/bin/env bash
# bench/run.sh: wrk load benchmark of gatewayd against nginx (issue 3).
#
# Starts, on 127.0.0.1 only and on free ports:
#   upstream   bench/upstream, a static 200 backend
#   nginx      (b) plain reverse proxy, (c) auth_request → gatewayd /auth/verify
#              using deploy/nginx/gateway-auth-request.conf as shipped
#   gatewayd   (d) a public route, (e) a required route (valid token)
#   bareproxy  (f) a bare httputil.ReverseProxy, no auth: the floor of any
#              Go net/http proxy on this machine (bench/bareproxy)
#   floorproxy (g) net/http server + fasthttp HostClient, no auth: the floor
#              of the gateway's architecture; (h) the same with fasthttp on
#              both sides (bench/floorproxy -server nethttp|fasthttp)
# then drives wrk (THREADS threads, CONNS connections, DURATION per run) at
# (a) the upstream directly and at (b)–(h), alternating "a b c d e f g h"
# for ROUNDS rounds so drift (noisy neighbours, thermal) hits every config
# alike.
# Reports the median per configuration of requests/s, p50 and p99 latency
# and CPU-µs per request of the proxy tier, from utime+stime in
# /proc/<pid>/stat before and after each run: gatewayd for (d)/(e), nginx's
# master+workers for (b), nginx + gatewayd for (c), bareproxy for (f),
# floorproxy for (g) and (h).
#
# Then the single-connection latency of SINGLE_CONFIGS (wrk -t1 -c1), and
# the allocations per authenticated hop from `go test -bench ProxyHop`;
# one table holds the issue-14 ratios: (e)/(c), (e)/(b), allocations, and
# the floors (g) and (h) as information.
#
# Every request carries the same "Authorization: Bearer <token>" header, so
# all configurations move the same bytes.
#
# Usage: bench/run.sh
#        ROUNDS=5 DURATION=20s bench/run.sh
#        CONFIGS="c e" bench/run.sh
#        GO_RUNTIME_ENV="GOGC=100" bench/run.sh   (for gatewayd, bareproxy and
#                                                 floorproxy)
#        SINGLE_CONFIGS="" ALLOCS=0 bench/run.sh  (skip the single-connection
#                                                 runs and the allocation count)
#        BASE_REV=main~3 bench/run.sh             (adds (i): the required route
#                                                 on gatewayd built from that
#                                                 git revision, the same build
#                                                 before a change)
# Output: a table on stdout and in $OUT (default bench/results.md).
# Needs wrk, nginx (with auth_request) and curl; as root on Debian it
# installs missing ones with apt-get, otherwise it says what to install.
set -euo pipefail

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-2s}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
CONFIGS=${CONFIGS:-a b c d e f g h}
# Single-connection latency (issue 14): wrk -t1 -c1 on these configs,
# alternating, SINGLE_DURATION per run, ROUNDS rounds; "" skips it.
SINGLE_CONFIGS=${SINGLE_CONFIGS-b e g h}
SINGLE_DURATION=${SINGLE_DURATION:-5s}
# Allocations per authenticated hop, from the Go benchmark; 0 skips it.
ALLOCS=${ALLOCS:-1}
GO_RUNTIME_ENV=${GO_RUNTIME_ENV:-}
GO=${GO:-go}
# BASE_REV: a git revision whose gatewayd runs as configuration (i), next
# to (e), with the same configuration, secret and database; its ratios are
# "this change against the build before it" in one run.
BASE_REV=${BASE_REV:-}
if [ -n "$BASE_REV" ]; then
	case " $CONFIGS " in *" i "*) ;; *) CONFIGS="$CONFIGS i" ;; esac
	case " $SINGLE_CONFIGS " in *" e "*) SINGLE_CONFIGS="$SINGLE_CONFIGS i" ;; esac
fi

cd "$(dirname "$0")/.."
root=$PWD
OUT=${OUT:-$root/bench/results.md}

prog=bench
# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"

find_nginx() {
	if command -v nginx >/dev/null 2>&1; then command -v nginx
	elif [ -x /usr/sbin/nginx ]; then echo /usr/sbin/nginx
	fi
}

# ensure_tools installs wrk, nginx and curl when missing (root + apt-get),
# or names the packages to install and stops.
ensure_tools() {
	local missing=()
	command -v wrk >/dev/null 2>&1 || missing+=(wrk)
	command -v curl >/dev/null 2>&1 || missing+=(curl)
	[ -n "$(find_nginx)" ] || missing+=(nginx)
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
		die "missing ${missing[*]}; install: sudo apt-get install -y ${missing[*]/nginx/nginx-light}"
	fi
	echo "bench: installing ${missing[*]}" >&2
	apt-get update -qq
	local pkgs=() p
	for p in "${missing[@]}"; do
		# nginx-light is the smallest Debian build with auth_request.
		if [ "$p" = nginx ] && apt-cache show nginx-light >/dev/null 2>&1; then p=nginx-light; fi
		pkgs+=("$p")
	done
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
}
ensure_tools
NGINX=$(find_nginx)
"$NGINX" -V 2>&1 | grep -q http_auth_request_module ||
	die "$NGINX lacks the auth_request module; install nginx-light or nginx"

make_work bench

echo "bench: building gatewayd, the upstream and the bare and floor proxies" >&2
CGO_ENABLED=0 "$GO" build -trimpath -o "$work/gatewayd" ./cmd/gatewayd
CGO_ENABLED=0 "$GO" build -trimpath -o "$work/upstream" ./bench/upstream
CGO_ENABLED=0 "$GO" build -trimpath -o "$work/bareproxy" ./bench/bareproxy
CGO_ENABLED=0 "$GO" build -trimpath -o "$work/floorproxy" ./bench/floorproxy
if [ -n "$BASE_REV" ]; then
	echo "bench: building gatewayd at $BASE_REV for (i)" >&2
	mkdir "$work/base-src"
	git -C "$root" archive "$BASE_REV" | tar -x -C "$work/base-src" || die "cannot read revision $BASE_REV"
	(cd "$work/base-src" && CGO_ENABLED=0 "$GO" build -trimpath -o "$work/gatewayd-base" ./cmd/gatewayd)
fi

pick_port; UP=127.0.0.1:$PORT
"$work/upstream" -listen "$UP" >"$work/upstream.log" 2>&1 &
up_pid=$!; pids+=("$up_pid")
wait_http "http://$UP/" 200 upstream "$up_pid"

pick_port; GW=127.0.0.1:$PORT
sed -e "s|__LISTEN__|$GW|g" -e "s|__UPSTREAM__|$UP|g" bench/gateway.yaml.tmpl >"$work/gateway.yaml"
# env -i: the caller's GATEWAY_* or DATABASE_URL must not change the setup.
# shellcheck disable=SC2086 # GO_RUNTIME_ENV is a list of VAR=value words
secret="bench-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
env -i PATH="$PATH" HOME="$work" $GO_RUNTIME_ENV \
	JWT_SECRET="$secret" DATABASE_URL="sqlite:$work/gateway.db" \
	"$work/gatewayd" --config "$work/gateway.yaml" serve >"$work/gatewayd.log" 2>&1 &
gw_pid=$!; pids+=("$gw_pid")
wait_http "http://$GW/healthz" 200 gatewayd "$gw_pid"

GB=none gb_pid=
if [ -n "$BASE_REV" ]; then
	pick_port; GB=127.0.0.1:$PORT
	sed -e "s|__LISTEN__|$GB|g" -e "s|__UPSTREAM__|$UP|g" bench/gateway.yaml.tmpl >"$work/gateway-base.yaml"
	# The same secret and database: the token registered below is valid
	# on both.
	# shellcheck disable=SC2086
	env -i PATH="$PATH" HOME="$work" $GO_RUNTIME_ENV \
		JWT_SECRET="$secret" DATABASE_URL="sqlite:$work/gateway.db" \
		"$work/gatewayd-base" --config "$work/gateway-base.yaml" serve >"$work/gatewayd-base.log" 2>&1 &
	gb_pid=$!; pids+=("$gb_pid")
	wait_http "http://$GB/healthz" 200 gatewayd-base "$gb_pid"
fi

pick_port; BP=127.0.0.1:$PORT
# shellcheck disable=SC2086
env -i PATH="$PATH" $GO_RUNTIME_ENV "$work/bareproxy" -listen "$BP" -upstream "http://$UP" >"$work/bareproxy.log" 2>&1 &
bp_pid=$!; pids+=("$bp_pid")
wait_http "http://$BP/" 200 bareproxy "$bp_pid"

pick_port; FG=127.0.0.1:$PORT
# shellcheck disable=SC2086
env -i PATH="$PATH" $GO_RUNTIME_ENV "$work/floorproxy" -server nethttp -listen "$FG" -upstream "http://$UP" >"$work/floorproxy-g.log" 2>&1 &
fg_pid=$!; pids+=("$fg_pid")
wait_http "http://$FG/" 200 floorproxy-g "$fg_pid"

pick_port; FH=127.0.0.1:$PORT
# shellcheck disable=SC2086
env -i PATH="$PATH" $GO_RUNTIME_ENV "$work/floorproxy" -server fasthttp -listen "$FH" -upstream "http://$UP" >"$work/floorproxy-h.log" 2>&1 &
fh_pid=$!; pids+=("$fh_pid")
wait_http "http://$FH/" 200 floorproxy-h "$fh_pid"

resp=$(curl -sS --max-time 10 -H 'Content-Type: application/json' \
	-d '{"email":"bench@example.com","password":"bench-password-123"}' "http://$GW/auth/register")
TOKEN=$(printf '%s' "$resp" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
[ -n "$TOKEN" ] || die "register failed: $resp"

pick_port; NG_PLAIN=127.0.0.1:$PORT
pick_port; NG_AUTH=127.0.0.1:$PORT
sed -e "s|server 127\.0\.0\.1:8080;|server $GW;|" -e "s|server 127\.0\.0\.1:9000;|server $UP;|" \
	-e "s|listen 80\( default_server\)\{0,1\};|listen $NG_AUTH;|" deploy/nginx/gateway-auth-request.conf >"$work/gateway-auth-request.conf"
for want in "server $GW;" "server $UP;" "listen $NG_AUTH;"; do
	[ "$(grep -cF "$want" "$work/gateway-auth-request.conf")" = 1 ] ||
		die "deploy/nginx/gateway-auth-request.conf changed: could not set '$want'"
done
sed -e "s|__DIR__|$work|g" -e "s|__UPSTREAM__|$UP|g" -e "s|__PLAIN_LISTEN__|$NG_PLAIN|g" \
	bench/nginx.conf.tmpl >"$work/nginx.conf"
"$NGINX" -p "$work" -c "$work/nginx.conf" -e stderr >"$work/nginx.log" 2>&1 &
ng_pid=$!; pids+=("$ng_pid")
wait_http "http://$NG_PLAIN/" 200 nginx "$ng_pid"
# CPU is counted for the master and all its workers (one per core).
for _ in $(seq 1 100); do
	[ "$(pgrep -c -P "$ng_pid" || true)" -ge "$(nproc)" ] && break
	sleep 0.05
done
ng_pids="$ng_pid $(pgrep -P "$ng_pid" | tr '\n' ' ')"

declare -A URL=(
	[a]="http://$UP/app/bench"
	[b]="http://$NG_PLAIN/app/bench"
	[c]="http://$NG_AUTH/app/bench"
	[d]="http://$GW/pub/bench"
	[e]="http://$GW/app/bench"
	[f]="http://$BP/app/bench"
	[g]="http://$FG/app/bench"
	[h]="http://$FH/app/bench"
	[i]="http://$GB/app/bench"
)
declare -A NAME=(
	[a]="upstream directly"
	[b]="nginx plain proxy"
	[c]="nginx + auth_request → gatewayd"
	[d]="gatewayd, public route"
	[e]="gatewayd, required route"
	[f]="bare httputil.ReverseProxy"
	[g]="floor: net/http server + fasthttp client"
	[h]="floor: fasthttp server + fasthttp client"
	[i]="gatewayd at ${BASE_REV:-BASE_REV}, required route"
)
declare -A CPU_PIDS=([a]="" [b]="$ng_pids" [c]="$ng_pids $gw_pid" [d]="$gw_pid" [e]="$gw_pid" [f]="$bp_pid" [g]="$fg_pid" [h]="$fh_pid" [i]="$gb_pid")
declare -A CPU_OF=([a]="-" [b]="nginx" [c]="nginx + gatewayd" [d]="gatewayd" [e]="gatewayd" [f]="bareproxy"
	[g]="floorproxy" [h]="floorproxy" [i]="gatewayd (base)")

# Every configuration must answer 200 from the upstream with the token, and
# the authenticated ones 401 without it: otherwise the numbers mean nothing.
for c in $CONFIGS; do
	[ -n "${URL[$c]:-}" ] || die "unknown configuration '$c' (want a b c d e f g h, i with BASE_REV)"
	body=$(curl -sS --max-time 5 -H "Authorization: Bearer $TOKEN" -w '%{http_code}' "${URL[$c]}")
	[ "$body" = $'{"ok":true}\n200' ] || die "($c) ${URL[$c]} answered: $body"
done
for c in $CONFIGS; do
	case $c in c | e | i) ;; *) continue ;; esac
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "${URL[$c]}")
	[ "$code" = 401 ] || die "($c) without a token answered $code, want 401"
done

# ticks PID...: utime+stime of the processes, in clock ticks. Fields 14 and
# 15 of /proc/PID/stat, counted after the ")" that ends the command name.
ticks() {
	local total=0 pid t
	for pid in "$@"; do
		t=$(sed 's/^.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}')
		total=$((total + t))
	done
	echo "$total"
}
HZ=$(getconf CLK_TCK)

# parse FILE: "requests rps p50_ms p99_ms non2xx" from wrk --latency output.
parse() {
	awk '
	function ms(v) {
		if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
		if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
		if (v ~ /m$/) return substr(v, 1, length(v) - 1) * 60000
		if (v ~ /s$/) return substr(v, 1, length(v) - 1) * 1000
		return v + 0
	}
	/ requests in / { req = $1 }
	/^Requests\/sec:/ { rps = $2 }
	$1 == "50%" { p50 = ms($2) }
	$1 == "99%" { p99 = ms($2) }
	/Non-2xx or 3xx responses:/ { bad = $NF }
	END { printf "%d %.0f %.3f %.3f %d\n", req, rps, p50, p99, bad }' "$1"
}

# run CONFIG DURATION [THREADS CONNS]: one wrk run; prints "rps p50 p99
# cpu_us requests".
run() {
	local c=$1 out="$work/wrk.out" before after req rps p50 p99 bad cpu=-
	before=$(ticks ${CPU_PIDS[$c]})
	wrk -t"${3:-$THREADS}" -c"${4:-$CONNS}" -d"$2" --timeout 5s --latency \
		-H "Authorization: Bearer $TOKEN" "${URL[$c]}" >"$out"
	after=$(ticks ${CPU_PIDS[$c]})
	read -r req rps p50 p99 bad < <(parse "$out")
	[ "$req" -gt 0 ] || { cat "$out" >&2; die "($c) wrk made no requests"; }
	[ "$bad" -eq 0 ] || { cat "$out" >&2; die "($c) $bad responses were not 2xx"; }
	grep -q 'Socket errors' "$out" && echo "bench: ($c) $(grep 'Socket errors' "$out")" >&2
	[ -n "${CPU_PIDS[$c]}" ] && cpu=$(awk -v t=$((after - before)) -v hz="$HZ" -v n="$req" 'BEGIN { printf "%.1f", t * 1e6 / hz / n }')
	echo "$rps $p50 $p99 $cpu $req"
}

echo "bench: warm-up ($WARMUP each)" >&2
for c in $CONFIGS; do run "$c" "$WARMUP" >/dev/null; done
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

results="$work/results.txt"
: >"$results"
for r in $(seq 1 "$ROUNDS"); do
	for c in $CONFIGS; do
		line=$(run "$c" "$DURATION")
		echo "$c $r $line" >>"$results"
		echo "bench: round $r ($c) ${NAME[$c]}: $line" >&2
	done
done
single="$work/single.txt"
: >"$single"
for r in $(seq 1 "$ROUNDS"); do
	for c in $SINGLE_CONFIGS; do
		line=$(run "$c" "$SINGLE_DURATION" 1 1)
		echo "$c $r $line" >>"$single"
		echo "bench: round $r ($c) single connection: $line" >&2
	done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# Allocations per authenticated hop: the gateway alone, against an
# upstream that allocates nothing (gateway/proxy_bench_test.go).
ALLOCS_PER_HOP=n/a
if [ "$ALLOCS" != 0 ]; then
	ALLOCS_PER_HOP=$("$GO" test -run '^$' -bench '^BenchmarkProxyHop$' -benchmem -benchtime 2000x ./gateway 2>/dev/null |
		awk '/^BenchmarkProxyHop/ { for (i = 1; i < NF; i++) if ($(i + 1) == "allocs/op") print $i }')
	ALLOCS_PER_HOP=${ALLOCS_PER_HOP:-n/a}
fi

# median CONFIG FIELD [FILE]: median of a column of results.txt ("-"
# stays "-").
median() {
	awk -v c="$1" -v f="$2" '$1 == c { print $f }' "${3:-$results}" | sort -g |
		awk '{ v[NR] = $1 } END {
			if (NR == 0 || v[1] == "-") { print "-"; exit }
			if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
declare -A RPS P50 P99 CPU P50_1
for c in $CONFIGS; do
	RPS[$c]=$(median "$c" 3); P50[$c]=$(median "$c" 4); P99[$c]=$(median "$c" 5); CPU[$c]=$(median "$c" 6)
done
for c in $SINGLE_CONFIGS; do P50_1[$c]=$(median "$c" 4 "$single"); done

# ratio X Y: throughput of X over Y as "0.00×", "n/a" if one is missing.
ratio() {
	if [ -z "${RPS[$1]:-}" ] || [ -z "${RPS[$2]:-}" ]; then echo n/a; return; fi
	awk -v x="${RPS[$1]}" -v y="${RPS[$2]}" 'BEGIN { printf "%.2f×", x / y }'
}
# quotient X Y: X/Y as "0.00×", "n/a" if either is missing or "-".
quotient() {
	case "$1$2" in "" | *-* | *n/a*) echo n/a; return ;; esac
	[ -n "$1" ] && [ -n "$2" ] || { echo n/a; return; }
	awk -v x="$1" -v y="$2" 'BEGIN { if (y == 0) print "n/a"; else printf "%.2f×", x / y }'
}
verdict() { awk -v v="$1" -v t="$2" -v op="$3" 'BEGIN {
	if (v == "n/a" || v == "-" || v == "") { print "n/a"; exit }
	ok = (op == ">=") ? v + 0 >= t : v + 0 <= t; print ok ? "met" : "MISSED" }'; }

{
	echo "## wrk results ($(date -u +%Y-%m-%d))"
	echo
	echo "- Machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), Linux $(uname -r)"
	echo "- Software: $("$GO" version | cut -d' ' -f3), $("$NGINX" -v 2>&1 | sed 's/^nginx version: //'), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
	echo "- Load: wrk -t$THREADS -c$CONNS, $DURATION per run, $ROUNDS rounds of ($CONFIGS), medians shown; load average before $load_before, after $load_after"
	echo "- Go runtime environment of gatewayd, bareproxy and floorproxy: ${GO_RUNTIME_ENV:-defaults}"
	echo
	echo "| config | req/s | p50 ms | p99 ms | CPU-µs/req | CPU of |"
	echo "|---|---:|---:|---:|---:|---|"
	for c in $CONFIGS; do
		echo "| ($c) ${NAME[$c]} | ${RPS[$c]} | ${P50[$c]} | ${P99[$c]} | ${CPU[$c]} | ${CPU_OF[$c]} |"
	done
	echo
	e_c=$(ratio e c); e_d=$(ratio e d); e_b=$(ratio e b); e_f=$(ratio e f)
	g_c=$(ratio g c); e_g=$(ratio e g)
	cpu_g_b=$(quotient "${CPU[g]:-}" "${CPU[b]:-}"); cpu_h_b=$(quotient "${CPU[h]:-}" "${CPU[b]:-}")
	p50_g_b=$(quotient "${P50_1[g]:-}" "${P50_1[b]:-}")
	cpu_e_c=$(quotient "${CPU[e]:-}" "${CPU[c]:-}"); cpu_e_b=$(quotient "${CPU[e]:-}" "${CPU[b]:-}")
	p50_e_b=$(quotient "${P50_1[e]:-}" "${P50_1[b]:-}")
	if [ -n "$SINGLE_CONFIGS" ]; then
		echo "Single connection (wrk -t1 -c1, $SINGLE_DURATION per run, medians):"
		echo
		echo "| config | req/s | p50 ms | p99 ms |"
		echo "|---|---:|---:|---:|"
		for c in $SINGLE_CONFIGS; do
			echo "| ($c) ${NAME[$c]} | $(median "$c" 3 "$single") | ${P50_1[$c]} | $(median "$c" 5 "$single") |"
		done
		echo
	fi
	echo "| target (issue 14) | measured | |"
	echo "|---|---:|---|"
	echo "| (e)/(c) throughput ≥ 1.3× | ${e_c} | $(verdict "${e_c%×}" 1.3 '>=') |"
	echo "| (e)/(c) CPU per request ≤ 0.7× | ${cpu_e_c} | $(verdict "${cpu_e_c%×}" 0.7 '<=') |"
	echo "| (e)/(b) CPU per request ≤ 2.5× | ${cpu_e_b} | $(verdict "${cpu_e_b%×}" 2.5 '<=') |"
	echo "| (e)/(b) single-connection p50 ≤ 1.1× | ${p50_e_b} | $(verdict "${p50_e_b%×}" 1.1 '<=') |"
	echo "| allocations per authenticated hop ≤ 40 (\`BenchmarkProxyHop\`) | ${ALLOCS_PER_HOP} | $(verdict "$ALLOCS_PER_HOP" 40 '<=') |"
	echo "| (e)/(d) throughput ≥ 0.9× (the token check is cheap) | ${e_d} | $(verdict "${e_d%×}" 0.9 '>=') |"
	echo "| (e)/(b) throughput | ${e_b} | info |"
	echo "| (e)/(f) throughput, against a bare Go ReverseProxy | ${e_f} | info |"
	echo "| (g)/(b) CPU per request, the floor of a net/http-served proxy with a fasthttp upstream leg | ${cpu_g_b} | info |"
	echo "| (h)/(b) CPU per request, fasthttp on both sides | ${cpu_h_b} | info |"
	echo "| (g)/(b) single-connection p50 | ${p50_g_b} | info |"
	echo "| (g)/(c) throughput | ${g_c} | info |"
	echo "| (e)/(g) throughput (the gateway against its architecture's floor) | ${e_g} | info |"
	if [ -n "$BASE_REV" ]; then
		echo "| (e)/(i) throughput, against $BASE_REV | $(ratio e i) | info |"
		echo "| (e)/(i) CPU per request, against $BASE_REV | $(quotient "${CPU[e]:-}" "${CPU[i]:-}") | info |"
		echo "| (e)/(i) single-connection p50, against $BASE_REV | $(quotient "${P50_1[e]:-}" "${P50_1[i]:-}") | info |"
	fi
	echo
	echo "<details><summary>every run (config round req/s p50 p99 CPU-µs/req requests)</summary>"
	echo
	echo '```'
	cat "$results"
	[ -s "$single" ] && sed 's/^\([a-i]\) /\1-single /' "$single"
	echo '```'
	echo "</details>"
} | tee "$OUT"
echo "bench: written to $OUT" >&2
