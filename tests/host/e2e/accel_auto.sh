#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# --accel=auto picks the module when it is loaded and the userspace
# fallback when it is not: run timer.elf with the module, rmmod it, run
# again, then insmod it back ($HLKVM_KO, set by scripts/testhost) so the
# scripts after this one find it loaded as before.
# Run: scripts/testhost --add tests/host -- 'sh e2e/accel_auto.sh'
. "$(dirname "$0")/../lib.sh"
reload() { lsmod 2>/dev/null | grep -q '^hlkvm ' || insmod "$HLKVM_KO"; }
trap 'reload; rm -rf "$TMP"' EXIT

if [ -z "${HLKVM_KO:-}" ] || [ ! -r "$HLKVM_KO" ]; then
	echo "ok 1 - --accel=auto with and without the module # SKIP no HLKVM_KO to reload (not in the test host)"
	exit 0
fi

# run NAME ARGS...: summary in $TMP/NAME.json
run() {
	name=$1; shift
	"$RUN" --json --timeout 120 --summary "$TMP/$name.json" "$@" \
		>"$TMP/$name.out" 2>"$TMP/$name.err"
	rc=$?
	[ $rc -eq 0 ] || sed 's/^/#   /' "$TMP/$name.out" "$TMP/$name.err" "$TMP/$name.json" 2>/dev/null
	return $rc
}
ticks() { jget "$1" timer.ticks; }

run loaded --accel=auto "$(guest timer.elf)"
check $? "module loaded: --accel=auto timer.elf ends with status 0"
grep -q '"accel":"kernel"' "$TMP/loaded.json"
check $? "module loaded: the summary says accel kernel"

out=$(rmmod hlkvm 2>&1)
check $? "rmmod hlkvm${out:+ ($out)}"
! hlkvmctl show >/dev/null 2>&1
check $? "hlkvmctl show fails without the module"

run auto --accel=auto "$(guest timer.elf)"
check $? "module gone: --accel=auto timer.elf ends with status 0"
grep -q '"accel":"user"' "$TMP/auto.json"
check $? "module gone: the summary says accel user"
t=$(ticks auto)
[ "${t:-0}" -gt 1 ]
check $? "module gone: the fallback delivered ticks ($t)"

"$RUN" --accel=kernel "$(guest timer.elf)" >"$TMP/k.out" 2>&1
rc=$?
[ $rc -eq 3 ] && grep -q "not loaded" "$TMP/k.out"
check $? "module gone: --accel=kernel refuses and says why (exit $rc)"

out=$(insmod "$HLKVM_KO" 2>&1)
check $? "insmod $HLKVM_KO again${out:+ ($out)}"
run back --accel=auto "$(guest timer.elf)" && grep -q '"accel":"kernel"' "$TMP/back.json"
check $? "module back: --accel=auto uses it again"

finish
