// SPDX-License-Identifier: GPL-2.0
/*
 * Hardening finding 3 (issue 9): an access made by a nested (L2) guest
 * is not the attached guest's. The attached guest here is itself a
 * hypervisor (AMD SVM, as the test host's nested SVM offers to its own
 * guests): in 32-bit paged protected mode it writes port 0x61 itself, which
 * hlkvm absorbs, then VMRUNs an L2 guest that writes port 0x61
 * too and halts. L1 intercepts no I/O, so KVM handles L2's write as if
 * L1 had made it (architecturally it reaches L1's "hardware"); hlkvm must
 * leave it untouched (KVM_EXIT_IO at port 0x61 in this VMM) rather than
 * answer it as the attached guest's. L2's HLT exits to L1, which reports
 * the exit code on the halt port.
 *
 * Before is_guest_mode() was checked, L2's write was absorbed: the first
 * exit this VMM saw was the halt port.
 *
 * Prints "ok N - what" / "not ok N - what: ..."; exits 1 if any case
 * failed, 77 (skip) without /dev/kvm, without the module, or without SVM
 * offered to guests (an Intel host, kvm_amd nested=0).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hlkvm.h"
#include "testvm.h"

#define GUEST_MEM	0x10000
#define L1_CODE		0x1000
#define L1_PGDIR	0x2000
#define HSAVE		0x3000
#define VMCB		0x4000
#define L2_CODE		0x5000
#define PORT_SPEAKER	0x61

#define SVM_EXIT_HLT	0x78
#define CPUID_SVM_BIT	(1u << 2)	/* CPUID 0x80000001 ECX */

/* L1, 32-bit protected mode, flat: enable SVM, VMRUN L2, report */
static const unsigned char l1_code[] = {
	0xb9, 0x80, 0x00, 0x00, 0xc0,		/* mov ecx, MSR_EFER */
	0x0f, 0x32,				/* rdmsr */
	0x0d, 0x00, 0x10, 0x00, 0x00,		/* or eax, EFER_SVME */
	0x0f, 0x30,				/* wrmsr */
	0xb9, 0x17, 0x01, 0x01, 0xc0,		/* mov ecx, MSR_VM_HSAVE_PA */
	0xb8, 0x00, 0x30, 0x00, 0x00,		/* mov eax, HSAVE */
	0x31, 0xd2,				/* xor edx, edx */
	0x0f, 0x30,				/* wrmsr */
	0xe6, PORT_SPEAKER,			/* out 0x61, al: L1's own */
	0xb8, 0x00, 0x40, 0x00, 0x00,		/* mov eax, VMCB */
	0x0f, 0x01, 0xd8,			/* vmrun */
	0xa1, 0x70, 0x40, 0x00, 0x00,		/* mov eax, [VMCB + exit_code] */
	0x66, 0xba, HLKVM_PORT_HALT, 0x00,	/* mov dx, 108 */
	0xef,					/* out dx, eax */
	0xf4,					/* hlt */
};

/* L2, 32-bit protected mode */
static const unsigned char l2_code[] = {
	0xe6, PORT_SPEAKER,			/* out 0x61, al */
	0xf4,					/* hlt: intercepted by L1 */
};

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, sizeof(v)); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, sizeof(v)); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, sizeof(v)); }

/* A flat VMCB segment: selector, attributes (packed), limit, base 0 */
static void vmcb_seg(uint8_t *seg, uint16_t sel, uint16_t attrib,
		     uint32_t limit)
{
	put16(seg, sel);
	put16(seg + 2, attrib);
	put32(seg + 4, limit);
	put64(seg + 8, 0);
}

/*
 * L1's VMCB for L2: intercept VMRUN (required) and HLT, ASID 1, no I/O
 * intercepts, no nested paging; L2 in flat 32-bit protected mode (as
 * L1) at L2_CODE.
 */
static void build_vmcb(uint8_t *vmcb)
{
	uint8_t *save = vmcb + 0x400;
	int i;

	memset(vmcb, 0, 4096);
	put32(vmcb + 0x0c, 1u << 24);		/* intercept HLT */
	put32(vmcb + 0x10, 1u << 0);		/* intercept VMRUN */
	put32(vmcb + 0x58, 1);			/* guest ASID */
	for (i = 0; i < 6; i++)			/* es cs ss ds fs gs */
		vmcb_seg(save + i * 0x10, i == 1 ? 8 : 0x10,
			 i == 1 ? 0xc9b : 0xc93, 0xffffffff);
	put32(save + 0x64, 0xffff);		/* gdtr limit */
	put32(save + 0x84, 0xffff);		/* idtr limit */
	vmcb_seg(save + 0x70, 0, 0x82, 0xffff);	/* ldtr */
	vmcb_seg(save + 0x90, 0, 0x8b, 0xffff);	/* tr */
	put64(save + 0xd0, 1u << 12);		/* efer: SVME */
	put64(save + 0x158, 0x11);		/* cr0: PE, ET */
	put64(save + 0x160, 0x400);		/* dr7 */
	put64(save + 0x168, 0xffff0ff0);	/* dr6 */
	put64(save + 0x170, 2);			/* rflags */
	put64(save + 0x178, L2_CODE);		/* rip */
	put64(save + 0x1d8, 0x8000);		/* rsp */
}

/* The supported CPUID, SVM included, or -errno (-ENOTSUP without SVM) */
static int set_cpuid(int kvm, int vcpu)
{
	struct kvm_cpuid2 *cpuid;
	unsigned int i;
	bool svm = false;
	int ret = 0;

	cpuid = calloc(1, sizeof(*cpuid) + 256 * sizeof(cpuid->entries[0]));
	if (!cpuid)
		return -ENOMEM;
	cpuid->nent = 256;
	if (ioctl(kvm, KVM_GET_SUPPORTED_CPUID, cpuid)) {
		ret = -errno;
		goto out;
	}
	for (i = 0; i < cpuid->nent; i++)
		if (cpuid->entries[i].function == 0x80000001 &&
		    (cpuid->entries[i].ecx & CPUID_SVM_BIT))
			svm = true;
	if (!svm) {
		ret = -ENOTSUP;
		goto out;
	}
	if (ioctl(vcpu, KVM_SET_CPUID2, cpuid))
		ret = -errno;
out:
	free(cpuid);
	return ret;
}

static void seg32(struct kvm_segment *s, uint16_t sel, uint8_t type)
{
	memset(s, 0, sizeof(*s));
	s->selector = sel;
	s->limit = 0xffffffff;
	s->type = type;
	s->present = 1;
	s->s = 1;
	s->db = 1;
	s->g = 1;
}

int main(void)
{
	struct kvm_userspace_memory_region region = {
		.memory_size = GUEST_MEM,
	};
	struct kvm_regs regs = { .rip = L1_CODE, .rflags = 2 };
	struct hlkvm_vm_info info = { .size = sizeof(info) };
	struct hlkvm_client *c;
	struct kvm_sregs sregs;
	struct kvm_run *run;
	int kvm, vm, vcpu, efd, size, ret, first, second = -1;
	uint32_t exit_code = 0;
	uint64_t speaker_out = 0;
	char detail[512];
	uint8_t *mem;

	/* A guest that never exits fails the run (SIGALRM), never hangs it */
	alarm(120);
	kvm = testvm_start(true, &c);
	if (kvm < 0)
		return -kvm;
	vm = testvm_create(kvm, HLKVM_IRQCHIP_KERNEL);
	mem = mmap(NULL, GUEST_MEM, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vm < 0 || mem == MAP_FAILED) {
		printf("not ok 1 - VM setup: %s\n", strerror(errno));
		return 1;
	}
	memcpy(mem + L1_CODE, l1_code, sizeof(l1_code));
	memcpy(mem + L2_CODE, l2_code, sizeof(l2_code));
	build_vmcb(mem + VMCB);
	region.userspace_addr = (unsigned long)mem;
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) || vcpu < 0 ||
	    size <= 0) {
		printf("not ok 1 - VM setup: %s\n", strerror(errno));
		return 1;
	}
	ret = set_cpuid(kvm, vcpu);
	if (ret == -ENOTSUP) {
		printf("SKIP: KVM offers no SVM to its guests (an Intel host, or kvm_amd nested=0): no L2 can run\n");
		return 77;
	}
	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (ret || run == MAP_FAILED || ioctl(vcpu, KVM_GET_SREGS, &sregs)) {
		printf("not ok 1 - vCPU setup: %s\n", strerror(ret ? -ret : errno));
		return 1;
	}
	seg32(&sregs.cs, 8, 0xb);
	seg32(&sregs.ds, 0x10, 3);
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	/*
	 * KVM runs VMRUN for a guest with paging on only (#UD otherwise):
	 * one 4 MiB page maps L1's memory 1:1
	 */
	*(uint32_t *)(mem + L1_PGDIR) = 0x83;	/* present, writable, 4 MiB */
	sregs.cr3 = L1_PGDIR;
	sregs.cr4 = 0x10;	/* PSE */
	sregs.cr0 = 0x80000011;	/* PG, PE, ET */
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) ||
	    ioctl(vcpu, KVM_SET_REGS, &regs)) {
		printf("not ok 1 - vCPU registers: %s\n", strerror(errno));
		return 1;
	}
	efd = eventfd(0, EFD_CLOEXEC);
	ret = hlkvm_attach(c, vm, efd, NULL, &info);
	if (ret) {
		printf("not ok 1 - attach: %d (%s)\n", ret,
		       hlkvm_strerror(c, ret));
		return 1;
	}

	first = ioctl(vcpu, KVM_RUN, 0) || run->exit_reason != KVM_EXIT_IO ?
		-(int)run->exit_reason : run->io.port;
	if (first == PORT_SPEAKER) {
		/* L2's write reached us; L2 halts next, L1 reports */
		if (ioctl(vcpu, KVM_RUN, 0) == 0 &&
		    run->exit_reason == KVM_EXIT_IO) {
			second = run->io.port;
			memcpy(&exit_code, (char *)run + run->io.data_offset,
			       sizeof(exit_code));
		}
	} else if (first == HLKVM_PORT_HALT) {
		memcpy(&exit_code, (char *)run + run->io.data_offset,
		       sizeof(exit_code));
	}
	{
		struct hlkvm_vm_ref ref = { .vm_fd = vm };

		if (hlkvm_get_vm(c, &ref, &info) == 0)
			speaker_out = info.stats.group[HLKVM_GROUP_SPEAKER].out;
	}
	snprintf(detail, sizeof(detail),
		 "first exit at port %d (want 0x%x, L2's write), then %d (want %d) with L2's exit code 0x%x (want 0x%x); port 0x61 writes absorbed %llu (want 1, L1's own)",
		 first, PORT_SPEAKER, second, HLKVM_PORT_HALT, exit_code,
		 SVM_EXIT_HLT, (unsigned long long)speaker_out);
	ret = first == PORT_SPEAKER && second == HLKVM_PORT_HALT &&
	      exit_code == SVM_EXIT_HLT && speaker_out == 1;
	printf("%s 1 - an L2 guest's port write passes through hlkvm untouched, L1's own is absorbed: %s\n",
	       ret ? "ok" : "not ok", detail);
	hlkvm_close(c);
	printf("1 cases, %d failed\n", !ret);
	return ret ? 0 : 1;
}
