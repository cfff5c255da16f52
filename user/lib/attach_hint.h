/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a refused attach says about the other irqchip mode. Pure logic,
 * kept in the library (not installed, hidden from the shared object's
 * ABI) so the unit tests run exactly what hlkvm-run runs.
 *
 * The module serves a VM in the mode the VM was made with, and some
 * kernels only one of them (Linux 6.18+ keeps the split irqchip's EOI
 * bridge inside KVM; modules before full-irqchip mode know only split).
 * Its refusal is -EOPNOTSUPP with an extack naming the mode that would
 * work: the only place that information exists, so the VMM can point its
 * user at the right option instead of silently switching modes.
 */
#ifndef HLKVM_ATTACH_HINT_H
#define HLKVM_ATTACH_HINT_H

#include <stdint.h>

#include "hlkvm.h"

#define HINT_INTERNAL __attribute__((visibility("hidden")))

/*
 * For an attach of a VM in mode @mine (enum hlkvm_irqchip) refused with
 * @err and extack text @msg (may be NULL): the mode the refusal names
 * instead, or -1 when it names none (another reason, or another error).
 */
HINT_INTERNAL int hlkvm_attach_hint_irqchip(uint32_t mine, int err,
					    const char *msg);

#endif /* HLKVM_ATTACH_HINT_H */
