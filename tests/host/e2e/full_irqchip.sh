#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# End-to-end: the timer guests on KVM's full irqchip (hlkvm-run
# --irqchip=kernel: KVM_CREATE_IRQCHIP, no PIT, the tick on GSI 0, as
# hyperlight runs on KVM), with the module (--accel=kernel) and with the
# userspace fallback (--accel=user: a resample irqfd reports the EOIs).
# Busybox sh; the summary JSON is read with sed, as in timer_guest.sh.
#
# Proves, in each accel mode: KVM's PIC answers the PIC ports (no
# KVM_EXIT_IO for them, the guest reads its own IMR back and finds IRQ0 in
# service during its tick: checked by the guest itself); the PIT, speaker,
# diag and timer ports are absorbed by the module (no exit) or answered by
# the fallback (exits), counted exactly as the guest counts them, the PIC
# never; every guest EOI is seen (eoi_seen == the guest's EOIs, nothing
# bridged); the guest's ticks are the ticks injected, give or take the
# stale guard's kicks (a kick may deliver, never counts); a 1 us request
# runs at >= 100 us; a guest that never acknowledges gets exactly one tick,
# then exactly one more per EOI; stop/ack/restart in the handler keeps
# ticking; the specific and rotate EOIs of IRQ0 are acknowledgements too; a
# guest with its LAPIC globally disabled still ticks, and nothing re-enables
# it; port storms on the PIC never leave KVM, on the PIT they are counted.
# With the fallback, hyperlight's own configuration (the seed's
# sleep-then-inject thread on GSI 0) runs too. With the module also: `hlkvmctl vm show` reports the mode and no PIC
# group, and --accel=auto either serves a split irqchip or refuses it with
# a hint naming --irqchip=kernel.
#
# Run: scripts/testhost --add tests/host -- 'sh e2e/full_irqchip.sh'
# (build/bin and build/guests on PATH). tests/user/full_irqchip_pvm.sh runs
# it on the development machine's /dev/kvm with HLKVM_ACCELS=user.

. "$(dirname "$0")/../lib.sh"
ACCELS=${HLKVM_ACCELS:-kernel user}
CTL=${HLKVM_CTL:-hlkvmctl}
# How much longer a watched guest runs (scripts/test-host: debug kernel)
SCALE=${HLKVM_TIME_SCALE:-1}
PIC_PORTS="32 33 160 161"
# The ports the module absorbs besides: PIT, speaker, diag, PV timer
OTHER_PORTS="64 65 66 67 97 128 107"

if [ ! -c /dev/kvm ]; then
	skip "guests on KVM's full irqchip" "no /dev/kvm on this host"
	finish
fi

# kvm_pic NAME ACCEL IMAGE [ARGS]: run_guest on KVM's full irqchip
kvm_pic() {
	name=$1; accel=$2; shift 2
	run_guest "$name" "$accel" "$@" --irqchip=kernel
}

# leaks NAME PORTS...: those of the ports that reached userspace, p/dir:n
leaks() {
	name=$1; shift
	l=""
	for p in "$@"; do
		for d in in out; do
			e=$(ioexits "$name" "$p" "$d")
			[ "$e" -eq 0 ] || l="$l $p/$d:$e"
		done
	done
	echo "$l"
}

# ticks_match NAME WHAT: the guest's ticks are the ticks injected, plus at
# most one per kick (a kick merges, or delivers a tick that is not counted)
ticks_match() {
	g=$(gval "$1" ticks); t=$(jval "$1" timer ticks)
	k=$(jval "$1" timer kicks)
	[ -n "$g" ] && [ -n "$t" ] && [ -n "$k" ] && [ "$t" -gt 1 ] &&
		[ "$g" -ge "$t" ] && [ "$g" -le $((t + k)) ]
	check $? "$2: guest ticks ($g) == ticks injected ($t), kicks aside ($k)"
}

# eois_seen NAME WHAT: every EOI the guest sent was seen, none bridged
eois_seen() {
	g=$(gval "$1" eoi); s=$(jval "$1" absorbed eoi_seen)
	b=$(jval "$1" absorbed eoi_bridged)
	[ -n "$g" ] && [ "$g" -gt 0 ] && [ "$g" = "$s" ] && [ "$b" = 0 ]
	check $? "$2: eoi_seen ($s) == guest EOIs ($g), bridged $b"
}

for accel in $ACCELS; do
	a=$accel
	# --- 1. the acceptance guest
	kvm_pic "timer$a" "$a" "$(guest timer.elf)"
	check $? "$a: timer.elf on KVM's PIC runs to status 0 (ticks=$(gval "timer$a" ticks))"
	grep -q "\"accel\":\"$a\"" "$TMP/timer$a.json" &&
		grep -q '"irqchip":"kernel"' "$TMP/timer$a.json"
	check $? "$a: the summary says accel $a, irqchip kernel"
	[ "$(gval "timer$a" irqchip)" = 1 ] &&
		[ "$(gval "timer$a" isr_in_tick)" = 1 ]
	check $? "$a: the guest was told KVM's PIC and found IRQ0 in service in its tick (isr $(gval "timer$a" isr_in_tick))"
	l=$(leaks "timer$a" $PIC_PORTS)
	[ -z "$l" ]
	check $? "$a: zero KVM_EXIT_IO for the PIC ports${l:+ (leaked:$l)}"
	l=$(leaks "timer$a" $OTHER_PORTS)
	if [ "$a" = kernel ]; then
		[ -z "$l" ]
		check $? "$a: zero KVM_EXIT_IO for PIT, speaker, diag, timer${l:+ (leaked:$l)}"
	else
		# IN 0x43 is not answered by the table, on purpose
		[ "$(ioexits "timer$a" 64 in)" -gt 0 ] &&
			[ "$(ioexits "timer$a" 97 in)" -gt 0 ] &&
			[ "$(ioexits "timer$a" 128 out)" -gt 0 ] &&
			[ "$(ioexits "timer$a" 107 out)" -gt 0 ]
		check $? "$a: PIT, speaker, diag, timer ports seen in userspace"
	fi
	[ "$(ioexits "timer$a" 108 out)" -eq 1 ]
	check $? "$a: port 108 still reaches the VMM"
	for k in pit_in pit_out speaker_in speaker_out diag_in diag_out timer_out; do
		g=$(gval "timer$a" "$k"); m=$(jval "timer$a" absorbed "$k")
		[ -n "$g" ] && [ "$g" = "$m" ]
		check $? "$a: $k counted ($m) == guest $k ($g)"
	done
	pi=$(jval "timer$a" absorbed pic_in); po=$(jval "timer$a" absorbed pic_out)
	[ "$pi" = 0 ] && [ "$po" = 0 ] && [ "$(gval "timer$a" pic_out)" -gt 0 ]
	check $? "$a: no PIC access counted as answered ($pi/$po; the guest made $(gval "timer$a" pic_in)/$(gval "timer$a" pic_out))"
	ticks_match "timer$a" "$a: timer.elf"
	eois_seen "timer$a" "$a: timer.elf"

	# --- 2. 1 us is clamped to 100 us
	kvm_pic "min$a" "$a" "$(guest timer-min.elf)" --timer-policy skip
	check $? "$a: timer-min.elf: 1 us runs at >= 100 us (ratio_x1000=$(gval "min$a" ratio_x1000))"
	c=$(jval "min$a" timer clamped)
	[ "${c:-0}" -ge 1 ]
	check $? "$a: the clamp was counted ($c)"

	# --- 3. never acknowledged: exactly one tick, then one per EOI
	kvm_pic "noack$a" "$a" "$(guest timer-noack.elf)"
	check $? "$a: timer-noack.elf: one tick unacknowledged, one more per EOI (noack_ticks=$(gval "noack$a" noack_ticks), after the EOIs $(gval "noack$a" noack_ticks_after_eois))"
	[ "$(gval "noack$a" noack_ticks)" = 1 ] &&
		[ "$(gval "noack$a" noack_ticks_after_eois)" = 3 ]
	check $? "$a: the guest counted 1, then 3 after two EOIs"
	eois_seen "noack$a" "$a: timer-noack.elf"

	# --- 4. stop / ack / restart inside the handler
	kvm_pic "restart$a" "$a" "$(guest timer-restart.elf)"
	check $? "$a: timer-restart.elf keeps ticking (restart_ticks=$(gval "restart$a" restart_ticks))"
	eois_seen "restart$a" "$a: timer-restart.elf"

	# --- 5. the other EOI forms of IRQ0, as KVM's PIC takes them
	for cmd in 0x60 0xa0 0xe0; do
		kvm_pic "eoi$cmd$a" "$a" "$(guest timer.elf)" --arg "$cmd"
		check $? "$a: timer.elf acknowledging with $cmd runs to status 0 (ticks=$(gval "eoi$cmd$a" ticks))"
		eois_seen "eoi$cmd$a" "$a: $cmd"
	done

	# --- 6. the LAPIC globally disabled: KVM's PIC still delivers
	kvm_pic "off$a" "$a" "$(guest timer-apicoff.elf)"
	check $? "$a: timer-apicoff.elf (APIC globally disabled) runs to status 0 (ticks=$(gval "off$a" ticks))"
	armed=$(gval "off$a" apic_base_armed); r=$(jval "off$a" absorbed apic_reenabled)
	[ -n "$armed" ] && [ $((armed & 0x800)) -eq 0 ] && [ "$r" = 0 ]
	check $? "$a: nothing re-enabled it (IA32_APIC_BASE $armed once armed, apic_reenabled $r)"
	ticks_match "off$a" "$a: timer-apicoff.elf"

	# --- 7. port storms: KVM's PIC in the kernel either way
	kvm_pic "picstorm$a" "$a" "$(guest ports.elf)" --arg 1000 --arg 0x21 --arg 1
	check $? "$a: 1000 INs of port 0x21 run to status 0"
	[ "$(gval "picstorm$a" storm_count)" = 1000 ] &&
		[ "$(ioexits "picstorm$a" 33 in)" = 0 ]
	check $? "$a: none of them left KVM ($(ioexits "picstorm$a" 33 in) exits)"
	kvm_pic "pitstorm$a" "$a" "$(guest ports.elf)" --arg 1000 --arg 0x40
	check $? "$a: 1000 OUTs to port 0x40 run to status 0"
	e=$(ioexits "pitstorm$a" 64 out); m=$(jval "pitstorm$a" absorbed pit_out)
	if [ "$a" = kernel ]; then want=0; else want=1000; fi
	[ "$e" = "$want" ] && [ "$m" = 1000 ]
	check $? "$a: they were counted (pit_out $m) with $e exits (want $want)"
done

# --- 8. hyperlight's own KVM configuration: a sleep-then-inject thread
# signalling GSI 0 of KVM's PIC (the bench's reference row)
case " $ACCELS " in
*" user "*)
	kvm_pic seed user "$(guest bench_ticks.elf)" --timer=seed \
		--arg 100 --arg 1000 --arg tsc_khz
	check $? "user --timer=seed: bench_ticks.elf gets its 100 ticks at 1000 us on KVM's PIC (ticks=$(gval seed ticks))"
	;;
esac

case " $ACCELS " in
*" kernel "*) ;;
*) finish ;;
esac

# --- 9. hlkvmctl sees a full-irqchip VM as such
"$RUN" --accel=kernel --irqchip=kernel --timeout 120 "$(guest timer-soak.elf)" \
	--arg $((3 * SCALE)) >"$TMP/soak.out" 2>"$TMP/soak.err" &
vmm=$!
t=150
while [ $t -gt 0 ]; do
	"$CTL" --json vm list >"$TMP/list.json" 2>&1 &&
		grep -q '"vm_id"' "$TMP/list.json" && break
	sleep 0.2
	t=$((t - 1))
done
grep -q '"irqchip":"kernel"' "$TMP/list.json" &&
	! grep -q '"groups":\[[^]]*"pic"' "$TMP/list.json"
check $? "hlkvmctl vm list: irqchip kernel, no pic group ($(head -c 300 "$TMP/list.json"))"
"$CTL" vm list >"$TMP/list.txt" 2>&1
grep -q '^  irqchip:     kernel$' "$TMP/list.txt"
check $? "hlkvmctl vm list (text) says irqchip kernel"
wait "$vmm"
check $? "timer-soak.elf on KVM's PIC ends with status 0"

# --- 10. --accel=auto on a split irqchip: served where this kernel's module
# serves it (lib.sh's SPLIT_OK), else refused with the hint; never switched
"$RUN" --accel=auto --irqchip=split --json --summary "$TMP/auto.json" --timeout 120 \
	"$(guest timer.elf)" >"$TMP/auto.out" 2>"$TMP/auto.err"
rc=$?
if [ "$SPLIT_OK" = 1 ]; then
	[ $rc -eq 0 ] && grep -q '"accel":"kernel"' "$TMP/auto.json" &&
		grep -q '"irqchip":"split"' "$TMP/auto.json"
	check $? "--accel=auto: this kernel's module serves the split irqchip"
else
	# exit 3: a setup failure; --json makes it an error object
	[ $rc -eq 3 ] && grep -q 'full-irqchip' "$TMP/auto.err" &&
		grep -q 'hint: .*--irqchip=kernel' "$TMP/auto.err" &&
		grep -q '^{"error":.*"hint":".*--irqchip=kernel' "$TMP/auto.json"
	check $? "--accel=auto: a refused split irqchip names full-irqchip mode and hints --irqchip=kernel, running nothing (exit $rc: $(tr '\n' ' ' <"$TMP/auto.err"))"
fi
"$RUN" --accel=auto --irqchip=kernel --json --summary "$TMP/autok.json" \
	--timeout 120 "$(guest timer.elf)" >"$TMP/autok.out" 2>"$TMP/autok.err" &&
	grep -q '"accel":"kernel"' "$TMP/autok.json"
check $? "--accel=auto --irqchip=kernel uses the module"

finish
