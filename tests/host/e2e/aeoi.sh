#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# End-to-end: a guest that programs KVM's 8259 for automatic EOI (ICW4
# AEOI) and never writes an EOI, on KVM's full irqchip, with the module
# and with the userspace fallback (aeoi.elf, user/guests/aeoi.c). The
# module learns of the mode from the guest's ICWs on their way to KVM's
# PIC and takes each injection as the tick's acknowledgment; the fallback
# hears KVM's own acknowledgment (pic_intack()) through its resamplefd.
# Before, the module got one tick and then only the stale guard's kicks,
# one in 16 periods (15 ticks in 400 periods, against the fallback's 45,
# in one loaded 6.1 test host).
#
# Proves, in each accel mode: the PIC took AEOI (IRQ0 not in service inside
# its own tick) and ticks keep coming in a 400-period window (checked by
# the guest itself); they came as ticks, not as the stale guard's kicks,
# although no EOI ever reaches port 0x20: injected at least twice and at
# least 4 times the kicks (under the stale guard alone there is one tick,
# then a kick every 16 periods), which holds however slowly a loaded host
# runs the vCPU; the guest took no more ticks than were signalled. With
# the module no EOI is seen (the guest writes none); with the fallback
# each of KVM's acknowledgments followed a signal (eoi_seen at most
# injected + kicks: none counted twice). How many of the 400 periods
# brought a tick is printed, not judged (it measures the host's load).
#
# Full irqchip only: on the split irqchip the tick is an MSI to the LAPIC,
# which needs its own EOI whatever the guest told a PIC.
#
# Run: scripts/testhost --add tests/host -- 'sh e2e/aeoi.sh'

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
	e=$(jval "aeoi.$a" absorbed eoi_seen)
	echo "# $a: guest ticks ${g:-?}, injected ${t:-?}, kicks ${k:-?}, eoi_seen ${e:-?}"
	[ -n "$t" ] && [ -n "$k" ] && [ "$t" -ge 2 ] && [ "$t" -ge $((4 * k)) ]
	check $? "$a: the ticks came as ticks, not as the stale guard's kicks (injected ${t:-?} >= 4 x kicks ${k:-?})"
	[ -n "$g" ] && [ -n "$t" ] && [ $((g + 1)) -le $((t + k)) ]
	check $? "$a: the guest took no tick that was not signalled (ticks ${g:-?} + the first <= injected ${t:-?} + kicks ${k:-?})"
	if [ "$a" = kernel ]; then
		[ "${e:-x}" = 0 ]
		check $? "$a: no EOI seen, none written (eoi_seen ${e:-?})"
	else
		[ -n "$e" ] && [ "$e" -le $((t + k)) ]
		check $? "$a: no acknowledgment counted twice (eoi_seen ${e:-?} <= injected ${t:-?} + kicks ${k:-?})"
	fi
done
finish
