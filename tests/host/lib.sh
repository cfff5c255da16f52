# SPDX-License-Identifier: GPL-2.0
# Shared by the e2e scripts (busybox sh): TAP output, and running a guest
# under hlkvm-run with its console and JSON summary kept for the checks.
#   . "$(dirname "$0")/../lib.sh"
# Environment: HLKVM_RUN (default hlkvm-run on PATH), HLKVM_GUESTS (a
# directory of guest images; default: found on PATH).

RUN=${HLKVM_RUN:-hlkvm-run}
GUESTS=${HLKVM_GUESTS:-}
TMP=${TMPDIR:-/tmp}/hlkvm-$(basename "$0" .sh).$$
mkdir -p "$TMP"
trap 'rm -rf "$TMP"' EXIT
n=0
fail=0

ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $*"; fail=1; }
# skip DESCRIPTION REASON
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
# check STATUS DESCRIPTION: ok when STATUS is 0
check() { if [ "$1" -eq 0 ]; then ok "$2"; else not_ok "$2"; fi; }
# finish: the TAP plan line, and the exit status
finish() { echo "1..$n"; exit $fail; }

# guest IMAGE: its path
guest() {
	if [ -n "$GUESTS" ]; then echo "$GUESTS/$1"; else command -v "$1" || echo "$1"; fi
}

# run_guest NAME ACCEL IMAGE [ARGS]: console in $TMP/NAME.out, summary in
# $TMP/NAME.json; all three shown, indented, when the run fails
run_guest() {
	name=$1; accel=$2; shift 2
	"$RUN" --accel="$accel" --json --timeout "${RUN_TIMEOUT:-120}" \
		--summary "$TMP/$name.json" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
	rc=$?
	[ $rc -eq 0 ] ||
		sed 's/^/#   /' "$TMP/$name.out" "$TMP/$name.err" "$TMP/$name.json" 2>/dev/null
	return $rc
}

# gval NAME KEY: the guest's last KEY=value line
gval() { sed -n "s/^$2=//p" "$TMP/$1.out" | tail -n 1; }
# jval NAME OBJECT KEY: a number from the summary (OBJECT: absorbed, timer)
jval() {
	sed -n "s/.*\"$2\": {.*\"$3\": \([0-9]*\).*/\1/p" "$TMP/$1.json" | head -n 1
}
# ioexits NAME PORT DIR: KVM_EXIT_IO exits for PORT (decimal), 0 if none
ioexits() {
	v=$(sed -n "s/.*{\"port\": $2, \"dir\": \"$3\", \"exits\": \([0-9]*\)}.*/\1/p" "$TMP/$1.json")
	echo "${v:-0}"
}
