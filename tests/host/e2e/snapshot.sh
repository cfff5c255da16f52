#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Snapshots with the module (hlkvm-run --snapshot / --restore): snap.elf
# takes one between ticks, snap-inirq.elf inside its tick handler before
# the EOI, each run at 1 ms; snap-pit.elf ticks from PIT channel 0
# (taken with --pit-tick, restored without: the file's flag attaches the
# restore the same way, so the guest's mode-0 write stops the tick). For
# every irqchip the module serves here and
# every pair of accel modes (module -> module, fallback -> fallback, and
# both crossings): the run that takes it reads 0 from port 109 and
# finishes; the restore, a new process, reads 1, gets its ticks without
# writing port 107 again (timer_out 1: only its final stop) and stops
# cleanly. Then HLKVM_SNAP_LOOPS (default 20; 1000 by hand) restores of
# one snapshot with the module: every one status 0, the module's VM count
# back to 0 after each, and the kernel's slab and the test host's free
# memory reported before and after (checked: slab within 2 MiB).
#
# Run: scripts/testhost --add tests/host -- 'sh e2e/snapshot.sh'
. "$(dirname "$0")/../lib.sh"
CTL=${HLKVM_CTL:-hlkvmctl}
RUN_TIMEOUT=120
LOOPS=${HLKVM_SNAP_LOOPS:-20}

if [ ! -c /dev/kvm ]; then
	skip "snapshots" "no /dev/kvm on this host"
	finish
fi
vm_count() { "$CTL" --json show 2>/dev/null | sed -n 's/.*"vm_count":\([0-9]*\).*/\1/p'; }
timer_out() { jval "$1" absorbed timer_out; }

for ic in $(echo "$IRQCHIPS" | tr , ' '); do
	for g in snap snap-inirq snap-pit; do
		# snap-pit ticks from channel 0 and never writes port 107
		pit= want_t=1
		[ "$g" = snap-pit ] && pit=--pit-tick want_t=0
		for from in kernel user; do
			f=$TMP/$g-$ic-$from.snap
			run_guest take "$from" --irqchip="$ic" --mem 4M $pit \
				--snapshot "$f" "$(guest "$g.elf")"
			rc=$?
			[ $rc -eq 0 ] && [ "$(gval take snap)" = 0 ] && [ -s "$f" ]
			check $? "$g.elf --irqchip=$ic --accel=$from: the snapshot run reads 0 and finishes ($rc)"
			for to in kernel user; do
				"$RUN" --accel="$to" --json --timeout "$RUN_TIMEOUT" \
					--summary "$TMP/r.json" --restore "$f" \
					>"$TMP/r.out" 2>"$TMP/r.err"
				rc=$?
				s=$(gval r snap); a=$(gval r ticks_after); t=$(timer_out r)
				[ $rc -eq 0 ] && [ "$s" = 1 ] && [ "${a:-0}" -ge 20 ] && [ "$t" = "$want_t" ]
				if ! check $? "$g.elf --irqchip=$ic $from -> $to: restored, reads $s, $a ticks without re-arming (timer_out $t), stops cleanly ($rc)"; then
					sed 's/^/#   /' "$TMP/r.out" "$TMP/r.err"
				fi
			done
		done
	done
done

# The Hyperlight pattern: one snapshot restored again and again
ic=${IRQCHIPS%%,*}
f=$TMP/loop.snap
run_guest take kernel --irqchip="$ic" --mem 4M --snapshot "$f" "$(guest snap.elf)"
slab0=$(sed -n 's/^Slab: *\([0-9]*\).*/\1/p' /proc/meminfo)
free0=$(sed -n 's/^MemAvailable: *\([0-9]*\).*/\1/p' /proc/meminfo)
bad=0 left=0 i=0
while [ $i -lt "$LOOPS" ]; do
	i=$((i + 1))
	"$RUN" --accel=kernel --timeout "$RUN_TIMEOUT" --restore "$f" \
		>"$TMP/l.out" 2>"$TMP/l.err" || { bad=$((bad + 1)); sed 's/^/#   /' "$TMP/l.err" | head -n 3; }
	[ "$(vm_count)" = 0 ] || left=$((left + 1))
done
slab1=$(sed -n 's/^Slab: *\([0-9]*\).*/\1/p' /proc/meminfo)
free1=$(sed -n 's/^MemAvailable: *\([0-9]*\).*/\1/p' /proc/meminfo)
[ $bad -eq 0 ] && [ $left -eq 0 ] && [ $((slab1 - slab0)) -lt 2048 ]
check $? "$LOOPS restores of one snapshot (--irqchip=$ic, module): $bad failed, $left left a VM attached, slab ${slab0} -> ${slab1} kB, available ${free0} -> ${free1} kB"
finish
