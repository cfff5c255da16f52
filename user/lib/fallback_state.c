// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The fallback's state in and out, through the module's own
 * (de)serialisation (kmod/state.c): same layout, same checks, same
 * messages.
 */
#include <errno.h>
#include <string.h>

#include "fallback_internal.h"
#include "state.h"
#include "state_blob.h"

#define NSEC_PER_SEC	1000000000LL

static uint64_t clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

static struct timespec ns_ts(uint64_t ns)
{
	return (struct timespec){ .tv_sec = (time_t)(ns / NSEC_PER_SEC),
				  .tv_nsec = (long)(ns % NSEC_PER_SEC) };
}

int hlkvm_fallback_save_state(struct hlkvm_fallback *fb,
			      struct hlkvm_vm_state *out)
{
	struct hlkvm_vm_state full;
	struct hlkvm_state_timer t;
	uint64_t now;

	if (!out || out->size < HLKVM_VM_STATE_SIZE_VER1)
		return -EINVAL;
	pthread_mutex_lock(&fb->lock);
	now = clock_ns();
	t = (struct hlkvm_state_timer){
		.running = fb->running,
		.policy = fb->ticks.policy,
		.requested_us = fb->requested_us,
		.period_us = fb->running ? fb->period_us : 0,
		.source = fb->source,
		.period_ns = fb->running ? fb->period_ns : 0,
		.next_ns = (uint64_t)fb->next.tv_sec * NSEC_PER_SEC +
			   (uint64_t)fb->next.tv_nsec,
		.backlog = fb->ticks.backlog,
		.outstanding = fb->ticks.outstanding,
	};
	hlkvm_state_save(&full, &t, &fb->st, now);
	pthread_mutex_unlock(&fb->lock);
	return hlkvm_state_blob_out(out, out->size, &full, sizeof(full));
}

int hlkvm_fallback_load_state(struct hlkvm_fallback *fb, const void *buf,
			      size_t len, const char **why)
{
	const struct hlkvm_state_limits lim = {
		.bounds = fb->bounds,
		.backlog_max = fb->ticks.backlog_max,
		.pic_watch = fb->cfg.pic_watch,
	};
	struct hlkvm_port_state pst;
	struct hlkvm_state_timer t;
	uint64_t now;
	int ret;

	pthread_mutex_lock(&fb->lock);
	now = clock_ns();
	ret = hlkvm_state_load(buf, len, &lim, now, &t, &pst, why);
	if (ret) {
		pthread_mutex_unlock(&fb->lock);
		return ret;
	}
	/*
	 * The 8259's mode is carried, not used: KVM's resamplefd tells of
	 * each acknowledgment, auto-EOI or not (hlkvm_ticks_set_auto_ack())
	 */
	fb->st = pst;
	fb->ticks.policy = t.policy;
	fb->ticks.backlog = t.backlog;
	fb->ticks.outstanding = t.outstanding;
	fb->ticks.stale = 0;
	fb->requested_us = t.requested_us;
	fb->running = t.running;
	fb->source = t.source;
	fb->period_us = t.running ? t.period_us : 0;
	fb->period_ns = t.running ? t.period_ns : 0;
	fb->next = ns_ts(t.next_ns);
	/* Pacing counts from the restore, as in the module */
	fb->last_inject = ns_ts(now);
	fb->release_pending = t.running && !t.outstanding && t.backlog;
	if (fb->release_pending)
		fb->release_at = ns_ts(now + t.period_ns / 4);
	pthread_cond_signal(&fb->cond);
	pthread_mutex_unlock(&fb->lock);
	return 0;
}

int hlkvm_fallback_set_pic(struct hlkvm_fallback *fb, uint8_t init_state,
			   uint8_t flags)
{
	if (!fb->cfg.pic_watch || init_state > __HLKVM_STATE_PIC_INIT_MAX ||
	    (flags & ~__HLKVM_STATE_PIC_F_ALL))
		return -EINVAL;
	fb->st.pic = (struct hlkvm_pic_watch){
		.init_state = init_state,
		.init4 = flags & HLKVM_STATE_PIC_F_IC4,
		.auto_eoi = flags & HLKVM_STATE_PIC_F_AUTO_EOI,
	};
	return 0;
}
