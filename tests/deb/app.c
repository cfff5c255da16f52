// SPDX-License-Identifier: GPL-2.0
/*
 * A third-party program: it knows libhlkvm only through what libhlkvm-dev
 * installs (built with `pkg-config --cflags --libs hlkvm` in the bookworm
 * root, scripts/test-deb) and runs in the test host on that root's
 * libhlkvm1, against the hlkvm.ko its dkms built. It classifies debug
 * stops the way a debugger front end would and asks the module for its
 * configuration and its attached VMs over netlink. Prints one key=value
 * line per finding; exits 0 only if every one is as expected.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <dr6.h>
#include <hlkvm.h>

static int count_vm(const struct hlkvm_vm_info *info, void *arg)
{
	(void)info;
	++*(unsigned int *)arg;
	return 0;
}

/* One stop as KVM reports it; 0 if classified as @want */
static int classify(const char *name, uint32_t exception, uint64_t dr6,
		    uint64_t rip, struct hlkvm_hw_bps *hw,
		    enum hlkvm_stop_reason want)
{
	char diag[HLKVM_STOP_DIAG_LEN];
	struct hlkvm_stop stop;
	enum hlkvm_stop_reason r;

	r = hlkvm_dr6_classify(exception, dr6, rip, 0x100000, hw, &stop, diag,
			       sizeof(diag));
	printf("dr6_%s=%s\n", name, hlkvm_stop_reason_str(r));
	return r != want;
}

int main(void)
{
	struct hlkvm_config cfg = { .size = sizeof(cfg) };
	struct hlkvm_client *c;
	struct hlkvm_hw_bps hw;
	unsigned int vms = 0;
	int bad = 0, ret;

	printf("library=%s\n", hlkvm_version());

	hlkvm_hwbp_init(&hw);
	if (hlkvm_hwbp_add(&hw, 0x100123) != 0)
		bad = 1;
	/* The vectors NOTES.md records for SVM: BS, then B0 for slot 0 */
	bad |= classify("step", HLKVM_DB_VECTOR, 0xffff4ff0, 0x100010, &hw,
			HLKVM_STOP_DONE_STEP);
	bad |= classify("hw", HLKVM_DB_VECTOR, 0xffff0ff1, 0x100123, &hw,
			HLKVM_STOP_HW_BREAKPOINT);
	bad |= classify("int3", HLKVM_BP_VECTOR, 0, 0x100200, &hw,
			HLKVM_STOP_SW_BREAKPOINT);

	ret = hlkvm_open(&c);
	if (ret) {
		printf("netlink=%s\n", hlkvm_strerror(NULL, ret));
		return 1;
	}
	ret = hlkvm_get_config(c, &cfg);
	if (ret) {
		printf("get_config=%s\n", hlkvm_strerror(c, ret));
		bad = 1;
	} else {
		printf("module=%s\n", cfg.version);
		printf("period_min_us=%" PRIu32 "\n", cfg.period_min_us);
		/* One release: the module, the library and the tools */
		bad |= strcmp(cfg.version, hlkvm_version()) != 0;
	}
	ret = hlkvm_dump_vms(c, count_vm, &vms);
	if (ret) {
		printf("dump_vms=%s\n", hlkvm_strerror(c, ret));
		bad = 1;
	} else {
		printf("vms=%u\n", vms);
	}
	hlkvm_close(c);
	return bad;
}
