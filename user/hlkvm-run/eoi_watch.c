// SPDX-License-Identifier: GPL-2.0
/*
 * The resamplefd watcher (see irqchip.c for why a resample irqfd). KVM
 * signals the resamplefd from the vCPU's own EOI, inside KVM_RUN; the
 * vCPU thread is busy there, so a thread of its own blocks in poll() and
 * passes each count on. An eventfd counter sums the signals between two
 * reads, so no EOI is lost however late this thread runs; the fallback
 * paces the tick an acknowledgment releases, not this thread.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "eoi_watch.h"

/* Report what the (non-blocking) resamplefd holds now, if anything */
static void drain(struct eoi_watch *w)
{
	uint64_t n;

	if (read(w->fd, &n, sizeof(n)) == sizeof(n))
		hlkvm_fallback_acked(w->fb, n);
	else if (errno != EAGAIN && errno != EINTR)
		w->errors++;
}

static void *watch_thread(void *arg)
{
	struct eoi_watch *w = arg;
	struct pollfd p[2] = {
		{ .fd = w->fd, .events = POLLIN },
		{ .fd = w->quit_fd, .events = POLLIN },
	};

	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			w->errors++;
			break;
		}
		if (p[0].revents & POLLIN)
			drain(w);
		if (p[1].revents)
			break;
		/* An eventfd never hangs up: this would only spin */
		if (p[0].revents & (POLLERR | POLLHUP | POLLNVAL)) {
			w->errors++;
			break;
		}
	}
	return NULL;
}

int eoi_watch_start(struct eoi_watch *w, int resample_fd,
		    struct hlkvm_fallback *fb)
{
	sigset_t all, old;
	int ret;

	memset(w, 0, sizeof(*w));
	w->fd = resample_fd;
	w->fb = fb;
	w->quit_fd = eventfd(0, EFD_CLOEXEC);
	if (w->quit_fd < 0)
		return -errno;
	/* Signals (--timeout, ^C) belong to the vCPU thread */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	ret = pthread_create(&w->thread, NULL, watch_thread, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret) {
		close(w->quit_fd);
		w->quit_fd = -1;
		return -ret;
	}
	w->started = true;
	return 0;
}

void eoi_watch_stop(struct eoi_watch *w)
{
	uint64_t one = 1;

	if (!w->started)
		return;
	if (write(w->quit_fd, &one, sizeof(one)) != sizeof(one))
		w->errors++;
	pthread_join(w->thread, NULL);
	/* The vCPU has stopped: whatever KVM signalled since is final */
	drain(w);
	close(w->quit_fd);
	w->quit_fd = -1;
	w->started = false;
}
