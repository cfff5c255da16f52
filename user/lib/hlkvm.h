/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libhlkvm: the userspace side of hlkvm.
 *
 * The netlink client for every command of <linux/hlkvm.h>, on libnl-genl-3.
 * Every call returns 0 or a negative errno; after a failure,
 * hlkvm_strerror() gives the kernel's extended ACK message when it sent
 * one, otherwise strerror() of the errno.
 *
 * An attachment lives no longer than the client (netlink socket) that made
 * it: keep the client open for as long as the VM should stay attached.
 */
#ifndef HLKVM_H
#define HLKVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/hlkvm.h>

#ifdef __cplusplus
extern "C" {
#endif

struct hlkvm_client;

/* How a request names a VM: the caller's VM fd, or (admin) the module's id */
struct hlkvm_vm_ref {
	int vm_fd;		/* -1 when naming by id */
	uint32_t vm_id;		/* 0 when naming by fd */
};

struct hlkvm_timer_info {
	bool running;
	uint32_t requested_us;
	uint32_t period_us;
	uint64_t ticks;
	uint64_t merged;
	uint64_t lost;
	uint32_t backlog;
	uint32_t outstanding;
	uint64_t clamped;
	uint64_t kicks;		/* stale-tick guard signals, not ticks */
	uint32_t source;	/* enum hlkvm_timer_source */
	uint64_t period_ns;	/* exact period in force, 0 when stopped */
};

/* Indexed by enum hlkvm_group, for the legacy groups */
struct hlkvm_port_counts {
	uint64_t in;
	uint64_t out;
};

struct hlkvm_stats {
	struct hlkvm_port_counts group[__HLKVM_GROUP_COUNT];
	uint64_t eoi_bridged;
	uint64_t eoi_ignored;
	uint64_t eoi_direct;
	/* timer armed with the LAPIC globally disabled: re-enabled */
	uint64_t apic_reenabled;
	/* full irqchip: IRQ0 EOIs that went on to KVM's PIC, each an ack */
	uint64_t eoi_seen;
	/* accesses left to the VMM: a vCPU other than vCPU 0 made them */
	uint64_t other_vcpu;
	/* accesses left to a KVM device (an ioeventfd, KVM's PIT) */
	uint64_t kvm_device;
};

/*
 * Output of hlkvm_attach() and hlkvm_get_vm() (the caller sets size:
 * hlkvm_vm_info_init()), and what hlkvm_dump_vms() hands its callback
 * (the library's own, size the bytes it filled). timer and stats are
 * embedded, so they keep their layout for the soname's life; whatever a
 * later release adds, about the timer or the counters too, it appends
 * here, at the end of struct hlkvm_vm_info.
 */
struct hlkvm_vm_info {
	size_t size;
	uint32_t vm_id;
	uint32_t owner_pid;
	uint32_t groups;
	uint16_t timer_port;
	bool pit_tick;		/* PIT channel 0 drives the tick */
	uint32_t timer_policy;
	/*
	 * enum hlkvm_irqchip, as the module read it from the VM; a module
	 * that predates HLKVM_A_IRQCHIP serves split irqchips only, so its
	 * replies give HLKVM_IRQCHIP_SPLIT (0) here
	 */
	uint32_t irqchip;
	uint64_t attach_time_ns;
	struct hlkvm_timer_info timer;
	struct hlkvm_stats stats;
};

/*
 * Structs that begin with a size_t size grow at their end in later
 * releases without a soname bump (struct sched_attr's rule): the caller
 * sets size to sizeof the struct as its headers have it (the *_init()
 * functions do), and the library reads or fills only the bytes both
 * know. A size below the first release's (HLKVM_*_SIZE_VER1) is refused
 * with -EINVAL; a larger one is a newer caller's, whose fields this
 * library does not know: on input they must be zero (else -E2BIG), on
 * output they are zeroed and size says how many bytes were filled.
 * hlkvm_strerror() then names the struct and what to do.
 *
 * A field added later starts at or past the previous release's size
 * (never in its tail padding), so that a size says exactly which fields
 * are there: HLKVM_SIZED_HAS(ptr, member) is true when *@ptr's size
 * covers @member. Test it before reading a field newer than the first
 * release in a struct the library filled: one hlkvm_attach() or
 * hlkvm_get_vm() returned (an older library fills fewer bytes than the
 * caller's headers have), or one a callback was handed
 * (hlkvm_dump_vms(), hlkvm_monitor()), which is the library's own.
 *
 * struct hlkvm_vm_state (<linux/hlkvm.h>) is filled the same way
 * through its own __u32 size, its version saying which fields are there:
 * see hlkvm_get_state().
 *
 * Structs embedded in a sized one (hlkvm_timer_info, hlkvm_stats,
 * hlkvm_port_counts) and hlkvm_vm_ref keep their layout for as long as
 * the soname.
 */
#define HLKVM_SIZED_HAS(ptr, member)					\
	((ptr)->size >= (size_t)((const char *)&(ptr)->member -		\
				 (const char *)(ptr)) +			\
			sizeof((ptr)->member))

#define HLKVM_ATTACH_OPTS_SIZE_VER1	24
#define HLKVM_CONFIG_SIZE_VER1		104
#define HLKVM_CONFIG_SET_SIZE_VER1	40
#define HLKVM_VM_SET_SIZE_VER1		16
#define HLKVM_VM_INFO_SIZE_VER1		256
#define HLKVM_EVENT_SIZE_VER1		32
/* struct hlkvm_vm_state version 1 (<linux/hlkvm.h>); see hlkvm_get_state() */
#define HLKVM_VM_STATE_SIZE_VER1	144

/* Optional attach settings; a field left at HLKVM_DEFAULT takes the module's */
#define HLKVM_DEFAULT UINT32_MAX
struct hlkvm_attach_opts {
	size_t size;		/* sizeof(struct hlkvm_attach_opts) */
	uint32_t groups;
	uint32_t timer_port;
	uint32_t timer_policy;
	uint32_t pit_tick;	/* 0 or 1: PIT channel 0 drives the tick */
};

/* Set size (= sizeof(cfg)) before hlkvm_get_config() */
struct hlkvm_config {
	size_t size;
	char version[64];
	uint32_t groups;
	uint16_t timer_port;
	uint32_t timer_policy;
	uint32_t period_min_us;
	uint32_t period_max_us;
	uint32_t backlog_max;
	/* HLKVM_VM_COUNT_HIDDEN: the module tells only CAP_NET_ADMIN callers */
	uint32_t vm_count;
	bool pit_tick;		/* default of new attachments */
};
#define HLKVM_VM_COUNT_HIDDEN UINT32_MAX

/* For hlkvm_set_config(): fields left at HLKVM_DEFAULT are not sent */
struct hlkvm_config_set {
	size_t size;		/* sizeof(struct hlkvm_config_set) */
	uint32_t groups;
	uint32_t timer_port;
	uint32_t timer_policy;
	uint32_t period_min_us;
	uint32_t period_max_us;
	uint32_t backlog_max;
	uint32_t pit_tick;	/* 0 or 1 */
};

/* For hlkvm_set_vm(): fields left at HLKVM_DEFAULT are not sent */
struct hlkvm_vm_set {
	size_t size;		/* sizeof(struct hlkvm_vm_set) */
	uint32_t timer_period_us;
	uint32_t timer_policy;
};

/*
 * An event from the "events" multicast group, handed to the
 * hlkvm_monitor() callback: the library's own, size the bytes it filled.
 * The configuration is pointed to, not embedded: struct hlkvm_config is
 * sized and grows at its end, which would move every field after it.
 * Later releases append their fields here, at the end.
 */
struct hlkvm_event {
	size_t size;
	uint8_t cmd;		/* HLKVM_CMD_ATTACH, _DETACH or _SET_CONFIG */
	uint32_t vm_id;		/* ATTACH, DETACH */
	uint32_t owner_pid;	/* ATTACH, DETACH */
	/*
	 * SET_CONFIG: the new configuration (its size the library's), valid
	 * during the callback; NULL for the other events
	 */
	const struct hlkvm_config *config;
};

/* The library's release ("0.1.0"): the tools' and the module's too */
const char *hlkvm_version(void);

/*
 * Set size, and every other field to HLKVM_DEFAULT: nothing sent, the
 * module decides
 */
void hlkvm_attach_opts_init(struct hlkvm_attach_opts *o);
void hlkvm_config_set_init(struct hlkvm_config_set *s);
void hlkvm_vm_set_init(struct hlkvm_vm_set *s);
/* Set size, every other field 0: before hlkvm_attach(), hlkvm_get_vm() */
void hlkvm_vm_info_init(struct hlkvm_vm_info *info);

/*
 * Connect to the "hlkvm" generic netlink family (extended ACKs on).
 * -ENOENT: the family is not registered (module not loaded).
 */
int hlkvm_open(struct hlkvm_client **out);
/* Close the socket: every VM this client attached is detached. NULL is ok */
void hlkvm_close(struct hlkvm_client *c);
/* Text for the last failure on @c (kernel extack message if any) */
const char *hlkvm_strerror(const struct hlkvm_client *c, int err);

/*
 * HLKVM_CMD_ATTACH: attach the VM of @vm_fd, ticking through @irq_fd (an
 * eventfd bound with KVM_IRQFD to the timer's MSI route). @opts may be
 * NULL (module defaults). On success @info (may be NULL; else its size
 * set, checked before anything is sent) describes the attachment,
 * including the vm_id the module gave it.
 */
int hlkvm_attach(struct hlkvm_client *c, int vm_fd, int irq_fd,
		 const struct hlkvm_attach_opts *opts,
		 struct hlkvm_vm_info *info);
/* HLKVM_CMD_DETACH; -ENOENT when not attached, -EINVAL for a bad @ref */
int hlkvm_detach(struct hlkvm_client *c, const struct hlkvm_vm_ref *ref);
/*
 * HLKVM_CMD_GET_VM for one VM: state, timer and counters into @info,
 * whose size the caller has set
 */
int hlkvm_get_vm(struct hlkvm_client *c, const struct hlkvm_vm_ref *ref,
		 struct hlkvm_vm_info *info);
/*
 * HLKVM_CMD_GET_VM dump: calls @cb for every attached VM (CAP_NET_ADMIN,
 * -EPERM otherwise), with the library's own struct (HLKVM_SIZED_HAS()).
 * A non-zero return from @cb stops the calls (the dump is still read to
 * its end); a negative one is returned, a positive one gives 0.
 */
int hlkvm_dump_vms(struct hlkvm_client *c,
		   int (*cb)(const struct hlkvm_vm_info *info, void *arg),
		   void *arg);
/* HLKVM_CMD_SET_VM: timer period (0 stops) and/or policy */
int hlkvm_set_vm(struct hlkvm_client *c, const struct hlkvm_vm_ref *ref,
		 const struct hlkvm_vm_set *set);
/*
 * HLKVM_CMD_GET_CONFIG: module version, defaults, bounds, VM count into
 * @cfg, whose size the caller has set
 */
int hlkvm_get_config(struct hlkvm_client *c, struct hlkvm_config *cfg);
/* HLKVM_CMD_SET_CONFIG (CAP_NET_ADMIN): only the fields that are set */
int hlkvm_set_config(struct hlkvm_client *c,
		     const struct hlkvm_config_set *set);
/*
 * HLKVM_CMD_GET_STATE: the VM's timer and port state, times relative to
 * now (see struct hlkvm_vm_state). Call it with the vCPU out of KVM_RUN.
 * The caller sets state->size to sizeof(*state) first: the room it has
 * (below HLKVM_VM_STATE_SIZE_VER1, -EINVAL). Whatever version the module
 * writes, @state gets the newest version this library knows whose size
 * fits both the module's state and the caller's size (a later version
 * only appends fields, so the start of a newer state is an older one):
 * an older module's state as it is, a newer module's cut to the
 * library's version, the library's cut to an older caller's; the
 * caller's bytes past it are zeroed, and version and size say what was
 * filled. Restore it with hlkvm_set_state(state, state->size). -EPROTO
 * when the module's state does not agree with its own version and size.
 */
int hlkvm_get_state(struct hlkvm_client *c, const struct hlkvm_vm_ref *ref,
		    struct hlkvm_vm_state *state);
/*
 * HLKVM_CMD_SET_STATE: replace the VM's timer and port state with @len
 * bytes of a struct hlkvm_vm_state (any version up to the module's);
 * a bad field is refused whole, hlkvm_strerror() naming it.
 */
int hlkvm_set_state(struct hlkvm_client *c, const struct hlkvm_vm_ref *ref,
		    const void *state, size_t len);
/*
 * Joins the events group (CAP_NET_ADMIN) and calls @cb for each event
 * until @cb returns non-zero or @max_events (0: no limit) have been seen;
 * leaves the group before returning. Malformed events are skipped. Returns
 * 0, @cb's negative return, or a negative errno.
 */
int hlkvm_monitor(struct hlkvm_client *c,
		  int (*cb)(const struct hlkvm_event *ev, void *arg),
		  void *arg, unsigned int max_events);

#ifdef __cplusplus
}
#endif

#endif /* HLKVM_H */
