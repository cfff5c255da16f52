#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# hlkvm-run --gdb: scripted sessions of the real gdb (batch mode) against
# the gdb guest (user/guests/gdb.c) on this machine's /dev/kvm with the
# userspace fallback, the timer ticking every 500 us throughout.
#
# Every expected address is gdb's own reading of the ELF's symbols (and
# the entry point is read from the ELF header with od), never hlkvm-run's:
# a wrong translation or stop in the stub fails here.
#
# On the development machine /dev/kvm is PVM (NOTES.md): at CPL0 it
# emulates the guest, an int3 is an emulation error and data watchpoints
# never fire, so the checks that need those skip there, saying so; on a
# VMX/SVM KVM they run. Everything else runs everywhere.
set -u
cd "$(dirname "$0")/../.."
RUN=build/bin/hlkvm-run
ELF=build/guests/gdb.elf
TMP=$(mktemp -d)
VMM=
trap '[ -n "$VMM" ] && kill "$VMM" 2>/dev/null; rm -rf "$TMP"' EXIT
n=0

ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $*"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
# dump FILE...: show what a failed check saw
dump() { for f in "$@"; do [ -f "$f" ] && sed "s|^|#   $(basename "$f"): |" "$f"; done; }

if [ ! -x "$RUN" ] || [ ! -r "$ELF" ]; then
	echo "not ok 1 - $RUN and $ELF built (make user guests)"
	exit 1
fi
# Usage errors (status 2) need no /dev/kvm
# usage DESCRIPTION PATTERN ARGS...
usage() {
	local what=$1 pat=$2 rc
	shift 2
	"$RUN" "$@" "$ELF" >/dev/null 2>"$TMP/usage.err"
	rc=$?
	if [ "$rc" -eq 2 ] && grep -qE -- "$pat" "$TMP/usage.err"; then
		ok "$what"
	else
		not_ok "$what: status $rc"; dump "$TMP/usage.err"
	fi
}
usage "--gdb with a bad port is a usage error" 'want a TCP port' --gdb 65536
usage "--gdb with a non-number is a usage error" 'want a TCP port' --gdb :1234
usage "--gdb with --hbreak is a usage error" 'drop --break-entry' --gdb 0 --hbreak gdb_add
if [ ! -c /dev/kvm ] || ! [ -r /dev/kvm ]; then
	skip "gdb sessions on /dev/kvm" "no usable /dev/kvm on this machine"
	echo "1..$n"
	exit 0
fi
if ! command -v gdb >/dev/null; then
	not_ok "gdb is installed (scripts/deps installs it)"
	echo "1..$n"
	exit 1
fi
no_int3= no_watch=
if [ -d /sys/module/kvm_pvm ]; then
	no_int3="PVM (kvm_pvm) cannot run int3 at CPL0 (emulation error; NOTES.md)"
	no_watch="PVM (kvm_pvm) emulates CPL0 code and never fires data watchpoints there (NOTES.md)"
fi
ENTRY=$(printf '%#x' "0x$(od -An -t x8 -j 24 -N 8 "$ELF" | tr -d ' ')")

# vmm NAME ARGS...: start hlkvm-run --gdb 0 in the background; sets PORT
vmm() {
	local name=$1 i
	shift
	"$RUN" --accel=user --timeout 60 --gdb 0 "$@" "$ELF" \
		>"$TMP/$name.vout" 2>"$TMP/$name.verr" &
	VMM=$!
	PORT=
	for i in $(seq 100); do
		PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$TMP/$name.verr")
		[ -n "$PORT" ] && return 0
		kill -0 "$VMM" 2>/dev/null || break
		sleep 0.05
	done
	return 1
}
# vmm_wait: the VMM's exit status in $VRC (killed after 30 s)
vmm_wait() {
	local i
	for i in $(seq 300); do
		kill -0 "$VMM" 2>/dev/null || break
		sleep 0.1
	done
	kill "$VMM" 2>/dev/null
	wait "$VMM"
	VRC=$?
	VMM=
}
# gdbx NAME CMDS: run gdb in batch mode on the session, one -ex per line
# of CMDS (an error in one, such as a refused breakpoint, does not skip
# the rest, as it would in a -x file), or CMDS as a -x file if it has a
# loop; output in $TMP/NAME.gout
gdbx() {
	local -a ex=()
	local line
	printf '%s\n' "$2" >"$TMP/$1.gdb"
	if grep -q '^while' "$TMP/$1.gdb"; then
		ex=(-x "$TMP/$1.gdb")
	else
		while IFS= read -r line; do
			[ -n "$line" ] && ex+=(-ex "$line")
		done <"$TMP/$1.gdb"
	fi
	timeout 60 gdb -batch -nx -ex 'set pagination off' \
		-ex "target remote :$PORT" "${ex[@]}" "$ELF" \
		>"$TMP/$1.gout" 2>&1
}
# has NAME REGEX: the gdb output matches
has() { grep -qE -- "$2" "$TMP/$1.gout"; }
# guest_ok NAME: hlkvm-run exited 0 with guest status 0
guest_ok() { [ "$VRC" -eq 0 ] && grep -q 'guest status 0 ' "$TMP/$1.verr"; }

# 1. Connect: the target description is accepted (SSE, segment bases),
#    the guest waits at e_entry, a hardware breakpoint by name stops
#    there with the ticking timer's count visible, arguments and locals
#    read, registers written and read back; detach lets it finish.
vmm basic || not_ok "hlkvm-run --gdb 0 prints its port"
gdbx basic '
printf "ENTRY %#lx\n", $pc
p/x $fs_base
p $xmm0.uint128
p $mxcsr
hbreak gdb_add
continue
printf "AT_ADD %d\n", $pc == (unsigned long)&gdb_add
info args
printf "TICKS %d\n", gdb_ticks
bt
set $rbx = 0x1234abcd5678
printf "RBX %#lx\n", $rbx
set $r12 = 77
info registers r12
set $fs_base = 0x5000
set $xmm1.v2_int64[0] = 0x1122334455
printf "FSBASE %#lx XMM1 %#lx\n", $fs_base, $xmm1.v2_int64[0]
set $fs_base = 0
detach'
vmm_wait
if [ "$(has basic "^ENTRY $ENTRY\$" && echo y)" ] && has basic '^\$[0-9]+ = 0x0$' &&
   has basic '^\$2 = [0-9]+$' && has basic '^\$3 = \[.*\]$'; then
	ok "gdb reads the target description: rip at e_entry $ENTRY, fs_base, xmm0, mxcsr"
else
	not_ok "gdb reads the target description and the entry stop"; dump "$TMP/basic.gout" "$TMP/basic.verr"
fi
if has basic '^AT_ADD 1$' && has basic '^a = 20$' && has basic '^b = 22$' &&
   has basic '#1 .* guest_main' && [ "$(sed -n 's/^TICKS //p' "$TMP/basic.gout")" -ge 3 ] 2>/dev/null; then
	ok "hbreak gdb_add by name stops there (args a=20 b=22, backtrace, ticks counted)"
else
	not_ok "hbreak gdb_add by name"; dump "$TMP/basic.gout"
fi
if has basic '^RBX 0x1234abcd5678$' && has basic '^r12 +0x4d +77' &&
   has basic '^FSBASE 0x5000 XMM1 0x1122334455$'; then
	ok "register writes (P: general, segment base, SSE) read back"
else
	not_ok "register writes read back"; dump "$TMP/basic.gout"
fi
if guest_ok basic && grep -q 'gdb: detached' "$TMP/basic.verr"; then
	ok "detach: the guest runs on and finishes with status 0"
else
	not_ok "detach: the guest finishes"; dump "$TMP/basic.verr"
fi

# 2. Memory by virtual address: the guest maps RAM again at
#    0xffffff8000000000; reads there equal reads of the variable, a write
#    there changes it, an unmapped address and the reserved area refuse.
vmm mem || not_ok "hlkvm-run --gdb 0 (mem)"
gdbx mem '
hbreak gdb_f1
continue
set $alias = 0xffffff8000000000 + (unsigned long)&gdb_ticks
printf "SAME %d\n", *(unsigned long *)$alias == gdb_ticks
set var gdb_watched = 5
set {unsigned long}(0xffffff8000000000 + (unsigned long)&gdb_watched) = 99
printf "WATCHED %d\n", gdb_watched
x/gx 0xffff800000000000
set {char}0x3000 = 0x90
set {char}0x7800 = 0x90
printf "PD %d\n", (*(unsigned long *)0x3000 & 0x81) == 0x81
printf "MAGIC %#x\n", *(unsigned int *)0x7800
detach'
vmm_wait
if has mem '^SAME 1$' && has mem '^WATCHED 99$'; then
	ok "memory reads and writes by virtual address (the guest's alias mapping)"
else
	not_ok "memory by virtual address"; dump "$TMP/mem.gout"
fi
if has mem 'Cannot access memory at address 0xffff800000000000'; then
	ok "an unmapped virtual address cannot be read"
else
	not_ok "an unmapped virtual address cannot be read"; dump "$TMP/mem.gout"
fi
if [ "$(grep -c 'Cannot access memory at address 0x3000\|Cannot access memory at address 0x7800' "$TMP/mem.gout")" -eq 2 ] &&
   has mem '^PD 1$' && has mem '^MAGIC 0x424b4c48$' && grep -q 'refused a write .* reserved area' "$TMP/mem.verr" &&
   guest_ok mem; then
	ok "writes to the page tables and boot info are refused (reads work), the guest is unharmed"
else
	not_ok "reserved-area writes refused"; dump "$TMP/mem.gout" "$TMP/mem.verr"
fi

# 3. stepi 100 times with the timer ticking, on both irqchips: each step
#    lands on the next "inc %rax", never in the tick handler.
for chip in split kernel; do
	vmm "step-$chip" --irqchip=$chip || not_ok "hlkvm-run --gdb 0 (step $chip)"
	gdbx "step-$chip" '
hbreak gdb_steps_body
continue
delete
printf "TICKS %d\n", gdb_ticks
set $i = 0
set $bad = 0
while $i < 100
  stepi
  set $i = $i + 1
  if $pc != (unsigned long)&gdb_steps_body + 3 * $i
    printf "BADSTEP %d %#lx\n", $i, $pc
    set $bad = $bad + 1
  end
end
printf "STEPS %d BAD %d RAX %d\n", $i, $bad, $rax
detach'
	vmm_wait
	if has "step-$chip" '^STEPS 100 BAD 0 RAX 100$' &&
	   [ "$(sed -n 's/^TICKS //p' "$TMP/step-$chip.gout")" -ge 3 ] 2>/dev/null &&
	   guest_ok "step-$chip"; then
		ok "stepi x100 with the timer ticking lands on the right rip each time (irqchip $chip)"
	else
		not_ok "stepi x100 (irqchip $chip)"; dump "$TMP/step-$chip.gout" "$TMP/step-$chip.verr"
	fi
done

# 4. Hardware breakpoints in all four DR slots, hit in order; a fifth is
#    refused with an error reply and the stub goes on.
vmm hw || not_ok "hlkvm-run --gdb 0 (hw)"
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
	ok "hardware breakpoints in all four slots stop at gdb_f1..gdb_f4 in order"
else
	not_ok "four hardware breakpoints"; dump "$TMP/hw.gout"
fi
if has hw 'Could not insert hardware breakpoint' && has hw '^STILL 1$' &&
   has hw '^HIT5 1$' && grep -q 'all 4 debug registers are in use' "$TMP/hw.verr" && guest_ok hw; then
	ok "a fifth hardware breakpoint is refused; the stub goes on (the slot is reused later)"
else
	not_ok "a fifth hardware breakpoint refused"; dump "$TMP/hw.gout" "$TMP/hw.verr"
fi

# 5. Watchpoints: write, read, access, each stopping after the access
#    with the address in the stop reply.
WADDR=$(nm "$ELF" | awk '$3 == "gdb_watched" { sub(/^0+/, "", $1); print $1 }')
vmm watch || not_ok "hlkvm-run --gdb 0 (watch)"
gdbx watch '
watch gdb_watched
rwatch gdb_watched
awatch gdb_watched
set debug remote 1
stepi
set debug remote 0
set $here = $pc
delete
hbreak gdb_f1
hbreak gdb_f2
hbreak gdb_f3
hbreak gdb_f4
watch gdb_ticks
continue
printf "STILL %d\n", $pc == $here
delete
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
z_ok() { grep -A1 -F "Sending packet: \$Z$1,$WADDR,8#" "$TMP/watch.gout" | grep -q 'Packet received: OK$'; }
if z_ok 2 && z_ok 3 && z_ok 4; then
	ok "write, read and access watchpoints go to the DR slots (Z2/Z3/Z4 answered OK)"
else
	not_ok "Z2/Z3/Z4 accepted"; dump "$TMP/watch.gout"
fi
if has watch 'Could not insert hardware watchpoint' && has watch '^STILL 1$'; then
	ok "a watchpoint beyond the four slots in use is refused; the stub goes on"
else
	not_ok "a fifth slot (a watchpoint) refused"; dump "$TMP/watch.gout"
fi
if [ -n "$no_watch" ]; then
	skip "watchpoints fire after the access, reported as watch/rwatch/awatch:$WADDR" "$no_watch"
elif has watch "T05thread:1;watch:$WADDR;" && has watch '^WATCH_PC 1$' &&
     has watch "T05thread:1;rwatch:$WADDR;" && has watch '^RWATCH_PC 1$' &&
     has watch "T05thread:1;awatch:$WADDR;" && has watch '^AWATCH_PC 1$' && guest_ok watch; then
	ok "watchpoints fire after the access, reported as watch/rwatch/awatch:$WADDR"
else
	not_ok "watchpoints fire with the address"; dump "$TMP/watch.gout"
fi

# 6. Software breakpoints: hit, the int3 hidden from reads, removed
#    leaving the code intact (the guest's checksum of its run).
if [ -n "$no_int3" ]; then
	skip "software breakpoint hit, hidden from reads, removed leaving the code intact" "$no_int3"
else
	vmm sw || not_ok "hlkvm-run --gdb 0 (sw)"
	gdbx sw '
set debug remote 1
break gdb_add
x/bx gdb_add
continue
printf "AT_ADD %d\n", $pc == (unsigned long)&gdb_add
x/bx gdb_add
set debug remote 0
delete
continue'
	vmm_wait
	if has sw 'T05thread:1;swbreak:;' && has sw '^AT_ADD 1$' &&
	   [ "$(grep -c '<gdb_add>:.0xcc' "$TMP/sw.gout")" -eq 0 ] && has sw 'exited normally' && guest_ok sw; then
		ok "software breakpoint hit, hidden from reads, removed leaving the code intact"
	else
		not_ok "software breakpoint"; dump "$TMP/sw.gout" "$TMP/sw.verr"
	fi
fi

# 7. Ctrl-C of a running guest (SIGINT to gdb: it sends 0x03), then a
#    write that releases the guest's spin, and detach.
vmm intr --arg 1 || not_ok "hlkvm-run --gdb 0 (intr)"
printf '%s\n' 'continue' 'info symbol $pc' \
	'printf "TICKS %d\n", gdb_ticks' 'set var gdb_release = 1' 'detach' >"$TMP/intr.gdb"
# not under timeout(1), which would take the signals; the VMM's --timeout
# bounds the session
gdb -batch -nx -ex "target remote :$PORT" -x "$TMP/intr.gdb" "$ELF" >"$TMP/intr.gout" 2>&1 &
gpid=$!
# SIGINT only once gdb is connected and has had time to continue (a
# SIGINT during the connection would just abort it)
for i in $(seq 100); do
	grep -q 'client connected' "$TMP/intr.verr" && break
	sleep 0.1
done
sleep 1
kill -INT "$gpid"
wait "$gpid"
vmm_wait
# The guest spins with the timer on: the stop is in the loop or in the
# tick's path (irq_timer, tick_handler)
if has intr 'Program received signal SIGINT' &&
   has intr '^(gdb_spin|tick_handler|irq_timer)( \+ [0-9]+)? in section' && guest_ok intr; then
	ok "Ctrl-C stops the running guest in its spin loop; released and detached, it finishes"
else
	not_ok "Ctrl-C of a running guest"; dump "$TMP/intr.gout" "$TMP/intr.verr"
fi

# 8. kill: the VMM exits (status 1, the run ended by gdb).
vmm kill || not_ok "hlkvm-run --gdb 0 (kill)"
gdbx kill '
hbreak gdb_f2
continue
kill'
vmm_wait
if [ "$VRC" -eq 1 ] && grep -q 'killed from gdb' "$TMP/kill.verr"; then
	ok "kill from gdb ends hlkvm-run (status 1, \"killed from gdb\")"
else
	not_ok "kill from gdb (status $VRC)"; dump "$TMP/kill.gout" "$TMP/kill.verr"
fi

# 9. gdb dies mid-run (SIGKILL: no detach): the guest runs on, a new gdb
#    attaches to it where it is, releases it and detaches.
vmm gone --arg 1 || not_ok "hlkvm-run --gdb 0 (gone)"
printf '%s\n' 'hbreak gdb_f3' 'continue' >"$TMP/gone.gdb"
gdb -batch -nx -ex "target remote :$PORT" -x "$TMP/gone.gdb" "$ELF" >"$TMP/gone.gout" 2>&1 &
gpid=$!
for i in $(seq 100); do
	grep -q 'client connected' "$TMP/gone.verr" && break
	sleep 0.1
done
sleep 1
kill -KILL "$gpid"
wait "$gpid" 2>/dev/null
sleep 0.5
alive=$(kill -0 "$VMM" 2>/dev/null && echo y)
gdbx gone2 '
info symbol $pc
set var gdb_release = 1
detach'
vmm_wait
if [ -n "$alive" ] && grep -q 'the client went away' "$TMP/gone.verr" &&
   has gone2 '^(gdb_spin|tick_handler|irq_timer)( \+ [0-9]+)? in section' && guest_ok gone; then
	ok "a gdb killed mid-run leaves the guest running; a new gdb attaches, releases it, detaches"
else
	not_ok "gdb killed mid-run"; dump "$TMP/gone.gout" "$TMP/gone2.gout" "$TMP/gone.verr"
fi

echo "1..$n"
