#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# End-to-end: a short gdb session against hlkvm-run --gdb with the module
# attached (--accel=kernel) and its timer ticking, in the test host.
#
# QEMU 7.2's nested SVM delivers no guest-debug exits (e2e/debug_stops.sh),
# so breakpoints, watchpoints and steps are tests/user/gdb_stub.sh's, on
# the development machine's /dev/kvm. What needs no debug exit is proven
# here, where the module runs: gdb connects and reads the target, the guest
# runs and ticks (the module's hrtimer), Ctrl-C stops it at once (a SIGIO
# from the socket kicks KVM_RUN: nothing polls), memory is read and written
# by virtual address through the guest's own page tables (its alias of RAM
# at 0xffffff8000000000), and after detach the guest finishes, status 0,
# still attached to the module.
#
# gdb in the test host is Debian's gdb-minimal (no Python), which
# scripts/deps testhost stages into build/testhost-bin.
. "$(dirname "$0")/../lib.sh"

if ! command -v gdb >/dev/null; then
	skip "a gdb session with the module attached" "no gdb in the test host (scripts/deps testhost stages gdb-minimal into build/testhost-bin)"
	finish
fi
ELF=$(guest gdb.elf)
chip=kernel
[ "$SPLIT_OK" = 1 ] && chip=split

"$RUN" --accel=kernel --irqchip=$chip --timeout 240 --json \
	--summary "$TMP/g.json" --gdb 0 --arg 1 "$ELF" >"$TMP/g.out" 2>"$TMP/g.err" &
vpid=$!
port=
for i in $(seq 200); do
	port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$TMP/g.err")
	[ -n "$port" ] && break
	kill -0 $vpid 2>/dev/null || break
	sleep 0.1
done
if [ -z "$port" ]; then
	not_ok "hlkvm-run --accel=kernel --gdb 0 listens"
	sed 's/^/#   /' "$TMP/g.err"
	finish
fi
gdb -batch -nx -ex "target remote :$port" \
	-ex 'printf "ENTRY %#lx\n", $pc' \
	-ex continue \
	-ex 'info symbol $pc' \
	-ex 'printf "TICKS %d\n", gdb_ticks' \
	-ex 'printf "SAME %d\n", *(unsigned long *)(0xffffff8000000000 + (unsigned long)&gdb_ticks) == gdb_ticks' \
	-ex 'set {unsigned long}(0xffffff8000000000 + (unsigned long)&gdb_release) = 1' \
	-ex 'printf "RELEASE %d\n", gdb_release' \
	-ex detach "$ELF" >"$TMP/g.gout" 2>&1 &
gpid=$!
for i in $(seq 300); do
	grep -q 'client connected' "$TMP/g.err" && break
	sleep 0.1
done
# Long enough for ticks under nested TCG
sleep 4
kill -INT $gpid
wait $gpid
wait $vpid
rc=$?
has() { grep -qE -- "$1" "$TMP/g.gout"; }
show() { sed 's/^/#   /' "$TMP/g.gout" "$TMP/g.err" "$TMP/g.out" "$TMP/g.json" 2>/dev/null; }

entry=$(printf '%#x' "0x$(od -An -t x8 -j 24 -N 8 "$ELF" | tr -d ' ')")
if has "^ENTRY $entry\$"; then
	ok "gdb reads the registers at the entry stop ($entry), irqchip $chip, module attached"
else
	not_ok "gdb at the entry stop"; show
fi
ticks=$(sed -n 's/^TICKS //p' "$TMP/g.gout")
if has 'Program received signal SIGINT' && has '^(gdb_spin|tick_handler|irq_timer)( \+ [0-9]+)? in section' &&
   [ "${ticks:-0}" -ge 3 ]; then
	ok "Ctrl-C stops the ticking guest (module timer: $ticks ticks seen)"
else
	not_ok "Ctrl-C stops the ticking guest"; show
fi
if has '^SAME 1$' && has '^RELEASE 1$'; then
	ok "memory read and written by virtual address (the guest's alias mapping)"
else
	not_ok "memory by virtual address"; show
fi
mticks=$(jval g timer ticks)
if [ "$rc" -eq 0 ] && grep -q '"accel":"kernel"' "$TMP/g.json" && [ "${mticks:-0}" -ge 3 ]; then
	ok "after detach the guest finishes, status 0, on the module (its timer: $mticks ticks)"
else
	not_ok "after detach the guest finishes on the module (status $rc)"; show
fi
finish
