// SPDX-License-Identifier: GPL-2.0
/*
 * HLKVM_CMD_GET_STATE / SET_STATE against the loaded module (test host),
 * as an unprivileged user (uid 65534, only /dev/kvm): the state of an
 * attached VM reads back as the uapi documents it, writes back, and every
 * bad field is refused with the errno and extack naming it, the VM left
 * as it was; a VM not attached, or named by id without CAP_NET_ADMIN, is
 * refused. KVM's full irqchip, which every kernel's module serves.
 *
 * Prints "ok N - what" / "not ok N - what: ..."; exits 1 if any case
 * failed, 77 (skip) without /dev/kvm or without the module.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "hlkvm.h"
#include "tap.h"
#include "testvm.h"

/* SET_STATE of @s must fail with @want and the message @msg */
static void expect_refused(struct hlkvm_client *c,
			   const struct hlkvm_vm_ref *ref,
			   const struct hlkvm_vm_state *s, size_t len,
			   int want, const char *msg, const char *what)
{
	struct hlkvm_vm_state after;
	char detail[512];
	const char *got;
	int ret;

	ret = hlkvm_set_state(c, ref, s, len);
	got = hlkvm_strerror(c, ret);
	snprintf(detail, sizeof(detail), "got %d (%s), want %d (%s)", ret, got,
		 want, msg);
	tap_result(ret == want && !strcmp(got, msg), what, detail);
	/* The VM is as it was: the 1000 us timer still runs */
	after.size = sizeof(after);
	ret = hlkvm_get_state(c, ref, &after);
	snprintf(detail, sizeof(detail), "get %d, running %u, period %u", ret,
		 after.timer_flags, after.period_us);
	tap_result(!ret && after.timer_flags == HLKVM_STATE_TIMER_F_RUNNING &&
		   after.period_us == 1000, "  ... and the VM's state is unchanged",
		   detail);
}

int main(void)
{
	struct hlkvm_vm_ref ref = { .vm_id = 0 }, by_id;
	struct hlkvm_vm_state s, bad;
	unsigned char junk[sizeof(s)];
	struct hlkvm_vm_info info = { .size = sizeof(info) };
	struct hlkvm_vm_set set;
	struct hlkvm_client *c;
	char detail[512];
	int kvm, vm, vm2, efd, ret;

	kvm = testvm_start(true, &c);
	if (kvm < 0)
		return -kvm;
	efd = eventfd(0, EFD_CLOEXEC);
	vm = testvm_create(kvm, HLKVM_IRQCHIP_KERNEL);
	vm2 = testvm_create(kvm, HLKVM_IRQCHIP_KERNEL);
	if (vm < 0 || vm2 < 0 || efd < 0) {
		printf("not ok 1 - creating the VMs: %s\n",
		       strerror(vm < 0 ? -vm : -vm2));
		return 1;
	}
	ref.vm_fd = vm;

	s.size = sizeof(s);
	ret = hlkvm_get_state(c, &ref, &s);
	snprintf(detail, sizeof(detail), "got %d: %s", ret,
		 hlkvm_strerror(c, ret));
	tap_result(ret == -ENOENT && !strcmp(hlkvm_strerror(c, ret),
					 "VM is not attached"),
		   "GET_STATE of a VM not attached: -ENOENT, named", detail);

	ret = hlkvm_attach(c, vm, efd, NULL, &info);
	if (ret) {
		printf("not ok %d - attach: %s\n", ++tap_cases,
		       hlkvm_strerror(c, ret));
		return 1;
	}
	s.size = sizeof(s);
	ret = hlkvm_get_state(c, &ref, &s);
	snprintf(detail, sizeof(detail), "got %d, version %u, size %u, flags %u",
		 ret, s.version, s.size, s.timer_flags);
	tap_result(!ret && s.version == HLKVM_STATE_VERSION &&
		   s.size == sizeof(s) && s.timer_flags == 0 && !s.period_us &&
		   !s.pit[0].cw && !s.pic_init && !s.pic_flags,
		   "GET_STATE after attach: the newest version, stopped, no 8254 programmed, no 8259 mode",
		   detail);

	hlkvm_vm_set_init(&set);
	set.timer_period_us = 1000;
	ret = hlkvm_set_vm(c, &ref, &set);
	s.size = sizeof(s);
	ret = ret ? ret : hlkvm_get_state(c, &ref, &s);
	snprintf(detail, sizeof(detail), "got %d, flags %u, requested %u, period %u, next %llu ns",
		 ret, s.timer_flags, s.requested_us, s.period_us,
		 (unsigned long long)s.next_tick_ns);
	tap_result(!ret && s.timer_flags == HLKVM_STATE_TIMER_F_RUNNING &&
		   s.requested_us == 1000 && s.period_us == 1000 &&
		   s.next_tick_ns <= 1000000,
		   "GET_STATE of a 1000 us timer: running, the next tick within a period",
		   detail);

	/*
	 * A caller built against version 1's header: the module's state cut
	 * to it, its size and version saying so, nothing written past it
	 */
	memset(junk, 0x5a, sizeof(junk));
	memcpy(&bad, junk, sizeof(bad));
	bad.size = HLKVM_VM_STATE_SIZE_VER1;
	ret = hlkvm_get_state(c, &ref, &bad);
	snprintf(detail, sizeof(detail), "got %d (%s), version %u, size %u, period %u, byte 144 0x%x (0x5a: not written)",
		 ret, hlkvm_strerror(c, ret), bad.version, bad.size,
		 bad.period_us, bad.pic_init);
	tap_result(!ret && bad.version == 1 &&
		   bad.size == HLKVM_VM_STATE_SIZE_VER1 &&
		   bad.period_us == 1000 &&
		   !memcmp(&bad.pic_init, junk, sizeof(bad) -
			   HLKVM_VM_STATE_SIZE_VER1),
		   "GET_STATE into a version 1 caller's 144 bytes: a version 1 state",
		   detail);
	bad.size = HLKVM_VM_STATE_SIZE_VER1 - 1;
	ret = hlkvm_get_state(c, &ref, &bad);
	snprintf(detail, sizeof(detail), "got %d: %s", ret,
		 hlkvm_strerror(c, ret));
	tap_result(ret == -EINVAL &&
		   strstr(hlkvm_strerror(c, ret), "struct hlkvm_vm_state: size 143"),
		   "GET_STATE into 143 bytes: -EINVAL, the struct named", detail);

	/* The state of one VM restores into another, and reads back */
	ret = hlkvm_attach(c, vm2, efd, NULL, NULL);
	by_id = (struct hlkvm_vm_ref){ .vm_fd = vm2 };
	ret = ret ? ret : hlkvm_set_state(c, &by_id, &s, sizeof(s));
	bad.size = sizeof(bad);
	ret = ret ? ret : hlkvm_get_state(c, &by_id, &bad);
	snprintf(detail, sizeof(detail), "got %d: %s", ret,
		 hlkvm_strerror(c, ret));
	tap_result(!ret && bad.timer_flags == HLKVM_STATE_TIMER_F_RUNNING &&
		   bad.period_us == 1000 && bad.next_tick_ns <= 1000000,
		   "SET_STATE into a second VM: its timer runs at 1000 us", detail);

	bad = s;
	bad.period_us = 50;
	expect_refused(c, &ref, &bad, sizeof(bad), -ERANGE,
		       "state: period_us is outside the period clamp in force",
		       "SET_STATE with a period below the clamp: -ERANGE, field named");
	bad = s;
	bad.backlog = HLKVM_BACKLOG_LIMIT + 1;
	expect_refused(c, &ref, &bad, sizeof(bad), -ERANGE,
		       "state: backlog exceeds the VM's backlog bound",
		       "SET_STATE with a backlog over the bound: -ERANGE, field named");
	bad = s;
	bad.version = HLKVM_STATE_VERSION + 1;
	expect_refused(c, &ref, &bad, sizeof(bad), -EOPNOTSUPP,
		       "state: version is newer than this hlkvm knows",
		       "SET_STATE of a future version: -EOPNOTSUPP, named");
	bad = s;
	bad.pit[1].cw = 0x80;
	expect_refused(c, &ref, &bad, sizeof(bad), -EINVAL,
		       "state: pit[1].cw is not a control word",
		       "SET_STATE with a bad 8254 control word: -EINVAL, channel named");
	expect_refused(c, &ref, &s, sizeof(s) - 8, -EINVAL,
		       "state: length does not match its size field",
		       "SET_STATE of a short attribute: -EINVAL, named");
	bad = s;
	bad.pic_flags = 0x80;
	expect_refused(c, &ref, &bad, sizeof(bad), -EINVAL,
		       "state: pic_flags has unknown bits",
		       "SET_STATE with an unknown 8259 flag: -EINVAL, named");
	bad = s;
	bad.pic_flags = HLKVM_STATE_PIC_F_AUTO_EOI;
	expect_refused(c, &ref, &bad, sizeof(bad), -EINVAL,
		       "state: pic_flags has AUTO_EOI without IC4",
		       "SET_STATE with auto-EOI but no ICW4: -EINVAL, named");

	/* KVM's 8259 in auto-EOI mode restores, and reads back */
	bad = s;
	bad.pic_flags = HLKVM_STATE_PIC_F_IC4 | HLKVM_STATE_PIC_F_AUTO_EOI;
	ret = hlkvm_set_state(c, &by_id, &bad, sizeof(bad));
	bad.size = sizeof(bad);
	ret = ret ? ret : hlkvm_get_state(c, &by_id, &bad);
	snprintf(detail, sizeof(detail), "got %d (%s), pic_init %u, pic_flags 0x%x",
		 ret, hlkvm_strerror(c, ret), bad.pic_init, bad.pic_flags);
	tap_result(!ret && bad.pic_init == HLKVM_STATE_PIC_INIT_NONE &&
		   bad.pic_flags == (HLKVM_STATE_PIC_F_IC4 |
				     HLKVM_STATE_PIC_F_AUTO_EOI),
		   "SET_STATE of an auto-EOI 8259: accepted, reads back", detail);

	/* A version 1 state: its first 144 bytes; the 8259 then is reset */
	bad = s;
	bad.version = 1;
	bad.size = offsetof(struct hlkvm_vm_state, pic_init);
	ret = hlkvm_set_state(c, &by_id, &bad, bad.size);
	bad.size = sizeof(bad);
	ret = ret ? ret : hlkvm_get_state(c, &by_id, &bad);
	snprintf(detail, sizeof(detail), "got %d (%s), version %u, pic_flags 0x%x",
		 ret, hlkvm_strerror(c, ret), bad.version, bad.pic_flags);
	tap_result(!ret && bad.version == HLKVM_STATE_VERSION &&
		   bad.pic_flags == 0 && bad.period_us == 1000,
		   "SET_STATE of a version 1 state (144 bytes): accepted, auto-EOI off",
		   detail);

	ret = hlkvm_set_state(c, &ref, &s, sizeof(s));
	snprintf(detail, sizeof(detail), "got %d: %s", ret,
		 hlkvm_strerror(c, ret));
	tap_result(!ret, "SET_STATE of the state just read: accepted", detail);

	by_id = (struct hlkvm_vm_ref){ .vm_fd = -1, .vm_id = info.vm_id };
	ret = hlkvm_set_state(c, &by_id, &s, sizeof(s));
	snprintf(detail, sizeof(detail), "got %d: %s", ret,
		 hlkvm_strerror(c, ret));
	tap_result(ret == -EPERM, "SET_STATE naming the VM by id without CAP_NET_ADMIN: -EPERM",
		   detail);

	hlkvm_close(c);
	close(vm);
	close(vm2);
	close(efd);
	close(kvm);
	printf("1..%d\n", tap_cases);
	return tap_failed ? 1 : 0;
}
