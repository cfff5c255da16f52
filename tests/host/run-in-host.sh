#!/bin/sh
# Runs inside the test host (busybox sh) with hlkvm.ko loaded and the
# project's binaries on PATH: every e2e script under e2e/ and every
# hlkvm-test-* program, in order, each printing its own ok / not ok lines.
# The racing teardowns with rmmod/insmod, then the lifecycle program go
# last, with --rmmod: they unload the module under ticking VMs and load it
# again from $HLKVM_KO.
# Exits non-zero if any of them failed.
fail=0
for t in e2e/*.sh; do
	[ -f "$t" ] || continue
	echo "# $t"
	sh "$t" || fail=1
done
for p in /usr/local/bin/hlkvm-test-*; do
	[ -x "$p" ] || continue
	case "$p" in
	*/hlkvm-test-nl_lifecycle) continue ;;
	esac
	echo "# $p"
	"$p" || fail=1
done
# The teardown races once more, briefly, with rmmod/insmod racing them
# (scripts/harden runs 10,000 a mode); the module is loaded again after
if [ -x /usr/local/bin/hlkvm-test-stress ] && [ -n "${HLKVM_KO:-}" ]; then
	echo "# hlkvm-test-stress --race-only --race 60 --rmmod"
	hlkvm-test-stress --race-only --race 60 --rmmod || fail=1
fi
if [ -x /usr/local/bin/hlkvm-test-nl_lifecycle ]; then
	echo "# hlkvm-test-nl_lifecycle --rmmod"
	hlkvm-test-nl_lifecycle --rmmod || fail=1
fi
exit $fail
