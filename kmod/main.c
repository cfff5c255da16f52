// SPDX-License-Identifier: GPL-2.0
/*
 * hlkvm: legacy PC port absorption and a paravirtual periodic timer for
 * KVM micro-VMs. See uapi/linux/hlkvm.h for the protocol.
 */
#include <linux/kvm_host.h>
#include <linux/module.h>
#include <net/genetlink.h>
#include "eoi.h"
#include "hook.h"
#include "netlink.h"
#include "vm.h"

static int __init hlkvm_init(void)
{
	int ret;

	hlkvm_eoi_init();
	ret = hlkvm_genl_init();
	if (ret)
		return ret;
	pr_info("version %s loaded\n", HLKVM_MODULE_VERSION);
	return 0;
}

static void __exit hlkvm_exit(void)
{
	/* No new requests, then nothing attached: no timer, hook or ref */
	hlkvm_genl_uninit();
	hlkvm_vm_detach_all();
	hlkvm_hook_exit();
}

module_init(hlkvm_init);
module_exit(hlkvm_exit);

MODULE_DESCRIPTION("Legacy port absorption and a PV timer for KVM micro-VMs");
MODULE_LICENSE("GPL");
MODULE_VERSION(HLKVM_MODULE_VERSION);
MODULE_AUTHOR("hlkvm developers");
MODULE_ALIAS_GENL_FAMILY(HLKVM_GENL_NAME);
/* kvm.ko must be loaded first: we hook its functions and use its exports */
MODULE_SOFTDEP("pre: kvm");
