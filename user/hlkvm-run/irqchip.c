// SPDX-License-Identifier: GPL-2.0
/*
 * KVM's full irqchip for hlkvm-run --irqchip=kernel: KVM_CREATE_IRQCHIP
 * (the 8259 pair, the I/O APIC, an in-kernel LAPIC), no PIT, the tick on
 * GSI 0, hyperlight's KVM configuration. KVM's PIC answers ports
 * 0x20/0x21/0xA0/0xA1 and completes every EOI without an exit; the ticks
 * reach the vCPU through LINT0 in ExtINT mode as on a PC, or through a
 * LAPIC the guest disabled (kvm_apic_accept_pic_intr() takes PIC
 * interrupts then too, so nothing needs re-enabling in this mode).
 *
 * Where the acknowledgments come from decides how GSI 0 is bound:
 *
 *  - The hlkvm module watches the guest's IRQ0 EOI on its way to KVM's PIC
 *    (port 0x20 passes its hook first). A plain irqfd then: each signal is
 *    an edge (KVM raises and lowers the line), as the module's timer wants.
 *
 *  - The userspace fallback never sees port 0x20 (KVM's PIC takes it in the
 *    kernel) and needs each acknowledgment for its catch-up pacing. KVM
 *    tells exactly that through a resample irqfd (KVM_IRQFD_FLAG_RESAMPLE,
 *    full irqchip only: kvm_arch_irqfd_allowed() on x86). In Linux 6.1
 *    virt/kvm/eventfd.c: a signal asserts the GSI from the resampler's own
 *    IRQ source and leaves it asserted (irqfd_inject(): level 1, never 0);
 *    the guest's EOI ends IRQ0's service in i8259.c pic_clear_isr(), which
 *    calls kvm_notify_acked_irq(), which runs the resampler's ack notifier
 *    irqfd_resampler_ack(): it de-asserts the GSI, then signals the
 *    resamplefd. The line is thus level-held from signal to EOI, but KVM's
 *    8259 runs IRQ0 edge-triggered (ELCR 0): the assertion is one edge, the
 *    IRR bit is taken at the interrupt acknowledge, and the next signal,
 *    after the de-assertion, is the next edge. Since the fallback injects
 *    only with no tick outstanding, i.e. after the resamplefd said the
 *    line was lowered, no tick is lost to the held line; a stale-guard
 *    kick while it is held merges, harmlessly. What KVM reports is an EOI
 *    that really ended IRQ0's service (a non-specific EOI with nothing in
 *    service does nothing in pic_ioport_write()); a specific EOI of IRQ0
 *    reports itself either way.
 *
 *    Other ways KVM offers do not fit: with a full irqchip there is no
 *    KVM_EXIT_IOAPIC_EOI (split only), the PIC's EOI does not exit, and
 *    polling KVM_GET_IRQCHIP for the ISR would cost an ioctl per period
 *    and still miss EOIs between two polls.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "hlkvm-run.h"
#include "irqchip.h"
#include "lapic.h"

#define APIC_DM_EXTINT		0x700

static int chip_err(const char *what)
{
	int err = errno;

	fprintf(stderr, "hlkvm-run: %s: %s\n", what, strerror(err));
	return -err;
}

int irqchip_create(struct vm *vm)
{
	if (ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0))
		return chip_err("KVM_CREATE_IRQCHIP");
	return 0;
}

int irqchip_lapic_extint(struct vm *vm)
{
	struct kvm_lapic_state lapic;

	if (ioctl(vm->vcpu_fd, KVM_GET_LAPIC, &lapic))
		return chip_err("KVM_GET_LAPIC");
	/* Unmasked, ExtINT: the vCPU takes the PIC's interrupts */
	hlkvm_lapic_write(&lapic, HLKVM_APIC_LVT_LINT0, APIC_DM_EXTINT);
	if (ioctl(vm->vcpu_fd, KVM_SET_LAPIC, &lapic))
		return chip_err("KVM_SET_LAPIC (LINT0 ExtINT)");
	return 0;
}

int irqchip_bind_timer(struct vm *vm, bool resample)
{
	struct kvm_irqfd irqfd;

	vm->irq_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vm->irq_fd < 0)
		return chip_err("eventfd");
	memset(&irqfd, 0, sizeof(irqfd));
	irqfd.fd = vm->irq_fd;
	irqfd.gsi = IRQCHIP_TIMER_GSI;
	if (resample) {
		vm->resample_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (vm->resample_fd < 0)
			return chip_err("eventfd (resamplefd)");
		irqfd.flags = KVM_IRQFD_FLAG_RESAMPLE;
		irqfd.resamplefd = vm->resample_fd;
	}
	if (ioctl(vm->vm_fd, KVM_IRQFD, &irqfd))
		return chip_err(resample ? "KVM_IRQFD (GSI 0, resample)" :
					   "KVM_IRQFD (GSI 0)");
	return 0;
}
