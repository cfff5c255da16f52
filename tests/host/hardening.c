// SPDX-License-Identifier: GPL-2.0
/*
 * Hardening review findings 2, 4, 7 and 8 (issue 9), against the loaded
 * module (test host), as an unprivileged user: only /dev/kvm access, as
 * any sandbox host has. Every VM here has KVM's full irqchip, which every
 * kernel serves; the guests are a few real-mode instructions whose exits
 * (or their absence) show who answered each port.
 *
 *  - one vCPU (finding 8): a VM with two vCPUs is refused; a second vCPU
 *    created after attach has its accesses passed through to the VMM,
 *    where vCPU 0's are absorbed. Before the fix both vCPUs were served
 *    as one (EOIs bridged on whichever vCPU, one port state).
 *  - KVM's own devices (finding 2): an ioeventfd on an absorbed port
 *    (registered before or after attach) and KVM's PIT created after
 *    attach get their accesses; before the fix hlkvm answered them and
 *    the ioeventfd never fired, the PIT never saw the guest.
 *  - a per-user limit (finding 4): HLKVM_MAX_VMS_PER_USER attachments,
 *    then -ENOSPC naming the user limit. Before: only the global limit.
 *  - an ATTACH whose reply cannot be delivered (finding 7): the caller
 *    sees an error, so the VM must not stay attached. Before: it did.
 *  - the socket release race (finding 7): a socket that binds the port id
 *    of one being closed, and attaches in that window, keeps its VM. The
 *    window is a few instructions wide; a debug build of the module
 *    (Kbuild: HLKVM_DEBUG_KNOBS, the debug kernel's) holds it open with
 *    its urelease_delay_ms parameter, and there the case hits it in
 *    every round; elsewhere it runs at the natural width, which never
 *    caught the bug.
 *
 * Prints "ok N - what" / "not ok N - what: ..."; exits 1 if any case
 * failed, 77 (skip) without /dev/kvm or without the module.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hlkvm.h"
#include "rawnl.h"
#include "tap.h"
#include "testvm.h"

#define GUEST_MEM	0x10000
#define CODE_DIAG	0x1000
#define CODE_PIT	0x1100
#define PORT_DIAG	0x80
#define RACE_ROUNDS	50
/* With the window held open: every round is in it, and takes this long */
#define WIDE_ROUNDS	5
#define WIDE_MS		"300"
#define URELEASE_KNOB	"/sys/module/hlkvm/parameters/urelease_delay_ms"

/* The debug build's knob, opened as root before the drop; -1 without */
static int urelease_knob = -1;

static int knob_set(const char *ms)
{
	return pwrite(urelease_knob, ms, strlen(ms), 0) < 0 ? -errno : 0;
}

static int kvm_fd, hlkvm_family;

/* Real mode: one access, then the halt port, which always exits */
static const unsigned char code_diag[] = {
	0xe6, PORT_DIAG,			/* out 0x80, al */
	0xba, HLKVM_PORT_HALT, 0x00,		/* mov dx, 108 */
	0xee,					/* out dx, al */
	0xf4,					/* hlt */
};

static const unsigned char code_pit[] = {
	0xe4, 0x40,				/* in al, 0x40 */
	0xba, HLKVM_PORT_HALT, 0x00,		/* mov dx, 108 */
	0xee,					/* out dx, al */
	0xf4,					/* hlt */
};

struct tvm {
	int fd;
	void *mem;
};

struct tvcpu {
	int fd;
	struct kvm_run *run;
	int run_size;
};

/* A full-irqchip VM with the guest code in its memory; 0 or -errno */
static int tvm_new(struct tvm *v)
{
	struct kvm_userspace_memory_region region = {
		.memory_size = GUEST_MEM,
	};

	v->fd = testvm_create(kvm_fd, HLKVM_IRQCHIP_KERNEL);
	if (v->fd < 0)
		return v->fd;
	v->mem = mmap(NULL, GUEST_MEM, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (v->mem == MAP_FAILED) {
		close(v->fd);
		return -ENOMEM;
	}
	memcpy((char *)v->mem + CODE_DIAG, code_diag, sizeof(code_diag));
	memcpy((char *)v->mem + CODE_PIT, code_pit, sizeof(code_pit));
	region.userspace_addr = (unsigned long)v->mem;
	if (ioctl(v->fd, KVM_SET_USER_MEMORY_REGION, &region)) {
		int err = errno;

		munmap(v->mem, GUEST_MEM);
		close(v->fd);
		return -err;
	}
	return 0;
}

static void tvm_free(struct tvm *v)
{
	close(v->fd);
	munmap(v->mem, GUEST_MEM);
}

/* vCPU @id starting in real mode at @rip; 0 or -errno */
static int tvcpu_new(struct tvm *v, int id, uint64_t rip, struct tvcpu *c)
{
	struct kvm_mp_state runnable = { .mp_state = KVM_MP_STATE_RUNNABLE };
	struct kvm_regs regs = { .rip = rip, .rflags = 2 };
	struct kvm_sregs sregs;

	c->fd = ioctl(v->fd, KVM_CREATE_VCPU, id);
	if (c->fd < 0)
		return -errno;
	c->run_size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	c->run = mmap(NULL, c->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      c->fd, 0);
	if (c->run == MAP_FAILED || ioctl(c->fd, KVM_GET_SREGS, &sregs))
		goto err;
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(c->fd, KVM_SET_SREGS, &sregs) ||
	    ioctl(c->fd, KVM_SET_REGS, &regs))
		goto err;
	/* With an in-kernel LAPIC an AP waits for INIT/SIPI: start it */
	if (id != 0 && ioctl(c->fd, KVM_SET_MP_STATE, &runnable))
		goto err;
	return 0;
err:
	close(c->fd);
	return -EIO;
}

static void tvcpu_free(struct tvcpu *c)
{
	munmap(c->run, c->run_size);
	close(c->fd);
}

/* Run to the next userspace exit: the port of a KVM_EXIT_IO, or -1 */
static int tvcpu_next_io(struct tvcpu *c)
{
	if (ioctl(c->fd, KVM_RUN, 0) || c->run->exit_reason != KVM_EXIT_IO)
		return -1;
	return c->run->io.port;
}

static int attach(struct hlkvm_client *c, struct tvm *v, int efd,
		  struct hlkvm_vm_info *info)
{
	return hlkvm_attach(c, v->fd, efd, NULL, info);
}

static int get_vm(struct hlkvm_client *c, int vm_fd,
		  struct hlkvm_vm_info *info)
{
	struct hlkvm_vm_ref ref = { .vm_fd = vm_fd };

	return hlkvm_get_vm(c, &ref, info);
}

static void detach(struct hlkvm_client *c, int vm_fd)
{
	struct hlkvm_vm_ref ref = { .vm_fd = vm_fd };

	hlkvm_detach(c, &ref);
}

static void case_two_vcpus(struct hlkvm_client *c, int efd)
{
	struct tvcpu c0, c1;
	struct hlkvm_vm_info info = { .size = sizeof(info) };
	char detail[512];
	struct tvm v;
	int ret;

	if (tvm_new(&v) || tvcpu_new(&v, 0, CODE_DIAG, &c0) ||
	    tvcpu_new(&v, 1, CODE_DIAG, &c1)) {
		tap_result(false, "attach: a VM with two vCPUs is refused",
			   "VM setup failed");
		return;
	}
	ret = attach(c, &v, efd, &info);
	snprintf(detail, sizeof(detail), "got %d, want %d; kernel said: %s",
		 ret, -EOPNOTSUPP, ret ? hlkvm_strerror(c, ret) : "(attached)");
	tap_result(ret == -EOPNOTSUPP &&
		   strstr(hlkvm_strerror(c, ret), "vCPU") != NULL,
		   "attach: a VM with two vCPUs is refused, the extack saying why",
		   detail);
	if (!ret)
		detach(c, v.fd);
	tvcpu_free(&c1);
	tvcpu_free(&c0);
	tvm_free(&v);
}

static void case_late_vcpu(struct hlkvm_client *c, int efd)
{
	const char *what = "a vCPU created after attach: its OUT 0x80 reaches the VMM, vCPU 0's is absorbed";
	struct hlkvm_vm_info info = { .size = sizeof(info) };
	struct tvcpu c0, c1;
	char detail[512];
	int p0 = -2, p1 = -2, ret;
	uint64_t diag = 0;
	struct tvm v;

	if (tvm_new(&v) || tvcpu_new(&v, 0, CODE_DIAG, &c0)) {
		tap_result(false, what, "VM setup failed");
		return;
	}
	ret = attach(c, &v, efd, &info);
	if (ret) {
		snprintf(detail, sizeof(detail), "attach: %d (%s)", ret,
			 hlkvm_strerror(c, ret));
		tap_result(false, what, detail);
		goto out_c0;
	}
	if (tvcpu_new(&v, 1, CODE_DIAG, &c1)) {
		tap_result(false, what, "second vCPU setup failed");
		goto out_detach;
	}
	p0 = tvcpu_next_io(&c0);
	p1 = tvcpu_next_io(&c1);
	if (get_vm(c, v.fd, &info) == 0)
		diag = info.stats.group[HLKVM_GROUP_DIAG].out;
	snprintf(detail, sizeof(detail),
		 "first exit of vCPU 0 at port %d (want %d), of vCPU 1 at port %d (want %d); diag writes absorbed %llu (want 1)",
		 p0, HLKVM_PORT_HALT, p1, PORT_DIAG,
		 (unsigned long long)diag);
	tap_result(p0 == HLKVM_PORT_HALT && p1 == PORT_DIAG && diag == 1, what,
		   detail);
	tvcpu_free(&c1);
out_detach:
	detach(c, v.fd);
out_c0:
	tvcpu_free(&c0);
	tvm_free(&v);
}

static int add_ioeventfd(int vm, int efd, uint16_t port)
{
	struct kvm_ioeventfd io = {
		.addr = port,
		.len = 1,
		.fd = efd,
		.flags = KVM_IOEVENTFD_FLAG_PIO,
	};

	return ioctl(vm, KVM_IOEVENTFD, &io) ? -errno : 0;
}

static void case_ioeventfd(struct hlkvm_client *c, int efd, bool before)
{
	char what[160], detail[512];
	struct hlkvm_vm_info info = { .size = sizeof(info) };
	uint64_t count = 0;
	struct tvcpu c0;
	int ioefd, port = -2, ret;
	struct tvm v;

	snprintf(what, sizeof(what),
		 "an ioeventfd on port 0x80 registered %s attach fires, hlkvm leaves the port to it",
		 before ? "before" : "after");
	ioefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (tvm_new(&v) || tvcpu_new(&v, 0, CODE_DIAG, &c0) || ioefd < 0) {
		tap_result(false, what, "VM setup failed");
		return;
	}
	if (before && add_ioeventfd(v.fd, ioefd, PORT_DIAG)) {
		tap_result(false, what, "KVM_IOEVENTFD failed");
		goto out;
	}
	ret = attach(c, &v, efd, &info);
	if (ret) {
		snprintf(detail, sizeof(detail), "attach: %d (%s)", ret,
			 hlkvm_strerror(c, ret));
		tap_result(false, what, detail);
		goto out;
	}
	if (!before && add_ioeventfd(v.fd, ioefd, PORT_DIAG)) {
		tap_result(false, what, "KVM_IOEVENTFD failed");
		goto out_detach;
	}
	port = tvcpu_next_io(&c0);
	if (read(ioefd, &count, sizeof(count)) != sizeof(count))
		count = 0;
	snprintf(detail, sizeof(detail),
		 "ioeventfd count %llu (want 1), first exit at port %d (want %d)",
		 (unsigned long long)count, port, HLKVM_PORT_HALT);
	tap_result(count == 1 && port == HLKVM_PORT_HALT, what, detail);
out_detach:
	detach(c, v.fd);
out:
	tvcpu_free(&c0);
	tvm_free(&v);
	close(ioefd);
}

static void case_pit_after_attach(struct hlkvm_client *c, int efd)
{
	const char *what = "KVM's PIT created after attach answers the guest's IN 0x40, hlkvm does not";
	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };
	struct hlkvm_vm_info info = { .size = sizeof(info) };
	uint64_t pit_in = ~0ULL;
	char detail[512];
	struct tvcpu c0;
	int port, ret;
	struct tvm v;

	if (tvm_new(&v) || tvcpu_new(&v, 0, CODE_PIT, &c0)) {
		tap_result(false, what, "VM setup failed");
		return;
	}
	ret = attach(c, &v, efd, &info);
	if (ret) {
		snprintf(detail, sizeof(detail), "attach: %d (%s)", ret,
			 hlkvm_strerror(c, ret));
		tap_result(false, what, detail);
		goto out;
	}
	if (ioctl(v.fd, KVM_CREATE_PIT2, &pit)) {
		snprintf(detail, sizeof(detail), "KVM_CREATE_PIT2: %s",
			 strerror(errno));
		tap_result(false, what, detail);
		goto out_detach;
	}
	port = tvcpu_next_io(&c0);
	if (get_vm(c, v.fd, &info) == 0)
		pit_in = info.stats.group[HLKVM_GROUP_PIT].in;
	snprintf(detail, sizeof(detail),
		 "PIT reads answered by hlkvm %llu (want 0), first exit at port %d (want %d)",
		 (unsigned long long)pit_in, port, HLKVM_PORT_HALT);
	tap_result(pit_in == 0 && port == HLKVM_PORT_HALT, what, detail);
out_detach:
	detach(c, v.fd);
out:
	tvcpu_free(&c0);
	tvm_free(&v);
}

static void case_user_limit(int efd)
{
	const char *what = "attach: HLKVM_MAX_VMS_PER_USER VMs of one user attach, the next is refused naming the per-user limit";
	struct tvm v[HLKVM_MAX_VMS_PER_USER + 1];
	struct hlkvm_client *c;
	char detail[512];
	int i, n, ret = 0;

	if (hlkvm_open(&c)) {
		tap_result(false, what, "hlkvm_open failed");
		return;
	}
	for (n = 0; n <= HLKVM_MAX_VMS_PER_USER; n++) {
		if (tvm_new(&v[n])) {
			snprintf(detail, sizeof(detail), "VM %d: setup failed",
				 n);
			tap_result(false, what, detail);
			goto out;
		}
		ret = attach(c, &v[n], efd, NULL);
		if (ret) {
			n++;
			break;
		}
	}
	/* n VMs made; the last attach returned ret */
	snprintf(detail, sizeof(detail),
		 "%d attached, then %d (%s); want %d attached, then %d naming the user",
		 ret ? n - 1 : n, ret, ret ? hlkvm_strerror(c, ret) : "-",
		 HLKVM_MAX_VMS_PER_USER, -ENOSPC);
	tap_result(n == HLKVM_MAX_VMS_PER_USER + 1 && ret == -ENOSPC &&
		   strstr(hlkvm_strerror(c, ret), "user") != NULL, what, detail);
out:
	/* Closing the socket detaches every VM it attached */
	hlkvm_close(c);
	for (i = 0; i < n && i <= HLKVM_MAX_VMS_PER_USER; i++)
		tvm_free(&v[i]);
}

/* A raw HLKVM_CMD_ATTACH on @fd; the caller reads the answer */
static int raw_attach_send(int fd, int vm_fd, int efd, uint32_t seq)
{
	struct rawnl_msg m;

	rawnl_init(&m, hlkvm_family, HLKVM_CMD_ATTACH, HLKVM_GENL_VERSION);
	rawnl_put_u32(&m, HLKVM_A_VM_FD, vm_fd);
	rawnl_put_u32(&m, HLKVM_A_IRQ_FD, efd);
	return rawnl_send(fd, &m, seq);
}

/*
 * Fill a socket's receive buffer with replies it does not read, then
 * attach through it: the module cannot deliver the ATTACH reply. The
 * caller then has no way to know the VM is attached, so it must not be.
 */
static void case_reply_lost(struct hlkvm_client *c, int efd)
{
	const char *what = "attach whose reply cannot be delivered leaves the VM unattached";
	bool delivered = false, enobufs = false;
	struct hlkvm_vm_info info = { .size = sizeof(info) };
	char detail[512], buf[RAWNL_BUF];
	int fd, small = 1, i, attached;
	struct rawnl_msg m;
	struct tvm v;

	fd = rawnl_open(0);
	if (fd < 0 || tvm_new(&v)) {
		tap_result(false, what, "setup failed");
		return;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	for (i = 1; i <= 8; i++) {
		rawnl_init(&m, hlkvm_family, HLKVM_CMD_GET_CONFIG,
			   HLKVM_GENL_VERSION);
		rawnl_send(fd, &m, i);
	}
	raw_attach_send(fd, v.fd, efd, 100);
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		struct nlmsghdr *h;

		if (n < 0) {
			if (errno == ENOBUFS) {
				enobufs = true;
				continue;
			}
			break;
		}
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n))
			if (h->nlmsg_seq == 100 &&
			    h->nlmsg_type == hlkvm_family)
				delivered = true;
	}
	attached = get_vm(c, v.fd, &info) == 0;
	snprintf(detail, sizeof(detail),
		 "reply %s%s; VM %s",
		 delivered ? "delivered" : "lost",
		 enobufs ? " (ENOBUFS seen)" : "",
		 attached ? "attached" : "not attached");
	tap_result(delivered == attached && (delivered || enobufs), what, detail);
	close(fd);
	if (attached)
		detach(c, v.fd);
	tvm_free(&v);
}

static void *close_fd(void *arg)
{
	close(*(int *)arg);
	return NULL;
}

/*
 * Socket A attached VM 1 and is being closed; socket B binds A's port id
 * the moment it is free and attaches VM 2. A's release must take VM 1
 * only. The window is short: the case reports how often B got in, and
 * holds it open where the module has the knob for it.
 */
static void case_urelease_race(struct hlkvm_client *c, int efd)
{
	const char *what = "a socket reusing a closing socket's port id keeps the VM it attaches";
	int round, lost = 0, stale = 0, early = 0, fail = 0;
	int rounds = urelease_knob >= 0 ? WIDE_ROUNDS : RACE_ROUNDS;
	struct hlkvm_vm_info info = { .size = sizeof(info) };
	struct tvm v1, v2, keep;
	char detail[512];

	if (tvm_new(&v1) || tvm_new(&v2) || tvm_new(&keep) ||
	    attach(c, &keep, efd, &info)) {
		tap_result(false, what, "VM setup failed");
		return;
	}
	if (urelease_knob >= 0 && knob_set(WIDE_MS)) {
		tap_result(false, what, "cannot write " URELEASE_KNOB);
		return;
	}
	/*
	 * @keep stays attached throughout, so that no round installs or
	 * removes the hook: a round is then quick
	 */
	for (round = 0; round < rounds && !fail; round++) {
		int a = rawnl_open(0), b = -1, tries;
		uint32_t portid = rawnl_portid(a);
		pthread_t t;

		if (a < 0 || raw_attach_send(a, v1.fd, efd, 1) ||
		    rawnl_wait(a, 1, NULL, 0)) {
			fail = 1;
			break;
		}
		if (pthread_create(&t, NULL, close_fd, &a)) {
			fail = 1;
			break;
		}
		for (tries = 0; tries < 100000 && b < 0; tries++) {
			b = rawnl_open(portid);
			/* One CPU in the test host: let the closer run */
			if (b < 0)
				sched_yield();
		}
		if (b >= 0 && raw_attach_send(b, v2.fd, efd, 1) == 0 &&
		    rawnl_wait(b, 1, NULL, 0) == 0) {
			pthread_join(t, NULL);
			/* A is gone for good now; VM 2 is B's */
			if (get_vm(c, v2.fd, &info))
				lost++;
		} else {
			pthread_join(t, NULL);
			early++;
		}
		if (get_vm(c, v1.fd, &info) == 0)
			stale++;
		if (b >= 0)
			close(b);
		detach(c, v1.fd);
		detach(c, v2.fd);
	}
	if (urelease_knob >= 0 && knob_set("0"))
		fail = 1;
	snprintf(detail, sizeof(detail),
		 "%d rounds (%s): VM 2 detached by the other socket's release %d times (want 0), VM 1 left attached %d times (want 0), no rebind %d",
		 round,
		 urelease_knob >= 0 ? "window held open " WIDE_MS " ms by urelease_delay_ms" :
				      "natural window: the module has no urelease_delay_ms, a debug build's",
		 lost, stale, early);
	/* held open, every round must get in: else the case proved nothing */
	tap_result(!fail && lost == 0 && stale == 0 &&
		   (urelease_knob < 0 || early == 0), what, detail);
	detach(c, keep.fd);
	tvm_free(&keep);
	tvm_free(&v2);
	tvm_free(&v1);
}

/* A guest that never exits must fail the run, not hang the test host */
static void on_alarm(int sig)
{
	static const char msg[] = "not ok - timed out: a case hung (a vCPU that never exited?)\n";

	(void)sig;
	if (write(1, msg, sizeof(msg) - 1) < 0)
		_exit(1);
	_exit(1);
}

int main(void)
{
	struct hlkvm_client *c;
	int efd, nl;

	signal(SIGALRM, on_alarm);
	alarm(240);

	/* Before the drop: only root may write it, an open fd keeps it */
	urelease_knob = open(URELEASE_KNOB, O_WRONLY | O_CLOEXEC);
	/* What any /dev/kvm user can do: no capability at all */
	kvm_fd = testvm_start(true, &c);
	if (kvm_fd < 0)
		return -kvm_fd;
	nl = rawnl_open(0);
	hlkvm_family = nl < 0 ? nl : rawnl_family(nl, HLKVM_GENL_NAME, 1);
	if (hlkvm_family < 0) {
		printf("not ok 1 - resolving the family: %s\n",
		       strerror(-hlkvm_family));
		return 1;
	}
	close(nl);
	efd = eventfd(0, EFD_CLOEXEC);

	case_user_limit(efd);
	case_two_vcpus(c, efd);
	case_late_vcpu(c, efd);
	case_ioeventfd(c, efd, true);
	case_ioeventfd(c, efd, false);
	case_pit_after_attach(c, efd);
	case_reply_lost(c, efd);
	case_urelease_race(c, efd);

	hlkvm_close(c);
	close(efd);
	close(kvm_fd);
	printf("%d cases, %d failed\n", tap_cases, tap_failed);
	return tap_failed ? 1 : 0;
}
