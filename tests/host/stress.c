// SPDX-License-Identifier: GPL-2.0
/*
 * Teardown races under load, against the loaded module (test host). Each
 * round runs a real-mode guest on its own vCPU thread that hammers
 * absorbed ports (0x80, 0x21, 0x61), re-arms the PV timer at 100 us from
 * time to time and acknowledges every tick on port 0x20, while the main
 * thread tears the attachment down in one of five ways:
 *
 *   detach      HLKVM_CMD_DETACH while the guest runs and ticks
 *   sock-close  close the attaching netlink socket
 *   vm-close    close the VM fd while the vCPU runs, stop it, close the
 *               vCPU fd: hlkvm's reference is the VM's last; then close
 *               the socket
 *   kill        the whole VMM is a child process, killed with SIGKILL
 *   id-detach   a second socket (root) detaches it by VM id
 *
 * then 1000 attach/detach cycles on a VM whose vCPU keeps running, beside
 * another attached VM, and a few more with the hook installed and removed
 * each time; then the contended set (contend_case() below): the guest
 * re-arming its timer from the hook while SET_VM sets it.
 * Every call must succeed or fail only as expected (KVM_RUN -EINTR when
 * stopped), the VM count must return to 0 after every round, every torn
 * down guest must have been ticking with its ticks acknowledged (a second
 * tick is injected only after the first one's EOI) and its ports
 * absorbed, and the test host fails the run on any kernel WARNING/BUG.
 *
 * All of it runs once per irqchip mode the kernel is expected to serve
 * (testvm.h: split and kernel before Linux 6.18, kernel alone from 6.18;
 * HLKVM_TEST_IRQCHIPS overrides), each case named "[irqchip=MODE] ...";
 * a mode not run is one skip line saying why. With a split irqchip the
 * timer irqfd is an MSI route to vector 0x20 and hlkvm answers the PIC
 * ports; with KVM's full irqchip the irqfd is GSI 0, LINT0 is ExtINT and
 * the guest first programs KVM's PIC (IRQ0 at vector 0x20, unmasked).
 * Bounded: per mode the rounds stop at a deadline (default 8 s, argument
 * 1), then the loops: ~30 s a mode in the nested test host.
 *
 * Then, per mode, the race phase (race_phase() below): --race N (default
 * RACE_DEFAULT) teardowns by several processes at once, with --rmmod
 * racing rmmod/insmod too; --race-only skips the rounds and loops
 * (scripts/harden), and the contended set unless --contend S asks for
 * it (S seconds; by default a quarter of the rounds' deadline).
 * --seed S makes the choices reproducible (printed).
 *
 * Prints "ok N - what" / "not ok N - what: ..."; exits 1 on a failure, 77
 * (skip) without /dev/kvm or without the module.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hlkvm.h"
#include "lapic.h"
#include "tap.h"
#include "testvm.h"

#define MEM_SIZE	0x10000
#define CODE_ADDR	0x1000
#define HANDLER_ADDR	0x1100
#define SPURIOUS_ADDR	0x1180
#define STACK_TOP	0x8000
#define ROUND_SECONDS	8
#define LOOPS		1000
#define LOOPS_UNHOOK	5
/* racing teardowns per mode by default (the CI size; scripts/harden: more) */
#define RACE_DEFAULT	150

/*
 * 16-bit real mode, at CODE_ADDR:
 *	sti
 *	mov eax, 100
 * outer:	mov cx, 0x400
 * inner:	out 0x80, al ; in al, 0x21 ; out 0x61, al ; dec cx ; jnz inner
 *	mov eax, 100 ; out 107, eax	(re-arm the PV timer, 4 bytes)
 *	jmp outer
 */
static const unsigned char guest_code[] = {
	0xfb,
	0x66, 0xb8, 0x64, 0x00, 0x00, 0x00,
	0xb9, 0x00, 0x04,
	0xe6, 0x80, 0xe4, 0x21, 0xe6, 0x61, 0x49, 0x75, 0xf7,
	0x66, 0xb8, 0x64, 0x00, 0x00, 0x00, 0x66, 0xe7, 0x6b,
	0xeb, 0xe9,
};

/* guest_code's "mov cx, 0x400": the port loop between two re-arms */
#define GUEST_REARM_COUNT	8

/*
 * With KVM's PIC (full irqchip), before guest_code: the usual PC remap.
 * Master ICW1-4: edge, cascade, ICW4 / vectors 0x20-0x27 / slave on IR2 /
 * 8086 mode; slave likewise at 0x28; then OCW1: IRQ0 alone unmasked.
 * Each is mov al, imm8 ; out imm8, al.
 */
static const unsigned char guest_pic_init[] = {
	0xb0, 0x11, 0xe6, 0x20, 0xb0, 0x20, 0xe6, 0x21,
	0xb0, 0x04, 0xe6, 0x21, 0xb0, 0x01, 0xe6, 0x21,
	0xb0, 0x11, 0xe6, 0xa0, 0xb0, 0x28, 0xe6, 0xa1,
	0xb0, 0x02, 0xe6, 0xa1, 0xb0, 0x01, 0xe6, 0xa1,
	0xb0, 0xfe, 0xe6, 0x21, 0xb0, 0xff, 0xe6, 0xa1,
};

/* Vector 0x20: push ax ; mov al, 0x20 ; out 0x20, al ; pop ax ; iret */
static const unsigned char guest_handler[] = {
	0x50, 0xb0, 0x20, 0xe6, 0x20, 0x58, 0xcf,
};

/*
 * Vectors 0x21-0x2f (the rest of the remapped PICs): iret, no EOI, as
 * for a spurious IRQ7/IRQ15. Only IRQ0 is unmasked, so nothing else is
 * expected there; a stray one must not run off to 0000:0000.
 */
static const unsigned char guest_spurious[] = { 0xcf };

_Static_assert(CODE_ADDR + sizeof(guest_pic_init) + sizeof(guest_code) <=
	       HANDLER_ADDR && HANDLER_ADDR + sizeof(guest_handler) <=
	       SPURIOUS_ADDR, "the guest's pieces overlap");

struct vm {
	enum hlkvm_irqchip mode;
	int vm_fd, vcpu_fd, irq_fd;
	struct kvm_run *run;
	size_t run_size;
	void *mem;
	pthread_t thread;
	bool thread_started;
	atomic_bool stop;
	/* set by the vCPU thread: anything but an expected exit */
	atomic_int bad_errno, bad_exit;
	atomic_ulong io_exits;
};

/* The irqchip mode of every VM made now, and "[irqchip=MODE] " for names */
static enum hlkvm_irqchip cur_mode;

static void set_mode(enum hlkvm_irqchip mode)
{
	cur_mode = mode;
	snprintf(tap_prefix, sizeof(tap_prefix), "[irqchip=%s] ",
		 testvm_irqchip_name(mode));
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void on_sigusr1(int sig)
{
	(void)sig;	/* only interrupts KVM_RUN */
}

/* A VM in @mode, its guest loaded, its timer irqfd bound; 0 or -errno */
static int vm_setup(struct vm *v, enum hlkvm_irqchip mode)
{
	struct kvm_userspace_memory_region region;
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	size_t code = CODE_ADDR;
	uint16_t *ivt;
	int kvm, n, ret, vec;

	memset(v, 0, sizeof(*v));
	v->mode = mode;
	v->vm_fd = v->vcpu_fd = v->irq_fd = -1;
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		return -errno;
	/* The irqchip, split or KVM's, before any vCPU */
	ret = testvm_create(kvm, mode);
	n = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	close(kvm);
	if (ret < 0)
		return ret;
	v->vm_fd = ret;
	if (n <= 0)
		return -errno;
	v->run_size = n;

	v->mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (v->mem == MAP_FAILED) {
		v->mem = NULL;
		return -errno;
	}
	if (mode == HLKVM_IRQCHIP_KERNEL) {
		memcpy((char *)v->mem + code, guest_pic_init,
		       sizeof(guest_pic_init));
		code += sizeof(guest_pic_init);
	}
	memcpy((char *)v->mem + code, guest_code, sizeof(guest_code));
	memcpy((char *)v->mem + HANDLER_ADDR, guest_handler,
	       sizeof(guest_handler));
	memcpy((char *)v->mem + SPURIOUS_ADDR, guest_spurious,
	       sizeof(guest_spurious));
	ivt = v->mem;
	for (vec = 0x20; vec < 0x30; vec++) {
		ivt[vec * 2] = vec == HLKVM_TIMER_VECTOR ? HANDLER_ADDR :
			       SPURIOUS_ADDR;	/* offset */
		ivt[vec * 2 + 1] = 0;		/* segment */
	}
	region = (struct kvm_userspace_memory_region){
		.slot = 0, .memory_size = MEM_SIZE,
		.userspace_addr = (uintptr_t)v->mem,
	};
	if (ioctl(v->vm_fd, KVM_SET_USER_MEMORY_REGION, &region))
		return -errno;

	v->vcpu_fd = ioctl(v->vm_fd, KVM_CREATE_VCPU, 0);
	if (v->vcpu_fd < 0)
		return -errno;
	v->run = mmap(NULL, v->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      v->vcpu_fd, 0);
	if (v->run == MAP_FAILED) {
		v->run = NULL;
		return -errno;
	}

	/* With KVM's PIC, LINT0 in ExtINT mode: the PIC's output reaches us */
	ret = testvm_lapic(v->vcpu_fd, mode);
	if (ret)
		return ret;

	/* Split: an MSI route to vector 0x20; kernel: GSI 0, PIC input 0 */
	v->irq_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (v->irq_fd < 0)
		return -errno;
	ret = testvm_timer_irqfd(v->vm_fd, mode, v->irq_fd);
	if (ret)
		return ret;

	if (ioctl(v->vcpu_fd, KVM_GET_SREGS, &sregs))
		return -errno;
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	sregs.ds = sregs.es = sregs.ss = sregs.cs;
	sregs.ds.type = sregs.es.type = sregs.ss.type = 3;
	if (ioctl(v->vcpu_fd, KVM_SET_SREGS, &sregs))
		return -errno;
	memset(&regs, 0, sizeof(regs));
	regs.rip = CODE_ADDR;
	regs.rsp = STACK_TOP;
	regs.rflags = 0x2;
	if (ioctl(v->vcpu_fd, KVM_SET_REGS, &regs))
		return -errno;
	return 0;
}

/* Re-arm the guest's timer every @loops port loops instead of 0x400 */
static void vm_rearm_every(struct vm *v, uint16_t loops)
{
	size_t at = CODE_ADDR + GUEST_REARM_COUNT;

	if (v->mode == HLKVM_IRQCHIP_KERNEL)
		at += sizeof(guest_pic_init);
	memcpy((char *)v->mem + at, &loops, sizeof(loops));
}

static void *vcpu_thread(void *arg)
{
	struct vm *v = arg;

	while (!atomic_load(&v->stop)) {
		if (ioctl(v->vcpu_fd, KVM_RUN, 0) < 0) {
			if (errno != EINTR && errno != EAGAIN)
				atomic_store(&v->bad_errno, errno);
			continue;
		}
		switch (v->run->exit_reason) {
		case KVM_EXIT_IO:
			/* Detached: the ports reach us; nothing to answer */
			atomic_fetch_add(&v->io_exits, 1);
			break;
		case KVM_EXIT_INTR:
			break;
		default:
			atomic_store(&v->bad_exit, v->run->exit_reason);
			atomic_store(&v->stop, true);
			break;
		}
	}
	return NULL;
}

static int vcpu_start(struct vm *v)
{
	int ret = pthread_create(&v->thread, NULL, vcpu_thread, v);

	v->thread_started = ret == 0;
	return -ret;
}

/* Stop the vCPU thread: KVM_RUN returns -EINTR on SIGUSR1 */
static void vcpu_stop(struct vm *v)
{
	struct timespec ts = { 0, 1000000 };

	if (!v->thread_started)
		return;
	atomic_store(&v->stop, true);
	v->run->immediate_exit = 1;
	while (pthread_tryjoin_np(v->thread, NULL) == EBUSY) {
		pthread_kill(v->thread, SIGUSR1);
		nanosleep(&ts, NULL);
	}
	v->thread_started = false;
}

static void vm_close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void vm_destroy(struct vm *v)
{
	vcpu_stop(v);
	if (v->run)
		munmap(v->run, v->run_size);
	if (v->mem)
		munmap(v->mem, MEM_SIZE);
	vm_close_fd(&v->irq_fd);
	vm_close_fd(&v->vcpu_fd);
	vm_close_fd(&v->vm_fd);
}

static int attach_ticking(struct hlkvm_client *c, struct vm *v,
			  struct hlkvm_vm_info *info)
{
	struct hlkvm_vm_ref ref = { .vm_fd = v->vm_fd };
	struct hlkvm_vm_set set;
	int ret;

	ret = hlkvm_attach(c, v->vm_fd, v->irq_fd, NULL, info);
	if (ret < 0)
		return ret;
	/* Served in the mode the VM was made in, or the round tests nothing */
	if (!testvm_attached_as(v->mode, info))
		return -EPROTO;
	hlkvm_vm_set_init(&set);
	set.timer_period_us = 100;
	return hlkvm_set_vm(c, &ref, &set);
}

static int vm_count(struct hlkvm_client *c)
{
	struct hlkvm_config cfg = { .size = sizeof(cfg) };
	int ret = hlkvm_get_config(c, &cfg);

	return ret < 0 ? ret : (int)cfg.vm_count;
}

/* 20 to 80 ms: long enough for ports and ticks, short enough for rounds */
static void run_a_while(unsigned int round)
{
	usleep(20000 + (round * 7919) % 60000);
}

/*
 * Until the guest is ticking, has acknowledged a tick (hlkvm injects the
 * next only after that) and is absorbing ports, then 0 to 60 ms more,
 * varied per round: a loaded machine can take long to schedule a new
 * vCPU, and a teardown must hit a VM in full flight, at varied points.
 * Gives up after 5 s (times $HLKVM_TIME_SCALE, which scripts/test-host
 * sets for the slower debug kernel); the tally then shows the idle VM.
 */
static void run_until_busy(struct hlkvm_client *c, int vm_fd,
			   unsigned int round)
{
	struct hlkvm_vm_ref ref = { .vm_fd = vm_fd };
	const char *scale = getenv("HLKVM_TIME_SCALE");
	int i, polls = 500 * (scale && atoi(scale) > 0 ? atoi(scale) : 1);
	struct hlkvm_vm_info now = { .size = sizeof(now) };

	for (i = 0; i < polls; i++) {
		if (hlkvm_get_vm(c, &ref, &now) == 0 && now.timer.ticks > 1 &&
		    now.stats.group[HLKVM_GROUP_DIAG].out > 0)
			break;
		usleep(10000);
	}
	usleep((round * 7919) % 60000);
}

enum way { DETACH, SOCK_CLOSE, VM_CLOSE, KILL, ID_DETACH, NWAYS };
static const char *const way_name[NWAYS] = {
	"detach", "sock-close", "vm-close", "kill", "id-detach",
};

struct tally {
	unsigned int rounds, errors, ticking, acked, absorbing;
	char first_error[200];
};

static void tally_error(struct tally *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void tally_error(struct tally *t, const char *fmt, ...)
{
	va_list ap;

	if (!t->errors++) {
		va_start(ap, fmt);
		vsnprintf(t->first_error, sizeof(t->first_error), fmt, ap);
		va_end(ap);
	}
}

/* The kill round: the VMM is a child; 0 when it was attached and ran */
static int kill_round(struct hlkvm_client *admin, unsigned int round,
		      int others)
{
	int pipefd[2], status, ret = 0;
	char ok = 0;
	pid_t pid;

	if (pipe(pipefd))
		return -errno;
	pid = fork();
	if (pid == 0) {
		struct hlkvm_client *c;
		struct hlkvm_vm_info info = { .size = sizeof(info) };
		struct vm v;

		close(pipefd[0]);
		if (vm_setup(&v, cur_mode) || hlkvm_open(&c) ||
		    attach_ticking(c, &v, &info) || vcpu_start(&v))
			_exit(1);
		ok = 1;
		if (write(pipefd[1], &ok, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(pipefd[1]);
	if (read(pipefd[0], &ok, 1) != 1 || !ok)
		ret = -EIO;
	close(pipefd[0]);
	if (!ret && vm_count(admin) != others + 1)
		ret = -ENOENT;
	run_a_while(round);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return ret;
}

/* @others: VMs attached besides this round's, which must stay */
static void one_round(struct hlkvm_client *admin, enum way way,
		      unsigned int round, int others, struct tally *t)
{
	struct hlkvm_vm_ref ref = { .vm_fd = -1 };
	struct hlkvm_vm_info info = { .size = sizeof(info) };
	struct hlkvm_vm_info now = { .size = sizeof(now) };
	struct hlkvm_client *c;
	struct vm v;
	int ret, n;

	t->rounds++;
	if (way == KILL) {
		ret = kill_round(admin, round, others);
		if (ret)
			tally_error(t, "round %u (kill): child VMM %d", round,
				    ret);
		goto count;
	}

	ret = vm_setup(&v, cur_mode);
	if (ret) {
		tally_error(t, "round %u: VM setup %s", round, strerror(-ret));
		vm_destroy(&v);
		return;
	}
	ret = hlkvm_open(&c);
	if (ret) {
		tally_error(t, "round %u: hlkvm_open %s", round,
			    strerror(-ret));
		vm_destroy(&v);
		return;
	}
	ret = attach_ticking(c, &v, &info);
	if (ret)
		tally_error(t, "round %u: attach %s", round,
			    hlkvm_strerror(c, ret));
	ret = vcpu_start(&v);
	if (ret)
		tally_error(t, "round %u: vCPU thread %s", round,
			    strerror(-ret));
	run_until_busy(c, v.vm_fd, round);

	ref.vm_fd = v.vm_fd;
	if (hlkvm_get_vm(c, &ref, &now) == 0) {
		t->ticking += now.timer.ticks > 0;
		t->acked += now.timer.ticks > 1;
		t->absorbing += now.stats.group[HLKVM_GROUP_DIAG].out > 0;
	}

	switch (way) {
	case DETACH:
		ret = hlkvm_detach(c, &ref);
		if (ret)
			tally_error(t, "round %u (detach): %s", round,
				    hlkvm_strerror(c, ret));
		/* The guest keeps running, its ports now reach us */
		run_a_while(round + 1);
		hlkvm_close(c);
		break;
	case SOCK_CLOSE:
		hlkvm_close(c);
		run_a_while(round + 1);
		break;
	case VM_CLOSE:
		vm_close_fd(&v.vm_fd);
		run_a_while(round + 1);
		vcpu_stop(&v);
		munmap(v.run, v.run_size);
		v.run = NULL;
		vm_close_fd(&v.vcpu_fd);
		vm_close_fd(&v.irq_fd);
		/* Our reference may now be the VM's last: the socket drops it */
		hlkvm_close(c);
		break;
	case ID_DETACH:
		ref.vm_fd = -1;
		ref.vm_id = info.vm_id;
		ret = hlkvm_detach(admin, &ref);
		if (ret)
			tally_error(t, "round %u (id-detach): %s", round,
				    hlkvm_strerror(admin, ret));
		hlkvm_close(c);
		break;
	default:
		break;
	}
	vm_destroy(&v);
	if (atomic_load(&v.bad_errno))
		tally_error(t, "round %u (%s): KVM_RUN %s", round,
			    way_name[way], strerror(atomic_load(&v.bad_errno)));
	if (atomic_load(&v.bad_exit))
		tally_error(t, "round %u (%s): unexpected exit reason %d",
			    round, way_name[way], atomic_load(&v.bad_exit));
count:
	n = vm_count(admin);
	if (n != others)
		tally_error(t, "round %u (%s): VM count %d after teardown, want %d",
			    round, way_name[way], n, others);
}

/* @loops attach/set/detach cycles on a VM whose vCPU keeps running */
static void attach_loops(struct hlkvm_client *admin, unsigned int loops,
			 bool with_anchor)
{
	struct hlkvm_vm_ref ref = { .vm_fd = -1 };
	struct hlkvm_client *c = NULL;
	struct hlkvm_vm_info info = { .size = sizeof(info) };
	struct vm v, anchor;
	unsigned int i, bad = 0;
	int ret = 0, first = 0;
	double t0;
	char what[160];

	anchor.vm_fd = -1;
	if (vm_setup(&v, cur_mode) || hlkvm_open(&c) || vcpu_start(&v)) {
		tap_resultf(false, "attach/detach loops: setup", "errno %d", errno);
		goto out;
	}
	/* A second attached VM keeps the hook installed across the loop */
	if (with_anchor &&
	    (vm_setup(&anchor, cur_mode) || attach_ticking(c, &anchor, &info))) {
		tap_resultf(false, "attach/detach loops: anchor VM", "errno %d",
			    errno);
		goto out;
	}
	ref.vm_fd = v.vm_fd;
	t0 = now_s();
	for (i = 0; i < loops; i++) {
		ret = attach_ticking(c, &v, &info);
		if (!ret)
			ret = hlkvm_detach(c, &ref);
		if (ret && !bad++)
			first = ret;
	}
	snprintf(what, sizeof(what),
		 "%u attach + 100 us timer + detach cycles%s, vCPU running (%.1f s)",
		 loops, with_anchor ? " beside a ticking VM" :
		 " (hook installed and removed each time)", now_s() - t0);
	tap_resultf(!bad, what, "%u failed, first: %s", bad,
		    first ? hlkvm_strerror(c, first) : "-");
	vcpu_stop(&v);
	tap_resultf(!atomic_load(&v.bad_errno) && !atomic_load(&v.bad_exit),
		    "the vCPU ran throughout without an unexpected exit",
		    "KVM_RUN errno %d, exit reason %d",
		    atomic_load(&v.bad_errno), atomic_load(&v.bad_exit));
out:
	hlkvm_close(c);
	vm_destroy(&v);
	if (with_anchor && anchor.vm_fd >= 0)
		vm_destroy(&anchor);
	ret = vm_count(admin);
	tap_resultf(ret == 0, "VM count 0 after the loops", "%d", ret);
}

/* Every case above, in cur_mode; the rounds until @seconds have passed */
/*
 * The contended set: the guest re-arms its timer (port 107, handled in
 * the ftrace hook with preemption off) every 16 port loops, while this
 * thread sets the period by SET_VM as fast as it can, stopping it now
 * and then, and the hrtimer callbacks run on either CPU. A set that
 * waited (on a lock, or in hrtimer_cancel() for a callback that the
 * timer softirq runs on PREEMPT_RT) slept in atomic context there, which
 * the test host fails as "scheduling while atomic". Every call must
 * succeed, the guest must run on and tick once the flips stop.
 */
/* --contend S: how long; by default a quarter of the rounds' time */
static double contend_seconds = -1;

/* "ISR 1 IRR 0" of the timer's vector, or "?" */
static void lapic_tick_bits(struct vm *v, char *buf, size_t len)
{
	unsigned int reg = HLKVM_TIMER_VECTOR / 32 * 0x10;
	uint32_t bit = 1U << (HLKVM_TIMER_VECTOR % 32), isr, irr;
	struct kvm_lapic_state s;

	if (v->mode != HLKVM_IRQCHIP_SPLIT ||
	    ioctl(v->vcpu_fd, KVM_GET_LAPIC, &s) ||
	    hlkvm_lapic_read(&s, 0x100 + reg, &isr) ||
	    hlkvm_lapic_read(&s, 0x200 + reg, &irr)) {
		snprintf(buf, len, "?");
		return;
	}
	snprintf(buf, len, "ISR %d IRR %d", !!(isr & bit), !!(irr & bit));
}

static void contend_case(double seconds)
{
	struct hlkvm_client *c = NULL;
	struct hlkvm_vm_info info = { .size = sizeof(info) };
	char bits[32];
	struct hlkvm_vm_ref ref;
	struct hlkvm_vm_set set;
	unsigned int sets = 0, failed = 0, polls;
	int ret, first = 0;
	uint64_t ticks0;
	struct vm v;
	double t0;

	ret = vm_setup(&v, cur_mode);
	if (!ret) {
		vm_rearm_every(&v, 16);
		ret = hlkvm_open(&c);
	}
	if (!ret)
		ret = attach_ticking(c, &v, &info);
	if (!ret)
		ret = vcpu_start(&v);
	if (ret) {
		tap_resultf(false, "contended set: a VM re-arming its timer",
			    "setup: %s", strerror(-ret));
		goto out;
	}
	ref = (struct hlkvm_vm_ref){ .vm_fd = v.vm_fd };
	t0 = now_s();
	while (now_s() - t0 < seconds) {
		hlkvm_vm_set_init(&set);
		set.timer_period_us = sets % 7 == 6 ? 0 : 100 + sets % 3 * 50;
		ret = hlkvm_set_vm(c, &ref, &set);
		if (ret && !failed++)
			first = ret;
		sets++;
	}
	hlkvm_vm_set_init(&set);
	set.timer_period_us = 100;
	ret = hlkvm_set_vm(c, &ref, &set);
	if (ret && !failed++)
		first = ret;
	tap_resultf(!failed, "contended set: SET_VM while the guest re-arms from the hook",
		    "%u of %u failed, the first with %s", failed, sets,
		    strerror(-first));
	printf("# %s%u sets in %.1f s\n", tap_prefix, sets, seconds);

	/*
	 * Back to a re-arm every 0x400 loops, far apart enough for a tick
	 * between two of them; then two more ticks, 5 s at most
	 */
	vm_rearm_every(&v, 0x400);
	ret = hlkvm_get_vm(c, &ref, &info);
	ticks0 = ret ? 0 : info.timer.ticks;
	for (polls = 0; !ret && polls < 500; polls++) {
		ret = hlkvm_get_vm(c, &ref, &info);
		if (ret || info.timer.ticks >= ticks0 + 2)
			break;
		usleep(10000);
	}
	/* KVM_GET_LAPIC waits for KVM_RUN: the vCPU stops first */
	vcpu_stop(&v);
	lapic_tick_bits(&v, bits, sizeof(bits));
	tap_resultf(!ret && info.timer.ticks >= ticks0 + 2 &&
		    !atomic_load(&v.bad_exit) && !atomic_load(&v.bad_errno),
		    "contended set: the guest runs on and ticks",
		    "get_vm %d, ticks %llu -> %llu, running %d, outstanding %u, kicks %llu, EOIs bridged %llu ignored %llu, vector 0x20 %s, exit %d, errno %d",
		    ret, (unsigned long long)ticks0,
		    (unsigned long long)info.timer.ticks, info.timer.running,
		    info.timer.outstanding,
		    (unsigned long long)info.timer.kicks,
		    (unsigned long long)info.stats.eoi_bridged,
		    (unsigned long long)info.stats.eoi_ignored, bits,
		    atomic_load(&v.bad_exit), atomic_load(&v.bad_errno));
out:
	hlkvm_close(c);
	vm_destroy(&v);
}

static void mode_cases(struct hlkvm_client *admin, double seconds)
{
	struct hlkvm_client *anchor_c = NULL;
	struct tally tally[NWAYS];
	struct hlkvm_vm_info info = { .size = sizeof(info) };
	struct vm anchor;
	unsigned int round = 0;
	enum way w;
	double t0;
	char what[200];
	int ret;

	memset(tally, 0, sizeof(tally));
	ret = vm_count(admin);
	tap_resultf(ret == 0, "no VM attached before the rounds", "%d", ret);

	/*
	 * One round of each way as the only VM, so the hook and the probe
	 * go with it (each removal waits an RCU-tasks grace period, ~0.8 s
	 * in the nested test host); then rounds beside a ticking anchor VM,
	 * which keeps the hook, until the deadline.
	 */
	t0 = now_s();
	for (w = 0; w < NWAYS; w++)
		one_round(admin, w, round++, 0, &tally[w]);
	ret = vm_setup(&anchor, cur_mode);
	if (!ret)
		ret = hlkvm_open(&anchor_c);
	if (!ret)
		ret = attach_ticking(anchor_c, &anchor, &info);
	if (!ret)
		ret = vcpu_start(&anchor);
	tap_resultf(!ret, "an anchor VM attached and running", "%d", ret);
	while (!ret && now_s() - t0 < seconds) {
		w = round % NWAYS;
		one_round(admin, w, round, 1, &tally[w]);
		round++;
	}
	hlkvm_close(anchor_c);
	vm_destroy(&anchor);
	printf("# %s%u rounds in %.1f s\n", tap_prefix, round, now_s() - t0);
	for (w = 0; w < NWAYS; w++) {
		struct tally *t = &tally[w];

		snprintf(what, sizeof(what),
			 "%s under load: %u rounds, no unexpected error, VM count back after each",
			 way_name[w], t->rounds);
		tap_resultf(t->rounds > 0 && !t->errors, what, "%u errors, first: %s",
			    t->errors, t->errors ? t->first_error : "no round ran");
		if (w == KILL)
			continue;
		/* The rounds only race something if the guest was busy */
		snprintf(what, sizeof(what),
			 "%s: guest ticking (%u), acknowledging ticks (%u) and ports absorbed (%u) when torn down, in every round",
			 way_name[w], t->ticking, t->acked, t->absorbing);
		tap_resultf(t->rounds > 0 && t->ticking == t->rounds &&
			    t->acked == t->rounds && t->absorbing == t->rounds, what,
			    "of %u rounds", t->rounds);
	}

	attach_loops(admin, LOOPS, true);
	/* Each of these waits an RCU-tasks grace period: a few */
	attach_loops(admin, LOOPS_UNHOOK, false);
	contend_case(contend_seconds >= 0 ? contend_seconds : seconds / 4);
}


/*
 * The race phase (--race N): N teardowns by RACE_WORKERS processes at
 * once, each iteration a VM of its own, attached from a socket of its
 * own, its vCPU running and its timer started and stopped 0-3 times,
 * then torn down by one of the five ways above (chosen by a seeded PRNG)
 * after 0-3 ms: no waiting for the guest, so teardowns hit attaches,
 * timer starts, ticks and each other. With --rmmod the main process
 * meanwhile unloads the module and loads it again from $HLKVM_KO every
 * 0.3-1.5 s: then an attach, a timer change or a detach may fail with
 * what a missing family or a VM already detached returns, and nothing
 * else. Afterwards no VM may be left attached and no module reference
 * held.
 */
#define RACE_WORKERS	3

struct race_tally {
	unsigned long iterations, ways[NWAYS], timer_flips, attached;
	unsigned long fails;		/* calls that failed, expectedly or not */
	unsigned long unexpected;
	char first[160];
};

static uint64_t race_rng;

static uint32_t race_rnd(void)
{
	race_rng ^= race_rng << 13;
	race_rng ^= race_rng >> 7;
	race_rng ^= race_rng << 17;
	return race_rng >> 11;
}

/*
 * A failed call: expected only if the module may be gone or going
 * (@rmmod), or for a kill that can land anywhere
 */
static void race_fail(struct race_tally *t, bool rmmod, int err,
		      const char *what)
{
	t->fails++;
	if (rmmod && (err == -ENOENT || err == -EOPNOTSUPP ||
		      err == -ENODEV || err == -ECONNREFUSED ||
		      err == -EINVAL || err == -ENOSPC || err == -EBUSY))
		return;
	if (!t->unexpected++)
		snprintf(t->first, sizeof(t->first), "%s: %s", what,
			 strerror(-err));
}

/* Attach, start and stop the timer a few times; 0 when attached */
static int race_attach(struct hlkvm_client *c, struct vm *v,
		       struct hlkvm_vm_info *info, struct race_tally *t,
		       bool rmmod)
{
	struct hlkvm_vm_ref ref = { .vm_fd = v->vm_fd };
	struct hlkvm_vm_set set;
	unsigned int flips = race_rnd() % 4, i;
	int ret;

	ret = hlkvm_attach(c, v->vm_fd, v->irq_fd, NULL, info);
	if (ret) {
		race_fail(t, rmmod, ret, "attach");
		return ret;
	}
	t->attached++;
	for (i = 0; i <= flips; i++) {
		hlkvm_vm_set_init(&set);
		set.timer_period_us = i % 2 ? 0 : 100;
		ret = hlkvm_set_vm(c, &ref, &set);
		if (ret)
			race_fail(t, rmmod, ret, "timer start/stop");
		t->timer_flips++;
	}
	return 0;
}

static void race_one(struct race_tally *t, bool rmmod)
{
	struct hlkvm_vm_ref ref = { .vm_fd = -1 };
	struct hlkvm_client *c = NULL, *admin = NULL;
	enum way way = race_rnd() % NWAYS;
	struct hlkvm_vm_info info = { .size = sizeof(info) };
	struct vm v;
	pid_t pid;
	int ret, status;

	t->iterations++;
	t->ways[way]++;
	if (way == KILL) {
		/* the VMM is killed wherever it is: setup, attach, running */
		pid = fork();
		if (pid == 0) {
			/* its own tally: the shared one is not the child's */
			struct race_tally mine = { 0 };

			if (vm_setup(&v, cur_mode) || hlkvm_open(&c))
				_exit(1);
			race_attach(c, &v, &info, &mine, true);
			vcpu_start(&v);
			pause();
			_exit(0);
		}
		if (pid < 0) {
			race_fail(t, false, -errno, "fork");
			return;
		}
		usleep(race_rnd() % 20000);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		return;
	}
	ret = vm_setup(&v, cur_mode);
	if (ret) {
		race_fail(t, false, ret, "VM setup");
		vm_destroy(&v);
		return;
	}
	ret = hlkvm_open(&c);
	if (ret) {
		race_fail(t, rmmod, ret, "hlkvm_open");
		vm_destroy(&v);
		return;
	}
	ret = vcpu_start(&v);
	if (ret)
		race_fail(t, false, ret, "vCPU thread");
	if (race_attach(c, &v, &info, t, rmmod))
		goto out;
	usleep(race_rnd() % 3000);
	ref.vm_fd = v.vm_fd;
	switch (way) {
	case DETACH:
		ret = hlkvm_detach(c, &ref);
		if (ret)
			race_fail(t, rmmod, ret, "detach");
		break;
	case SOCK_CLOSE:
		hlkvm_close(c);
		c = NULL;
		break;
	case VM_CLOSE:
		/* the VM fd goes while the vCPU runs; the socket after */
		vm_close_fd(&v.vm_fd);
		usleep(race_rnd() % 2000);
		vcpu_stop(&v);
		break;
	case ID_DETACH:
		ret = hlkvm_open(&admin);
		if (ret) {
			race_fail(t, rmmod, ret, "hlkvm_open (admin)");
			break;
		}
		ref.vm_fd = -1;
		ref.vm_id = info.vm_id;
		ret = hlkvm_detach(admin, &ref);
		/* a rmmod in between may have detached it, and the id be reused */
		if (ret)
			race_fail(t, rmmod, ret, "id-detach");
		hlkvm_close(admin);
		break;
	default:
		break;
	}
out:
	hlkvm_close(c);
	vm_destroy(&v);
	if (atomic_load(&v.bad_errno))
		race_fail(t, false, -atomic_load(&v.bad_errno), "KVM_RUN");
	if (atomic_load(&v.bad_exit))
		race_fail(t, false, -EPROTO, "an unexpected vCPU exit");
}

static int module_loaded(void)
{
	return access("/sys/module/hlkvm", F_OK) == 0;
}

static void race_phase(struct hlkvm_client **admin, unsigned long iterations,
		       bool rmmod, uint64_t seed)
{
	const char *ko = getenv("HLKVM_KO");
	struct race_tally *tallies, sum;
	struct hlkvm_client *anchor_c = NULL;
	struct hlkvm_vm_info info = { .size = sizeof(info) };
	struct vm anchor;
	pid_t pids[RACE_WORKERS];
	unsigned long reloads = 0, reload_fails = 0;
	char cmd[512], what[300];
	double t0 = now_s();
	int i, ret, status, running;
	enum way w;

	if (rmmod && !ko) {
		printf("ok %d - %steardown races with rmmod/insmod # SKIP no HLKVM_KO to load the module again from\n",
		       ++tap_cases, tap_prefix);
		rmmod = false;
	}
	tallies = mmap(NULL, sizeof(*tallies) * RACE_WORKERS,
		       PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (tallies == MAP_FAILED) {
		tap_resultf(false, "race phase setup", "mmap: %s", strerror(errno));
		return;
	}
	memset(tallies, 0, sizeof(*tallies) * RACE_WORKERS);
	/*
	 * Without rmmod, a ticking anchor VM keeps the hook installed: else
	 * every last detach waits an RCU-tasks grace period (~1 s nested)
	 * under hlkvm_vms_lock, and the races serialize behind it
	 */
	anchor.vm_fd = -1;
	if (!rmmod) {
		ret = vm_setup(&anchor, cur_mode);
		if (!ret)
			ret = hlkvm_open(&anchor_c);
		if (!ret)
			ret = attach_ticking(anchor_c, &anchor, &info);
		tap_resultf(!ret, "race phase: an anchor VM attached", "%s",
			    strerror(-ret));
	}
	fflush(stdout);
	for (i = 0; i < RACE_WORKERS; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			unsigned long k, mine = iterations / RACE_WORKERS +
				(i < (int)(iterations % RACE_WORKERS));

			race_rng = (seed + i + 1) * 0x9e3779b97f4a7c15ULL | 1;
			for (k = 0; k < mine; k++)
				race_one(&tallies[i], rmmod);
			_exit(0);
		}
	}
	race_rng = seed * 0x2545f4914f6cdd1dULL | 1;
	for (running = RACE_WORKERS; running > 0;) {
		pid_t p = waitpid(-1, &status, rmmod ? WNOHANG : 0);

		if (p > 0) {
			running--;
			continue;
		}
		if (p < 0)
			break;
		/* long enough between reloads for most rounds to attach */
		usleep(300000 + race_rnd() % 1200000);
		ret = system("rmmod hlkvm 2>/dev/null");
		usleep(race_rnd() % 50000);
		snprintf(cmd, sizeof(cmd), "insmod %s 2>/dev/null", ko);
		if (!module_loaded() && system(cmd))
			reload_fails++;
		reloads += ret == 0;
	}
	if (!rmmod) {
		hlkvm_close(anchor_c);
		vm_destroy(&anchor);
	}
	if (rmmod && !module_loaded()) {
		snprintf(cmd, sizeof(cmd), "insmod %s", ko);
		ret = system(cmd);
		tap_resultf(ret == 0, "the module loaded again after the races",
			    "insmod exited %d", ret);
	}
	memset(&sum, 0, sizeof(sum));
	for (i = 0; i < RACE_WORKERS; i++) {
		struct race_tally *t = &tallies[i];

		sum.iterations += t->iterations;
		for (w = 0; w < NWAYS; w++)
			sum.ways[w] += t->ways[w];
		sum.timer_flips += t->timer_flips;
		sum.attached += t->attached;
		sum.fails += t->fails;
		if (t->unexpected && !sum.unexpected)
			memcpy(sum.first, t->first, sizeof(sum.first));
		sum.unexpected += t->unexpected;
	}
	munmap(tallies, sizeof(*tallies) * RACE_WORKERS);
	printf("RACE mode=%s seed=%llu iterations=%lu attached=%lu detach=%lu sock-close=%lu vm-close=%lu kill=%lu id-detach=%lu timer_flips=%lu rmmod=%lu failed_calls=%lu unexpected=%lu seconds=%.0f\n",
	       testvm_irqchip_name(cur_mode), (unsigned long long)seed,
	       sum.iterations, sum.attached, sum.ways[DETACH],
	       sum.ways[SOCK_CLOSE],
	       sum.ways[VM_CLOSE], sum.ways[KILL], sum.ways[ID_DETACH],
	       sum.timer_flips, reloads, sum.fails, sum.unexpected,
	       now_s() - t0);
	snprintf(what, sizeof(what),
		 "%lu racing teardowns by %d processes (%lu timer start/stops%s%lu rmmod/insmod): every call failed only as expected",
		 sum.iterations, RACE_WORKERS, sum.timer_flips,
		 rmmod ? ", " : ", no rmmod: ", reloads);
	tap_resultf(sum.iterations == iterations && !sum.unexpected, what,
		    "%lu of %lu iterations, %lu unexpected, first: %s",
		    sum.iterations, iterations, sum.unexpected,
		    sum.unexpected ? sum.first : "-");
	if (rmmod)
		tap_resultf(!reload_fails && reloads > 0,
			    "the module was unloaded and loaded again under the races",
			    "%lu unloads, %lu failed loads", reloads, reload_fails);
	/* The old socket's family id may be stale after a reload */
	if (rmmod) {
		hlkvm_close(*admin);
		*admin = NULL;
		ret = hlkvm_open(admin);
		if (ret) {
			tap_resultf(false, "a new socket after the races", "%s",
				    strerror(-ret));
			return;
		}
	}
	for (i = 0; i < 50 && vm_count(*admin) != 0; i++)
		usleep(100000);
	ret = vm_count(*admin);
	tap_resultf(ret == 0, "VM count 0 after the races", "%d", ret);
	{
		FILE *f = fopen("/sys/module/hlkvm/refcnt", "r");
		int refs = -1;

		if (f) {
			if (fscanf(f, "%d", &refs) != 1)
				refs = -1;
			fclose(f);
		}
		tap_resultf(refs == 0, "no reference to the module held after the races",
			    "refcnt %d", refs);
	}
}

int main(int argc, char **argv)
{
	double seconds = ROUND_SECONDS;
	unsigned long race = RACE_DEFAULT;
	bool race_rmmod = false, rounds = true;
	uint64_t seed = 0;
	int i;
	struct testvm_modes modes;
	struct hlkvm_client *admin;
	struct sigaction sa;
	enum hlkvm_irqchip m;
	int ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--race") && i + 1 < argc)
			race = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--rmmod"))
			race_rmmod = true;
		else if (!strcmp(argv[i], "--race-only"))
			rounds = false;
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--contend") && i + 1 < argc)
			contend_seconds = atof(argv[++i]);
		else if (argv[i][0] != '-')
			seconds = atof(argv[i]);
		else {
			fprintf(stderr, "usage: %s [SECONDS] [--race N] [--rmmod] [--race-only] [--seed S] [--contend S]\n",
				argv[0]);
			return 2;
		}
	}
	if (!seed)
		seed = (uint64_t)time(NULL) ^ getpid();
	printf("# stress seed %llu\n", (unsigned long long)seed);

	if (testvm_modes(&modes)) {
		printf("not ok 1 - the irqchip modes to test: %s\n",
		       modes.error);
		return 1;
	}
	ret = testvm_start(false, &admin);
	if (ret < 0)
		return -ret;
	close(ret);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigusr1;
	sigaction(SIGUSR1, &sa, NULL);

	for (m = 0; m < __HLKVM_IRQCHIP_COUNT; m++) {
		set_mode(m);
		if (!modes.run[m]) {
			printf("ok %d - %steardown races under load # SKIP %s\n",
			       ++tap_cases, tap_prefix, modes.why[m]);
			continue;
		}
		if (rounds)
			mode_cases(admin, seconds);
		else if (contend_seconds > 0)
			contend_case(contend_seconds);
		if (race)
			race_phase(&admin, race, race_rmmod, seed + m);
	}

	hlkvm_close(admin);
	printf("%d cases, %d failed\n", tap_cases, tap_failed);
	return tap_failed ? 1 : 0;
}
