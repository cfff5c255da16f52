// SPDX-License-Identifier: GPL-2.0
/*
 * scripts/bench: hlkvm's share of a snapshot and of a restore, apart from
 * the VMM's (guest RAM, KVM's vCPU state). What hlkvm-run does for it:
 * with the module, one HLKVM_CMD_GET_STATE round trip when saving and
 * one HLKVM_CMD_SET_STATE when restoring; with the fallback,
 * hlkvm_fallback_save_state() / hlkvm_fallback_load_state() in the VMM.
 * Each is timed N times on a VM whose timer ticks at 1000 us, as the
 * snapshot guest's does.
 *
 *   hlkvm-bench-snap_state IRQCHIP N      (IRQCHIP: split or kernel)
 *
 * Output: N lines each of "ns=module_get T", "ns=module_set T",
 * "ns=fallback_save T", "ns=fallback_load T" (CLOCK_MONOTONIC ns per
 * call; scripts/bench computes medians and minima). Exit status 1 if a
 * call failed, with the reason on stderr; the module's lines are left out
 * (and said so on stderr) when the module is not reachable.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "fallback.h"
#include "hlkvm.h"
#include "testvm.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void sample(const char *what, uint64_t t0)
{
	printf("ns=%s %llu\n", what, (unsigned long long)(now_ns() - t0));
}

static int bench_module(enum hlkvm_irqchip mode, unsigned long n)
{
	struct hlkvm_vm_ref ref = { .vm_id = 0 };
	struct hlkvm_vm_state s;
	struct hlkvm_client *c;
	struct hlkvm_vm_set set;
	int kvm, vm, efd, ret;
	unsigned long i;
	uint64_t t0;

	kvm = testvm_start(false, &c);
	if (kvm < 0) {
		fprintf(stderr, "hlkvm-bench-snap_state: no module rows (see above)\n");
		return kvm == -77 ? 0 : 1;
	}
	vm = testvm_create(kvm, mode);
	efd = eventfd(0, EFD_CLOEXEC);
	if (vm < 0 || efd < 0) {
		fprintf(stderr, "hlkvm-bench-snap_state: creating the VM: %s\n",
			strerror(vm < 0 ? -vm : errno));
		return 1;
	}
	ref.vm_fd = vm;
	ret = hlkvm_attach(c, vm, efd, NULL, NULL);
	if (!ret) {
		hlkvm_vm_set_init(&set);
		set.timer_period_us = 1000;
		ret = hlkvm_set_vm(c, &ref, &set);
	}
	for (i = 0; !ret && i < n; i++) {
		t0 = now_ns();
		s.size = sizeof(s);
		ret = hlkvm_get_state(c, &ref, &s);
		if (ret)
			break;
		sample("module_get", t0);
		t0 = now_ns();
		ret = hlkvm_set_state(c, &ref, &s, sizeof(s));
		if (!ret)
			sample("module_set", t0);
	}
	if (ret)
		fprintf(stderr, "hlkvm-bench-snap_state: module: %s\n",
			hlkvm_strerror(c, ret));
	hlkvm_close(c);
	close(vm);
	close(efd);
	close(kvm);
	return ret ? 1 : 0;
}

static int inject(void *arg)
{
	uint64_t one = 1;

	return write(*(int *)arg, &one, sizeof(one)) == sizeof(one) ? 0 : -errno;
}

/* No guest runs here, so no EOI ever comes; a split irqchip needs one */
static int no_eoi(void *arg)
{
	(void)arg;
	return 0;
}

static int bench_fallback(enum hlkvm_irqchip mode, unsigned long n)
{
	struct hlkvm_fallback *fb;
	struct hlkvm_fallback_ops ops = { .inject = inject,
					  .lapic_eoi = no_eoi };
	struct hlkvm_vm_state s;
	const char *why = NULL;
	unsigned long i;
	int efd, ret;
	uint64_t t0;

	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (efd < 0) {
		perror("hlkvm-bench-snap_state: eventfd");
		return 1;
	}
	ops.arg = &efd;
	ret = hlkvm_fallback_new(&fb, mode, HLKVM_TIMER_CATCHUP,
				 HLKVM_BACKLOG_DEFAULT, &ops);
	if (ret) {
		fprintf(stderr, "hlkvm-bench-snap_state: fallback: %s\n",
			strerror(-ret));
		close(efd);
		return 1;
	}
	hlkvm_fallback_set_period(fb, 1000);
	for (i = 0; !ret && i < n; i++) {
		t0 = now_ns();
		s.size = sizeof(s);
		ret = hlkvm_fallback_save_state(fb, &s);
		sample("fallback_save", t0);
		if (ret) {
			why = "saving";
			break;
		}
		t0 = now_ns();
		ret = hlkvm_fallback_load_state(fb, &s, sizeof(s), &why);
		if (!ret)
			sample("fallback_load", t0);
	}
	if (ret)
		fprintf(stderr, "hlkvm-bench-snap_state: fallback save or load: %s (%s)\n",
			strerror(-ret), why ? why : "?");
	hlkvm_fallback_free(fb);
	close(efd);
	return ret ? 1 : 0;
}

int main(int argc, char **argv)
{
	enum hlkvm_irqchip mode;
	unsigned long n;
	char *end;
	int bad;

	if (argc != 3 || (strcmp(argv[1], "split") && strcmp(argv[1], "kernel"))) {
		fprintf(stderr, "usage: hlkvm-bench-snap_state split|kernel N\n");
		return 2;
	}
	mode = strcmp(argv[1], "split") ? HLKVM_IRQCHIP_KERNEL : HLKVM_IRQCHIP_SPLIT;
	n = strtoul(argv[2], &end, 0);
	if (*end || !n) {
		fprintf(stderr, "hlkvm-bench-snap_state: N must be a positive number\n");
		return 2;
	}
	bad = bench_module(mode, n);
	bad |= bench_fallback(mode, n);
	return bad;
}
