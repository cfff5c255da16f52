// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Reading a refused attach's extack for the other irqchip mode (see
 * attach_hint.h). The words matched are the module's own: from 6.18 a
 * split VM is refused naming "full-irqchip mode (KVM_CREATE_IRQCHIP, irqfd
 * on GSI 0)"; a module from before full-irqchip mode refused a VM with
 * KVM's PIC saying "hlkvm needs a split irqchip (KVM_CAP_SPLIT_IRQCHIP)".
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "attach_hint.h"

static int mentions(const char *msg, const char *const *words)
{
	for (; *words; words++)
		if (strcasestr(msg, *words))
			return 1;
	return 0;
}

int hlkvm_attach_hint_irqchip(uint32_t mine, int err, const char *msg)
{
	static const char *const full[] = {
		"full-irqchip", "full irqchip", "HLKVM_IRQCHIP_KERNEL", NULL,
	};
	static const char *const split[] = {
		"split irqchip", "split-irqchip", "KVM_CAP_SPLIT_IRQCHIP", NULL,
	};

	/* Any other error is about something else: a fd, a limit, a PIT */
	if (err != -EOPNOTSUPP || !msg)
		return -1;
	if (mine == HLKVM_IRQCHIP_SPLIT && mentions(msg, full))
		return HLKVM_IRQCHIP_KERNEL;
	/* A text naming both modes points at neither */
	if (mine == HLKVM_IRQCHIP_KERNEL && mentions(msg, split) &&
	    !mentions(msg, full))
		return HLKVM_IRQCHIP_SPLIT;
	return -1;
}
