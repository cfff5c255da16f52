#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# PIT channel 0 driving the tick (hlkvm-run --pit-tick) with the userspace
# fallback on this machine's own /dev/kvm, on the split irqchip and on
# KVM's full one: the test host's e2e/pit_tick.sh, its --accel=user half.
cd "$(dirname "$0")/../.."

if [ ! -c /dev/kvm ] || ! [ -r /dev/kvm ]; then
	echo "ok 1 - channel 0's tick on /dev/kvm # SKIP no usable /dev/kvm on this machine"
	exit 0
fi
if [ ! -x build/bin/hlkvm-run ] || [ ! -r build/guests/pit-tick.elf ]; then
	echo "not ok 1 - build/bin/hlkvm-run and build/guests/pit-tick.elf built (make user guests)"
	exit 1
fi
HLKVM_RUN=build/bin/hlkvm-run HLKVM_GUESTS=build/guests HLKVM_ACCELS=user \
	sh tests/host/e2e/pit_tick.sh
