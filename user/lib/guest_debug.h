/* SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later */
/*
 * KVM glue for guest debugging: the ioctls and guest memory access that
 * the pure bookkeeping in dr6.h deliberately does not do. Every function
 * returns 0 (or a documented value) or a negative errno.
 */
#ifndef HLKVM_GUEST_DEBUG_H
#define HLKVM_GUEST_DEBUG_H

#include <stddef.h>
#include <stdint.h>
#include <linux/kvm.h>

#include "dr6.h"

/* KVM_SET_GUEST_DEBUG on a vCPU fd. */
int hlkvm_guest_debug_set(int vcpu_fd, const struct kvm_guest_debug *dbg);

/* hlkvm_debug_build() + KVM_SET_GUEST_DEBUG: call after every change. */
int hlkvm_guest_debug_apply(int vcpu_fd, const struct hlkvm_debug *dbg);

/*
 * Ask KVM (a /dev/kvm or VM fd) what it supports: -EOPNOTSUPP without
 * KVM_CAP_SET_GUEST_DEBUG; otherwise clears dbg->blockirq_ok unless
 * KVM_CAP_SET_GUEST_DEBUG2 lists KVM_GUESTDBG_BLOCKIRQ (older kernels
 * reject unknown control bits with -EINVAL).
 */
int hlkvm_guest_debug_probe(int kvm_fd, struct hlkvm_debug *dbg);

/*
 * Guest linear address -> guest physical, with KVM_TRANSLATE on a vCPU
 * fd (the current page tables). -EFAULT if the address is not mapped.
 */
int hlkvm_guest_translate(int vcpu_fd, uint64_t gva, uint64_t *gpa);

/*
 * One contiguous guest-physical region mapped in the VMM at @host
 * (what KVM_SET_USER_MEMORY_REGION was given). Not elf_load.h's struct
 * hlkvm_guest_mem, which is all of RAM from 0 with the VMM's reserved
 * range: a region may start anywhere and reserves nothing.
 */
struct hlkvm_guest_region {
	void *host;
	uint64_t gpa;		/* guest physical address of host[0] */
	uint64_t size;
};

/*
 * Copy bytes from / to guest-physical @addr. -EFAULT (nothing copied) if
 * any byte of [addr, addr + len) is outside the region, -EINVAL for NULL.
 * Signatures match struct hlkvm_mem, with @opaque a struct
 * hlkvm_guest_region.
 */
int hlkvm_guest_region_read(void *opaque, uint64_t addr, void *buf,
			    size_t len);
int hlkvm_guest_region_write(void *opaque, uint64_t addr, const void *buf,
			     size_t len);

/* A struct hlkvm_mem for the breakpoint table that uses @gm. */
struct hlkvm_mem hlkvm_guest_region_ops(struct hlkvm_guest_region *gm);

#endif /* HLKVM_GUEST_DEBUG_H */
