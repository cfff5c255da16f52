// SPDX-License-Identifier: GPL-2.0
/*
 * Hardening finding 4 (issue 9): an unprivileged attach/detach loop must
 * not stall the host's other generic netlink users. Each attach of a
 * first VM installs the ftrace hook and each detach of the last one
 * removes it (text patching, RCU-tasks grace periods, tracepoint
 * unregistration). That work used to run under genl_mutex, which every
 * family without parallel_ops (the genl core's own nlctrl among them)
 * takes for each request.
 *
 * A child as uid 65534 loops attach/detach of one VM for LOOP_SECONDS;
 * meanwhile this process times CTRL_CMD_GETFAMILY round trips, the first
 * message of every genl client, and prints their p50 / p99 / max next to
 * a baseline measured without the loop. Timing is never asserted (the
 * test host is a shared, emulated machine): the case passes when both
 * phases complete, with round trips, and the loop made progress. The
 * figures are for the report (scripts/bench* is where performance is
 * judged).
 *
 * Prints "ok N - what" / "not ok N - what: ..."; exits 1 if any case
 * failed, 77 (skip) without /dev/kvm or without the module.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hlkvm.h"
#include "rawnl.h"
#include "tap.h"
#include "testvm.h"

#define LOOP_SECONDS	6
#define MAX_SAMPLES	200000

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

struct phase {
	size_t n;
	int err;
	uint64_t p50, p99, max;
};

/* GETFAMILY round trips for @seconds; latencies in microseconds */
static void measure(int fd, unsigned int seconds, uint64_t *lat,
		    struct phase *ph)
{
	uint64_t end = now_ns() + seconds * 1000000000ull;
	static uint32_t seq = 1;

	memset(ph, 0, sizeof(*ph));
	while (ph->n < MAX_SAMPLES && now_ns() < end) {
		uint64_t t0 = now_ns();
		int ret = rawnl_family(fd, "nlctrl", seq++);

		if (ret < 0) {
			ph->err = ret;
			return;
		}
		lat[ph->n++] = (now_ns() - t0) / 1000;
	}
	if (!ph->n)
		return;
	qsort(lat, ph->n, sizeof(*lat), cmp_u64);
	ph->p50 = lat[ph->n / 2];
	ph->p99 = lat[ph->n * 99 / 100];
	ph->max = lat[ph->n - 1];
}

/* The unprivileged loop; writes its cycle count to @out before exiting */
static void attach_loop(int kvm, int out)
{
	struct hlkvm_vm_ref ref = { .vm_fd = -1 };
	struct hlkvm_client *c;
	long cycles = 0;
	int efd, vm;

	if (setgid(65534) || setuid(65534))
		_exit(2);
	vm = testvm_create(kvm, HLKVM_IRQCHIP_KERNEL);
	efd = eventfd(0, EFD_CLOEXEC);
	if (vm < 0 || efd < 0 || hlkvm_open(&c))
		_exit(3);
	ref.vm_fd = vm;
	for (;;) {
		if (hlkvm_attach(c, vm, efd, NULL, NULL) ||
		    hlkvm_detach(c, &ref))
			break;
		cycles++;
		if (write(out, &cycles, sizeof(cycles)) != sizeof(cycles))
			break;
	}
	_exit(4);
}

int main(void)
{
	struct phase base, loaded;
	struct hlkvm_client *probe;
	char detail[512];
	long cycles = 0, v;
	int kvm, fd, p[2], status;
	uint64_t *lat;
	pid_t child;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		printf("SKIP: no /dev/kvm (%s)\n", strerror(errno));
		return 77;
	}
	if (hlkvm_open(&probe) < 0) {
		printf("SKIP: hlkvm module not reachable\n");
		return 77;
	}
	hlkvm_close(probe);
	lat = calloc(MAX_SAMPLES, sizeof(*lat));
	fd = rawnl_open(0);
	if (!lat || fd < 0 || pipe(p)) {
		printf("not ok 1 - setup: %s\n", strerror(errno));
		return 1;
	}

	measure(fd, 2, lat, &base);
	snprintf(detail, sizeof(detail),
		 "baseline: %zu round trips, p50 %llu us, p99 %llu us, max %llu us",
		 base.n, (unsigned long long)base.p50,
		 (unsigned long long)base.p99, (unsigned long long)base.max);
	tap_result(base.n > 0 && !base.err,
		   "CTRL_CMD_GETFAMILY round trips without hlkvm traffic", detail);

	child = fork();
	if (child == 0) {
		close(p[0]);
		attach_loop(kvm, p[1]);
	}
	close(p[1]);
	/* Measure only once the loop runs */
	if (read(p[0], &v, sizeof(v)) == sizeof(v))
		cycles = v;
	measure(fd, LOOP_SECONDS, lat, &loaded);
	kill(child, SIGKILL);
	while (read(p[0], &v, sizeof(v)) == sizeof(v))
		cycles = v;
	waitpid(child, &status, 0);
	snprintf(detail, sizeof(detail),
		 "while uid 65534 looped attach/detach (%ld cycles, first VM in / last out each time): %zu round trips, p50 %llu us, p99 %llu us, max %llu us",
		 cycles, loaded.n, (unsigned long long)loaded.p50,
		 (unsigned long long)loaded.p99, (unsigned long long)loaded.max);
	tap_result(loaded.n > 0 && !loaded.err && cycles > 0,
		   "CTRL_CMD_GETFAMILY round trips complete while an unprivileged user loops attach/detach",
		   detail);
	printf("# genl_stall: getfamily_p99_us baseline=%llu loaded=%llu cycles=%ld\n",
	       (unsigned long long)base.p99, (unsigned long long)loaded.p99,
	       cycles);

	close(fd);
	free(lat);
	close(kvm);
	printf("%d cases, %d failed\n", tap_cases, tap_failed);
	return tap_failed ? 1 : 0;
}
