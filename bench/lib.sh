# bench/lib.sh: helpers shared by bench/run.sh and bench/profile.sh, which
# source it after `cd` to the repository root and `set -euo pipefail`.
# Not a command; it defines functions and the port counter only.
#
# The sourcing script sets prog (the prefix of its messages, e.g. "bench")
# before it calls die, and calls make_work once before it starts processes.

# die MESSAGE...: print "prog: MESSAGE" on stderr and exit 1.
die() { echo "${prog:-bench}: $*" >&2; exit 1; }

# make_work NAME: create the work directory $work (a fresh mktemp dir
# named gatewayd-NAME.*) and arrange that on exit every process in the
# pids array is killed and waited for and $work is removed. INT and TERM
# exit 130 through the same cleanup.
make_work() {
	work=$(mktemp -d "${TMPDIR:-/tmp}/gatewayd-$1.XXXXXX")
	pids=()
	trap cleanup EXIT
	trap 'exit 130' INT TERM
}
cleanup() {
	local pid
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
	rm -rf "$work"
}

# pick_port sets PORT to a loopback port nobody listens on, below the
# ephemeral range so that no outgoing connection can be holding it.
ephemeral_low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
span=$((ephemeral_low - 10500))
[ "$span" -gt 1000 ] || span=20000
next_port=$((10000 + RANDOM % span))
pick_port() {
	while (exec 3<>"/dev/tcp/127.0.0.1/$next_port") 2>/dev/null; do next_port=$((next_port + 1)); done
	PORT=$next_port
	next_port=$((next_port + 1))
}

# wait_http URL STATUS NAME PID: poll (bounded) until URL answers STATUS;
# if process PID exits first or 30s pass, show $work/NAME.log and die.
wait_http() {
	local deadline=$((SECONDS + 30)) code=none
	while :; do
		code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$1" || true)
		[ "$code" = "$2" ] && return 0
		kill -0 "$4" 2>/dev/null || { cat "$work/$3.log" >&2; die "$3 exited"; }
		[ $SECONDS -lt $deadline ] || { cat "$work/$3.log" >&2; die "$3: $1 answered $code, want $2"; }
		sleep 0.05
	done
}
