// SPDX-License-Identifier: GPL-2.0
/*
 * hlkvm's side of a restore, again and again in ONE process (the
 * Hyperlight pattern: one snapshot restored for every call; hlkvm-run
 * restores once per process, e2e/restore_loop.sh loops over processes).
 * The state of a VM ticking at 1000 us is read once; then
 * HLKVM_RESTORE_LOOPS times (default 20; 1000 by hand) it is restored as
 * hlkvm-run restores it: with the module, a new VM attached, SET_STATE,
 * its timer checked running, detached, closed; with the fallback, a new
 * fallback (its timer thread), the state loaded, checked, freed.
 * Every irqchip the module serves here (testvm.h), the fallback on KVM's
 * full irqchip's wiring.
 *
 * Checked, and the figures printed: every restore succeeds; the module's
 * attached-VM count is back to what it was; this process's open fds are
 * no more after the last restore than after the first, no thread is left
 * over from a fallback, and its RSS is no higher than 10 % + 1 MiB above
 * the first's (allocator slack).
 *
 * HLKVM_RESTORE_ANCHOR=1 keeps the VM whose state was read attached
 * through the module's loop, as on a host that runs other sandboxes: the
 * module's ftrace hook then stays installed, and a restore costs no
 * kernel text patching (under nested TCG most of a lone VM's restore).
 *
 * --hold SECONDS: only attach a VM (no vCPU, timer stopped) and hold it
 * for SECONDS or until SIGTERM, for e2e/restore_loop.sh's anchor.
 *
 * Prints "ok N - what" / "not ok N - what: ..."; exits 1 if any case
 * failed, 77 (skip) without /dev/kvm or without the module.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "fallback.h"
#include "hlkvm.h"
#include "testvm.h"

static int n_case, n_failed;

static void result(bool ok, const char *what, const char *detail)
{
	n_case++;
	if (!ok)
		n_failed++;
	printf("%s %d - %s%s%s\n", ok ? "ok" : "not ok", n_case, what,
	       ok ? "" : ": ", ok ? "" : detail);
}

struct usage {
	long fds;
	long threads;
	long rss_kb;
};

static long status_field(const char *key)
{
	char line[256];
	size_t len = strlen(key);
	long v = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, len) && line[len] == ':') {
			v = strtol(line + len + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

static void usage_now(struct usage *u)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int i;

	u->fds = 0;
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.')
			u->fds++;
	if (d)
		closedir(d);
	else
		u->fds = -1;
	u->fds--;	/* the directory stream's own */
	/*
	 * A joined thread wakes pthread_join() before the kernel has
	 * removed it from the thread group: give it up to 1 s to go, as
	 * only this thread should be left between restores
	 */
	for (i = 0; i < 1000; i++) {
		u->threads = status_field("Threads");
		if (u->threads == 1)
			break;
		usleep(1000);
	}
	u->rss_kb = status_field("VmRSS");
}

/*
 * @first and @last agree: no fd more, no thread left over, RSS within
 * allocator slack
 */
static void check_growth(const char *who, const struct usage *first,
			 const struct usage *last, unsigned long loops)
{
	char what[256], detail[128];

	snprintf(what, sizeof(what),
		 "%s, restore 1 vs %lu: open fds %ld -> %ld, threads %ld -> %ld, RSS %ld -> %ld kB",
		 who, loops, first->fds, last->fds, first->threads,
		 last->threads, first->rss_kb, last->rss_kb);
	snprintf(detail, sizeof(detail), "grew");
	result(first->fds >= 0 && last->fds <= first->fds &&
	       last->threads == 1 && first->threads == 1 &&
	       last->rss_kb <= first->rss_kb + first->rss_kb / 10 + 1024,
	       what, detail);
}

static uint32_t vm_count(struct hlkvm_client *c)
{
	struct hlkvm_config cfg = { .size = sizeof(cfg) };

	return hlkvm_get_config(c, &cfg) ? HLKVM_VM_COUNT_HIDDEN : cfg.vm_count;
}

/* One restore into a new VM: 0, or the failing step's -errno */
static int module_restore(struct hlkvm_client *c, int kvm,
			  enum hlkvm_irqchip mode,
			  const struct hlkvm_vm_state *saved, const char **step)
{
	struct hlkvm_vm_ref ref = { .vm_id = 0 };
	struct hlkvm_vm_state s;
	int vm, efd, ret;

	*step = "creating the VM";
	vm = testvm_create(kvm, mode);
	if (vm < 0)
		return vm;
	efd = eventfd(0, EFD_CLOEXEC);
	if (efd < 0) {
		ret = -errno;
		close(vm);
		return ret;
	}
	ref.vm_fd = vm;
	*step = "attach";
	ret = hlkvm_attach(c, vm, efd, NULL, NULL);
	if (!ret) {
		*step = "SET_STATE";
		ret = hlkvm_set_state(c, &ref, saved, sizeof(*saved));
	}
	if (!ret) {
		*step = "GET_STATE after SET_STATE";
		s.size = sizeof(s);
		ret = hlkvm_get_state(c, &ref, &s);
	}
	if (!ret && (!(s.timer_flags & HLKVM_STATE_TIMER_F_RUNNING) ||
		     s.period_us != 1000)) {
		*step = "the restored timer is not running at 1000 us";
		ret = -EINVAL;
	}
	if (!ret)
		*step = "detach";
	if (!ret)
		ret = hlkvm_detach(c, &ref);
	else
		hlkvm_detach(c, &ref);
	close(efd);
	close(vm);
	return ret;
}

static bool anchored(void)
{
	const char *env = getenv("HLKVM_RESTORE_ANCHOR");

	return env && !strcmp(env, "1");
}

static void loop_module(struct hlkvm_client *c, int kvm,
			enum hlkvm_irqchip mode, unsigned long loops)
{
	struct hlkvm_vm_ref ref = { .vm_id = 0 };
	struct hlkvm_vm_state saved;
	struct usage first, last;
	struct hlkvm_vm_set set;
	const char *step = "";
	char what[256], detail[512];
	uint32_t vm0, vm1;
	unsigned long i, bad = 0;
	int vm, efd, ret, first_err = 0;

	/* The snapshot: a VM ticking at 1000 us, as snap.elf's */
	vm = testvm_create(kvm, mode);
	efd = eventfd(0, EFD_CLOEXEC);
	ref.vm_fd = vm;
	ret = vm < 0 ? vm : efd < 0 ? -errno : hlkvm_attach(c, vm, efd, NULL, NULL);
	if (!ret) {
		hlkvm_vm_set_init(&set);
		set.timer_period_us = 1000;
		ret = hlkvm_set_vm(c, &ref, &set);
	}
	saved.size = sizeof(saved);
	ret = ret ? ret : hlkvm_get_state(c, &ref, &saved);
	if (!ret && !anchored())
		ret = hlkvm_detach(c, &ref);
	snprintf(what, sizeof(what), "%s irqchip: the state of a VM ticking at 1000 us read%s",
		 testvm_irqchip_name(mode),
		 anchored() ? " (it stays attached through the loop)" : "");
	snprintf(detail, sizeof(detail), "%d: %s", ret, hlkvm_strerror(c, ret));
	result(!ret, what, detail);
	if (ret) {
		if (vm >= 0)
			close(vm);
		if (efd >= 0)
			close(efd);
		return;
	}

	vm0 = vm_count(c);
	for (i = 0; i < loops; i++) {
		ret = module_restore(c, kvm, mode, &saved, &step);
		if (ret && !bad++) {
			first_err = ret;
			snprintf(detail, sizeof(detail), "restore %lu: %s: %s",
				 i + 1, step, hlkvm_strerror(c, ret));
		}
		if (!i)
			usage_now(&first);
	}
	usage_now(&last);
	vm1 = vm_count(c);
	if (anchored())
		hlkvm_detach(c, &ref);
	close(vm);
	close(efd);
	snprintf(what, sizeof(what), "module, %s irqchip: %lu restores of one state in one process, %lu failed",
		 testvm_irqchip_name(mode), loops, bad);
	result(!bad, what, first_err ? detail : "");
	snprintf(what, sizeof(what), "  ... the module's attached VMs %u -> %u",
		 vm0, vm1);
	result(vm0 != HLKVM_VM_COUNT_HIDDEN && vm1 == vm0, what,
	       "not back where it was (or hidden: not CAP_NET_ADMIN)");
	snprintf(what, sizeof(what), "module, %s irqchip", testvm_irqchip_name(mode));
	check_growth(what, &first, &last, loops);
}

static int inject(void *arg)
{
	uint64_t one = 1;

	return write(*(int *)arg, &one, sizeof(one)) == sizeof(one) ? 0 : -errno;
}

static void loop_fallback(unsigned long loops)
{
	struct hlkvm_fallback_ops ops = { .inject = inject };
	struct hlkvm_vm_state saved, s;
	struct hlkvm_fallback *fb;
	struct usage first, last;
	const char *why = NULL;
	char what[256], detail[256] = "";
	unsigned long i, bad = 0;
	int efd, ret;

	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ops.arg = &efd;
	ret = efd < 0 ? -errno : hlkvm_fallback_new(&fb, HLKVM_IRQCHIP_KERNEL,
						     HLKVM_TIMER_CATCHUP,
						     HLKVM_BACKLOG_DEFAULT, &ops);
	if (!ret) {
		hlkvm_fallback_set_period(fb, 1000);
		saved.size = sizeof(saved);
		ret = hlkvm_fallback_save_state(fb, &saved);
		hlkvm_fallback_free(fb);
	}
	snprintf(detail, sizeof(detail), "%s", strerror(-ret));
	result(!ret, "fallback: the state of a timer ticking at 1000 us read", detail);
	if (ret) {
		if (efd >= 0)
			close(efd);
		return;
	}
	for (i = 0; i < loops; i++) {
		ret = hlkvm_fallback_new(&fb, HLKVM_IRQCHIP_KERNEL,
					 HLKVM_TIMER_CATCHUP,
					 HLKVM_BACKLOG_DEFAULT, &ops);
		if (!ret) {
			ret = hlkvm_fallback_load_state(fb, &saved,
							sizeof(saved), &why);
			if (!ret) {
				s.size = sizeof(s);
				ret = hlkvm_fallback_save_state(fb, &s);
				if (ret) {
					why = "saving the restored state";
				} else if (!(s.timer_flags & HLKVM_STATE_TIMER_F_RUNNING) ||
					   s.period_us != 1000) {
					ret = -EINVAL;
					why = "the restored timer is not running at 1000 us";
				}
			}
			hlkvm_fallback_free(fb);
		}
		if (ret && !bad++)
			snprintf(detail, sizeof(detail), "restore %lu: %s (%s)",
				 i + 1, strerror(-ret), why ? why : "init");
		if (!i)
			usage_now(&first);
	}
	usage_now(&last);
	snprintf(what, sizeof(what), "fallback: %lu restores of one state in one process, %lu failed",
		 loops, bad);
	result(!bad, what, detail);
	check_growth("fallback", &first, &last, loops);
	close(efd);
}

static volatile sig_atomic_t held_out;

static void on_term(int sig)
{
	(void)sig;
	held_out = 1;
}

/* --hold: one VM attached, nothing else, until @seconds or SIGTERM */
static int hold(unsigned long seconds)
{
	struct hlkvm_client *c;
	struct testvm_modes modes;
	enum hlkvm_irqchip mode;
	int kvm, vm, efd, ret;

	if (testvm_modes(&modes)) {
		fprintf(stderr, "--hold: %s\n", modes.error);
		return 1;
	}
	mode = modes.run[HLKVM_IRQCHIP_SPLIT] ? HLKVM_IRQCHIP_SPLIT :
						 HLKVM_IRQCHIP_KERNEL;
	kvm = testvm_start(false, &c);
	if (kvm < 0)
		return -kvm;
	vm = testvm_create(kvm, mode);
	efd = eventfd(0, EFD_CLOEXEC);
	ret = vm < 0 ? vm : efd < 0 ? -errno :
	      hlkvm_attach(c, vm, efd, NULL, NULL);
	if (ret) {
		fprintf(stderr, "--hold: attach: %s\n", hlkvm_strerror(c, ret));
		return 1;
	}
	signal(SIGTERM, on_term);
	while (seconds-- && !held_out)
		sleep(1);
	hlkvm_close(c);
	close(efd);
	close(vm);
	close(kvm);
	return 0;
}

int main(int argc, char **argv)
{
	const char *env = getenv("HLKVM_RESTORE_LOOPS");
	unsigned long loops = 20;
	struct testvm_modes modes;
	struct hlkvm_client *c;
	unsigned int m;
	char *end;
	int kvm;

	if (argc == 3 && !strcmp(argv[1], "--hold"))
		return hold(strtoul(argv[2], NULL, 10));
	if (argc != 1) {
		fprintf(stderr, "usage: %s [--hold SECONDS]\n", argv[0]);
		return 2;
	}
	if (env) {
		loops = strtoul(env, &end, 10);
		if (*end || !loops) {
			printf("not ok 1 - HLKVM_RESTORE_LOOPS=%s is not a positive number\n", env);
			return 1;
		}
	}
	if (testvm_modes(&modes)) {
		printf("not ok 1 - %s\n", modes.error);
		return 1;
	}
	kvm = testvm_start(false, &c);
	if (kvm < 0)
		return -kvm;
	for (m = 0; m < __HLKVM_IRQCHIP_COUNT; m++) {
		if (modes.run[m])
			loop_module(c, kvm, m, loops);
		else
			printf("ok %d - module, %s irqchip # SKIP %s\n", ++n_case,
			       testvm_irqchip_name(m), modes.why[m]);
	}
	loop_fallback(loops);
	hlkvm_close(c);
	close(kvm);
	printf("1..%d\n", n_case);
	return n_failed ? 1 : 0;
}
