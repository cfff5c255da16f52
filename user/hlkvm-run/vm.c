// SPDX-License-Identifier: GPL-2.0
/*
 * hlkvm-run: guest memory, the vCPU in 64-bit mode, the seed's LAPIC
 * defaults, and the irqchip: split (the timer's MSI route + irqfd, here)
 * or KVM's full one (irqchip.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hlkvm-run.h"
#include "irqchip.h"
#include "kvm_devices.h"
#include "lapic.h"

#define CR0_PE		(1ULL << 0)
#define CR0_MP		(1ULL << 1)
#define CR0_ET		(1ULL << 4)
#define CR0_NE		(1ULL << 5)
#define CR0_WP		(1ULL << 16)
#define CR0_PG		(1ULL << 31)
#define CR4_PAE		(1ULL << 5)
#define EFER_LME	(1ULL << 8)
#define EFER_LMA	(1ULL << 10)
#define PTE_P		(1ULL << 0)
#define PTE_RW		(1ULL << 1)
#define PTE_PWT		(1ULL << 3)
#define PTE_PCD		(1ULL << 4)
#define PTE_PS		(1ULL << 7)
#define PAGE_2M		(2ULL << 20)

#define MSI_ADDR	0xfee00000U

static int kvm_err(const char *what)
{
	int err = errno;

	fprintf(stderr, "hlkvm-run: %s: %s\n", what, strerror(err));
	return -err;
}

/*
 * Identity-map [0, mem_size) with 2 MiB pages: one PML4 entry, up to four
 * PDPT entries, 512 PD entries each. GUEST_MEM_MAX keeps us within 4 GiB.
 */
static void build_page_tables(struct vm *vm)
{
	uint64_t *pml4 = (uint64_t *)(vm->mem + GUEST_PML4);
	uint64_t *pdpt = (uint64_t *)(vm->mem + GUEST_PDPT);
	uint64_t *pd = (uint64_t *)(vm->mem + GUEST_PD);
	uint64_t addr;
	unsigned int i;

	memset(vm->mem + GUEST_PML4, 0, GUEST_GDT - GUEST_PML4);
	pml4[0] = GUEST_PDPT | PTE_P | PTE_RW;
	for (i = 0; i < GUEST_PD_PAGES; i++)
		pdpt[i] = (GUEST_PD + 0x1000ULL * i) | PTE_P | PTE_RW;
	for (addr = 0; addr < vm->mem_size; addr += PAGE_2M)
		pd[addr / PAGE_2M] = addr | PTE_P | PTE_RW | PTE_PS;
	/* The LAPIC page, uncached: guests that EOI by xAPIC MMIO need it */
	pd[MSI_ADDR / PAGE_2M] = MSI_ADDR | PTE_P | PTE_RW | PTE_PWT | PTE_PCD |
				 PTE_PS;
}

static void build_gdt(struct vm *vm)
{
	uint64_t *gdt = (uint64_t *)(vm->mem + GUEST_GDT);

	gdt[0] = 0;
	gdt[1] = 0x00af9b000000ffffULL;	/* 0x08: code, L=1, DPL 0 */
	gdt[2] = 0x00cf93000000ffffULL;	/* 0x10: data, flat */
}

static int setup_cpuid(struct vm *vm)
{
	struct kvm_cpuid2 *cpuid;
	int n = 128, ret;

	/* KVM checks EFER.LME against the guest's CPUID: give it the host's */
	for (;;) {
		cpuid = calloc(1, sizeof(*cpuid) +
				  n * sizeof(struct kvm_cpuid_entry2));
		if (!cpuid)
			return -ENOMEM;
		cpuid->nent = n;
		if (ioctl(vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid) == 0)
			break;
		free(cpuid);
		if (errno != E2BIG)
			return kvm_err("KVM_GET_SUPPORTED_CPUID");
		n *= 2;
	}
	ret = ioctl(vm->vcpu_fd, KVM_SET_CPUID2, cpuid);
	free(cpuid);
	return ret ? kvm_err("KVM_SET_CPUID2") : 0;
}

static int setup_lapic(struct vm *vm)
{
	struct kvm_lapic_state lapic;

	if (ioctl(vm->vcpu_fd, KVM_GET_LAPIC, &lapic))
		return kvm_err("KVM_GET_LAPIC");
	/* SVR 0x1FF above all: a software-disabled LAPIC drops our ticks */
	hlkvm_lapic_set_defaults(&lapic);
	if (ioctl(vm->vcpu_fd, KVM_SET_LAPIC, &lapic))
		return kvm_err("KVM_SET_LAPIC");
	return 0;
}

static int setup_msi_irqfd(struct vm *vm)
{
	struct {
		struct kvm_irq_routing hdr;
		struct kvm_irq_routing_entry e[1];
	} r;
	struct kvm_irqfd irqfd;

	memset(&r, 0, sizeof(r));
	r.hdr.nr = 1;
	r.e[0].gsi = TIMER_GSI;
	r.e[0].type = KVM_IRQ_ROUTING_MSI;
	/* Fixed delivery, edge, physical destination APIC 0 (our vCPU) */
	r.e[0].u.msi.address_lo = MSI_ADDR;
	r.e[0].u.msi.data = HLKVM_TIMER_VECTOR;
	if (ioctl(vm->vm_fd, KVM_SET_GSI_ROUTING, &r))
		return kvm_err("KVM_SET_GSI_ROUTING");

	vm->irq_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vm->irq_fd < 0)
		return kvm_err("eventfd");
	memset(&irqfd, 0, sizeof(irqfd));
	irqfd.fd = vm->irq_fd;
	irqfd.gsi = TIMER_GSI;
	if (ioctl(vm->vm_fd, KVM_IRQFD, &irqfd))
		return kvm_err("KVM_IRQFD");
	return 0;
}

/* Before the vCPU exists, or it gets no in-kernel LAPIC */
static int create_irqchip(struct vm *vm, const struct vm_config *cfg)
{
	struct kvm_enable_cap cap;

	if (cfg->irqchip == HLKVM_IRQCHIP_KERNEL) {
		if (irqchip_create(vm))
			return -EINVAL;
		return cfg->kvm_pit && kvm_devices_pit(vm) ? -EINVAL : 0;
	}
	memset(&cap, 0, sizeof(cap));
	cap.cap = KVM_CAP_SPLIT_IRQCHIP;
	cap.args[0] = IRQCHIP_ROUTES;
	if (ioctl(vm->vm_fd, KVM_ENABLE_CAP, &cap))
		return kvm_err("KVM_ENABLE_CAP(KVM_CAP_SPLIT_IRQCHIP)");
	return 0;
}

/* Once the vCPU has its LAPIC defaults: how the tick reaches it */
static int wire_timer(struct vm *vm, const struct vm_config *cfg)
{
	int ret;

	if (cfg->irqchip != HLKVM_IRQCHIP_KERNEL)
		return setup_msi_irqfd(vm);
	ret = irqchip_lapic_extint(vm);
	/* With KVM's PIT its channel 0 is the tick: nothing to bind */
	if (!ret && !cfg->kvm_pit)
		ret = irqchip_bind_timer(vm, cfg->resample);
	return ret;
}

/* Who may open /dev/kvm is its group's business (kvm on Debian) */
static void hint_kvm_group(void)
{
	struct group *gr;
	struct stat st;

	if (stat("/dev/kvm", &st))
		return;
	gr = getgrgid(st.st_gid);
	fprintf(stderr, "hlkvm-run: hint: /dev/kvm is for group %s: add yourself (usermod -aG %s $USER) and log in again\n",
		gr ? gr->gr_name : "kvm", gr ? gr->gr_name : "kvm");
}

int vm_create(struct vm *vm, const struct vm_config *cfg)
{
	struct kvm_userspace_memory_region region;
	uint64_t mem_size = cfg->mem_size;
	int ret, mmap_size;

	memset(vm, 0, sizeof(*vm));
	vm->kvm_fd = vm->vm_fd = vm->vcpu_fd = vm->irq_fd = -1;
	vm->resample_fd = -1;
	vm->mem_size = mem_size;

	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0) {
		ret = -errno;
		fprintf(stderr, "hlkvm-run: cannot open /dev/kvm: %s%s\n",
			strerror(errno), errno == ENOENT ?
			" (KVM is not available on this host: load kvm-intel or kvm-amd)" :
			"");
		if (ret == -EACCES || ret == -EPERM)
			hint_kvm_group();
		return ret;
	}
	if (ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		fprintf(stderr, "hlkvm-run: unexpected KVM API version\n");
		return -EINVAL;
	}
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0)
		return kvm_err("KVM_CREATE_VM");

	vm->mem = mmap(NULL, mem_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->mem == MAP_FAILED) {
		vm->mem = NULL;
		return kvm_err("mmap guest memory");
	}
	region = (struct kvm_userspace_memory_region){
		.slot = 0, .guest_phys_addr = 0, .memory_size = mem_size,
		.userspace_addr = (uintptr_t)vm->mem,
	};
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region))
		return kvm_err("KVM_SET_USER_MEMORY_REGION");

	ret = create_irqchip(vm, cfg);
	if (ret)
		return ret;

	vm->vcpu_fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, 0);
	if (vm->vcpu_fd < 0)
		return kvm_err("KVM_CREATE_VCPU");
	mmap_size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (mmap_size < (int)sizeof(struct kvm_run))
		return kvm_err("KVM_GET_VCPU_MMAP_SIZE");
	vm->run_size = mmap_size;
	vm->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       vm->vcpu_fd, 0);
	if (vm->run == MAP_FAILED) {
		vm->run = NULL;
		return kvm_err("mmap kvm_run");
	}

	ret = setup_cpuid(vm);
	if (!ret)
		ret = setup_lapic(vm);
	if (!ret)
		ret = wire_timer(vm, cfg);
	return ret;
}

int vm_setup_long_mode(struct vm *vm, uint64_t entry,
		       const struct hlkvm_boot_info *boot)
{
	struct kvm_segment code = {
		.base = 0, .limit = 0xffffffff, .selector = 0x08, .type = 11,
		.present = 1, .dpl = 0, .db = 0, .s = 1, .l = 1, .g = 1,
	};
	struct kvm_segment data = {
		.base = 0, .limit = 0xffffffff, .selector = 0x10, .type = 3,
		.present = 1, .dpl = 0, .db = 1, .s = 1, .l = 0, .g = 1,
	};
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	build_page_tables(vm);
	build_gdt(vm);
	memcpy(vm->mem + GUEST_BOOT_INFO, boot, sizeof(*boot));

	if (ioctl(vm->vcpu_fd, KVM_GET_SREGS, &sregs))
		return kvm_err("KVM_GET_SREGS");
	sregs.cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
	sregs.cr3 = GUEST_PML4;
	sregs.cr4 = CR4_PAE;
	sregs.efer = EFER_LME | EFER_LMA;
	sregs.cs = code;
	sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = data;
	sregs.gdt.base = GUEST_GDT;
	sregs.gdt.limit = 3 * 8 - 1;
	/* No IDT until the guest loads one: an early fault is a shutdown */
	sregs.idt.base = 0;
	sregs.idt.limit = 0;
	if (ioctl(vm->vcpu_fd, KVM_SET_SREGS, &sregs))
		return kvm_err("KVM_SET_SREGS (64-bit mode)");

	memset(&regs, 0, sizeof(regs));
	regs.rflags = 0x2;		/* IF clear: interrupts off */
	regs.rip = entry;
	regs.rsp = vm->mem_size;	/* top of RAM, 16-byte aligned */
	regs.rdi = GUEST_BOOT_INFO;
	if (ioctl(vm->vcpu_fd, KVM_SET_REGS, &regs))
		return kvm_err("KVM_SET_REGS");
	return 0;
}

int vm_inject(void *arg)
{
	struct vm *vm = arg;
	uint64_t one = 1;

	return write(vm->irq_fd, &one, sizeof(one)) == sizeof(one) ? 0 : -errno;
}

/*
 * The userspace EOI bridge: three ioctls (GET, EOI in our copy, SET).
 * Called with the fallback's timer lock held, so no tick of ours lands
 * between the GET and the SET.
 */
int vm_lapic_eoi(void *arg)
{
	struct vm *vm = arg;
	struct kvm_lapic_state lapic;

	if (ioctl(vm->vcpu_fd, KVM_GET_LAPIC, &lapic))
		return -errno;
	if (hlkvm_lapic_eoi(&lapic) < 0)
		return 0;	/* nothing in service (PVM auto-EOIs) */
	if (ioctl(vm->vcpu_fd, KVM_SET_LAPIC, &lapic))
		return -errno;
	return 1;
}

void vm_destroy(struct vm *vm)
{
	if (vm->run)
		munmap(vm->run, vm->run_size);
	if (vm->mem)
		munmap(vm->mem, vm->mem_size);
	if (vm->irq_fd >= 0)
		close(vm->irq_fd);
	if (vm->resample_fd >= 0)
		close(vm->resample_fd);
	if (vm->vcpu_fd >= 0)
		close(vm->vcpu_fd);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
}
