#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The userspace fallback alone (--accel=user): runs on any /dev/kvm, the
# development machine's PVM included, and inside the test host.
#   sh tests/host/e2e/user_accel.sh   (hlkvm-run and the guests on PATH, or
#   HLKVM_RUN=build/bin/hlkvm-run HLKVM_GUESTS=build/guests)
# timer-noack.elf is left to timer_guest.sh: PVM's LAPIC auto-EOIs (its ISR
# is not architectural), so "exactly one tick" cannot hold there.
RUN=${HLKVM_RUN:-hlkvm-run}
G=${HLKVM_GUESTS:+$HLKVM_GUESTS/}
TMP=${TMPDIR:-/tmp}/hlkvm-user.$$
n=0
fail=0
mkdir -p "$TMP"
trap 'rm -rf "$TMP"' EXIT

if [ ! -c /dev/kvm ]; then
	echo "ok 1 # SKIP no /dev/kvm on this host"
	echo "1..1"
	exit 0
fi

for g in timer timer-restart timer-min; do
	n=$((n + 1))
	if "$RUN" --accel=user --timeout 60 --json --summary "$TMP/$g.json" \
		"${G}$g.elf" >"$TMP/$g.out" 2>"$TMP/$g.err"; then
		t=$(sed -n 's/.*"ticks": \([0-9]*\).*/\1/p' "$TMP/$g.json")
		if [ "${t:-0}" -gt 1 ]; then
			echo "ok $n - $g.elf --accel=user: status 0, $t ticks"
		else
			echo "not ok $n - $g.elf --accel=user: only ${t:-0} ticks"
			fail=1
		fi
	else
		echo "not ok $n - $g.elf --accel=user failed"
		sed 's/^/#   /' "$TMP/$g.out" "$TMP/$g.err"
		fail=1
	fi
done
echo "1..$n"
exit $fail
