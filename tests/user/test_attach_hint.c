// SPDX-License-Identifier: GPL-2.0
/*
 * cmocka tests for attach_hint.c: which refusals point hlkvm-run's user at
 * the other irqchip mode. The texts are the module's own extack messages
 * (kmod/vm.c now, and before full-irqchip mode), so a module that rewords
 * them shows up here as well as in the test host.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "attach_hint.h"

/* kmod/vm.c, a kernel whose split irqchip cannot be served (6.18+) */
static const char split_refused[] =
	"VM has a split irqchip, whose EOI bridge needs KVM internals this "
	"kernel keeps to KVM (6.18+); use full-irqchip mode "
	"(KVM_CREATE_IRQCHIP, irqfd on GSI 0)";
/* kmod/vm.c before full-irqchip mode (7b13580), for a VM with KVM's PIC */
static const char full_refused_by_old_module[] =
	"VM has KVM's in-kernel PIC (KVM_CREATE_IRQCHIP); hlkvm needs a split "
	"irqchip (KVM_CAP_SPLIT_IRQCHIP)";
/* Refusals that are about something else, in either mode */
static const char pit[] =
	"VM has KVM's in-kernel PIT (KVM_CREATE_PIT2), whose ports hlkvm "
	"would shadow";
static const char pic_group[] =
	"the PIC group cannot be absorbed: the VM has KVM's in-kernel PIC";

static void split_refused_names_full_irqchip(void **state)
{
	(void)state;
	assert_int_equal(hlkvm_attach_hint_irqchip(HLKVM_IRQCHIP_SPLIT,
						   -EOPNOTSUPP, split_refused),
			 HLKVM_IRQCHIP_KERNEL);
	/* Case and wording as a person might write them */
	assert_int_equal(hlkvm_attach_hint_irqchip(HLKVM_IRQCHIP_SPLIT,
						   -EOPNOTSUPP,
						   "only Full IRQchip VMs here"),
			 HLKVM_IRQCHIP_KERNEL);
}

static void old_module_names_split_irqchip(void **state)
{
	(void)state;
	assert_int_equal(hlkvm_attach_hint_irqchip(HLKVM_IRQCHIP_KERNEL,
						   -EOPNOTSUPP,
						   full_refused_by_old_module),
			 HLKVM_IRQCHIP_SPLIT);
}

/* The mode named is the one already in use: nothing to suggest */
static void own_mode_named_is_no_hint(void **state)
{
	(void)state;
	assert_int_equal(hlkvm_attach_hint_irqchip(HLKVM_IRQCHIP_KERNEL,
						   -EOPNOTSUPP, split_refused),
			 -1);
	assert_int_equal(hlkvm_attach_hint_irqchip(HLKVM_IRQCHIP_SPLIT,
						   -EOPNOTSUPP,
						   full_refused_by_old_module),
			 -1);
}

static void other_reasons_are_no_hint(void **state)
{
	(void)state;
	assert_int_equal(hlkvm_attach_hint_irqchip(HLKVM_IRQCHIP_SPLIT,
						   -EOPNOTSUPP, pit), -1);
	assert_int_equal(hlkvm_attach_hint_irqchip(HLKVM_IRQCHIP_KERNEL,
						   -EOPNOTSUPP, pit), -1);
	assert_int_equal(hlkvm_attach_hint_irqchip(HLKVM_IRQCHIP_KERNEL,
						   -EOPNOTSUPP, pic_group), -1);
	/* The right words with another error are about something else */
	assert_int_equal(hlkvm_attach_hint_irqchip(HLKVM_IRQCHIP_SPLIT,
						   -EINVAL, split_refused), -1);
	assert_int_equal(hlkvm_attach_hint_irqchip(HLKVM_IRQCHIP_SPLIT,
						   -EOPNOTSUPP, NULL), -1);
	assert_int_equal(hlkvm_attach_hint_irqchip(HLKVM_IRQCHIP_SPLIT,
						   -EOPNOTSUPP, ""), -1);
	/* A mode this build does not know gets no advice */
	assert_int_equal(hlkvm_attach_hint_irqchip(__HLKVM_IRQCHIP_COUNT,
						   -EOPNOTSUPP, split_refused),
			 -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(split_refused_names_full_irqchip),
		cmocka_unit_test(old_module_names_split_irqchip),
		cmocka_unit_test(own_mode_named_is_no_hint),
		cmocka_unit_test(other_reasons_are_no_hint),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
