#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# hlkvm: scripts/sparse.d/checker-valid.sh
# kbuild's checker probe, for kernel headers that lack it: from 6.15 the
# kernel's Makefile runs $(srctree)/scripts/checker-valid.sh $(CHECK)
# $(CHECKFLAGS) when C= is given and turns the checker off unless it prints
# 1. Debian's 7.x headers do not ship the script, so kbuild never runs
# sparse there, whatever sparse it is given. This one prints 1 when the
# checker parses what those headers need under __CHECKER__
# (__typeof_unqual__) without an error, 0 otherwise. scripts/sparse-patched
# installs it where it is missing; it never replaces the kernel's own.
checker=${1:-}
if [ -z "$checker" ] || ! command -v "$checker" >/dev/null 2>&1; then
	echo 0
	exit 0
fi
shift
probe=$(mktemp --suffix=.c) || { echo 0; exit 0; }
trap 'rm -f "$probe"' EXIT
cat >"$probe" <<'PROBE'
static inline int unqual_read(const volatile int *p)
{
	__typeof_unqual__(*p) v = *p;

	v++;
	return v;
}
PROBE
# sparse reports errors on stderr and still exits 0
if out=$("$checker" "$@" "$probe" 2>&1) && ! printf '%s\n' "$out" | grep -q 'error'; then
	echo 1
else
	echo 0
fi
