// SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later
/*
 * KVM glue for guest debugging. Kept small: the decisions are in dr6.c.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "guest_debug.h"

int hlkvm_guest_debug_set(int vcpu_fd, const struct kvm_guest_debug *dbg)
{
	if (!dbg)
		return -EINVAL;
	if (ioctl(vcpu_fd, KVM_SET_GUEST_DEBUG, dbg) < 0)
		return -errno;
	return 0;
}

int hlkvm_guest_debug_apply(int vcpu_fd, const struct hlkvm_debug *dbg)
{
	struct kvm_guest_debug gd;

	if (!dbg)
		return -EINVAL;
	hlkvm_debug_build(dbg, &gd);
	return hlkvm_guest_debug_set(vcpu_fd, &gd);
}

int hlkvm_guest_debug_probe(int kvm_fd, struct hlkvm_debug *dbg)
{
	int r;

	if (!dbg)
		return -EINVAL;

	r = ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SET_GUEST_DEBUG);
	if (r < 0)
		return -errno;
	if (r == 0)
		return -EOPNOTSUPP;

	/* DEBUG2 returns the mask of valid control bits (0 if unknown). */
	r = ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SET_GUEST_DEBUG2);
	if (r < 0)
		return -errno;
	dbg->blockirq_ok = (unsigned int)r & KVM_GUESTDBG_BLOCKIRQ;
	return 0;
}

int hlkvm_guest_translate(int vcpu_fd, uint64_t gva, uint64_t *gpa)
{
	struct kvm_translation tr = { .linear_address = gva };

	if (!gpa)
		return -EINVAL;
	if (ioctl(vcpu_fd, KVM_TRANSLATE, &tr) < 0)
		return -errno;
	if (!tr.valid)
		return -EFAULT;
	*gpa = tr.physical_address;
	return 0;
}

/* Offset of [addr, addr + len) in @gm, or -EFAULT; no overflow possible. */
static int region_offset(const struct hlkvm_guest_region *gm, uint64_t addr,
			 size_t len, uint64_t *off)
{
	if (addr < gm->gpa || addr - gm->gpa > gm->size ||
	    len > gm->size - (addr - gm->gpa))
		return -EFAULT;
	*off = addr - gm->gpa;
	return 0;
}

int hlkvm_guest_region_read(void *opaque, uint64_t addr, void *buf,
			    size_t len)
{
	const struct hlkvm_guest_region *gm = opaque;
	uint64_t off;
	int ret;

	if (!gm || !gm->host || (!buf && len))
		return -EINVAL;
	ret = region_offset(gm, addr, len, &off);
	if (ret)
		return ret;
	if (len)
		memcpy(buf, (const char *)gm->host + off, len);
	return 0;
}

int hlkvm_guest_region_write(void *opaque, uint64_t addr, const void *buf,
			     size_t len)
{
	struct hlkvm_guest_region *gm = opaque;
	uint64_t off;
	int ret;

	if (!gm || !gm->host || (!buf && len))
		return -EINVAL;
	ret = region_offset(gm, addr, len, &off);
	if (ret)
		return ret;
	if (len)
		memcpy((char *)gm->host + off, buf, len);
	return 0;
}

struct hlkvm_mem hlkvm_guest_region_ops(struct hlkvm_guest_region *gm)
{
	struct hlkvm_mem ops = {
		.read = hlkvm_guest_region_read,
		.write = hlkvm_guest_region_write,
		.opaque = gm,
	};

	return ops;
}
