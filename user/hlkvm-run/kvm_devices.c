// SPDX-License-Identifier: GPL-2.0
/*
 * hlkvm-run --accel=kvm: KVM's own legacy devices instead of hlkvm's.
 *
 * On top of KVM's full irqchip (irqchip.c: the 8259 pair, the I/O APIC,
 * LINT0 in ExtINT mode), KVM_CREATE_PIT2 adds KVM's 8254, which the guest
 * programs itself (mode 2, its divisor) and whose channel 0 drives PIC
 * input 0. No irqfd: the guest's ports 0x20/0x21/0xa0/0xa1/0x40-0x43/0x61
 * never leave the kernel.
 *
 * --ioeventfd PORT: KVM_IOEVENTFD on the PIO bus, any value, one byte: KVM
 * completes the OUT itself and signals an eventfd nobody reads (an eventfd
 * counter saturates harmlessly). It is the cheapest in-kernel OUT KVM has.
 *
 * These exist to be measured against (scripts/bench), not to run guests.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "hlkvm-run.h"
#include "kvm_devices.h"

static int dev_err(const char *what)
{
	int err = errno;

	fprintf(stderr, "hlkvm-run: %s: %s\n", what, strerror(err));
	return -err;
}

int kvm_devices_pit(struct vm *vm)
{
	/* The speaker port 0x61 too, so no legacy port reaches us */
	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };

	if (ioctl(vm->vm_fd, KVM_CREATE_PIT2, &pit))
		return dev_err("KVM_CREATE_PIT2");
	return 0;
}

int kvm_devices_ioeventfd(struct vm *vm, uint16_t port)
{
	struct kvm_ioeventfd io;
	int fd;

	/* Left open until the process exits: it must outlive the vCPU */
	fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (fd < 0)
		return dev_err("eventfd");
	memset(&io, 0, sizeof(io));
	io.addr = port;
	io.len = 1;
	io.fd = fd;
	io.flags = KVM_IOEVENTFD_FLAG_PIO;
	if (ioctl(vm->vm_fd, KVM_IOEVENTFD, &io)) {
		close(fd);
		return dev_err("KVM_IOEVENTFD");
	}
	return 0;
}
