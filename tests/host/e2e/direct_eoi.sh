#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# End-to-end: guests that acknowledge each tick at the LAPIC directly, by
# xAPIC MMIO (timer-xapic.elf) or x2APIC MSR (timer-x2apic.elf), never on
# port 0x20. Busybox sh, run inside the test host with hlkvm.ko loaded.
#
# Proves: the kvm:kvm_eoi probe sees every such acknowledgement (the
# module's eoi_direct equals the guest's own EOI count, nothing is
# bridged) and ticks keep coming; and, with the probe switched off
# (insmod hlkvm.ko eoi_probe=0: the acknowledgements are invisible, as
# with APIC virtualization that completes an EOI without an exit), the
# default catch-up policy's stale-tick guard still keeps the guest
# ticking to the end of its count.
#
# Run: scripts/testhost --add tests/host -- 'sh e2e/direct_eoi.sh'

RUN=${HLKVM_RUN:-hlkvm-run}
GUESTS=${HLKVM_GUESTS:-}
TMP=${TMPDIR:-/tmp}/hlkvm-e2e-eoi.$$
mkdir -p "$TMP"
trap 'rm -rf "$TMP"' EXIT
n=0
fail=0

ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $*"; fail=1; }
skip() { n=$((n + 1)); echo "ok $n - # SKIP $*"; }
check() { # check COND-STATUS DESCRIPTION
	if [ "$1" -eq 0 ]; then ok "$2"; else not_ok "$2"; fi
}

guest() { # path of a guest image
	if [ -n "$GUESTS" ]; then echo "$GUESTS/$1"; else command -v "$1" || echo "$1"; fi
}

# run NAME [ARGS]: with the module; output in $TMP/NAME.out, summary NAME.json
run() {
	name=$1; shift
	"$RUN" --accel=kernel --json --timeout 120 \
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

# direct_checks NAME HOW: the guest ran to 0, acks all seen as direct EOIs
direct_checks() {
	t=$(jval "$1" timer ticks); g=$(gval "$1" ticks)
	[ "${t:-0}" -gt 1 ] && [ "${g:-0}" -gt 1 ]
	check $? "$2: ticks keep arriving (module $t, guest $g)"
	e=$(gval "$1" eoi); d=$(jval "$1" absorbed eoi_direct)
	[ -n "$e" ] && [ "$e" -gt 1 ] && [ "$e" = "$d" ]
	check $? "$2: module eoi_direct ($d) == guest EOIs ($e)"
	b=$(jval "$1" absorbed eoi_bridged)
	[ "$b" = 0 ]
	check $? "$2: nothing bridged on port 0x20 (eoi_bridged $b)"
}

# --- 1. xAPIC MMIO EOI
run xapic "$(guest timer-xapic.elf)"
check $? "timer-xapic.elf (EOI by xAPIC MMIO) runs to status 0"
direct_checks xapic "xAPIC MMIO EOI"

# --- 2. x2APIC MSR EOI
run x2apic "$(guest timer-x2apic.elf)"
check $? "timer-x2apic.elf (x2APIC mode, EOI by MSR 0x80B) runs to status 0"
direct_checks x2apic "x2APIC MSR EOI"

# --- 3. the probe off: the stale-tick guard keeps the guest ticking
if [ -z "$HLKVM_KO" ] || ! [ -f "$HLKVM_KO" ]; then
	skip "eoi_probe=0: HLKVM_KO is not set, the module cannot be reloaded"
elif ! rmmod hlkvm; then
	not_ok "rmmod hlkvm to reload it with eoi_probe=0"
elif ! insmod "$HLKVM_KO" eoi_probe=0; then
	not_ok "insmod $HLKVM_KO eoi_probe=0"
else
	p=$(cat /sys/module/hlkvm/parameters/eoi_probe 2>/dev/null)
	[ "$p" = N ]
	check $? "eoi_probe reads N after insmod eoi_probe=0 ($p)"
	run noprobe "$(guest timer-xapic.elf)"
	check $? "eoi_probe=0: timer-xapic.elf still gets its whole tick count (catch-up's stale-tick guard)"
	t=$(jval noprobe timer ticks); d=$(jval noprobe absorbed eoi_direct)
	k=$(jval noprobe timer kicks); g=$(gval noprobe ticks)
	# Every acknowledgment is invisible, so after the first tick the
	# guard's kicks (counted apart from ticks) deliver all the others.
	[ "${g:-0}" -gt 1 ] && [ "${k:-0}" -ge $((g - ${t:-0})) ]
	check $? "eoi_probe=0: the guard's kicks carried the ticks (guest $g, module ticks $t + kicks $k)"
	[ "$d" = 0 ]
	check $? "eoi_probe=0: no direct EOI was seen (eoi_direct $d): the guard did the work"
	rmmod hlkvm && insmod "$HLKVM_KO"
	check $? "reload $HLKVM_KO with its defaults"
	p=$(cat /sys/module/hlkvm/parameters/eoi_probe 2>/dev/null)
	[ "$p" = Y ]
	check $? "eoi_probe reads Y again ($p)"
fi

echo "1..$n"
exit $fail
