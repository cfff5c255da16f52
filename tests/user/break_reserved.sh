#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Regression (issues 12 and 13): no debugger write lands in the VMM's
# reserved area 0x1000-0x7fff (page tables, GDT, boot info). hlkvm-run
# --break 0x3000 used to write an int3 into the page directory and the
# guest triple-faulted before its first instruction; now it is refused
# before the guest runs, naming the area. (The gdb stub's Z0, M and X
# refusals are tests/user/gdb_stub.sh's.)
set -u
. "$(dirname "$0")/lib/common.sh"

need_kvm "--break into the reserved area refused" "the check runs once the vCPU exists"
# refused ADDR: hlkvm-run --break ADDR exits 1 before the guest runs
refused() {
	"$RUN" --accel=user --break "$1" "$G/ports.elf" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	n=$((n + 1))
	if [ "$rc" -eq 3 ] && grep -q "reserved area 0x1000-0x7fff" "$TMP/err" &&
	   ! grep -q 'triple fault\|guest status' "$TMP/err"; then
		echo "ok $n - --break $1 is refused: the VMM's reserved area"
	else
		echo "not ok $n - --break $1 refused (status $rc), stderr:"
		sed 's/^/#   /' "$TMP/err"
	fi
}
for a in 0x1000 0x3000 0x7000 0x7800 0x7fff; do
	refused "$a"
done
# Just outside it the breakpoint is set as before (0x8000 is never run,
# so the guest finishes with status 0)
"$RUN" --accel=user --break 0x8000 "$G/ports.elf" >"$TMP/out" 2>"$TMP/err"
rc=$?
n=$((n + 1))
if [ "$rc" -eq 0 ] && grep -q 'guest status 0 ' "$TMP/err"; then
	echo "ok $n - --break 0x8000, just above the reserved area, is accepted"
else
	echo "not ok $n - --break 0x8000 accepted (status $rc), stderr:"
	sed 's/^/#   /' "$TMP/err"
fi
echo "1..$n"
