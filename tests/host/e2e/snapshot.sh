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
# cleanly. Many restores of one snapshot: e2e/restore_loop.sh.
#
# Run: scripts/testhost --add tests/host -- 'sh e2e/snapshot.sh'
. "$(dirname "$0")/../lib.sh"
RUN_TIMEOUT=120

if [ ! -c /dev/kvm ]; then
	skip "snapshots" "no /dev/kvm on this host"
	finish
fi
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

finish
