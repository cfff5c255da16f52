#!/bin/sh
# Runs inside the test host (busybox sh) with hlkvm.ko loaded and the
# project's binaries on PATH: every e2e script under e2e/ and every
# lifecycle program, in order. Each prints its own ok / not ok lines.
# Exits non-zero if any of them failed.
fail=0
for t in e2e/*.sh; do
	[ -f "$t" ] || continue
	echo "# $t"
	sh "$t" || fail=1
done
for p in /usr/local/bin/hlkvm-test-*; do
	[ -x "$p" ] || continue
	echo "# $p"
	"$p" || fail=1
done
exit $fail
