// SPDX-License-Identifier: GPL-2.0
/*
 * Which VMs hlkvm attaches, against the loaded module (test host), as an
 * unprivileged user: only /dev/kvm access, as any sandbox host has.
 *
 * The first case is the host oops of the hardening review: a VM made with
 * no in-kernel LAPIC at all (no KVM_CREATE_IRQCHIP, no split irqchip), a
 * plain eventfd, attach, then a guest that arms the PV timer and sends a
 * PIC EOI. The module used to accept that attach and bridge the EOI into
 * a NULL vcpu->arch.apic ("BUG: kernel NULL pointer dereference",
 * apic_set_eoi+0x7). Now the attach must be refused with an extack, and
 * the guest's ports must reach userspace as with no module at all.
 *
 * Then the two irqchip modes. A VM with KVM's full irqchip
 * (KVM_CREATE_IRQCHIP) attaches without the PIC group, which it cannot
 * be asked to absorb; with KVM's PIT (KVM_CREATE_PIT2) as well it is
 * refused, as is a split-irqchip VM with KVM's PIT, since hlkvm would
 * shadow the PIT's ports. A plain split-irqchip VM attaches where the
 * kernel lets hlkvm bridge EOIs (before 6.18), and is refused with an
 * extack naming full-irqchip mode from 6.18 on.
 *
 * Prints "ok N - what" / "not ok N - what: ..."; exits 1 if any case
 * failed, 77 (skip) without /dev/kvm or without the module.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hlkvm.h"
#include "tap.h"
#include "testvm.h"

#define GUEST_MEM	0x10000
#define GUEST_CODE	0x1000
#define PORT_PV_TIMER	107

/* An attach that must fail with @want and an explanation from the kernel */
static void expect_refused(struct hlkvm_client *c, const char *what, int vm,
			   int efd, int want)
{
	struct hlkvm_vm_info info = { .size = sizeof(info) };
	char detail[512];
	const char *msg;
	int ret;

	if (vm < 0) {
		snprintf(detail, sizeof(detail), "creating the VM: %s",
			 strerror(-vm));
		tap_result(false, what, detail);
		return;
	}
	ret = hlkvm_attach(c, vm, efd, NULL, &info);
	msg = hlkvm_strerror(c, ret);

	snprintf(detail, sizeof(detail), "got %d, want %d; kernel said: %s",
		 ret, want, ret ? msg : "(attached)");
	/* an extack, not only errno's text */
	tap_result(ret == want && strcmp(msg, strerror(-want)) != 0, what, detail);
}

enum irqchip { NO_IRQCHIP, SPLIT, SPLIT_PIT, FULL, FULL_PIT };

static int new_vm(int kvm, enum irqchip mode)
{
	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };
	int vm, err;

	if (mode == NO_IRQCHIP) {
		vm = ioctl(kvm, KVM_CREATE_VM, 0);
		return vm < 0 ? -errno : vm;
	}
	vm = testvm_create(kvm, mode == SPLIT || mode == SPLIT_PIT ?
			   HLKVM_IRQCHIP_SPLIT : HLKVM_IRQCHIP_KERNEL);
	if (vm < 0 || (mode != SPLIT_PIT && mode != FULL_PIT))
		return vm;
	if (ioctl(vm, KVM_CREATE_PIT2, &pit)) {
		err = errno;	/* close() may change it */
		close(vm);
		return -err;
	}
	return vm;
}

/*
 * Real mode at 0x1000: arm the PV timer at 1000 us, then a non-specific
 * EOI, then hlt: exactly what oopsed the host.
 */
static const unsigned char guest_code[] = {
	0x66, 0xb8, 0xe8, 0x03, 0x00, 0x00,	/* mov eax, 1000 */
	0xba, PORT_PV_TIMER, 0x00,		/* mov dx, 107 */
	0x66, 0xef,				/* out dx, eax */
	0xb0, 0x20,				/* mov al, 0x20 */
	0xe6, 0x20,				/* out 0x20, al */
	0xf4,					/* hlt */
};

struct exit_want {
	unsigned int reason;
	unsigned int port;
};

/*
 * Run the guest in @vm. Unattached and without an irqchip, KVM hands each
 * OUT and the hlt to userspace: the exits must come in exactly that order.
 */
static int run_guest(int kvm, int vm, char *detail, size_t len)
{
	static const struct exit_want want[] = {
		{ KVM_EXIT_IO, PORT_PV_TIMER },
		{ KVM_EXIT_IO, 0x20 },
		{ KVM_EXIT_HLT, 0 },
	};
	struct kvm_userspace_memory_region region = {
		.memory_size = GUEST_MEM,
	};
	struct kvm_sregs sregs;
	struct kvm_regs regs = { .rip = GUEST_CODE, .rflags = 2 };
	struct kvm_run *run;
	unsigned int i;
	int vcpu, size, ret = -1;
	void *mem;

	mem = mmap(NULL, GUEST_MEM, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		snprintf(detail, len, "mmap: %s", strerror(errno));
		return -1;
	}
	memcpy((char *)mem + GUEST_CODE, guest_code, sizeof(guest_code));
	region.userspace_addr = (unsigned long)mem;
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) || vcpu < 0 ||
	    size <= 0) {
		snprintf(detail, len, "VM setup: %s", strerror(errno));
		goto out_mem;
	}
	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED || ioctl(vcpu, KVM_GET_SREGS, &sregs)) {
		snprintf(detail, len, "vCPU setup: %s", strerror(errno));
		goto out_vcpu;
	}
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) ||
	    ioctl(vcpu, KVM_SET_REGS, &regs)) {
		snprintf(detail, len, "vCPU registers: %s", strerror(errno));
		goto out_run;
	}
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (ioctl(vcpu, KVM_RUN, 0)) {
			snprintf(detail, len, "KVM_RUN %u: %s", i,
				 strerror(errno));
			goto out_run;
		}
		if (run->exit_reason != want[i].reason ||
		    (want[i].reason == KVM_EXIT_IO &&
		     run->io.port != want[i].port)) {
			snprintf(detail, len,
				 "exit %u: reason %u port 0x%x, want reason %u port 0x%x",
				 i, run->exit_reason,
				 run->exit_reason == KVM_EXIT_IO ?
				 run->io.port : 0, want[i].reason,
				 want[i].port);
			goto out_run;
		}
	}
	snprintf(detail, len,
		 "OUT 107, OUT 0x20 and hlt all reached userspace");
	ret = 0;
out_run:
	munmap(run, size);
out_vcpu:
	close(vcpu);
out_mem:
	munmap(mem, GUEST_MEM);
	return ret;
}

int main(void)
{
	struct hlkvm_attach_opts opts;
	struct hlkvm_vm_info info = { .size = sizeof(info) };
	struct testvm_modes modes;
	struct hlkvm_client *c;
	char detail[512];
	int kvm, vm, efd, ret;

	if (testvm_modes(&modes)) {
		printf("not ok 1 - the irqchip modes to expect: %s\n",
		       modes.error);
		return 1;
	}
	/* What any /dev/kvm user can do: no capability at all */
	kvm = testvm_start(true, &c);
	if (kvm < 0)
		return -kvm;
	efd = eventfd(0, EFD_CLOEXEC);

	vm = new_vm(kvm, NO_IRQCHIP);
	expect_refused(c, "attach as uid 65534: VM with no in-kernel LAPIC is refused",
		       vm, efd, -EINVAL);
	tap_result(run_guest(kvm, vm, detail, sizeof(detail)) == 0,
		   "its guest arms the timer and EOIs: the host survives, every exit reaches userspace",
		   detail);
	close(vm);

	vm = new_vm(kvm, FULL);
	ret = hlkvm_attach(c, vm, efd, NULL, &info);
	snprintf(detail, sizeof(detail), "got %d: %s; groups 0x%x", ret,
		 hlkvm_strerror(c, ret), ret ? 0 : info.groups);
	tap_result(ret == 0 && !(info.groups & HLKVM_GROUP_F_PIC) &&
		   (info.groups & HLKVM_GROUP_F_PIT) &&
		   (info.groups & HLKVM_GROUP_F_TIMER),
		   "attach as uid 65534: VM with KVM's in-kernel PIC attaches, PIC group left to KVM",
		   detail);
	close(vm);

	vm = new_vm(kvm, FULL);
	hlkvm_attach_opts_init(&opts);
	opts.groups = HLKVM_GROUP_F_PIC | HLKVM_GROUP_F_TIMER;
	ret = vm < 0 ? vm : hlkvm_attach(c, vm, efd, &opts, &info);
	snprintf(detail, sizeof(detail), "got %d, want %d; kernel said: %s",
		 ret, -EOPNOTSUPP, hlkvm_strerror(c, ret));
	tap_result(ret == -EOPNOTSUPP &&
		   strstr(hlkvm_strerror(c, ret), "PIC") != NULL,
		   "attach: the PIC group asked for on a VM with KVM's PIC is refused",
		   detail);
	if (vm >= 0)
		close(vm);

	vm = new_vm(kvm, FULL_PIT);
	expect_refused(c, "attach: VM with KVM's PIC and PIT (KVM_CREATE_PIT2) is refused",
		       vm, efd, -EOPNOTSUPP);
	if (vm >= 0)
		close(vm);

	/*
	 * Newer KVMs (6.12 here) refuse KVM_CREATE_PIT2 without their own
	 * PIC (-ENOENT): then no split VM can carry a PIT to shadow, which
	 * is the property this case is about, checked as such.
	 */
	vm = new_vm(kvm, SPLIT_PIT);
	if (vm == -ENOENT)
		tap_result(true, "split-irqchip VM with KVM's PIT cannot exist: KVM_CREATE_PIT2 refused by KVM (-ENOENT)",
			   NULL);
	else
		expect_refused(c, "attach: split-irqchip VM with KVM's PIT (KVM_CREATE_PIT2) is refused",
			       vm, efd, -EOPNOTSUPP);
	if (vm >= 0)
		close(vm);

	vm = new_vm(kvm, SPLIT);
	ret = hlkvm_attach(c, vm, efd, NULL, &info);
	snprintf(detail, sizeof(detail), "got %d: %s", ret,
		 hlkvm_strerror(c, ret));
	if (modes.run[HLKVM_IRQCHIP_SPLIT])
		tap_result(ret == 0 && (info.groups & HLKVM_GROUP_F_PIC),
			   "attach as uid 65534: split-irqchip VM attaches, PIC group absorbed",
			   ret ? detail : NULL);
	else
		tap_result(ret == -EOPNOTSUPP &&
			   strstr(hlkvm_strerror(c, ret), "full-irqchip") != NULL,
			   "attach: split-irqchip VM refused (6.18+, or HLKVM_TEST_IRQCHIPS), the extack naming full-irqchip mode",
			   detail);
	close(vm);

	hlkvm_close(c);
	close(efd);
	close(kvm);
	printf("%d cases, %d failed\n", tap_cases, tap_failed);
	return tap_failed ? 1 : 0;
}
