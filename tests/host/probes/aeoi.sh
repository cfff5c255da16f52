#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A probe of a known limit (README, Known limits), not part of the host
# tier: the module fails it today (after the first tick only the stale
# guard's kicks deliver, one in 16 periods: no EOI ever reaches its hook),
# and it joins e2e/ once that is fixed. Its bound is absolute, so a
# heavily loaded machine fails the fallback too (measured in a 6.1 test
# host at load average 23: module 15, fallback 45 ticks in 400 periods;
# the fallback 270 of 400 on the development machine's own /dev/kvm).
#
# A guest that programs KVM's 8259 for automatic EOI (ICW4
# AEOI) and never writes an EOI, on KVM's full irqchip, with the module
# and with the userspace fallback (aeoi.elf, user/guests/aeoi.c).
#
# Proves, in each accel mode: the PIC took AEOI (IRQ0 not in service inside
# its own tick), and the ticks keep the timer's pace although no EOI ever
# reaches port 0x20: at least a quarter of the periods of a 400-period
# window bring a tick (checked by the guest itself, status 4 otherwise; a
# tick paced by the stale guard alone would bring one in 16). The counts
# of ticks, kicks and seen EOIs are printed beside it.
#
# Run: scripts/testhost --add tests/host -- 'sh probes/aeoi.sh'

. "$(dirname "$0")/../lib.sh"
ACCELS=${HLKVM_ACCELS:-kernel user}

if [ ! -c /dev/kvm ]; then
	skip "the auto-EOI guest on KVM's full irqchip" "no /dev/kvm on this host"
	finish
fi

for a in $ACCELS; do
	run_guest "aeoi.$a" "$a" "$(guest aeoi.elf)" --irqchip=kernel
	check $? "$a: an auto-EOI guest keeps ticking with no EOI written (status 0; ticks $(gval "aeoi.$a" ticks) in $(gval "aeoi.$a" periods) periods, ISR in the tick $(gval "aeoi.$a" isr_in_tick))"
	g=$(gval "aeoi.$a" ticks); t=$(jval "aeoi.$a" timer ticks); k=$(jval "aeoi.$a" timer kicks)
	echo "# $a: guest ticks ${g:-?}, injected ${t:-?}, kicks ${k:-?}, eoi_seen $(jval "aeoi.$a" absorbed eoi_seen)"
done
finish
