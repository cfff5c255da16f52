#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# End-to-end: hlkvmctl against the loaded module while real guests run.
#
# Counters, and why they can be compared: `vm show` is read while
# timer-soak.elf spins in its 100 us soak. By then the guest has done all
# its PIC/PIT/speaker/diag setup accesses (pic_remap, pit_program,
# touch_ports come before calibration) and touches no port of the pit,
# speaker and diag groups again until it ends, so those counters are
# stable during the soak and must equal the counts the guest prints at the
# end; the PIC and timer groups keep moving (EOIs, ticks), so for them the
# mid-run value must be at most the final one, and the final one (the run
# summary reads the module's counters before detaching) equals the guest's.
# The soak phase is recognised by the module's own timer state
# (requested_us 100), not by sleeping.
#
# Also: `show` lists the attached VM with its owner pid; every --json
# output is valid JSON (../jsonv.awk: busybox has no jq); `set groups`
# without diag sends port 0x80 to userspace; `set period-min 200` clamps a
# 1 us request to 200; the defaults are restored; `vm stop` stops a running
# guest's timer; `vm detach` detaches it and the VMM survives with the
# guest's next timer-port write seen in userspace; `monitor --count 2`
# sees an attach and a detach; an unprivileged caller gets "needs
# CAP_NET_ADMIN" and status 1.
# Run: scripts/testhost --add tests/host -- 'sh e2e/hlkvmctl.sh'
. "$(dirname "$0")/../lib.sh"
need_split "hlkvmctl against split-irqchip VMs (PIC group, pic_out)"
CTL=${HLKVM_CTL:-hlkvmctl}
# How much longer guests run where the test watches them while they run:
# set by scripts/test-host for the (several times slower) debug kernel
SCALE=${HLKVM_TIME_SCALE:-1}
JSONV=$(dirname "$0")/../jsonv.awk
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	[ -z "${saved_groups:-}" ] || "$CTL" set groups "$saved_groups" period-min "$saved_pmin" >/dev/null 2>&1
	rm -rf "$TMP"
}
trap cleanup EXIT

# JSON helpers: hlkvmctl prints one compact document per line
jnum() { sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p" | head -n 1; }
# group counters from vm show --json: jgroup FILE GROUP -> "IN OUT"
jgroup() { sed -n "s/.*\"$2\":{\"in\":\([0-9]*\),\"out\":\([0-9]*\)}.*/\1 \2/p" "$1"; }
# fgval FILE KEY: the last KEY=value line of a guest console file
fgval() { sed -n "s/^$2=//p" "$1" | tail -n 1; }
valid_json() { awk -f "$JSONV" "$1" >"$TMP/jsonv.err" 2>&1; }
# wait_for SECONDS COMMAND...: poll every 0.2 s until COMMAND succeeds
wait_for() {
	t=$(( $1 * 5 )); shift
	while [ $t -gt 0 ]; do "$@" && return 0; sleep 0.2; t=$((t - 1)); done
	return 1
}
vm_count() { "$CTL" --json show 2>/dev/null | jnum vm_count; }
attached() { [ "$(vm_count)" -ge 1 ] 2>/dev/null; }
soaking() { # soaking ID: the guest's timer is at its 100 us soak period
	"$CTL" --json vm show "$1" >"$TMP/poll.json" 2>/dev/null &&
		[ "$(jnum requested_us <"$TMP/poll.json")" = 100 ]
}
only_vm_id() { "$CTL" --json vm list 2>/dev/null | jnum vm_id; }

[ "$(vm_count)" = 0 ]
check $? "no VM attached before the test ($(vm_count))"
"$CTL" --json show >"$TMP/show0.json"
saved_groups=$(sed -n 's/.*"groups":\[\([^]]*\)\].*/\1/p' "$TMP/show0.json" | tr -d '"')
saved_pmin=$(jnum period_min_us <"$TMP/show0.json")
[ -n "$saved_groups" ] && [ -n "$saved_pmin" ]
check $? "defaults read: groups $saved_groups, period-min $saved_pmin"

# --- 1. a soaking guest, watched by the monitor
"$CTL" monitor --count 2 >"$TMP/mon.out" 2>&1 &
mon=$!
pids="$pids $mon"
sleep 1	# the monitor has joined the events group
"$RUN" --accel=kernel --json --summary "$TMP/soak.json" --timeout 120 \
	"$(guest timer-soak.elf)" --arg $((5 * SCALE)) >"$TMP/soak.out" 2>"$TMP/soak.err" &
vmm=$!
pids="$pids $vmm"
wait_for 30 attached
check $? "the VM attaches (hlkvmctl show counts it)"
id=$(only_vm_id)
"$CTL" show >"$TMP/show.txt" 2>&1
grep -qE "^ *$id +$vmm " "$TMP/show.txt"
check $? "hlkvmctl show lists vm $id owned by hlkvm-run pid $vmm"
for c in show "vm list" "vm show $id"; do
	# shellcheck disable=SC2086
	"$CTL" --json $c >"$TMP/j.json" 2>&1 && valid_json "$TMP/j.json"
	check $? "hlkvmctl --json $c is valid JSON $(head -c 300 "$TMP/jsonv.err")"
done
wait_for 60 soaking "$id"
check $? "vm $id reaches its 100 us soak (module's requested_us)"
"$CTL" --json vm show "$id" >"$TMP/mid.json"
wait "$vmm"
check $? "timer-soak.elf ends with status 0"
for g in pit speaker diag; do
	set -- $(jgroup "$TMP/mid.json" $g)
	gi=$(fgval "$TMP/soak.out" ${g}_in); go=$(fgval "$TMP/soak.out" ${g}_out)
	[ -n "$1" ] && [ "$1" = "$gi" ] && [ "$2" = "$go" ]
	check $? "vm show $g in/out ($1/$2) == guest's final count ($gi/$go)"
done
set -- $(jgroup "$TMP/mid.json" pic)
po=$(fgval "$TMP/soak.out" pic_out)
fo=$(jget soak stats.pic.out)
[ -n "$2" ] && [ "$2" -le "$po" ] && [ "$fo" = "$po" ]
check $? "pic out: mid-run $2 <= final; final module $fo == guest $po"
wait_for 20 sh -c "[ \"\$(grep -c . '$TMP/mon.out')\" -ge 2 ]"
grep -q "^attach vm $id " "$TMP/mon.out" && grep -q "^detach vm $id " "$TMP/mon.out"
check $? "monitor --count 2 saw attach and detach of vm $id ($(tr '\n' ';' <"$TMP/mon.out"))"
wait "$mon"
check $? "monitor --count 2 exits 0 after two events"

# --- 2. defaults change what the module does
"$CTL" set groups pic,pit,speaker,timer >"$TMP/set.out" 2>&1
check $? "set groups pic,pit,speaker,timer (diag off)"
"$RUN" --accel=kernel --json --summary "$TMP/diag.json" --timeout 120 \
	"$(guest timer.elf)" >"$TMP/diag.out" 2>&1
e=$(ioexits diag 128 out)
[ "${e:-0}" -gt 0 ]
check $? "with diag off, port 0x80 reaches userspace (${e:-0} KVM_EXIT_IO)"
"$CTL" set groups "$saved_groups" period-min 200 >"$TMP/set.out" 2>&1
check $? "set groups back to $saved_groups, period-min 200"
"$RUN" --accel=kernel --json --summary "$TMP/min.json" --timeout 120 \
	"$(guest timer-min.elf)" >"$TMP/min.out" 2>&1
c=$(jget min timer.clamped)
e=$(ioexits min 128 out)
[ "${c:-0}" -ge 1 ] && [ "${e:-0}" = 0 ]
check $? "timer-min.elf's 1 us request counted as clamped ($c) and diag absorbed again"
# The summary is read after the guest stopped its timer (period 0): see
# the period in force while a guest runs, on one that asks for 100 us
"$RUN" --accel=kernel --timeout 120 "$(guest timer-soak.elf)" --arg $((3 * SCALE)) >/dev/null 2>&1 &
vmm=$!
pids="$pids $vmm"
wait_for 30 attached && id=$(only_vm_id) && wait_for 60 soaking "$id"
p=$(jnum period_us <"$TMP/poll.json"); c=$(jnum clamped <"$TMP/poll.json")
[ "$p" = 200 ] && [ "${c:-0}" -ge 1 ]
check $? "with period-min 200 a 100 us request runs at $p us (vm show, clamped $c)"
wait "$vmm"
"$CTL" set period-min "$saved_pmin" >"$TMP/set.out" 2>&1
"$CTL" --json show >"$TMP/show1.json"
[ "$(jnum period_min_us <"$TMP/show1.json")" = "$saved_pmin" ] &&
	grep -qF "\"groups\":[$(echo "$saved_groups" | sed 's/[^,][^,]*/"&"/g')]" "$TMP/show1.json"
check $? "defaults restored ($(head -c 200 "$TMP/show1.json"))"
saved_groups=

# --- 3. vm stop, vm detach: the VMM survives
"$RUN" --accel=kernel --json --summary "$TMP/det.json" --timeout 120 \
	"$(guest timer-soak.elf)" --arg $((8 * SCALE)) >"$TMP/det.out" 2>"$TMP/det.err" &
vmm=$!
pids="$pids $vmm"
wait_for 30 attached && id=$(only_vm_id) && wait_for 60 soaking "$id"
check $? "a second guest (vm $id) soaks"
"$CTL" vm stop "$id" >"$TMP/stop.out" 2>&1
check $? "vm stop $id"
"$CTL" --json vm show "$id" >"$TMP/s1.json"
t1=$(jnum ticks <"$TMP/s1.json")
sleep 1
"$CTL" --json vm show "$id" >"$TMP/s2.json"
t2=$(jnum ticks <"$TMP/s2.json")
grep -q '"running":false' "$TMP/s2.json" && [ -n "$t1" ] && [ "$t1" = "$t2" ]
check $? "after vm stop the timer is not running and ticks stay at $t1 ($t2 a second later)"
"$CTL" vm detach "$id" >"$TMP/detach.out" 2>&1
check $? "vm detach $id"
! "$CTL" vm show "$id" >/dev/null 2>&1 && [ "$(vm_count)" = 0 ]
check $? "vm $id is gone from the module"
wait "$vmm"
grep -q '"end":"halt-port"' "$TMP/det.json"
check $? "the VMM survives the detach: the guest still ends through port 108"
e=$(ioexits det 107 out)
[ "${e:-0}" -gt 0 ]
check $? "after the detach the guest's timer-port write reaches userspace (${e:-0} exits)"

# --- 4. unprivileged callers
grep -q '^nobody:' /etc/passwd 2>/dev/null ||
	echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >>/etc/passwd
grep -q '^nogroup:' /etc/group 2>/dev/null ||
	echo 'nogroup:x:65534:' >>/etc/group
ctl=$(command -v "$CTL")
su -s /bin/sh nobody -c "$ctl vm list" >"$TMP/unpriv.out" 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q "needs CAP_NET_ADMIN" "$TMP/unpriv.out"
check $? "uid nobody: vm list exits 1 with 'needs CAP_NET_ADMIN' (exit $rc: $(head -n 1 "$TMP/unpriv.out"))"

finish
