/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The userspace fallback of hlkvm: the same legacy ports answered by the
 * VMM (through the module's own port table, kmod/ports.c) and the PV timer
 * as a userspace thread, for hosts without the module.
 *
 * The timer thread sleeps to absolute CLOCK_MONOTONIC deadlines on a fixed
 * grid (next = start + k * period), so sleep and injection latency never
 * accumulate; ticks that fall due while one is unacknowledged, or during a
 * host stall, go through the module's tick accounting (kmod/ticks.c):
 * catch-up backlog or skip/merge, exactly as in the kernel.
 *
 * With a split irqchip (HLKVM_IRQCHIP_SPLIT) the fallback is the PIC too.
 * The EOI bridge costs more here than in the module: a non-specific EOI on
 * port 0x20 is a userspace exit plus KVM_GET_LAPIC + KVM_SET_LAPIC (three
 * ioctls, 1 KiB copied each way) done by the caller's lapic_eoi hook. The
 * timer lock is held across it and across every injection, so a tick
 * injected by this timer can never fall between the GET and the SET and be
 * erased by it.
 *
 * With KVM's full irqchip (HLKVM_IRQCHIP_KERNEL) KVM's PIC owns ports
 * 0x20/0x21/0xA0/0xA1 and takes the guest's EOIs without an exit: the PIC
 * group is never answered here, and the caller reports each
 * acknowledgment KVM saw through hlkvm_fallback_acked() instead (hlkvm-run
 * reads them from a KVM_IRQFD resamplefd).
 */
#ifndef HLKVM_FALLBACK_H
#define HLKVM_FALLBACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hlkvm.h"

/*
 * Opaque: its layout (threads, the port and tick state of the module's
 * pure code) is the library's own and may change in any release
 */
struct hlkvm_fallback;

/**
 * struct hlkvm_fallback_ops - how the fallback reaches the VM
 * @inject: deliver one tick (signal the irqfd); 0 or -errno
 * @lapic_eoi: EOI the highest in-service LAPIC vector (KVM_GET_LAPIC,
 *             clear the ISR bit, KVM_SET_LAPIC); called on the vCPU thread;
 *             never called with a full irqchip (may be NULL there)
 * @arg: passed to both
 */
struct hlkvm_fallback_ops {
	int (*inject)(void *arg);
	int (*lapic_eoi)(void *arg);
	void *arg;
};

/*
 * A new fallback in *@out, its timer thread started (and stopped until
 * the guest or hlkvm_fallback_set_period() arms it). @irqchip: enum
 * hlkvm_irqchip, how the VM is wired (which ports are ours, where
 * acknowledgments come from); @policy: enum hlkvm_timer_policy;
 * @backlog_max: catch-up bound. 0, or -EINVAL (an unknown @irqchip, no
 * @ops->inject), -ENOMEM, or the thread's -errno, with *@out NULL.
 */
int hlkvm_fallback_new(struct hlkvm_fallback **out, uint32_t irqchip,
		       uint32_t policy, uint32_t backlog_max,
		       const struct hlkvm_fallback_ops *ops);
/* Stops and joins the timer thread, then frees @fb. NULL is ok */
void hlkvm_fallback_free(struct hlkvm_fallback *fb);

/*
 * One port access of @len bytes. Returns true if the fallback answered it
 * (an IN's bytes are then in @data), false if it is not one of hlkvm's.
 */
bool hlkvm_fallback_in(struct hlkvm_fallback *fb, uint16_t port,
		       unsigned int len, void *data);
bool hlkvm_fallback_out(struct hlkvm_fallback *fb, uint16_t port,
			unsigned int len, const void *data);

/*
 * Full irqchip: KVM's PIC completed @n EOIs of the timer's IRQ0 since the
 * last call, each an acknowledgment counted as eoi_seen, as the module
 * counts the ones it watches on port 0x20. Any thread.
 */
void hlkvm_fallback_acked(struct hlkvm_fallback *fb, uint64_t n);

/* Start (clamped) or, with 0, stop the timer, as a guest write would */
void hlkvm_fallback_set_period(struct hlkvm_fallback *fb, uint32_t req_us);

/*
 * The timer and port state, in the module's struct hlkvm_vm_state: a
 * state saved here restores into the module and the other way round.
 * Both run on the vCPU thread (the port state is its own).
 *
 * The caller sets out->size to sizeof(*out) first, the room it has: 0,
 * with @out holding the newest state version this library knows whose
 * size fits it (a caller built against an older <linux/hlkvm.h> gets
 * that older version, a newer one the library's), its version and size
 * saying so and the caller's bytes past it zeroed; -EINVAL (nothing
 * written) for a size below HLKVM_VM_STATE_SIZE_VER1.
 */
int hlkvm_fallback_save_state(struct hlkvm_fallback *fb,
			      struct hlkvm_vm_state *out);
/*
 * Replace the state with @len bytes of a struct hlkvm_vm_state, checked
 * against the fallback's clamp and backlog bound; 0, or -errno with *@why
 * naming the bad field (and nothing changed).
 */
int hlkvm_fallback_load_state(struct hlkvm_fallback *fb, const void *buf,
			      size_t len, const char **why);
/*
 * Full irqchip: KVM's master 8259's initialisation as KVM_GET_IRQCHIP
 * reports it, in struct hlkvm_vm_state's terms: @init_state is
 * HLKVM_STATE_PIC_INIT_* (struct kvm_pic_state's init_state), @flags
 * HLKVM_STATE_PIC_F_IC4 (its init4) and HLKVM_STATE_PIC_F_AUTO_EOI (its
 * auto_eoi); for the next
 * hlkvm_fallback_save_state(). The module follows the guest's ICWs on
 * their way to KVM's PIC; the fallback never sees them (KVM's PIC takes
 * them without an exit), so a VMM that saves the fallback's state for
 * the module tells it first. Otherwise the fallback saves the mode it
 * was restored with. On the vCPU thread; -EINVAL on the split irqchip,
 * for an @init_state above __HLKVM_STATE_PIC_INIT_MAX or an unknown flag.
 */
int hlkvm_fallback_set_pic(struct hlkvm_fallback *fb, uint8_t init_state,
			   uint8_t flags);
/*
 * PIT channel 0 drives the tick until the guest writes the PV timer port,
 * as HLKVM_A_PIT_TICK does in the module. Before the vCPU first runs.
 */
void hlkvm_fallback_set_pit_tick(struct hlkvm_fallback *fb, bool on);

/* Snapshot of the counters, in the module's shape */
void hlkvm_fallback_get(struct hlkvm_fallback *fb,
			struct hlkvm_timer_info *timer,
			struct hlkvm_stats *stats, uint64_t *timer_out);

#endif /* HLKVM_FALLBACK_H */
