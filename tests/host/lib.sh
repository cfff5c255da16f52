# SPDX-License-Identifier: GPL-2.0
# Shared by the e2e scripts (busybox sh): TAP output, and running a guest
# under hlkvm-run with its console and JSON summary kept for the checks.
#   . "$(dirname "$0")/../lib.sh"
# Environment: HLKVM_RUN (default hlkvm-run on PATH), HLKVM_GUESTS (a
# directory of guest images; default: found on PATH).

RUN=${HLKVM_RUN:-hlkvm-run}

# The irqchip modes the module serves here, as tests/host/testvm.h decides
# them: both below Linux 6.18, KVM's full irqchip alone from 6.18 (the
# split irqchip's EOI bridge needs symbols those kernels keep inside KVM).
# HLKVM_TEST_IRQCHIPS (split,kernel | kernel | split) overrides. Outside
# the test host (the user tier runs some scripts with the fallback alone,
# which serves both anywhere) both.
kernel_has_split() {
	[ "${HLKVM_TESTHOST:-0}" = 1 ] || return 0
	rel=$(uname -r); maj=${rel%%.*}; rest=${rel#*.}; min=${rest%%[!0-9]*}
	[ "$maj" -lt 6 ] || { [ "$maj" -eq 6 ] && [ "${min:-0}" -lt 18 ]; }
}
if [ -n "${HLKVM_TEST_IRQCHIPS:-}" ]; then IRQCHIPS=$HLKVM_TEST_IRQCHIPS
elif kernel_has_split; then IRQCHIPS=split,kernel
else IRQCHIPS=kernel; fi
case ",$IRQCHIPS," in *,split,*) SPLIT_OK=1 ;; *) SPLIT_OK=0 ;; esac
# Where split is not served, every hlkvm-run of a script that does not
# choose runs on KVM's full irqchip (a later --irqchip in its own
# arguments still wins)
if [ "$SPLIT_OK" = 0 ]; then
	RUN_BIN=$RUN
	RUN=run_on_kvm_pic
fi
run_on_kvm_pic() { "$RUN_BIN" --irqchip=kernel "$@"; }
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
# need_split WHAT: a script about the split irqchip (hlkvm's own PIC, the
# EOI bridge, LAPIC EOIs) skips, saying why, where the module does not
# serve it; full_irqchip.sh covers KVM's full irqchip
need_split() {
	[ "$SPLIT_OK" = 1 ] && return 0
	skip "$1" "the module serves no split irqchip on $(uname -r) (Linux 6.18+ keeps kvm_lapic_set_eoi inside KVM); KVM's full irqchip: e2e/full_irqchip.sh"
	finish
}

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
# The summary is one compact JSON line, hlkvmctl's schema (hlkvm-run(1),
# SUMMARY); ../jflat.awk flattens it to PATH=VALUE lines
JFLAT=$(dirname "$0")/../jflat.awk
# jget NAME PATH: the value at PATH (stats.pic.in, timer.ticks, io.0.port)
jget() { awk -f "$JFLAT" "$TMP/$1.json" | sed -n "s/^$2=//p" | head -n 1; }
# jval NAME OBJECT KEY: a number from the summary, by the guest's own
# counter names: OBJECT timer (timer.KEY) or absorbed (KEY G_in/G_out is
# stats.G.in/out, any other KEY stats.KEY)
jval() {
	case "$2:$3" in
	absorbed:timer_out) jget "$1" stats.timer_out ;;
	absorbed:*_in | absorbed:*_out) jget "$1" "stats.${3%_*}.${3##*_}" ;;
	absorbed:*) jget "$1" "stats.$3" ;;
	*) jget "$1" "$2.$3" ;;
	esac
}
# ioexits NAME PORT DIR: KVM_EXIT_IO exits for PORT (decimal), 0 if none
ioexits() {
	v=$(awk -f "$JFLAT" "$TMP/$1.json" | awk -F= -v port="$2" -v dir="$3" '
		{ split($1, k, "."); if (k[1] != "io") next
		  r[k[2] "." k[3]] = $2; if (k[2] + 1 > rows) rows = k[2] + 1 }
		END { for (i = 0; i < rows; i++)
			if (r[i ".port"] == port && r[i ".dir"] == dir) print r[i ".exits"] }')
	echo "${v:-0}"
}
