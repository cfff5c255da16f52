#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# End-to-end: PIT channel 0 drives the tick (hlkvm-run --pit-tick, the
# attach attribute HLKVM_A_PIT_TICK), on every irqchip the module serves
# here (split: an MSI and the EOI bridge; kernel: GSI 0 on KVM's PIC),
# with the module and with the userspace fallback. The guest
# (user/guests/pit_tick.c) checks the behaviour itself: ticks at channel
# 0's rate in modes 2 and 3 (the ratio of two divisors, and the rate
# against the TSC within a factor of 2), none in a one-shot mode or after
# a bare control word, ticks at a divisor below the period floor, the PV
# timer taking over; run without the option it must get no tick at all.
# The ticking runs use the skip policy, under which no tick comes early,
# so the guest's shortest window of ticks is its period (pit_tick.c).
# Here: the floor's write counted as clamped, the guest's ticks the ticks
# injected, no PIT access leaving the kernel under the module, and the
# module-wide default (hlkvmctl set pit-tick) off until set, then used.
#
# Run: scripts/testhost --add tests/host -- 'sh e2e/pit_tick.sh'
# (build/bin and build/guests on PATH). tests/user/pit_tick_pvm.sh runs it
# on the development machine's /dev/kvm with HLKVM_ACCELS=user.

. "$(dirname "$0")/../lib.sh"
ACCELS=${HLKVM_ACCELS:-kernel user}
CTL=${HLKVM_CTL:-hlkvmctl}
IMG=$(guest pit-tick.elf)

if [ ! -c /dev/kvm ]; then
	skip "channel 0's tick" "no /dev/kvm on this host"
	finish
fi

# ticks_match NAME WHAT: the guest's ticks are the ticks injected, plus at
# most one per kick (a kick merges, or delivers a tick that is not counted)
ticks_match() {
	g=$(gval "$1" ticks); t=$(jval "$1" timer ticks)
	k=$(jval "$1" timer kicks)
	[ -n "$g" ] && [ -n "$t" ] && [ -n "$k" ] && [ "$t" -gt 1 ] &&
		[ "$g" -ge "$t" ] && [ "$g" -le $((t + k)) ]
	check $? "$2: guest ticks ($g) == ticks injected ($t), kicks aside ($k)"
}

for ic in $(echo "$IRQCHIPS" | tr , ' '); do
	for accel in $ACCELS; do
		on="pt-$ic-$accel"
		run_guest "$on" "$accel" "$IMG" --pit-tick --irqchip="$ic" \
			--timer-policy skip
		check $? "pit-tick.elf --pit-tick --accel=$accel --irqchip=$ic: status 0 (ratio_x1000=$(gval "$on" ratio_x1000), tick_mhz=$(gval "$on" tick_mhz), pv_ratio_x1000=$(gval "$on" pv_ratio_x1000))"
		c=$(jval "$on" timer clamped)
		[ "${c:-0}" -ge 1 ]
		check $? "$on: divisor 12 clamped to the period floor (clamped=$c)"
		ticks_match "$on" "$on"
		if [ "$accel" = kernel ]; then
			leaked=""
			for p in 64 67; do
				e=$(ioexits "$on" "$p" out)
				[ "$e" -eq 0 ] || leaked="$leaked $p:$e"
			done
			[ -z "$leaked" ]
			check $? "$on: no KVM_EXIT_IO for 0x40, 0x43${leaked:+ (leaked:$leaked)}"
		fi
		off="pt-$ic-$accel-off"
		run_guest "$off" "$accel" "$IMG" --arg 1 --irqchip="$ic"
		check $? "pit-tick.elf --accel=$accel --irqchip=$ic without --pit-tick: status 0, no tick (ticks=$(gval "$off" ticks))"
		t=$(jval "$off" timer ticks)
		[ "${t:-x}" = 0 ]
		check $? "$off: no tick injected (ticks=$t)"
	done
done

case " $ACCELS " in
*" kernel "*)
	"$CTL" --json show >"$TMP/show.json" 2>&1
	grep -q '"pit_tick":false' "$TMP/show.json"
	check $? "hlkvmctl show: channel 0's tick off by default ($(cat "$TMP/show.json"))"
	ic=${IRQCHIPS%%,*}
	if "$CTL" set pit-tick on; then
		run_guest pt-default kernel "$IMG" --irqchip="$ic" \
			--timer-policy skip
		rc=$?
		"$CTL" --json show >"$TMP/show-on.json" 2>&1
		"$CTL" set pit-tick off
		check $rc "hlkvmctl set pit-tick on: pit-tick.elf --irqchip=$ic ticks without --pit-tick"
		grep -q '"pit_tick":true' "$TMP/show-on.json"
		check $? "hlkvmctl show after set pit-tick on: $(cat "$TMP/show-on.json")"
	else
		not_ok "hlkvmctl set pit-tick on"
	fi
	# A VM ticking from channel 0, as the module reports it while it runs
	"$RUN" --accel=kernel --pit-tick --irqchip="$ic" --timeout 60 \
		"$IMG" --arg 2 >"$TMP/hold.out" 2>&1 &
	pid=$!
	seen="" left=100
	while [ $left -gt 0 ]; do
		"$CTL" --json vm list >"$TMP/list.json" 2>&1
		if grep -q '"source":"pit"' "$TMP/list.json"; then seen=1; break; fi
		sleep 0.2
		left=$((left - 1))
	done
	wait $pid
	rc=$?
	[ -n "$seen" ] && grep -q '"pit_tick":true' "$TMP/list.json" &&
		grep -q '"running":true' "$TMP/list.json" &&
		grep -q '"period_ns":5000075' "$TMP/list.json"
	check $? "hlkvmctl vm list while channel 0 ticks: pit_tick, source pit, period_ns 5000075 ($(cat "$TMP/list.json"))"
	check $rc "pit-tick.elf --arg 2: status 0 ($(grep -E 'hold_ticks|status' "$TMP/hold.out" | tr '\n' ' '))"
	;;
esac
finish
