// SPDX-License-Identifier: GPL-2.0
/*
 * sysctl kernel.ftrace_enabled=0 against the hook (hardening finding 6).
 * Before the fix the sysctl was accepted while a VM was attached, and
 * from then on every port the VMM relied on hlkvm to absorb silently
 * reached the VMM; an attach with ftrace disabled "succeeded" with no
 * hook running. Now the sysctl is refused while a VM is attached, and an
 * attach is refused, with an extack, while ftrace is disabled.
 *
 * Uses a full-irqchip VM (KVM_CREATE_IRQCHIP), which every supported
 * kernel attaches. Run as root; leaves ftrace_enabled as it found it.
 * Prints "ok N - what" / "not ok N - what: ..."; exits 1 if any case
 * failed, 77 (skip) without /dev/kvm, the sysctl or the module.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "hlkvm.h"
#include "tap.h"
#include "testvm.h"

#define SYSCTL "/proc/sys/kernel/ftrace_enabled"

/* Write @v to the sysctl: 0, or -errno of the write */
static int set_ftrace_enabled(char v)
{
	int fd = open(SYSCTL, O_WRONLY | O_CLOEXEC);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, &v, 1) != 1)
		ret = -errno;
	close(fd);
	return ret;
}

static int full_irqchip_vm(int kvm)
{
	int vm = ioctl(kvm, KVM_CREATE_VM, 0);

	if (vm >= 0 && ioctl(vm, KVM_CREATE_IRQCHIP, 0)) {
		close(vm);
		return -1;
	}
	return vm;
}

int main(void)
{
	struct hlkvm_vm_ref ref = { .vm_fd = -1 };
	struct hlkvm_vm_info info = { .size = sizeof(info) };
	struct hlkvm_client *c;
	char detail[512];
	int kvm, vm, efd, ret;

	if (access(SYSCTL, W_OK)) {
		printf("SKIP: %s not writable (%s)\n", SYSCTL, strerror(errno));
		return 77;
	}
	kvm = testvm_start(false, &c);
	if (kvm < 0)
		return -kvm;
	efd = eventfd(0, EFD_CLOEXEC);
	vm = full_irqchip_vm(kvm);
	if (vm < 0) {
		printf("not ok 1 - full-irqchip VM: %s\n", strerror(errno));
		return 1;
	}

	/*
	 * Some kernels (Debian's 7.x) refuse the sysctl's 0 themselves
	 * (-EOPNOTSUPP): there nothing can switch the hook off, and what is
	 * left to show is that attaching still works.
	 */
	ret = set_ftrace_enabled('0');
	if (ret == -EOPNOTSUPP || ret == -EINVAL) {
		printf("ok %d - kernel.ftrace_enabled=0 # SKIP refused by this kernel itself (%s): ftrace cannot be disabled here\n",
		       ++tap_cases, strerror(-ret));
		ret = hlkvm_attach(c, vm, efd, NULL, &info);
		snprintf(detail, sizeof(detail), "attach: %d (%s)", ret,
			 hlkvm_strerror(c, ret));
		tap_result(ret == 0, "attach works", detail);
		goto out;
	}
	snprintf(detail, sizeof(detail), "write 0 gave %d", ret);
	tap_result(ret == 0, "kernel.ftrace_enabled=0 accepted with no VM attached",
		   detail);

	ret = hlkvm_attach(c, vm, efd, NULL, &info);
	snprintf(detail, sizeof(detail), "got %d, want %d; kernel said: %s",
		 ret, -EBUSY, hlkvm_strerror(c, ret));
	tap_result(ret == -EBUSY &&
		   strstr(hlkvm_strerror(c, ret), "ftrace_enabled") != NULL,
		   "attach refused while ftrace is disabled, the extack naming the sysctl",
		   detail);
	ref.vm_fd = vm;
	if (ret == 0)
		hlkvm_detach(c, &ref);

	ret = set_ftrace_enabled('1');
	snprintf(detail, sizeof(detail), "write 1 gave %d", ret);
	tap_result(ret == 0, "kernel.ftrace_enabled=1 again", detail);
	ret = hlkvm_attach(c, vm, efd, NULL, &info);
	snprintf(detail, sizeof(detail), "attach: %d (%s)", ret,
		 hlkvm_strerror(c, ret));
	tap_result(ret == 0, "attach works again once ftrace is re-enabled",
		   detail);

	ret = set_ftrace_enabled('0');
	snprintf(detail, sizeof(detail), "write 0 gave %d, want %d", ret,
		 -EBUSY);
	tap_result(ret == -EBUSY,
		   "kernel.ftrace_enabled=0 refused while a VM is attached", detail);
	if (ret == 0)
		set_ftrace_enabled('1');
out:
	hlkvm_close(c);
	close(vm);
	close(efd);
	close(kvm);
	printf("%d cases, %d failed\n", tap_cases, tap_failed);
	return tap_failed ? 1 : 0;
}
