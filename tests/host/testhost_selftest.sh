#!/usr/bin/env bash
# Conditions are in single quotes on purpose: check() evals them later.
# shellcheck disable=SC2016
# Checks of the test host harness itself (scripts/testhost), not of hlkvm: all
# runs use --module none, so they pass before the module exists.
#
#   tests/host/testhost_selftest.sh [--kernel 6.1|6.12|newest|KVER|all]...
#                                   (default: all, that is 6.1 and 6.12)
#
# Prints "ok N - ..." / "not ok N - ..." per check and a closing
# "testhost-selftest: N passed, M failed"; exits 1 if any check failed.
# Kernel-dependent checks run on each kernel; harness-only ones (watchdog,
# heartbeat, usage errors) once. About 45 s per kernel plus 25 s.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
th=$repo/scripts/testhost

kernels=()
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel)
		[ $# -ge 2 ] || { echo "usage: $0 [--kernel 6.1|6.12|newest|KVER|all]..." >&2; exit 2; }
		case "$2" in all) kernels+=(6.1 6.12) ;; *) kernels+=("$2") ;; esac
		shift 2
		;;
	-h | --help) sed -n '2,11p' "$0"; exit 0 ;;
	*) echo "usage: $0 [--kernel 6.1|6.12|newest|KVER|all]..." >&2; exit 2 ;;
	esac
done
[ ${#kernels[@]} -gt 0 ] || kernels=(6.1 6.12)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 pass=0 fail=0
check() { # check DESCRIPTION CONDITION-COMMAND...
	local desc=$1
	shift
	n=$((n + 1))
	if "$@"; then
		pass=$((pass + 1))
		echo "ok $n - $desc"
	else
		fail=$((fail + 1))
		echo "not ok $n - $desc"
		# Leave the evidence next to the verdict.
		sed 's/^/#   stdout: /' "$tmp/out" 2>/dev/null | tail -n 15
		sed 's/^/#   stderr: /' "$tmp/err" 2>/dev/null | tail -n 15
	fi
}
# run ARGS... : scripts/testhost, output in $tmp/out and $tmp/err, status in $rc
run() {
	rc=0
	"$th" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
}
has_out() { grep -qxF -- "$1" "$tmp/out"; }
has_err() { grep -qF -- "$1" "$tmp/err"; }
is() { [ "$1" = "$2" ]; }

# A directory with awkward names, to be copied in with --add.
add=$tmp/add\ dir
mkdir -p "$add/sub" "$add/.git"
echo "payload 42" >"$add/sub/file with space"
echo "should stay out" >"$add/.git/HEAD"

for k in "${kernels[@]}"; do
	# One boot for several facts: status, nested SVM, --add, argv passing.
	run --kernel "$k" --module none --add "$add" -- sh -c '
		echo "cwd=$(pwd)"
		echo "kver=$HLKVM_KVER"
		cat "sub/file with space"
		[ -e .git ] && echo "git copied"
		[ -c /dev/kvm ] && echo "dev kvm"
		grep -q kvm_amd /proc/modules && echo "kvm_amd loaded"
		echo "nested=$(cat /sys/module/kvm_amd/parameters/nested)"
		dmesg | grep -q "Nested Virtualization enabled" && echo "nested msg"
		[ -d /sys/kernel/tracing/events ] && echo "tracefs"
		printf "<%s>" "$@"; echo
		exit 3' sh 'a b' "c'd" '$HOME' ''
	# shellcheck disable=SC2034 # read by an eval below
	kv=$(bash -c '. scripts/lib/kernels.sh; hlkvm_kver "$1"' _ "$k")
	check "$k: the command's exit status comes back (3)" is "$rc" 3
	check "$k: kvm_amd loaded, /dev/kvm present" eval 'has_out "dev kvm" && has_out "kvm_amd loaded"'
	check "$k: nested SVM enabled" eval 'has_out "nested=1" || has_out "nested msg"'
	check "$k: --add copies the dir (not .git) and runs inside it" \
		eval 'has_out "cwd=/work/add dir" && has_out "payload 42" && ! has_out "git copied"'
	check "$k: arguments arrive unchanged, HLKVM_KVER set" \
		eval 'has_out "<a b><c'"'"'d><\$HOME><>" && has_out "kver=$kv"'
	check "$k: stdout has only the command's output" eval '[ "$(head -n 1 "$tmp/out")" = "cwd=/work/add dir" ] && [ "$(wc -l <"$tmp/out")" -eq 9 ]'

	# A kernel WARNING that only dmesg shows (loglevel=4 keeps it off the console).
	run --kernel "$k" --module none -- sh -c 'echo "WARNING: CPU: 0 PID: 1 at selftest.c:1 fake" >/dev/kmsg; echo fine'
	check "$k: a WARNING in dmesg fails the run" eval '[ "$rc" -ne 0 ] && has_out fine && has_err "kernel log has WARNING: CPU: 0 PID: 1 at selftest.c:1"'
	check "$k: the last line of the failure names the hit" \
		eval 'tail -n 1 "$tmp/err" | grep -q "kernel log is not clean: WARNING: CPU: 0 PID: 1 at selftest.c:1"'

	# A panic before the command finishes.
	run --kernel "$k" --module none -- sh -c 'echo before; echo c >/proc/sysrq-trigger; echo after'
	check "$k: a kernel panic fails the run and is named" \
		eval '[ "$rc" -ne 0 ] && has_out before && ! has_out after && has_err "kernel panicked"'
done

k=${kernels[0]}
# The VM's CPU stopped (QEMU monitor "stop") once /init runs: a frozen host.
# shellcheck disable=SC2034 # read by the eval below
start=$SECONDS
# (The command would sleep 600 s: a run that ends well before, with 124,
# was ended by the watchdog, however long the boot took on a loaded machine.)
run --kernel "$k" --module none --quiet-timeout 3 --x-freeze-after-init -- sh -c 'sleep 600'
check "the silent-host watchdog trips on a frozen host (status 124, says so)" \
	eval '[ "$rc" -eq 124 ] && has_err "went silent for 3 s (frozen?)" && [ $((SECONDS - start)) -lt 300 ]'

# Every soft lockup and every Oops fails the run, wherever it was taken:
# nothing is called the emulator's fault any more (QEMU 7.2's stalls and
# impossible EFLAGS were, with their evidence, until the test host moved
# to 11.x). Written to /dev/kmsg the way the kernel prints them (the
# lockup as the CI test host once printed it under QEMU 7.2).
lockup_script() { # lockup_script RIP-FUNCTION CODE-BYTES-AROUND-RIP
	printf '%s; ' \
		"echo '<0>watchdog: BUG: soft lockup - CPU#0 stuck for 55s! [hlkvm-run:446]' >/dev/kmsg" \
		"echo '<4>RIP: 0010:$1+0x97c/0x1750 [kvm]' >/dev/kmsg" \
		"echo '<4>Code: c6 83 22 0a 00 00 01 $2 83 83 70 18 00 00 01 fa' >/dev/kmsg" \
		"echo '<4>Call Trace:' >/dev/kmsg" "echo fine"
}
run --kernel "$k" --module none -- sh -c "$(lockup_script kvm_arch_vcpu_ioctl_run 'fb 0f 1f 44 00 00 <48>')"
check "a soft lockup right after KVM re-enables interrupts fails the run (1)" \
	eval '[ "$rc" -eq 1 ] && has_out fine && has_err "kernel log is not clean: watchdog: BUG: soft lockup"'
run --kernel "$k" --module none -- sh -c "echo '<0>Oops: double fault: 0000 [#1] PREEMPT SMP NOPTI' >/dev/kmsg; echo '<4>RSP: 0018:ff593fcc80633660 EFLAGS: 81afe242' >/dev/kmsg; echo fine"
check "an Oops fails the run (1), whatever its EFLAGS" \
	eval '[ "$rc" -eq 1 ] && has_err "kernel log is not clean: Oops: double fault"'

# A quiet command longer than --quiet-timeout is kept alive by the heartbeat.
run --kernel "$k" --module none --quiet-timeout 6 -- sh -c 'sleep 10; echo awake'
check "the heartbeat keeps a quiet 10 s command alive under --quiet-timeout 6" \
	eval '[ "$rc" -eq 0 ] && has_out awake'

# --timeout ends a run that talks but never finishes; --log keeps the raw log.
# 90 s: a loaded machine has been seen to need 15 s just to reach /init
# with one vCPU, and over 60 s with two.
run --kernel "$k" --module none --timeout 90 --log "$tmp/raw.log" -- sh -c 'echo start; while :; do sleep 1; done'
check "--timeout stops a command that never ends (status 124), --log written" \
	eval '[ "$rc" -eq 124 ] && has_err "timeout 90 s reached" && grep -q "@@TH-.*-BEGIN" "$tmp/raw.log"'

# A module that does not load inside is a setup failure (125), named.
echo "not a module" >"$tmp/hlkvm.ko"
run --kernel "$k" --module "$tmp/hlkvm.ko" -- true
check "an insmod failure inside is reported (status 125)" \
	eval '[ "$rc" -eq 125 ] && has_err "insmod" && has_err "hlkvm.ko"'

# No boot needed for these.
# A kernel ABI with no module built: the error says how to build one, before
# anything is downloaded.
run --kernel 6.1.0-0-amd64 -- true
check "a missing default module names the build command" \
	eval '[ "$rc" -eq 125 ] && has_err "make module KVER=6.1.0-0-amd64"'
# A module built for another kernel is refused before booting.
kv=$(bash -c '. scripts/lib/kernels.sh; hlkvm_kver "$1"' _ "$k")
if modinfo -F vermagic "$repo/build/kmod/$kv/hlkvm.ko" >/dev/null 2>&1; then
	other=$([ "$k" = 6.1 ] && echo 6.12 || echo 6.1)
	run --kernel "$other" --module "$repo/build/kmod/$kv/hlkvm.ko" -- true
	check "a module built for another kernel is refused (125)" \
		eval '[ "$rc" -eq 125 ] && has_err "was built for $kv"'
fi
run --bogus -- true
check "an unknown option is a usage error (2)" is "$rc" 2

echo "testhost-selftest: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
