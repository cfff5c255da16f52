#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The userspace fallback alone (--accel=user): runs on any /dev/kvm, the
# development machine's PVM included, and inside the test host.
#   sh tests/host/e2e/user_accel.sh   (hlkvm-run and the guests on PATH, or
#   HLKVM_RUN=build/bin/hlkvm-run HLKVM_GUESTS=build/guests)
# timer-noack.elf is left to timer_guest.sh: PVM's LAPIC auto-EOIs (its ISR
# is not architectural), so "exactly one tick" cannot hold there.
. "$(dirname "$0")/../lib.sh"
RUN_TIMEOUT=60

if [ ! -c /dev/kvm ]; then
	skip "the fallback on /dev/kvm" "no /dev/kvm on this host"
	finish
fi

for g in timer timer-restart timer-min; do
	# timer-min's bound holds without catch-up bursts (see the guest)
	policy=catchup
	[ "$g" != timer-min ] || policy=skip
	run_guest "$g" user "$(guest "$g.elf")" --timer-policy "$policy"
	rc=$?
	t=$(jval "$g" timer ticks)
	[ $rc -eq 0 ] && [ "${t:-0}" -gt 1 ]
	check $? "$g.elf --accel=user: status 0 ($rc), ticks ${t:-0} > 1"
done
finish
