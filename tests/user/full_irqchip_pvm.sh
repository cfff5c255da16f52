#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The guests on KVM's full irqchip (--irqchip=kernel) with the userspace
# fallback, on this machine's own /dev/kvm: the same checks as the test
# host's e2e/full_irqchip.sh, its --accel=user half. Unlike the split
# irqchip's never-acknowledged case (kvm_guests.sh skips it on PVM, whose
# LAPIC ISR is not architectural), this one holds here: the ISR that
# matters is KVM's 8259's, which KVM emulates the same on PVM.
cd "$(dirname "$0")/../.."

if [ ! -c /dev/kvm ] || ! [ -r /dev/kvm ]; then
	echo "ok 1 - guests on KVM's full irqchip # SKIP no usable /dev/kvm on this machine"
	exit 0
fi
if [ ! -x build/bin/hlkvm-run ] || [ ! -r build/guests/timer.elf ]; then
	echo "not ok 1 - build/bin/hlkvm-run and build/guests built (make user guests)"
	exit 1
fi
HLKVM_RUN=build/bin/hlkvm-run HLKVM_GUESTS=build/guests HLKVM_ACCELS=user \
	sh tests/host/e2e/full_irqchip.sh
