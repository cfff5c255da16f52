#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# hlkvm-run's debug stops on this machine's /dev/kvm, without the module
# (--accel=user): the same checks as the test host's e2e/debug_stops.sh.
# On the development machine /dev/kvm is PVM (NOTES.md "The development
# machine"): single-step and hardware execute breakpoints work at CPL0,
# int3 fails with an emulation error, so the int3 checks are skipped there
# with that reason; on a real VMX/SVM KVM they run.
cd "$(dirname "$0")/../.."

if [ ! -c /dev/kvm ] || ! [ -r /dev/kvm ]; then
	echo "ok 1 - debug stops on /dev/kvm # SKIP no usable /dev/kvm on this machine"
	exit 0
fi
if [ ! -x build/bin/hlkvm-run ] || [ ! -r build/guests/debug.syms ]; then
	echo "not ok 1 - build/bin/hlkvm-run and build/guests/debug.syms built (make user guests)"
	exit 1
fi
no_int3=
if [ -d /sys/module/kvm_pvm ]; then
	no_int3="PVM (kvm_pvm) cannot run int3 at CPL0 (emulation error; NOTES.md)"
fi
HLKVM_RUN=build/bin/hlkvm-run HLKVM_GUESTS=build/guests HLKVM_ACCEL=user \
	HLKVM_NO_INT3="$no_int3" sh tests/host/e2e/debug_stops.sh
