#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# End-to-end: a guest that clears its LAPIC's global enable (IA32_APIC_BASE
# bit 11, as guests that find no I/O APIC do) before it arms the timer.
# KVM drops every interrupt for a globally disabled LAPIC; hlkvm sets the
# bit again when the guest arms the timer, as hyperlight does, and counts
# it. Busybox sh, inside the test host with hlkvm.ko loaded.
#
# Run: scripts/testhost --add tests/host -- 'sh e2e/apic_off.sh'

RUN=${HLKVM_RUN:-hlkvm-run}
GUESTS=${HLKVM_GUESTS:-}
TMP=${TMPDIR:-/tmp}/hlkvm-e2e-apicoff.$$
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

gval() { sed -n "s/^$2=//p" "$TMP/$1.out" | tail -n 1; }
jval() {
	sed -n "s/.*\"$2\": {.*\"$3\": \([0-9]*\).*/\1/p" "$TMP/$1.json" | head -n 1
}

"$RUN" --accel=kernel --json --timeout 120 --summary "$TMP/off.json" \
	"$(guest timer-apicoff.elf)" >"$TMP/off.out" 2>"$TMP/off.err"
rc=$?
[ $rc -eq 0 ] || sed 's/^/#   /' "$TMP/off.out" "$TMP/off.err" "$TMP/off.json"
check $rc "timer-apicoff.elf (APIC globally disabled, then timer armed) runs to status 0"

off=$(gval off apic_base_off); armed=$(gval off apic_base_armed)
[ -n "$off" ] && [ $((off & 0x800)) -eq 0 ]
check $? "the guest really disabled its LAPIC (IA32_APIC_BASE $off)"
[ -n "$armed" ] && [ $((armed & 0x800)) -ne 0 ]
check $? "bit 11 is set again once the timer is armed (IA32_APIC_BASE $armed)"
r=$(jval off absorbed apic_reenabled)
[ "$r" = 1 ]
check $? "the module counted one re-enable (apic_reenabled $r)"
t=$(jval off timer ticks); g=$(gval off ticks)
[ "${t:-0}" -gt 1 ] && [ "${g:-0}" -gt 1 ]
check $? "ticks arrive (module $t, guest $g)"
dmesg | grep -q 'armed the timer with its LAPIC globally disabled: re-enabled'
check $? "the kernel log says so"

echo "1..$n"
exit $fail
