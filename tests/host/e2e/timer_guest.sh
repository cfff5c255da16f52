#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# End-to-end: the timer guests under hlkvm-run inside the test host, with
# hlkvm.ko loaded. Busybox sh; no jq: the summary JSON is read with sed
# (hlkvm-run prints one io row per line and each object on one line).
#
# Proves: absorbed ports never reach userspace (zero KVM_EXIT_IO for them),
# the module's counters equal the guest's own counts, ticks arrive, a 1 us
# request runs at >= 100 us, a guest that never acknowledges gets exactly
# one tick, stop/ack/restart in the handler keeps ticking, and with
# --accel=user every one of those ports is seen in userspace instead.
#
# Run: scripts/testhost --add tests/host -- 'sh e2e/timer_guest.sh'
# (build/bin and build/guests on PATH).

RUN=${HLKVM_RUN:-hlkvm-run}
GUESTS=${HLKVM_GUESTS:-}
TMP=${TMPDIR:-/tmp}/hlkvm-e2e.$$
mkdir -p "$TMP"
trap 'rm -rf "$TMP"' EXIT
n=0
fail=0

ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $*"; fail=1; }
check() { # check COND-STATUS DESCRIPTION
	if [ "$1" -eq 0 ]; then ok "$2"; else not_ok "$2"; fi
}

guest() { # path of a guest image
	if [ -n "$GUESTS" ]; then echo "$GUESTS/$1"; else command -v "$1" || echo "$1"; fi
}

# run NAME ACCEL [ARGS]: output in $TMP/NAME.out, summary in $TMP/NAME.json
run() {
	name=$1; accel=$2; shift 2
	"$RUN" --accel="$accel" --json --timeout 120 \
		--summary "$TMP/$name.json" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
	rc=$?
	if [ $rc -ne 0 ]; then
		sed 's/^/#   /' "$TMP/$name.out" "$TMP/$name.err" "$TMP/$name.json" 2>/dev/null
	fi
	return $rc
}

# guest's key=value line
gval() { sed -n "s/^$2=//p" "$TMP/$1.out" | tail -n 1; }
# a number from the summary: jval NAME OBJECT KEY (OBJECT: absorbed, timer)
jval() {
	sed -n "s/.*\"$2\": {.*\"$3\": \([0-9]*\).*/\1/p" "$TMP/$1.json" | head -n 1
}
# KVM_EXIT_IO exits for PORT (decimal) and DIR; 0 when absent
ioexits() {
	v=$(sed -n "s/.*{\"port\": $2, \"dir\": \"$3\", \"exits\": \([0-9]*\)}.*/\1/p" "$TMP/$1.json")
	echo "${v:-0}"
}

ABSORBED_PORTS="32 33 160 161 64 65 66 67 97 128 107"

# --- 1. kernel mode, the acceptance guest
run timer kernel "$(guest timer.elf)"
check $? "timer.elf runs to status 0 with --accel=kernel"
grep -q '"accel": "kernel"' "$TMP/timer.json"
check $? "the run used the module"

leaked=""
for p in $ABSORBED_PORTS; do
	for d in in out; do
		e=$(ioexits timer "$p" "$d")
		[ "$e" -eq 0 ] || leaked="$leaked $p/$d:$e"
	done
done
[ -z "$leaked" ]
check $? "zero KVM_EXIT_IO for absorbed ports${leaked:+ (leaked:$leaked)}"
[ "$(ioexits timer 108 out)" -eq 1 ]
check $? "port 108 still reaches the VMM"

for k in pic_in pic_out pit_in pit_out speaker_in speaker_out diag_in diag_out timer_out; do
	g=$(gval timer "$k"); m=$(jval timer absorbed "$k")
	[ -n "$g" ] && [ "$g" = "$m" ]
	check $? "module $k ($m) == guest $k ($g)"
done
t=$(jval timer timer ticks)
[ "${t:-0}" -gt 1 ]
check $? "ticks injected > 1 ($t)"
g=$(gval timer eoi); b=$(jval timer absorbed eoi_bridged)
[ -n "$g" ] && [ "$g" = "$b" ]
check $? "every guest EOI bridged ($b == $g)"

# --- 2. 1 us is clamped to 100 us
run min kernel "$(guest timer-min.elf)"
check $? "timer-min.elf: 1 us runs at >= 100 us (ratio_x1000=$(gval min ratio_x1000))"
c=$(jval min timer clamped)
[ "${c:-0}" -ge 1 ]
check $? "the module counted the clamp ($c)"

# --- 3. never acknowledged: exactly one tick
run noack kernel "$(guest timer-noack.elf)"
check $? "timer-noack.elf: exactly one tick without acknowledgement (noack_ticks=$(gval noack noack_ticks))"

# --- 4. stop / ack / restart inside the handler
run restart kernel "$(guest timer-restart.elf)"
check $? "timer-restart.elf keeps ticking (restart_ticks=$(gval restart restart_ticks))"

# --- 5. module loaded but not used: every port is seen in userspace
run user user "$(guest timer.elf)"
check $? "timer.elf runs to status 0 with --accel=user"
grep -q '"accel": "user"' "$TMP/user.json"
check $? "the run used the userspace fallback"
missing=""
for p in 32 33 160 161 64 65 66 97 128; do
	for d in in out; do
		[ "$(ioexits user "$p" "$d")" -gt 0 ] || missing="$missing $p/$d"
	done
done
[ "$(ioexits user 67 out)" -gt 0 ] || missing="$missing 67/out"
[ "$(ioexits user 107 out)" -gt 0 ] || missing="$missing 107/out"
[ -z "$missing" ]
check $? "every absorbed port seen in userspace${missing:+ (missing:$missing)}"
for k in pic_in pic_out pit_in speaker_in diag_out; do
	g=$(gval user "$k"); m=$(jval user absorbed "$k")
	[ -n "$g" ] && [ "$g" = "$m" ]
	check $? "fallback $k ($m) == guest $k ($g)"
done

echo "1..$n"
exit $fail
