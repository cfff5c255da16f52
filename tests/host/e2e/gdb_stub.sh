#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# End-to-end: scripted sessions of the real gdb (batch mode) against
# hlkvm-run --gdb in the test host, with the module attached
# (--accel=kernel) and then with the fallback (--accel=user), the gdb
# guest's timer ticking every 500 us throughout (user/guests/gdb.c).
#
# The test host's QEMU 11.x delivers nested guest-debug exits (hardware
# breakpoints, watchpoints, single-steps: e2e/debug_stops.sh), so this is
# tests/user/gdb_stub.sh's session where the module runs: a hardware
# breakpoint by name, arguments, a local and registers, stepi x100 on
# every irqchip the module serves here, all four DR slots and a fifth
# refused, write/read/access watchpoints, Ctrl-C, detach and kill. Only
# int3 does not stop there (TCG checks it against the SWINT intercept, so
# it reaches the guest's own IDT): the software-breakpoint check skips,
# saying so.
#
# Every expected address is gdb's own reading of the ELF with no target
# connected (symbols, the disassembly of the step block, from the file),
# and the entry point is e_entry read with od: a wrong translation, stop
# or step in the stub fails here.
#
# gdb in the test host is Debian's gdb-minimal (no Python), which
# scripts/deps testhost stages into build/testhost-bin. Busybox sh.
# Run: scripts/testhost --add tests/host -- 'sh e2e/gdb_stub.sh'
. "$(dirname "$0")/../lib.sh"

if ! command -v gdb >/dev/null; then
	not_ok "gdb in the test host (scripts/deps testhost stages gdb-minimal into build/testhost-bin)"
	finish
fi
ELF=$(guest gdb.elf)
# Generous: gdb and the guest share two nested TCG vCPUs with the rest
GDB_TIMEOUT=${HLKVM_GDB_TIMEOUT:-240}
no_int3=
if [ "${HLKVM_TESTHOST:-0}" = 1 ]; then
	no_int3="the test host's QEMU ${HLKVM_TESTHOST_QEMU:-} TCG checks an int3 against the SWINT intercept, not KVM's #BP intercept, so it reaches the guest's own IDT (e2e/debug_stops.sh)"
fi
chips=$(echo "$IRQCHIPS" | tr ',' ' ')
# Each run names its irqchip itself: lib.sh's full-irqchip wrapper is not needed
VMM_BIN=${RUN_BIN:-$RUN}
chip=kernel
[ "$SPLIT_OK" = 1 ] && chip=split

# What the file says, with no target connected: symbols, the instruction
# addresses of the step block (101: the start and one after each step),
# the stepped instruction's mnemonic
gdb -batch -nx -ex 'printf "WADDR %lx\n", &gdb_watched' \
	-ex 'x/101i gdb_steps_body' "$ELF" >"$TMP/file.gout" 2>&1
WADDR=$(sed -n 's/^WADDR //p' "$TMP/file.gout")
sed -n 's/^ *\(0x[0-9a-f]*\) <gdb_steps_body\(+[0-9]*\)*>:[[:space:]]*inc[[:space:]]*%rax$/\1/p' \
	"$TMP/file.gout" >"$TMP/steps.want"
ENTRY=$(printf '%#x' "0x$(od -An -t x8 -j 24 -N 8 "$ELF" | tr -d ' ')")
if [ -z "$WADDR" ] || [ "$(wc -l <"$TMP/steps.want")" -ne 101 ]; then
	not_ok "gdb reads gdb.elf's symbols and disassembly (WADDR '$WADDR', $(wc -l <"$TMP/steps.want") step addresses)"
	sed 's/^/#   /' "$TMP/file.gout"
	finish
fi

# dump FILE...: show what a failed check saw
dump() { for f in "$@"; do [ -f "$f" ] && sed "s|^|#   $(basename "$f"): |" "$f"; done; }
# vmm NAME ARGS...: start hlkvm-run --accel=$ACCEL --gdb 0 in the
# background; sets VMM and PORT
vmm() {
	name=$1
	shift
	"$VMM_BIN" --accel="$ACCEL" --timeout "$GDB_TIMEOUT" --json \
		--summary "$TMP/$name.json" --gdb 0 "$@" "$ELF" \
		>"$TMP/$name.vout" 2>"$TMP/$name.verr" &
	VMM=$!
	PORT=
	for i in $(seq 600); do
		PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$TMP/$name.verr")
		[ -n "$PORT" ] && return 0
		kill -0 "$VMM" 2>/dev/null || break
		sleep 0.1
	done
	not_ok "hlkvm-run --accel=$ACCEL --gdb 0 listens ($name)"
	dump "$TMP/$name.verr"
	return 1
}
# vmm_wait: the VMM's exit status in VRC (killed after GDB_TIMEOUT s)
vmm_wait() {
	for i in $(seq $((GDB_TIMEOUT * 10))); do
		kill -0 "$VMM" 2>/dev/null || break
		sleep 0.1
	done
	kill "$VMM" 2>/dev/null
	wait "$VMM"
	VRC=$?
}
# gdbx NAME CMDS: gdb in batch mode on the session, one -ex per line of
# CMDS (an error in one, such as a refused breakpoint, does not skip the
# rest, as it would in a -x file), or CMDS as a -x file if it has a loop;
# output in $TMP/NAME.gout
gdbx() {
	printf '%s\n' "$2" >"$TMP/$1.gdb"
	set -- "$1" -ex 'set pagination off' -ex "target remote :$PORT"
	if grep -q '^while' "$TMP/$1.gdb"; then
		set -- "$@" -x "$TMP/$1.gdb"
	else
		while IFS= read -r line; do
			[ -n "$line" ] && set -- "$@" -ex "$line"
		done <"$TMP/$1.gdb"
	fi
	name=$1
	shift
	timeout "$GDB_TIMEOUT" gdb -batch -nx "$@" "$ELF" >"$TMP/$name.gout" 2>&1
}
# has NAME REGEX: the gdb output matches
has() { grep -qE -- "$2" "$TMP/$1.gout"; }
# guest_ok NAME: hlkvm-run exited 0, the guest's status 0, on $ACCEL
# with its timer having ticked
guest_ok() {
	t=$(jval "$1" timer ticks)
	[ "$VRC" -eq 0 ] && grep -q "\"accel\":\"$ACCEL\"" "$TMP/$1.json" &&
		[ "$(jget "$1" status)" = 0 ] && [ "${t:-0}" -ge 3 ]
}
# wait_client NAME: until hlkvm-run says gdb connected
wait_client() {
	for i in $(seq 600); do
		grep -q 'client connected' "$TMP/$1.verr" && return 0
		sleep 0.1
	done
	return 1
}

# wait_running: until the VMM's main thread, the vCPU's, has been
# runnable for half a second: the guest runs (waiting for gdb it sleeps
# in a read); under load a fixed sleep could send the SIGINT while gdb
# is still connecting, which would just abort it
wait_running() {
	r=0
	for i in $(seq $((GDB_TIMEOUT * 10))); do
		case $(cut -d' ' -f3 "/proc/$VMM/stat" 2>/dev/null) in
		R) r=$((r + 1)); [ $r -ge 5 ] && return 0 ;;
		*) r=0 ;;
		esac
		sleep 0.1
	done
	return 1
}

session() {
	what="--accel=$ACCEL, irqchip $chip"

	# 1. The entry stop, a hardware breakpoint by name, arguments, a
	#    local and registers read (the SysV ABI's, independent of the
	#    stub), registers written and read back; detach lets it finish.
	if vmm basic --irqchip=$chip; then
		gdbx basic '
printf "ENTRY %#lx\n", $pc
hbreak gdb_add
continue
printf "AT_ADD %d\n", $pc == (unsigned long)&gdb_add
info args
printf "ARGREGS %d %d\n", $rdi, $rsi
printf "TICKS %d\n", gdb_ticks
stepi
info locals
printf "RAX %d\n", $rax
bt
set $rbx = 0x1234abcd5678
printf "RBX %#lx\n", $rbx
set $fs_base = 0x5000
set $xmm1.v2_int64[0] = 0x1122334455
printf "FSBASE %#lx XMM1 %#lx\n", $fs_base, $xmm1.v2_int64[0]
set $fs_base = 0
printf "SAME %d\n", *(unsigned long *)(0xffffff8000000000 + (unsigned long)&gdb_ticks) == gdb_ticks
set {unsigned long}(0xffffff8000000000 + (unsigned long)&gdb_watched) = 99
printf "WATCHED %d\n", gdb_watched
detach'
		vmm_wait
		if has basic "^ENTRY $ENTRY\$" && has basic '^AT_ADD 1$' &&
		   has basic '^a = 20$' && has basic '^b = 22$' && has basic '^ARGREGS 20 22$' &&
		   [ "$(sed -n 's/^TICKS //p' "$TMP/basic.gout")" -ge 3 ] 2>/dev/null; then
			ok "entry stop at e_entry $ENTRY; hbreak gdb_add by name stops there, args a=20 b=22 in rdi/rsi, ticks counted ($what)"
		else
			not_ok "entry stop and hbreak gdb_add by name ($what)"; dump "$TMP/basic.gout" "$TMP/basic.verr"
		fi
		if has basic '^sum = 42$' && has basic '^RAX 42$' && has basic '#1 .* guest_main' &&
		   has basic '^RBX 0x1234abcd5678$' && has basic '^FSBASE 0x5000 XMM1 0x1122334455$'; then
			ok "a local (sum = 42 after one stepi), the backtrace, register writes read back ($what)"
		else
			not_ok "a local, backtrace, register writes ($what)"; dump "$TMP/basic.gout"
		fi
		if has basic '^SAME 1$' && has basic '^WATCHED 99$'; then
			ok "memory read and written by virtual address (the guest's alias mapping of RAM) ($what)"
		else
			not_ok "memory by virtual address ($what)"; dump "$TMP/basic.gout"
		fi
		if guest_ok basic && grep -q 'gdb: detached' "$TMP/basic.verr"; then
			ok "detach: the guest runs on and finishes, status 0, its timer ticking ($what, $(jval basic timer ticks) ticks)"
		else
			not_ok "detach: the guest finishes ($what, exit $VRC)"; dump "$TMP/basic.verr" "$TMP/basic.json"
		fi
	fi

	# 2. stepi 100 times with the timer ticking, on every irqchip: step
	#    i lands on the i-th "inc %rax" after gdb_steps_body in the
	#    file's own disassembly, never in the tick handler.
	for c in $chips; do
		vmm "step-$c" --irqchip=$c || continue
		gdbx "step-$c" '
hbreak gdb_steps_body
continue
delete
printf "TICKS %d\n", gdb_ticks
printf "STEP 0 %#lx\n", $pc
set $i = 0
while $i < 100
  stepi
  set $i = $i + 1
  printf "STEP %d %#lx\n", $i, $pc
end
printf "RAX %d\n", $rax
detach'
		vmm_wait
		sed -n 's/^STEP [0-9]* //p' "$TMP/step-$c.gout" >"$TMP/step-$c.got"
		bad=$(awk 'NR == FNR { want[FNR] = $1; next }
			{ if ($1 != want[FNR]) { bad++; if (!first) first = FNR - 1 " at " $1 " want " want[FNR] } }
			END { if (FNR != 101) print "steps seen " FNR; else if (bad) print bad " wrong, first: step " first }' \
			"$TMP/steps.want" "$TMP/step-$c.got")
		if [ -z "$bad" ] && has "step-$c" '^RAX 100$' &&
		   [ "$(sed -n 's/^TICKS //p' "$TMP/step-$c.gout")" -ge 3 ] 2>/dev/null &&
		   guest_ok "step-$c"; then
			ok "stepi x100 with the timer ticking lands on the disassembly's next instruction each time (--accel=$ACCEL, irqchip $c, $(jval "step-$c" timer ticks) ticks)"
		else
			not_ok "stepi x100 (--accel=$ACCEL, irqchip $c: ${bad:-guest or rax wrong})"
			dump "$TMP/step-$c.gout" "$TMP/step-$c.verr"
		fi
	done

	# 3. Hardware breakpoints in all four DR slots, hit in order; a fifth
	#    is refused with an error reply and the stub goes on.
	if vmm hw --irqchip=$chip; then
		gdbx hw '
hbreak gdb_f1
hbreak gdb_f2
hbreak gdb_f3
hbreak gdb_f4
continue
printf "HIT1 %d\n", $pc == (unsigned long)&gdb_f1
continue
printf "HIT2 %d\n", $pc == (unsigned long)&gdb_f2
continue
printf "HIT3 %d\n", $pc == (unsigned long)&gdb_f3
hbreak gdb_f5
continue
printf "STILL %d\n", $pc >= (unsigned long)&gdb_f3 && $pc < (unsigned long)&gdb_f4
delete 5
continue
printf "HIT4 %d\n", $pc == (unsigned long)&gdb_f4
delete
hbreak gdb_f5
continue
printf "HIT5 %d\n", $pc == (unsigned long)&gdb_f5
detach'
		vmm_wait
		if has hw '^HIT1 1$' && has hw '^HIT2 1$' && has hw '^HIT3 1$' && has hw '^HIT4 1$'; then
			ok "hardware breakpoints in all four slots stop at gdb_f1..gdb_f4 in order ($what)"
		else
			not_ok "four hardware breakpoints ($what)"; dump "$TMP/hw.gout"
		fi
		if has hw 'Could not insert hardware breakpoint' && has hw '^STILL 1$' &&
		   has hw '^HIT5 1$' && grep -q 'all 4 debug registers are in use' "$TMP/hw.verr" && guest_ok hw; then
			ok "a fifth hardware breakpoint is refused; the stub goes on, the slot is reused later ($what)"
		else
			not_ok "a fifth hardware breakpoint refused ($what)"; dump "$TMP/hw.gout" "$TMP/hw.verr"
		fi
	fi

	# 4. Watchpoints: write, read, access, each stopping right after the
	#    accessing instruction (gdb_after_store / gdb_after_load), the
	#    stop reply naming the kind and the address.
	if vmm watch --irqchip=$chip; then
		gdbx watch '
set debug remote 1
watch gdb_watched
continue
printf "WATCH_PC %d\n", $pc == (unsigned long)&gdb_after_store
delete
rwatch gdb_watched
continue
printf "RWATCH_PC %d\n", $pc == (unsigned long)&gdb_after_load
delete
awatch gdb_watched
continue
printf "AWATCH_PC %d\n", $pc == (unsigned long)&gdb_after_store
set debug remote 0
detach'
		vmm_wait
		for k in watch:WATCH:Z2 rwatch:RWATCH:Z3 awatch:AWATCH:Z4; do
			kind=${k%%:*} rest=${k#*:}
			var=${rest%%:*} z=${rest#*:}
			if grep -A1 -F "Sending packet: \$$z,$WADDR,8#" "$TMP/watch.gout" | grep -q 'Packet received: OK$' &&
			   has watch "T05thread:[0-9a-f]*;$kind:0*$WADDR;" && has watch "^${var}_PC 1\$"; then
				ok "$kind gdb_watched ($z) fires after the access, reported as $kind:$WADDR ($what)"
			else
				not_ok "$kind gdb_watched fires with the address ($what)"; dump "$TMP/watch.gout"
			fi
		done
		if guest_ok watch; then
			ok "after the watchpoints and detach the guest finishes, status 0 ($what)"
		else
			not_ok "after the watchpoints the guest finishes ($what, exit $VRC)"; dump "$TMP/watch.verr"
		fi
	fi

	# 5. Software breakpoints (int3)
	if [ -n "$no_int3" ]; then
		skip "software breakpoint hit, hidden from reads, removed leaving the code intact ($what)" "$no_int3"
	elif vmm sw --irqchip=$chip; then
		gdbx sw '
set debug remote 1
break gdb_add
continue
printf "AT_ADD %d\n", $pc == (unsigned long)&gdb_add
x/bx gdb_add
set debug remote 0
delete
continue'
		vmm_wait
		if has sw 'T05thread:[0-9a-f]*;swbreak:;' && has sw '^AT_ADD 1$' &&
		   [ "$(grep -c '<gdb_add>:.0xcc' "$TMP/sw.gout")" -eq 0 ] && has sw 'exited normally' && guest_ok sw; then
			ok "software breakpoint hit, hidden from reads, removed leaving the code intact ($what)"
		else
			not_ok "software breakpoint ($what)"; dump "$TMP/sw.gout" "$TMP/sw.verr"
		fi
	fi

	# 6. Ctrl-C of the running, ticking guest (SIGINT to gdb: it sends
	#    0x03), then a write that releases its spin, and detach.
	if vmm intr --irqchip=$chip --arg 1; then
		printf '%s\n' 'continue' 'info symbol $pc' 'printf "TICKS %d\n", gdb_ticks' \
			'set var gdb_release = 1' 'detach' >"$TMP/intr.gdb"
		# not under timeout(1), which would take the signal; the VMM's
		# --timeout bounds the session
		gdb -batch -nx -ex "target remote :$PORT" -x "$TMP/intr.gdb" "$ELF" >"$TMP/intr.gout" 2>&1 &
		gpid=$!
		wait_client intr && wait_running
		# and ticks meanwhile, even under nested TCG
		sleep 1
		kill -INT $gpid
		wait $gpid
		vmm_wait
		ticks=$(sed -n 's/^TICKS //p' "$TMP/intr.gout")
		if has intr 'Program received signal SIGINT' &&
		   has intr '^(gdb_spin|tick_handler|irq_timer)( \+ [0-9]+)? in section' &&
		   [ "${ticks:-0}" -ge 3 ] && guest_ok intr; then
			ok "Ctrl-C stops the running guest in its spin loop ($ticks ticks by then); released and detached, it finishes ($what)"
		else
			not_ok "Ctrl-C of the running guest ($what)"; dump "$TMP/intr.gout" "$TMP/intr.verr"
		fi
	fi

	# 7. kill: the VMM exits (status 1, the run ended by gdb)
	if vmm kill --irqchip=$chip; then
		gdbx kill '
hbreak gdb_f2
continue
kill'
		vmm_wait
		if [ "$VRC" -eq 1 ] && grep -q 'killed by the client' "$TMP/kill.verr" &&
		   [ "$(jget kill end)" = gdb-kill ] && [ "$(jget kill end_detail)" = "killed from gdb" ]; then
			ok "kill from gdb ends hlkvm-run (status 1, end gdb-kill) ($what)"
		else
			not_ok "kill from gdb ($what, exit $VRC)"; dump "$TMP/kill.gout" "$TMP/kill.verr" "$TMP/kill.json"
		fi
	fi
}

for ACCEL in kernel user; do
	session
done
finish
