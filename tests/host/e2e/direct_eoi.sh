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

. "$(dirname "$0")/../lib.sh"
need_split "direct LAPIC EOIs (split irqchip)"

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
run_guest xapic kernel "$(guest timer-xapic.elf)"
check $? "timer-xapic.elf (EOI by xAPIC MMIO) runs to status 0"
direct_checks xapic "xAPIC MMIO EOI"

# --- 2. x2APIC MSR EOI
run_guest x2apic kernel "$(guest timer-x2apic.elf)"
check $? "timer-x2apic.elf (x2APIC mode, EOI by MSR 0x80B) runs to status 0"
direct_checks x2apic "x2APIC MSR EOI"

# --- 3. the probe off: the stale-tick guard keeps the guest ticking
if [ -z "$HLKVM_KO" ] || ! [ -f "$HLKVM_KO" ]; then
	skip "eoi_probe=0" "HLKVM_KO is not set, the module cannot be reloaded"
elif ! rmmod hlkvm; then
	not_ok "rmmod hlkvm to reload it with eoi_probe=0"
elif ! insmod "$HLKVM_KO" eoi_probe=0; then
	not_ok "insmod $HLKVM_KO eoi_probe=0"
else
	p=$(cat /sys/module/hlkvm/parameters/eoi_probe 2>/dev/null)
	[ "$p" = N ]
	check $? "eoi_probe reads N after insmod eoi_probe=0 ($p)"
	run_guest noprobe kernel "$(guest timer-xapic.elf)"
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

finish
