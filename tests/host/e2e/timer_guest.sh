#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# End-to-end: the timer guests under hlkvm-run inside the test host, with
# hlkvm.ko loaded. Busybox sh; no jq: the summary JSON is read with awk
# (lib.sh reads the one-line summary with ../jflat.awk).
#
# Proves: absorbed ports never reach userspace (zero KVM_EXIT_IO for them),
# the module's counters equal the guest's own counts, ticks arrive, a 1 us
# request runs at >= 100 us, a guest that never acknowledges gets exactly
# one tick, stop/ack/restart in the handler keeps ticking, the specific
# and rotate EOIs of IRQ0 are acknowledgements too, and with
# --accel=user every one of those ports is seen in userspace instead.
#
# Run: scripts/testhost --add tests/host -- 'sh e2e/timer_guest.sh'
# (build/bin and build/guests on PATH).

. "$(dirname "$0")/../lib.sh"
need_split "timer guests on hlkvm's PIC (split irqchip)"

ABSORBED_PORTS="32 33 160 161 64 65 66 67 97 128 107"

# --- 1. kernel mode, the acceptance guest
run_guest timer kernel "$(guest timer.elf)"
check $? "timer.elf runs to status 0 with --accel=kernel"
grep -q '"accel":"kernel"' "$TMP/timer.json"
check $? "the run used the module"

leaked=""
for p in $ABSORBED_PORTS; do
	for d in in out; do
		e=$(ioexits timer "$p" "$d")
		[ "$e" -eq 0 ] || leaked="$leaked $p/$d:$e"
	done
done
[ -z "$leaked" ]
check $? "zero KVM_EXIT_IO for absorbed ports${leaked:+ (leaked:$leaked)}"
[ "$(ioexits timer 108 out)" -eq 1 ]
check $? "port 108 still reaches the VMM"

for k in pic_in pic_out pit_in pit_out speaker_in speaker_out diag_in diag_out timer_out; do
	g=$(gval timer "$k"); m=$(jval timer absorbed "$k")
	[ -n "$g" ] && [ "$g" = "$m" ]
	check $? "module $k ($m) == guest $k ($g)"
done
t=$(jval timer timer ticks)
[ "${t:-0}" -gt 1 ]
check $? "ticks injected > 1 ($t)"
g=$(gval timer eoi); b=$(jval timer absorbed eoi_bridged)
[ -n "$g" ] && [ "$g" = "$b" ]
check $? "every guest EOI bridged ($b == $g)"

# --- 2. 1 us is clamped to 100 us
run_guest min kernel "$(guest timer-min.elf)" --timer-policy skip
check $? "timer-min.elf: 1 us runs at >= 100 us (ratio_x1000=$(gval min ratio_x1000))"
c=$(jval min timer clamped)
[ "${c:-0}" -ge 1 ]
check $? "the module counted the clamp ($c)"

# --- 3. never acknowledged: exactly one tick
run_guest noack kernel "$(guest timer-noack.elf)"
check $? "timer-noack.elf: exactly one tick without acknowledgement (noack_ticks=$(gval noack noack_ticks))"

# --- 4. stop / ack / restart inside the handler
run_guest restart kernel "$(guest timer-restart.elf)"
check $? "timer-restart.elf keeps ticking (restart_ticks=$(gval restart restart_ticks))"

# --- 5. the other EOI forms of IRQ0: specific (Linux's 0x60) and the
# rotate forms keep the full tick rate, in the module and the fallback
for cmd in 0x60 0xa0 0xe0; do
	for accel in kernel user; do
		run_guest "eoi$cmd$accel" "$accel" "$(guest timer.elf)" --arg "$cmd"
		check $? "timer.elf acknowledging with $cmd runs to status 0 with --accel=$accel (ticks=$(gval "eoi$cmd$accel" ticks))"
		g=$(gval "eoi$cmd$accel" eoi); b=$(jval "eoi$cmd$accel" absorbed eoi_bridged)
		[ -n "$g" ] && [ "$g" = "$b" ]
		check $? "$accel: every $cmd EOI bridged ($b == $g)"
	done
done

# --- 6. module loaded but not used: every port is seen in userspace
run_guest user user "$(guest timer.elf)"
check $? "timer.elf runs to status 0 with --accel=user"
grep -q '"accel":"user"' "$TMP/user.json"
check $? "the run used the userspace fallback"
missing=""
for p in 32 33 160 161 64 65 66 97 128; do
	for d in in out; do
		[ "$(ioexits user "$p" "$d")" -gt 0 ] || missing="$missing $p/$d"
	done
done
[ "$(ioexits user 67 out)" -gt 0 ] || missing="$missing 67/out"
[ "$(ioexits user 107 out)" -gt 0 ] || missing="$missing 107/out"
[ -z "$missing" ]
check $? "every absorbed port seen in userspace${missing:+ (missing:$missing)}"
for k in pic_in pic_out pit_in speaker_in diag_out; do
	g=$(gval user "$k"); m=$(jval user absorbed "$k")
	[ -n "$g" ] && [ "$g" = "$m" ]
	check $? "fallback $k ($m) == guest $k ($g)"
done

finish
