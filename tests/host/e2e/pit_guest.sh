#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# End-to-end: the 8254 guest (TSC calibration against PIT channel 2 and
# latched counts, user/guests/pit.c) under the module, the userspace
# fallback and KVM's own PIT (the reference), inside the test host. The
# guest checks behaviour only (a 20 ms / 10 ms ratio, counts that fall),
# never how long anything took.
#
# Run: scripts/testhost --add tests/host -- 'sh e2e/pit_guest.sh'
# (build/bin and build/guests on PATH).

. "$(dirname "$0")/../lib.sh"

for accel in kernel user kvm; do
	run_guest "pit-$accel" "$accel" "$(guest pit.elf)"
	check $? "pit.elf --accel=$accel: status 0 (ratio_x1000=$(gval "pit-$accel" ratio_x1000), count_hz=$(gval "pit-$accel" count_hz))"
done

# Under the module, no PIT or port 0x61 access reached userspace
leaked=""
for p in 66 67 97; do
	for d in in out; do
		e=$(ioexits pit-kernel "$p" "$d")
		[ "$e" -eq 0 ] || leaked="$leaked $p/$d:$e"
	done
done
[ -z "$leaked" ]
check $? "pit.elf --accel=kernel: zero KVM_EXIT_IO for 0x42, 0x43, 0x61${leaked:+ (leaked:$leaked)}"
finish
