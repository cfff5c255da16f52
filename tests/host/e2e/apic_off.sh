#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# End-to-end: a guest that clears its LAPIC's global enable (IA32_APIC_BASE
# bit 11, as guests that find no I/O APIC do) before it arms the timer.
# KVM drops every interrupt for a globally disabled LAPIC; hlkvm sets the
# bit again when the guest arms the timer, as hyperlight does, and counts
# it. Busybox sh, inside the test host with hlkvm.ko loaded.
#
# Run: scripts/testhost --add tests/host -- 'sh e2e/apic_off.sh'

. "$(dirname "$0")/../lib.sh"
need_split "a guest that disabled its LAPIC (split irqchip)"

run_guest off kernel "$(guest timer-apicoff.elf)"
check $? "timer-apicoff.elf (APIC globally disabled, then timer armed) runs to status 0"

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

finish
