// SPDX-License-Identifier: GPL-2.0
/*
 * Lifecycle of hlkvm attachments, against the loaded module (test host):
 * rejected attaches (not a KVM fd, a closed fd, twice), an unprivileged
 * dump, detach by socket close, a VMM killed while its timer ticks, and
 * (last, with --rmmod) rmmod while a VM is attached and ticking. The test
 * host fails the run on any kernel WARNING/BUG. Prints "ok N - what" or
 * "not ok N - what: got ..., want ..."; exits 1 if any case failed, 77
 * (skip) without /dev/kvm or without the module.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hlkvm.h"

static int n_case, n_failed;

static void result(bool ok, const char *what, int got, int want,
		   const struct hlkvm_client *c)
{
	n_case++;
	if (ok) {
		printf("ok %d - %s\n", n_case, what);
		return;
	}
	n_failed++;
	printf("not ok %d - %s: got %d (%s), want %d\n", n_case, what, got,
	       c ? hlkvm_strerror(c, got) : strerror(-got), want);
}

/* Expect @got == @want; an error must carry the kernel's extack text */
static void expect(const char *what, int got, int want,
		   const struct hlkvm_client *c)
{
	result(got == want, what, got, want, c);
	if (got == want && want < 0) {
		const char *msg = hlkvm_strerror(c, got);

		printf("#   kernel said: %s\n", msg);
	}
}

/* A VM with KVM's split irqchip, the one configuration hlkvm attaches */
static int new_vm(void)
{
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_SPLIT_IRQCHIP,
		.args[0] = 24,
	};
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	int vm, err;

	if (kvm < 0)
		return -errno;
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	err = errno;
	close(kvm);
	if (vm < 0)
		return -err;
	if (ioctl(vm, KVM_ENABLE_CAP, &cap)) {
		err = errno;
		close(vm);
		return -err;
	}
	return vm;
}

static int vm_count(struct hlkvm_client *c)
{
	struct hlkvm_config cfg;
	int ret = hlkvm_get_config(c, &cfg);

	return ret < 0 ? ret : (int)cfg.vm_count;
}

static int attach_ticking(struct hlkvm_client *c, int vm, int efd,
			  uint32_t period_us)
{
	struct hlkvm_vm_ref ref = { .vm_fd = vm };
	struct hlkvm_vm_info info;
	struct hlkvm_vm_set set;
	int ret;

	ret = hlkvm_attach(c, vm, efd, NULL, &info);
	if (ret < 0)
		return ret;
	hlkvm_vm_set_init(&set);
	set.timer_period_us = period_us;
	return hlkvm_set_vm(c, &ref, &set);
}

/* In a child that dropped every privilege: a dump must be refused */
static int dump_cb(const struct hlkvm_vm_info *info, void *arg);

static int unprivileged_dump(void)
{
	struct hlkvm_client *c;
	int ret, n = 0;

	if (setgid(65534) || setuid(65534))
		return -errno;
	ret = hlkvm_open(&c);
	if (ret < 0)
		return ret;
	ret = hlkvm_dump_vms(c, dump_cb, &n);
	printf("#   kernel said: %s\n", hlkvm_strerror(c, ret));
	hlkvm_close(c);
	return ret;
}

static int dump_cb(const struct hlkvm_vm_info *info, void *arg)
{
	(void)info;
	++*(int *)arg;
	return 0;
}

int main(int argc, char **argv)
{
	bool do_rmmod = argc > 1 && !strcmp(argv[1], "--rmmod");
	struct hlkvm_vm_ref ref = { .vm_fd = -1 };
	struct hlkvm_client *c, *c2;
	struct hlkvm_vm_info info;
	int vm, vm2, efd, ret, n, status;
	pid_t pid;

	vm = new_vm();
	if (vm < 0) {
		printf("SKIP: no KVM VM (%s)\n", strerror(-vm));
		return 77;
	}
	ret = hlkvm_open(&c);
	if (ret < 0) {
		printf("SKIP: hlkvm module not reachable (%s)\n",
		       strerror(-ret));
		return 77;
	}
	efd = eventfd(0, EFD_CLOEXEC);

	expect("attach: VM fd is an eventfd, not a KVM VM",
	       hlkvm_attach(c, efd, efd, NULL, &info), -EINVAL, c);
	expect("attach: VM fd is closed",
	       hlkvm_attach(c, 1000, efd, NULL, &info), -EBADF, c);
	expect("attach: irq fd is a KVM VM, not an eventfd",
	       hlkvm_attach(c, vm, vm, NULL, &info), -EINVAL, c);
	expect("attach", hlkvm_attach(c, vm, efd, NULL, &info), 0, c);
	expect("attach: twice", hlkvm_attach(c, vm, efd, NULL, &info),
	       -EEXIST, c);

	n = 0;
	ret = hlkvm_dump_vms(c, dump_cb, &n);
	result(ret == 0 && n == 1, "dump as root lists the one VM", ret ?: n,
	       1, c);

	pid = fork();
	if (pid == 0)
		_exit(unprivileged_dump() == -EPERM ? 0 : 1);
	waitpid(pid, &status, 0);
	result(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "dump without CAP_NET_ADMIN: -EPERM", status, 0, NULL);

	ref.vm_fd = vm;
	expect("detach", hlkvm_detach(c, &ref), 0, c);
	expect("detach: not attached", hlkvm_detach(c, &ref), -ENOENT, c);
	expect("VM count after detach", vm_count(c), 0, c);

	/* The socket owns the attachment: closing it detaches */
	ret = hlkvm_open(&c2);
	if (ret == 0) {
		ret = attach_ticking(c2, vm, efd, 1000);
		expect("attach + 1000 us timer on a second socket", ret, 0, c2);
		expect("VM count with it attached", vm_count(c), 1, c);
		hlkvm_close(c2);
		expect("VM count after that socket closed", vm_count(c), 0, c);
	}

	/* A VMM killed while its timer ticks at the shortest period */
	pid = fork();
	if (pid == 0) {
		struct hlkvm_client *cc;
		int cvm = new_vm();

		if (cvm < 0 || hlkvm_open(&cc) ||
		    attach_ticking(cc, cvm, efd, 100))
			_exit(1);
		write(1, "#   child ticking\n", 18);
		pause();
		_exit(0);
	}
	for (n = 0; n < 200 && vm_count(c) < 1; n++)
		usleep(10000);
	expect("VM count with the child attached", vm_count(c), 1, c);
	usleep(200000);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	expect("VM count after the child was killed", vm_count(c), 0, c);

	/*
	 * The VMM closes its VM fd but keeps the socket: our reference must
	 * not keep the VM (and its timer) alive. The module's reaper looks
	 * once a second.
	 */
	vm2 = new_vm();
	expect("attach + 100 us timer, then close the VM fd",
	       attach_ticking(c, vm2, efd, 100), 0, c);
	expect("VM count with it attached", vm_count(c), 1, c);
	close(vm2);
	for (n = 0; n < 50 && vm_count(c) > 0; n++)
		usleep(100000);
	expect("VM count once the VM's last fd was closed", vm_count(c), 0,
	       c);

	if (do_rmmod) {
		const char *ko = getenv("HLKVM_KO");
		char cmd[512];

		vm2 = new_vm();
		expect("attach + 100 us timer before rmmod",
		       attach_ticking(c, vm2, efd, 100), 0, c);
		expect("and a second VM", attach_ticking(c, vm, efd, 1000), 0,
		       c);
		usleep(200000);
		ret = system("rmmod hlkvm");
		result(ret == 0, "rmmod with two VMs attached and ticking", ret,
		       0, NULL);
		hlkvm_close(c);
		c = NULL;
		if (ko && *ko) {
			snprintf(cmd, sizeof(cmd), "insmod %s", ko);
			ret = system(cmd);
			result(ret == 0, "insmod again", ret, 0, NULL);
			if (hlkvm_open(&c) == 0)
				expect("VM count after reload", vm_count(c), 0,
				       c);
			/* The VM fds are still open: they attach again */
			if (c)
				expect("attach again after reload",
				       hlkvm_attach(c, vm2, efd, NULL, &info),
				       0, c);
		}
		close(vm2);
	}
	hlkvm_close(c);
	close(vm);
	close(efd);
	printf("%d cases, %d failed\n", n_case, n_failed);
	return n_failed ? 1 : 0;
}
