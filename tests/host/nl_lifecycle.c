// SPDX-License-Identifier: GPL-2.0
/*
 * Lifecycle of hlkvm attachments, against the loaded module (test host):
 * rejected attaches (not a KVM fd, a closed fd, twice), an unprivileged
 * dump, detach by socket close, a VMM killed while its timer ticks, and
 * (last, with --rmmod) rmmod while VMs are attached and ticking.
 *
 * Every case with a VM runs once per irqchip mode the kernel is expected
 * to serve (testvm.h: split and kernel before Linux 6.18, kernel alone
 * from 6.18; HLKVM_TEST_IRQCHIPS overrides), its name prefixed with
 * "[irqchip=MODE]"; a mode not run is one skip line saying why. With
 * --rmmod, each mode's rmmod comes after every mode's other cases, and the
 * module is loaded again from $HLKVM_KO in between; without HLKVM_KO only
 * the first mode's rmmod can run, the others are skipped.
 *
 * The test host fails the run on any kernel WARNING/BUG. Prints "ok N -
 * what" or "not ok N - what: got ..., want ..."; exits 1 if any case
 * failed, 77 (skip) without /dev/kvm or without the module.
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
#include "tap.h"
#include "testvm.h"

/*
 * The irqchip mode whose cases run now, and "[irqchip=MODE] " for its
 * case names ("" for the mode-free ones)
 */
static enum hlkvm_irqchip cur_mode;

static void set_mode(enum hlkvm_irqchip mode)
{
	cur_mode = mode;
	snprintf(tap_prefix, sizeof(tap_prefix), "[irqchip=%s] ",
		 testvm_irqchip_name(mode));
}

static void result(bool ok, const char *what, int got, int want,
		   const struct hlkvm_client *c)
{
	tap_resultf(ok, what, ok ? NULL : "got %d (%s), want %d", got,
		    c ? hlkvm_strerror(c, got) : strerror(-got), want);
}

/* After an attach that returned @ret: did the module serve it in cur_mode? */
static void expect_mode(const char *what, int ret,
			const struct hlkvm_vm_info *info)
{
	bool ok = ret == 0 && testvm_attached_as(cur_mode, info);

	tap_resultf(ok, what,
		    ok ? NULL : "attach %d, groups 0x%x; want the PIC group %s",
		    ret, ret ? 0 : info->groups,
		    cur_mode == HLKVM_IRQCHIP_SPLIT ? "absorbed" : "left to KVM");
}

static void skip(const char *what, const char *why)
{
	printf("ok %d - %s%s # SKIP %s\n", ++tap_cases, tap_prefix, what, why);
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

/* A VM in the irqchip mode whose cases run now */
static int new_vm(void)
{
	return testvm_create_new(cur_mode);
}

static int vm_count(struct hlkvm_client *c)
{
	struct hlkvm_config cfg = { .size = sizeof(cfg) };
	int ret = hlkvm_get_config(c, &cfg);

	return ret < 0 ? ret : (int)cfg.vm_count;
}

static int attach_ticking(struct hlkvm_client *c, int vm, int efd,
			  uint32_t period_us)
{
	struct hlkvm_vm_ref ref = { .vm_fd = vm };
	struct hlkvm_vm_info info = { .size = sizeof(info) };
	struct hlkvm_vm_set set;
	int ret;

	ret = hlkvm_attach(c, vm, efd, NULL, &info);
	if (ret < 0)
		return ret;
	/* Served in the mode asked for, or this mode's cases test nothing */
	if (!testvm_attached_as(cur_mode, &info))
		return -EPROTO;
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

/*
 * One mode's cases, rmmod aside, on @vm (a VM of that mode, left open and
 * detached for the rmmod cases).
 */
static void mode_cases(struct hlkvm_client *c, int vm, int efd)
{
	struct hlkvm_vm_ref ref = { .vm_fd = vm };
	struct hlkvm_client *c2;
	struct hlkvm_vm_info info = { .size = sizeof(info) };
	int vm2, ret, n, status;
	pid_t pid;

	expect("attach: irq fd is a KVM VM, not an eventfd",
	       hlkvm_attach(c, vm, vm, NULL, &info), -EINVAL, c);
	ret = hlkvm_attach(c, vm, efd, NULL, &info);
	expect("attach", ret, 0, c);
	expect_mode("attach: served in this irqchip mode (the PIC group absorbed exactly with a split irqchip)",
		    ret, &info);
	expect("attach: twice", hlkvm_attach(c, vm, efd, NULL, &info),
	       -EEXIST, c);

	n = 0;
	ret = hlkvm_dump_vms(c, dump_cb, &n);
	result(ret == 0 && n == 1, "dump as root lists the one VM", ret ?: n,
	       1, c);

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		ret = unprivileged_dump();
		fflush(stdout);
		_exit(ret == -EPERM ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	result(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "dump without CAP_NET_ADMIN: -EPERM", status, 0, NULL);

	expect("detach", hlkvm_detach(c, &ref), 0, c);
	expect("detach: not attached", hlkvm_detach(c, &ref), -ENOENT, c);
	expect("VM count after detach", vm_count(c), 0, c);

	/* The socket owns the attachment: closing it detaches */
	ret = hlkvm_open(&c2);
	expect("a second socket", ret, 0, NULL);
	if (ret == 0) {
		ret = attach_ticking(c2, vm, efd, 1000);
		expect("attach + 1000 us timer on a second socket", ret, 0, c2);
		expect("VM count with it attached", vm_count(c), 1, c);
		hlkvm_close(c2);
		expect("VM count after that socket closed", vm_count(c), 0, c);
	}

	/* A VMM killed while its timer ticks at the shortest period */
	fflush(stdout);
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
	if (vm2 >= 0)
		close(vm2);
	for (n = 0; n < 50 && vm_count(c) > 0; n++)
		usleep(100000);
	expect("VM count once the VM's last fd was closed", vm_count(c), 0,
	       c);
}

/*
 * rmmod under two ticking VMs of the current mode (a new one and @vm),
 * then insmod from $HLKVM_KO, if set, and attach again. *@c is the
 * socket, NULL when the module could not be loaded again.
 */
static void rmmod_cases(struct hlkvm_client **c, int vm, int efd)
{
	const char *ko = getenv("HLKVM_KO");
	struct hlkvm_vm_info info = { .size = sizeof(info) };
	char cmd[512];
	int vm2, ret;

	vm2 = new_vm();
	expect("attach + 100 us timer before rmmod",
	       attach_ticking(*c, vm2, efd, 100), 0, *c);
	expect("and a second VM", attach_ticking(*c, vm, efd, 1000), 0, *c);
	usleep(200000);
	ret = system("rmmod hlkvm");
	result(ret == 0, "rmmod with two VMs attached and ticking", ret, 0,
	       NULL);
	hlkvm_close(*c);
	*c = NULL;
	if (ko && *ko) {
		snprintf(cmd, sizeof(cmd), "insmod %s", ko);
		ret = system(cmd);
		result(ret == 0, "insmod again", ret, 0, NULL);
		ret = hlkvm_open(c);
		if (ret) {
			*c = NULL;
			result(false, "the module reachable after reload", ret,
			       0, NULL);
		} else {
			expect("VM count after reload", vm_count(*c), 0, *c);
			/* The VM fds are still open: they attach again */
			ret = hlkvm_attach(*c, vm2, efd, NULL, &info);
			expect("attach again after reload", ret, 0, *c);
			expect_mode("attach again after reload: served in this irqchip mode",
				    ret, &info);
		}
	}
	if (vm2 >= 0)
		close(vm2);
}

int main(int argc, char **argv)
{
	bool do_rmmod = argc > 1 && !strcmp(argv[1], "--rmmod");
	int vms[__HLKVM_IRQCHIP_COUNT];
	struct testvm_modes modes;
	struct hlkvm_client *c;
	struct hlkvm_vm_info info = { .size = sizeof(info) };
	enum hlkvm_irqchip m;
	int kvm, efd;

	if (testvm_modes(&modes)) {
		printf("not ok 1 - the irqchip modes to test: %s\n",
		       modes.error);
		return 1;
	}
	kvm = testvm_start(false, &c);
	if (kvm < 0)
		return -kvm;
	close(kvm);
	efd = eventfd(0, EFD_CLOEXEC);

	/* Refused before any VM is looked at: no irqchip mode involved */
	expect("attach: VM fd is an eventfd, not a KVM VM",
	       hlkvm_attach(c, efd, efd, NULL, &info), -EINVAL, c);
	expect("attach: VM fd is closed",
	       hlkvm_attach(c, 1000, efd, NULL, &info), -EBADF, c);

	for (m = 0; m < __HLKVM_IRQCHIP_COUNT; m++) {
		vms[m] = -1;
		set_mode(m);
		if (!modes.run[m]) {
			skip("lifecycle cases", modes.why[m]);
			continue;
		}
		vms[m] = new_vm();
		if (vms[m] < 0) {
			result(false, "a VM in this irqchip mode", vms[m], 0,
			       NULL);
			continue;
		}
		mode_cases(c, vms[m], efd);
	}

	for (m = 0; do_rmmod && m < __HLKVM_IRQCHIP_COUNT; m++) {
		if (vms[m] < 0)
			continue;
		set_mode(m);
		if (!c)
			skip("rmmod with two VMs attached and ticking",
			     "the module was not loaded again after the previous rmmod (no HLKVM_KO)");
		else
			rmmod_cases(&c, vms[m], efd);
	}
	tap_prefix[0] = 0;

	hlkvm_close(c);
	for (m = 0; m < __HLKVM_IRQCHIP_COUNT; m++)
		if (vms[m] >= 0)
			close(vms[m]);
	close(efd);
	printf("%d cases, %d failed\n", tap_cases, tap_failed);
	return tap_failed ? 1 : 0;
}
