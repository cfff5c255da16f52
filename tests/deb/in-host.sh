#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the test host (busybox sh), booted without hlkvm.ko, from
# the directory scripts/test-deb staged out of the bookworm root where
# the packages were installed:
#   hlkvm.ko*       what hlkvm-dkms's postinst built (dkms) for this kernel
#   bin/            hlkvm-run and hlkvmctl from hlkvm-tools, app (built
#                   there against libhlkvm-dev with pkg-config)
#   lib/            libhlkvm1's libhlkvm.so.1, and kmod's libraries
#   sbin/kmod       the root's kmod (depmod, modprobe, modinfo, rmmod)
# The module goes where dkms installs it, depmod indexes it and modprobe,
# not insmod, loads it; then a guest runs attached and the program talks
# to the module. Prints ok / not ok lines; exits non-zero on a failure.
here=$(pwd)
n=0 fail=0
check() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi
}
# kmod is one binary that acts by the name it is called by
for t in depmod modprobe modinfo rmmod; do ln -sf kmod "$here/sbin/$t"; done
kmod() { t=$1; shift; LD_LIBRARY_PATH=$here/lib "$here/sbin/$t" "$@"; }

kver=$HLKVM_KVER
dir=/lib/modules/$kver/updates/dkms
# (dkms compresses it as the kernel's own modules are: hlkvm.ko.xz for
# 6.12, hlkvm.ko for 6.1)
ko=$(ls hlkvm.ko*)
mkdir -p "$dir" && cp "$ko" "$dir/"
# (what went wrong, on one line, only when something did)
why() { [ "$1" -eq 0 ] || echo " ($(echo "$2" | head -n 3 | tr '\n' ' '))"; }
out=$(kmod depmod -a "$kver" 2>&1)
rc=$?
check $rc "depmod -a $kver indexes updates/dkms/$ko$(why $rc "$out")"
out=$(kmod modprobe hlkvm 2>&1)
rc=$?
[ $rc -eq 0 ] && [ -d /sys/module/hlkvm ]
check $? "modprobe hlkvm loads it$(why $rc "$out")"
f=$(kmod modinfo -F filename hlkvm 2>&1)
[ "$f" = "$dir/$ko" ]
check $? "modinfo finds hlkvm at $dir/$ko ($f)"

guest=$(command -v timer.elf)
LD_LIBRARY_PATH=$here/lib "$here/bin/hlkvm-run" --accel=kernel --json --timeout 120 \
	--summary /tmp/timer.json "$guest" >/tmp/timer.out 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q '"accel":"kernel"' /tmp/timer.json
check $? "hlkvm-tools' hlkvm-run runs timer.elf attached to the module (exit $rc$(
	[ $rc -eq 0 ] || { echo; tail -n 3 /tmp/timer.out /tmp/timer.json 2>/dev/null; } | tr '\n' ' '))"

out=$(LD_LIBRARY_PATH=$here/lib "$here/bin/app" 2>&1)
rc=$?
[ $rc -eq 0 ] && echo "$out" | grep -q '^dr6_hw=hw breakpoint$'
check $? "the third-party program classifies DR6 and reads the module's config over netlink ($(echo "$out" | tr '\n' ' '))"
LD_DEBUG=libs LD_LIBRARY_PATH=$here/lib "$here/bin/app" 2>&1 >/dev/null |
	grep -q "calling init: $here/lib/libhlkvm.so.1"
check $? "it runs on libhlkvm1's libhlkvm.so.1 from the root"

out=$(LD_LIBRARY_PATH=$here/lib "$here/bin/hlkvmctl" show 2>&1)
check $? "hlkvm-tools' hlkvmctl show talks to the module ($(echo "$out" | head -n 2 | tr '\n' ' '))"

# (modprobe -r would also try kvm, which kvm_amd holds)
out=$(kmod rmmod hlkvm 2>&1)
rc=$?
[ $rc -eq 0 ] && [ ! -d /sys/module/hlkvm ]
check $? "rmmod hlkvm unloads it$(why $rc "$out")"
exit $fail
