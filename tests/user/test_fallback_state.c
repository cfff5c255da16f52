// SPDX-License-Identifier: GPL-2.0
/*
 * cmocka tests for fallback_state.c: the fallback's timer and 8254 leave
 * as a struct hlkvm_vm_state and come back into another fallback (a new
 * process, in hlkvm-run) ticking without the guest re-arming, a tick in
 * service still acknowledged, and a bad state refused whole. On KVM's
 * full irqchip the master 8259's mode (auto-EOI) is carried through, as
 * the VMM reports it, so that a module restoring the state counts the
 * ticks as the guest acknowledges them.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

/* restore_* look inside: the port and tick state, the next deadline */
#include "fallback_internal.h"

static struct hlkvm_fallback *a, *b;
static atomic_uint injected_a, injected_b, eois_b;

static int inject_a(void *arg)
{
	(void)arg;
	atomic_fetch_add(&injected_a, 1);
	return 0;
}

static int inject_b(void *arg)
{
	(void)arg;
	atomic_fetch_add(&injected_b, 1);
	return 0;
}

static int eoi_b(void *arg)
{
	(void)arg;
	atomic_fetch_add(&eois_b, 1);
	return 0;
}

static int setup(void **state)
{
	const struct hlkvm_fallback_ops ops_a = { .inject = inject_a,
						  .lapic_eoi = eoi_b };
	const struct hlkvm_fallback_ops ops_b = { .inject = inject_b,
						  .lapic_eoi = eoi_b };

	(void)state;
	atomic_store(&injected_a, 0);
	atomic_store(&injected_b, 0);
	atomic_store(&eois_b, 0);
	if (hlkvm_fallback_new(&a, HLKVM_IRQCHIP_SPLIT, HLKVM_TIMER_CATCHUP,
			       HLKVM_BACKLOG_DEFAULT, &ops_a))
		return -1;
	return hlkvm_fallback_new(&b, HLKVM_IRQCHIP_SPLIT, HLKVM_TIMER_CATCHUP,
				  HLKVM_BACKLOG_DEFAULT, &ops_b);
}

/* Both on KVM's full irqchip: acknowledgments come from its resamplefd */
static int setup_kernel(void **state)
{
	const struct hlkvm_fallback_ops ops_a = { .inject = inject_a };
	const struct hlkvm_fallback_ops ops_b = { .inject = inject_b };

	(void)state;
	atomic_store(&injected_a, 0);
	atomic_store(&injected_b, 0);
	atomic_store(&eois_b, 0);
	if (hlkvm_fallback_new(&a, HLKVM_IRQCHIP_KERNEL, HLKVM_TIMER_CATCHUP,
			       HLKVM_BACKLOG_DEFAULT, &ops_a))
		return -1;
	return hlkvm_fallback_new(&b, HLKVM_IRQCHIP_KERNEL, HLKVM_TIMER_CATCHUP,
				  HLKVM_BACKLOG_DEFAULT, &ops_b);
}

static int teardown(void **state)
{
	(void)state;
	hlkvm_fallback_free(a);
	hlkvm_fallback_free(b);
	a = NULL;
	b = NULL;
	return 0;
}

static void out8(struct hlkvm_fallback *fb, uint16_t port, uint8_t v)
{
	assert_true(hlkvm_fallback_out(fb, port, 1, &v));
}

static void set_period(struct hlkvm_fallback *fb, uint32_t us)
{
	uint8_t le[4] = { us, us >> 8, us >> 16, us >> 24 };

	assert_true(hlkvm_fallback_out(fb, HLKVM_PORT_PV_TIMER, 4, le));
}

/* The caller's whole struct: the library's own version, all of it */
static void save(struct hlkvm_fallback *fb, struct hlkvm_vm_state *s)
{
	s->size = sizeof(*s);
	assert_int_equal(hlkvm_fallback_save_state(fb, s), 0);
	assert_int_equal(s->version, HLKVM_STATE_VERSION);
	assert_int_equal(s->size, sizeof(*s));
}

/* Liveness, not timing: gives up after 5 s, whatever the host's load */
static unsigned int wait_for(atomic_uint *count, unsigned int at_least)
{
	struct timespec ms = { .tv_nsec = 1000000 };
	int i;

	for (i = 0; i < 5000 && atomic_load(count) < at_least; i++)
		nanosleep(&ms, NULL);
	return atomic_load(count);
}

static void save_running_timer(void **state)
{
	struct hlkvm_vm_state s;

	(void)state;
	set_period(a, 1000);
	save(a, &s);
	assert_int_equal(s.version, HLKVM_STATE_VERSION);
	assert_int_equal(s.size, sizeof(s));
	assert_int_equal(s.timer_flags, HLKVM_STATE_TIMER_F_RUNNING);
	assert_int_equal(s.requested_us, 1000);
	assert_int_equal(s.period_us, 1000);
	assert_true(s.next_tick_ns <= 1000000);
	assert_int_equal(s.policy, HLKVM_TIMER_CATCHUP);
}

static void save_clamped_period_keeps_both(void **state)
{
	struct hlkvm_vm_state s;

	(void)state;
	set_period(a, 10);
	save(a, &s);
	assert_int_equal(s.requested_us, 10);
	assert_int_equal(s.period_us, HLKVM_PERIOD_MIN_US);
}

/* The tick in service at the save: acknowledged after the restore */
static void restore_keeps_ticking_and_bridges_the_tick_in_service(void **state)
{
	struct hlkvm_vm_state s;
	struct hlkvm_timer_info ti;
	struct hlkvm_stats st;
	const char *why = NULL;

	(void)state;
	set_period(a, 1000);
	assert_true(wait_for(&injected_a, 1) >= 1);
	save(a, &s);
	assert_int_equal(s.outstanding, 1);
	hlkvm_fallback_free(a);
	a = NULL;			/* teardown's free is a no-op */

	assert_int_equal(hlkvm_fallback_load_state(b, &s, sizeof(s), &why),
			 0);
	/* The guest's EOI of the old tick: bridged, releases the next */
	out8(b, HLKVM_PORT_PIC_MASTER_CMD, 0x20);
	assert_int_equal(atomic_load(&eois_b), 1);
	hlkvm_fallback_get(b, &ti, &st, NULL);
	assert_int_equal(st.eoi_bridged, 1);
	assert_true(ti.running);
	assert_int_equal(ti.period_us, 1000);
	/* No period write on b: the restored grid ticks by itself */
	assert_true(wait_for(&injected_b, 1) >= 1);
	out8(b, HLKVM_PORT_PIC_MASTER_CMD, 0x20);
	assert_true(wait_for(&injected_b, 2) >= 2);
	set_period(b, 0);
	hlkvm_fallback_get(b, &ti, NULL, NULL);
	assert_false(ti.running);
}

static void restore_carries_the_8254(void **state)
{
	struct hlkvm_vm_state s;
	const char *why;
	unsigned int ch;

	(void)state;
	out8(a, HLKVM_PORT_SPEAKER, 0x03);
	out8(a, HLKVM_PORT_PIT_MODE, 0xb6);
	out8(a, HLKVM_PORT_PIT_CH2, 0x34);
	out8(a, HLKVM_PORT_PIT_CH2, 0x12);
	out8(a, HLKVM_PORT_PIT_MODE, 0x70);
	out8(a, HLKVM_PORT_PIT_CH1, 0x99);	/* half a count: LSB only */
	save(a, &s);
	assert_int_equal(hlkvm_fallback_load_state(b, &s, sizeof(s), &why),
			 0);
	assert_int_equal(b->st.pit.port61 & 0x03, 0x03);
	for (ch = 0; ch < HLKVM_PIT_CHANNELS; ch++) {
		assert_int_equal(b->st.pit.ch[ch].cw, a->st.pit.ch[ch].cw);
		assert_int_equal(b->st.pit.ch[ch].count, a->st.pit.ch[ch].count);
		assert_int_equal(b->st.pit.ch[ch].flags, a->st.pit.ch[ch].flags);
		assert_int_equal(b->st.pit.ch[ch].write_lsb,
				 a->st.pit.ch[ch].write_lsb);
	}
	assert_int_equal(b->st.pit.ch[2].count, 0x1234);
	/* Channel 1 waits for its MSB after the restore too */
	out8(b, HLKVM_PORT_PIT_CH1, 0x00);
	assert_int_equal(b->st.pit.ch[1].count, 0x0099);
}

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/*
 * Time on disk does not count: the restored deadline is next_tick_ns
 * after the load, however long after the save, and nothing is owed.
 */
static void restore_replays_no_tick_that_fell_due_meanwhile(void **state)
{
	struct timespec wait = { .tv_nsec = 50000000 };
	struct hlkvm_vm_state s;
	const char *why;
	int64_t before, after, next;

	(void)state;
	set_period(a, HLKVM_PERIOD_MAX_US);	/* 10 s: no tick meanwhile */
	save(a, &s);
	s.next_tick_ns = 3000000000ULL;		/* due 3 s after the save */
	nanosleep(&wait, NULL);
	before = mono_ns();
	assert_int_equal(hlkvm_fallback_load_state(b, &s, sizeof(s), &why),
			 0);
	after = mono_ns();
	next = (int64_t)b->next.tv_sec * 1000000000 + b->next.tv_nsec;
	assert_true(next >= before + (int64_t)s.next_tick_ns);
	assert_true(next <= after + (int64_t)s.next_tick_ns);
	assert_int_equal(b->ticks.backlog, s.backlog);
	assert_int_equal(b->ticks.outstanding, s.outstanding);
	assert_int_equal(atomic_load(&injected_b), 0);
}

static void restore_refuses_a_bad_state_whole(void **state)
{
	struct hlkvm_vm_state s;
	struct hlkvm_timer_info ti;
	const char *why = NULL;

	(void)state;
	set_period(a, 1000);
	save(a, &s);
	s.period_us = 50;
	assert_int_equal(hlkvm_fallback_load_state(b, &s, sizeof(s), &why),
			 -ERANGE);
	assert_string_equal(why,
			    "state: period_us is outside the period clamp in force");
	hlkvm_fallback_get(b, &ti, NULL, NULL);
	assert_false(ti.running);
	s.period_us = 1000;
	s.version = HLKVM_STATE_VERSION + 1;
	assert_int_equal(hlkvm_fallback_load_state(b, &s, sizeof(s), &why),
			 -EOPNOTSUPP);
	assert_string_equal(why, "state: version is newer than this hlkvm knows");
	s.version = HLKVM_STATE_VERSION;
	assert_int_equal(hlkvm_fallback_load_state(b, &s, 10, &why), -EINVAL);
	assert_string_equal(why, "state: length does not match its size field");
}

/* aeoi.elf's PIC, as KVM_GET_IRQCHIP reports it after its ICW4 */
#define AEOI_PIC HLKVM_STATE_PIC_INIT_NONE, \
	(HLKVM_STATE_PIC_F_IC4 | HLKVM_STATE_PIC_F_AUTO_EOI)
static const struct hlkvm_pic_watch aeoi_pic = {
	.init_state = HLKVM_PIC_INIT_NONE,
	.init4 = true,
	.auto_eoi = true,
};

static void kernel_save_takes_the_8259_the_vmm_reports(void **state)
{
	struct hlkvm_vm_state s;

	(void)state;
	set_period(a, 1000);
	save(a, &s);
	assert_int_equal(s.pic_init, HLKVM_STATE_PIC_INIT_NONE);
	assert_int_equal(s.pic_flags, 0);
	assert_int_equal(hlkvm_fallback_set_pic(a, AEOI_PIC), 0);
	save(a, &s);
	assert_int_equal(s.pic_init, HLKVM_STATE_PIC_INIT_NONE);
	assert_int_equal(s.pic_flags,
			 HLKVM_STATE_PIC_F_IC4 | HLKVM_STATE_PIC_F_AUTO_EOI);
	/* The guest reprogrammed it since: the newest report is saved */
	assert_int_equal(hlkvm_fallback_set_pic(a, HLKVM_STATE_PIC_INIT_ICW3,
						 HLKVM_STATE_PIC_F_IC4), 0);
	save(a, &s);
	assert_int_equal(s.pic_init, HLKVM_STATE_PIC_INIT_ICW3);
	assert_int_equal(s.pic_flags, HLKVM_STATE_PIC_F_IC4);
}

/*
 * module -> fallback -> module: what the module saved comes out of the
 * fallback again, though the fallback never saw the guest's ICWs; while
 * restored, the fallback still counts acknowledgments from KVM alone
 */
static void kernel_restore_carries_auto_eoi_through(void **state)
{
	struct hlkvm_timer_info ti;
	struct hlkvm_vm_state s, t;
	const char *why = NULL;

	(void)state;
	set_period(a, 1000);
	assert_int_equal(hlkvm_fallback_set_pic(a, AEOI_PIC), 0);
	save(a, &s);
	assert_int_equal(hlkvm_fallback_load_state(b, &s, sizeof(s), &why),
			 0);
	assert_true(b->st.pic.auto_eoi);
	assert_true(b->st.pic.init4);
	assert_int_equal(b->st.pic.init_state, HLKVM_PIC_INIT_NONE);
	/* The resamplefd reports KVM's auto-EOI: never counted a second time */
	assert_false(b->ticks.auto_ack);
	save(b, &t);
	assert_int_equal(t.pic_init, s.pic_init);
	assert_int_equal(t.pic_flags, s.pic_flags);
	/* Ticks go on, the next after an acknowledgment KVM reports */
	assert_true(wait_for(&injected_b, 1) >= 1);
	hlkvm_fallback_acked(b, 1);
	assert_true(wait_for(&injected_b, 2) >= 2);
	hlkvm_fallback_get(b, &ti, NULL, NULL);
	assert_true(ti.running);
}

/* A version 1 state restores with no initialisation and auto-EOI off */
static void kernel_restore_of_a_version_1_state(void **state)
{
	struct hlkvm_vm_state s;
	const char *why = NULL;
	uint8_t v1[144];

	(void)state;
	set_period(a, 1000);
	assert_int_equal(hlkvm_fallback_set_pic(a, AEOI_PIC), 0);
	save(a, &s);
	assert_int_equal(offsetof(struct hlkvm_vm_state, pic_init),
			 sizeof(v1));
	s.version = 1;
	s.size = sizeof(v1);
	memcpy(v1, &s, sizeof(v1));
	b->st.pic = aeoi_pic;	/* what the load must overwrite */
	assert_int_equal(hlkvm_fallback_load_state(b, v1, sizeof(v1), &why),
			 0);
	assert_false(b->st.pic.auto_eoi);
	assert_false(b->st.pic.init4);
	assert_int_equal(b->st.pic.init_state, HLKVM_PIC_INIT_NONE);
	assert_int_equal(b->period_us, 1000);
}

static void kernel_set_pic_refuses_an_unknown_step(void **state)
{
	(void)state;
	assert_int_equal(hlkvm_fallback_set_pic(a, HLKVM_STATE_PIC_INIT_ICW4 + 1,
						HLKVM_STATE_PIC_F_IC4), -EINVAL);
	assert_int_equal(hlkvm_fallback_set_pic(a, HLKVM_STATE_PIC_INIT_NONE,
						0x80), -EINVAL);
	assert_int_equal(a->st.pic.init_state, HLKVM_PIC_INIT_NONE);
	assert_false(a->st.pic.init4);
}

/* On the split irqchip the fallback is the 8259: no KVM mode to carry */
static void split_refuses_a_kvm_8259(void **state)
{
	struct hlkvm_fallback *k;
	const struct hlkvm_fallback_ops ops = { .inject = inject_a };
	struct hlkvm_timer_info ti;
	struct hlkvm_vm_state s;
	const char *why = NULL;

	(void)state;
	assert_int_equal(hlkvm_fallback_set_pic(a, AEOI_PIC), -EINVAL);
	assert_int_equal(hlkvm_fallback_new(&k, HLKVM_IRQCHIP_KERNEL,
					    HLKVM_TIMER_CATCHUP,
					    HLKVM_BACKLOG_DEFAULT, &ops), 0);
	hlkvm_fallback_set_period(k, 1000);
	assert_int_equal(hlkvm_fallback_set_pic(k, AEOI_PIC), 0);
	save(k, &s);
	hlkvm_fallback_free(k);
	assert_int_equal(hlkvm_fallback_load_state(b, &s, sizeof(s), &why),
			 -EINVAL);
	assert_string_equal(why,
			    "state: pic_init or pic_flags set on the split irqchip");
	hlkvm_fallback_get(b, &ti, NULL, NULL);
	assert_false(ti.running);
}

/*
 * A caller built against version 1's header gets a version 1 state, which
 * restores (auto-EOI off), and nothing written past its 144 bytes; one
 * built against a later header gets the library's version and zeros past
 * it; too small a buffer is refused before anything is written
 */
static void save_sized_by_the_caller(void **state)
{
	struct {
		struct hlkvm_vm_state s;
		unsigned char later[16];	/* a later header's fields */
	} big;
	struct hlkvm_vm_state s;
	const unsigned char *p = (const unsigned char *)&s;
	struct hlkvm_timer_info ti;
	const char *why = NULL;
	size_t i;

	(void)state;
	set_period(a, 1000);
	memset(&s, 0x5a, sizeof(s));
	s.size = HLKVM_VM_STATE_SIZE_VER1;
	assert_int_equal(hlkvm_fallback_save_state(a, &s), 0);
	assert_int_equal(s.version, 1);
	assert_int_equal(s.size, HLKVM_VM_STATE_SIZE_VER1);
	assert_int_equal(s.period_us, 1000);
	/* Past the caller's 144 bytes: not its own, never written */
	for (i = HLKVM_VM_STATE_SIZE_VER1; i < sizeof(s); i++)
		assert_int_equal(p[i], 0x5a);
	assert_int_equal(hlkvm_fallback_load_state(b, &s, s.size, &why), 0);
	hlkvm_fallback_get(b, &ti, NULL, NULL);
	assert_true(ti.running);
	assert_int_equal(ti.period_us, 1000);

	memset(&big, 0x5a, sizeof(big));
	big.s.size = sizeof(big);
	assert_int_equal(hlkvm_fallback_save_state(a, &big.s), 0);
	assert_int_equal(big.s.version, HLKVM_STATE_VERSION);
	assert_int_equal(big.s.size, sizeof(big.s));
	for (i = 0; i < sizeof(big.later); i++)
		assert_int_equal(big.later[i], 0);

	memset(&s, 0x5a, sizeof(s));
	s.size = HLKVM_VM_STATE_SIZE_VER1 - 1;
	assert_int_equal(hlkvm_fallback_save_state(a, &s), -EINVAL);
	assert_int_equal(s.size, HLKVM_VM_STATE_SIZE_VER1 - 1);
	assert_int_equal(s.version, 0x5a5a5a5a);
	assert_int_equal(hlkvm_fallback_save_state(a, NULL), -EINVAL);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
#define K(f) cmocka_unit_test_setup_teardown(f, setup_kernel, teardown)
	const struct CMUnitTest tests[] = {
		T(save_running_timer),
		T(save_clamped_period_keeps_both),
		T(restore_keeps_ticking_and_bridges_the_tick_in_service),
		T(restore_carries_the_8254),
		T(restore_replays_no_tick_that_fell_due_meanwhile),
		T(restore_refuses_a_bad_state_whole),
		T(split_refuses_a_kvm_8259),
		T(save_sized_by_the_caller),
		K(kernel_save_takes_the_8259_the_vmm_reports),
		K(kernel_restore_carries_auto_eoi_through),
		K(kernel_restore_of_a_version_1_state),
		K(kernel_set_pic_refuses_an_unknown_step),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
