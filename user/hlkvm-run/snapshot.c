// SPDX-License-Identifier: GPL-2.0
/*
 * hlkvm-run's snapshots: KVM's vCPU and VM state, guest RAM and hlkvm's
 * (or the fallback's) timer and port state, through snapshot_file.c.
 *
 * Taking one (IN from SNAPSHOT_PORT, --snapshot FILE):
 *  1. the IN is completed first (KVM_RUN with immediate_exit: KVM writes
 *     RAX and moves RIP past the instruction, then returns), so the saved
 *     registers are those after the IN; the saved RAX is then given the
 *     value a restored run reads, 1, while this run reads 0;
 *  2. hlkvm's state before KVM's: a tick that the timer signals in
 *     between is then pending in the saved LAPIC with no outstanding tick
 *     saved, which a restore survives (the EOI of a tick not outstanding
 *     is harmless); the other order could save an outstanding tick that
 *     never reaches the LAPIC, and the guest would wait for the timer's
 *     stale-tick guard;
 *  3. written to FILE.tmp and renamed: a reader never sees half a file.
 * Restoring builds the VM exactly as a fresh run does (vm_create), then
 * overwrites it: RAM, special registers, MSRs, LAPIC, registers, FPU,
 * events, KVM's PIC and IOAPIC; hlkvm's state goes in after the attach
 * or the fallback's start, before the first KVM_RUN. Any failure ends the
 * run before the guest executes one instruction.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "snapshot.h"

/*
 * The MSRs a guest of this ABI can change, the TSC first. Those KVM does
 * not know on this host are left out of the file (and then keep KVM's
 * reset values on restore).
 */
static const uint32_t snapshot_msrs[] = {
	0x00000010,	/* IA32_TSC */
	0x0000001b,	/* IA32_APIC_BASE */
	0x00000174,	/* IA32_SYSENTER_CS */
	0x00000175,	/* IA32_SYSENTER_ESP */
	0x00000176,	/* IA32_SYSENTER_EIP */
	0x00000277,	/* IA32_PAT */
	0x000006e0,	/* IA32_TSC_DEADLINE */
	0xc0000081,	/* STAR */
	0xc0000082,	/* LSTAR */
	0xc0000083,	/* CSTAR */
	0xc0000084,	/* SFMASK */
	0xc0000102,	/* KERNEL_GS_BASE */
	0xc0000103,	/* TSC_AUX */
};
#define N_MSRS	(sizeof(snapshot_msrs) / sizeof(snapshot_msrs[0]))

struct msr_block {
	uint32_t count;
	uint32_t pad;
	struct kvm_msr_entry e[N_MSRS];
};

static int get_msrs(int vcpu_fd, struct msr_block *b)
{
	struct {
		struct kvm_msrs h;
		struct kvm_msr_entry e;
	} one;

	memset(b, 0, sizeof(*b));
	for (size_t i = 0; i < N_MSRS; i++) {
		memset(&one, 0, sizeof(one));
		one.h.nmsrs = 1;
		one.e.index = snapshot_msrs[i];
		if (ioctl(vcpu_fd, KVM_GET_MSRS, &one) == 1)
			b->e[b->count++] = one.e;
	}
	return b->count ? 0 : -EIO;
}

struct fd_out {
	int fd;
};

static int write_all(void *arg, const void *buf, size_t len)
{
	struct fd_out *o = arg;
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = write(o->fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Let KVM finish the pending IN (RAX, RIP) without running the guest on */
static int complete_in(struct vm *vm)
{
	int ret;

	vm->run->immediate_exit = 1;
	ret = ioctl(vm->vcpu_fd, KVM_RUN, 0);
	vm->run->immediate_exit = 0;
	if (ret == 0 || errno != EINTR)
		return ret == 0 ? -EPROTO : -errno;
	return 0;
}

/*
 * The fallback never sees the guest's ICWs (KVM's PIC takes them without
 * an exit), which the module follows: KVM's master 8259 tells it where
 * the guest's initialisation is and whether it set auto-EOI, so that a
 * module restoring this state counts the ticks as the guest acknowledges
 * them
 */
static int fallback_pic(struct snapshot_taker *t)
{
	struct kvm_irqchip chip = { .chip_id = KVM_IRQCHIP_PIC_MASTER };
	uint8_t flags;

	if (t->irqchip != HLKVM_IRQCHIP_KERNEL)
		return 0;
	if (ioctl(t->vm->vm_fd, KVM_GET_IRQCHIP, &chip)) {
		fprintf(stderr, "hlkvm-run: snapshot: KVM_GET_IRQCHIP: %s\n",
			strerror(errno));
		return -errno;
	}
	flags = (chip.chip.pic.init4 ? HLKVM_STATE_PIC_F_IC4 : 0) |
		(chip.chip.pic.auto_eoi ? HLKVM_STATE_PIC_F_AUTO_EOI : 0);
	if (hlkvm_fallback_set_pic(t->fb, chip.chip.pic.init_state, flags)) {
		fprintf(stderr, "hlkvm-run: snapshot: KVM's 8259 is in initialisation step %u, which hlkvm does not know\n",
			chip.chip.pic.init_state);
		return -EPROTO;
	}
	return 0;
}

static int hlkvm_state(struct snapshot_taker *t, struct hlkvm_vm_state *st)
{
	struct hlkvm_vm_ref ref = { .vm_fd = t->vm->vm_fd, .vm_id = 0 };
	int ret;

	if (t->fb) {
		ret = fallback_pic(t);
		if (ret)
			return ret;
		ret = hlkvm_fallback_save_state(t->fb, st);
		if (ret)
			fprintf(stderr, "hlkvm-run: snapshot: saving the fallback's state: %s\n",
				strerror(-ret));
		return ret;
	}
	ret = hlkvm_get_state(t->client, &ref, st);
	if (ret)
		fprintf(stderr, "hlkvm-run: snapshot: reading hlkvm's state: %s\n",
			hlkvm_strerror(t->client, ret));
	return ret;
}

#define KVM_GET(fd, req, p, what)					\
	do {								\
		if (ioctl(fd, req, p)) {				\
			fprintf(stderr, "hlkvm-run: snapshot: %s: %s\n", \
				what, strerror(errno));			\
			return -errno;					\
		}							\
	} while (0)

static int take(struct snapshot_taker *t, unsigned int size)
{
	static struct kvm_xsave xsave;
	struct vm *vm = t->vm;
	struct hlkvm_vm_state hst = { .size = sizeof(hst) };
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_fpu fpu;
	struct kvm_xcrs xcrs;
	struct kvm_lapic_state lapic;
	struct kvm_vcpu_events events;
	struct kvm_irqchip chip[3];
	struct msr_block msrs;
	struct snap_section sec[16];
	struct snap_info info = { .mem_size = vm->mem_size,
				  .irqchip = t->irqchip,
				  .accel = t->fb ? SNAP_ACCEL_USER :
						   SNAP_ACCEL_KERNEL,
				  .flags = t->pit_tick ? SNAP_F_PIT_TICK : 0 };
	bool have_xsave, have_xcrs;
	uint64_t tsc_khz;
	char tmp[4096];
	struct fd_out o;
	unsigned int n = 0;
	int ret, khz;

	ret = complete_in(vm);
	if (ret) {
		fprintf(stderr, "hlkvm-run: snapshot: completing the IN: %s\n",
			strerror(-ret));
		return ret;
	}
	ret = hlkvm_state(t, &hst);
	if (ret)
		return ret;
	KVM_GET(vm->vcpu_fd, KVM_GET_REGS, &regs, "KVM_GET_REGS");
	KVM_GET(vm->vcpu_fd, KVM_GET_SREGS, &sregs, "KVM_GET_SREGS");
	/* What the restored run's IN reads: "in al" keeps RAX's upper bytes */
	if (size == 1)
		regs.rax = (regs.rax & ~0xffULL) | 1;
	else
		regs.rax = 1;
	have_xsave = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_XSAVE) > 0;
	if (have_xsave)
		KVM_GET(vm->vcpu_fd, KVM_GET_XSAVE, &xsave, "KVM_GET_XSAVE");
	else
		KVM_GET(vm->vcpu_fd, KVM_GET_FPU, &fpu, "KVM_GET_FPU");
	have_xcrs = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_XCRS) > 0;
	if (have_xcrs)
		KVM_GET(vm->vcpu_fd, KVM_GET_XCRS, &xcrs, "KVM_GET_XCRS");
	if (get_msrs(vm->vcpu_fd, &msrs)) {
		fprintf(stderr, "hlkvm-run: snapshot: KVM_GET_MSRS read no MSR\n");
		return -EIO;
	}
	KVM_GET(vm->vcpu_fd, KVM_GET_LAPIC, &lapic, "KVM_GET_LAPIC");
	KVM_GET(vm->vcpu_fd, KVM_GET_VCPU_EVENTS, &events,
		"KVM_GET_VCPU_EVENTS");

	sec[n++] = (struct snap_section){ SNAP_SEC_MEM, vm->mem,
					  vm->mem_size };
	sec[n++] = (struct snap_section){ SNAP_SEC_REGS, &regs, sizeof(regs) };
	sec[n++] = (struct snap_section){ SNAP_SEC_SREGS, &sregs,
					  sizeof(sregs) };
	if (have_xsave)
		sec[n++] = (struct snap_section){ SNAP_SEC_XSAVE, &xsave,
						  sizeof(xsave) };
	else
		sec[n++] = (struct snap_section){ SNAP_SEC_FPU, &fpu,
						  sizeof(fpu) };
	if (have_xcrs)
		sec[n++] = (struct snap_section){ SNAP_SEC_XCRS, &xcrs,
						  sizeof(xcrs) };
	sec[n++] = (struct snap_section){ SNAP_SEC_MSRS, &msrs,
					  8 + msrs.count * sizeof(msrs.e[0]) };
	sec[n++] = (struct snap_section){ SNAP_SEC_LAPIC, &lapic,
					  sizeof(lapic) };
	sec[n++] = (struct snap_section){ SNAP_SEC_EVENTS, &events,
					  sizeof(events) };
	sec[n++] = (struct snap_section){ SNAP_SEC_HLKVM, &hst, hst.size };
	if (t->irqchip == HLKVM_IRQCHIP_KERNEL) {
		static const uint32_t ids[3] = { KVM_IRQCHIP_PIC_MASTER,
						 KVM_IRQCHIP_PIC_SLAVE,
						 KVM_IRQCHIP_IOAPIC };

		for (int i = 0; i < 3; i++) {
			memset(&chip[i], 0, sizeof(chip[i]));
			chip[i].chip_id = ids[i];
			KVM_GET(vm->vm_fd, KVM_GET_IRQCHIP, &chip[i],
				"KVM_GET_IRQCHIP");
			sec[n++] = (struct snap_section){
				SNAP_SEC_PIC_MASTER + i, &chip[i],
				sizeof(chip[i]) };
		}
	}
	khz = ioctl(vm->vcpu_fd, KVM_GET_TSC_KHZ, 0);
	tsc_khz = khz > 0 ? (uint64_t)khz : 0;
	if (tsc_khz)
		sec[n++] = (struct snap_section){ SNAP_SEC_TSC_KHZ, &tsc_khz,
						  sizeof(tsc_khz) };

	snprintf(tmp, sizeof(tmp), "%s.tmp", t->path);
	o.fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (o.fd < 0) {
		fprintf(stderr, "hlkvm-run: snapshot: %s: %s\n", tmp,
			strerror(errno));
		return -errno;
	}
	ret = snap_write(&info, sec, n, write_all, &o);
	if (close(o.fd) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, t->path))
		ret = -errno;
	if (ret) {
		fprintf(stderr, "hlkvm-run: snapshot: writing %s: %s\n",
			t->path, strerror(-ret));
		unlink(tmp);
	}
	return ret;
}

bool snapshot_io_hook(void *arg, uint16_t port, uint8_t dir,
		      unsigned int size, uint8_t *data)
{
	struct snapshot_taker *t = arg;

	if (port != SNAPSHOT_PORT || dir != KVM_EXIT_IO_IN ||
	    (size != 1 && size != 4))
		return t->next && t->next(t->next_arg, port, dir, size, data);
	/* This run reads 0: the snapshot was written */
	memset(data, 0, size);
	if (take(t, size)) {
		fprintf(stderr, "hlkvm-run: snapshot %s failed: stopping the guest\n",
			t->path);
		run_request_stop();
		return true;
	}
	t->taken++;
	return true;
}

int snapshot_open(struct snapshot_image *img, const char *path,
		  uint64_t mem_size)
{
	char err[512];
	struct stat st;
	enum snap_err e;
	ssize_t got;
	int fd;

	memset(img, 0, sizeof(*img));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "hlkvm-run: --restore %s: %s\n", path,
			fd < 0 || errno ? strerror(errno) : "not a regular file");
		if (fd >= 0)
			close(fd);
		return SNAP_EXIT_BASE + SNAP_E_IO;
	}
	img->buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	img->len = (size_t)st.st_size;
	got = img->buf ? read(fd, img->buf, img->len) : -1;
	close(fd);
	if (got < 0 || (size_t)got != img->len) {
		fprintf(stderr, "hlkvm-run: --restore %s: cannot read it whole\n",
			path);
		snapshot_close(img);
		return SNAP_EXIT_BASE + SNAP_E_IO;
	}
	e = snap_parse(img->buf, img->len, &img->view, err, sizeof(err));
	if (!e)
		e = snap_check_mem(&img->view, mem_size, err, sizeof(err));
	if (e) {
		fprintf(stderr, "hlkvm-run: --restore %s: %s\n", path, err);
		snapshot_close(img);
		return SNAP_EXIT_BASE + e;
	}
	return 0;
}

void snapshot_close(struct snapshot_image *img)
{
	free(img->buf);
	img->buf = NULL;
}

#define KVM_SET(fd, req, p, what)					\
	do {								\
		if (ioctl(fd, req, p)) {				\
			fprintf(stderr, "hlkvm-run: restore: %s: %s\n",	\
				what, strerror(errno));			\
			return SNAP_EXIT_BASE + SNAP_E_IO;		\
		}							\
	} while (0)

/* A copy, aligned as the ioctl's struct wants: the file has no alignment */
#define SECTION(img, type, var)						\
	memcpy(&(var), (img)->view.data[type], sizeof(var))

int snapshot_restore_vm(const struct snapshot_image *img, struct vm *vm)
{
	const struct snap_view *v = &img->view;
	static struct kvm_xsave xsave;
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_fpu fpu;
	struct kvm_xcrs xcrs;
	struct kvm_lapic_state lapic;
	struct kvm_vcpu_events events;
	struct kvm_irqchip chip;
	struct msr_block msrs;
	struct {
		struct kvm_msrs h;
		struct kvm_msr_entry e[N_MSRS];
	} set;
	uint64_t khz;
	int host_khz;

	memcpy(vm->mem, v->data[SNAP_SEC_MEM], v->len[SNAP_SEC_MEM]);
	if (v->data[SNAP_SEC_TSC_KHZ]) {
		SECTION(img, SNAP_SEC_TSC_KHZ, khz);
		host_khz = ioctl(vm->vcpu_fd, KVM_GET_TSC_KHZ, 0);
		if (host_khz > 0 && (uint64_t)host_khz != khz &&
		    ioctl(vm->vcpu_fd, KVM_SET_TSC_KHZ, (unsigned long)khz))
			fprintf(stderr, "hlkvm-run: restore: warning: the guest's TSC ran at %llu kHz, this vCPU's at %d kHz and KVM cannot scale it: %s\n",
				(unsigned long long)khz, host_khz,
				strerror(errno));
	}
	SECTION(img, SNAP_SEC_SREGS, sregs);
	KVM_SET(vm->vcpu_fd, KVM_SET_SREGS, &sregs, "KVM_SET_SREGS");
	memset(&msrs, 0, sizeof(msrs));
	memcpy(&msrs, v->data[SNAP_SEC_MSRS], v->len[SNAP_SEC_MSRS] <
	       sizeof(msrs) ? v->len[SNAP_SEC_MSRS] : sizeof(msrs));
	if (msrs.count > N_MSRS) {
		fprintf(stderr, "hlkvm-run: restore: %u MSRs, this hlkvm-run knows %zu\n",
			msrs.count, N_MSRS);
		return SNAP_EXIT_BASE + SNAP_E_MALFORMED;
	}
	memset(&set, 0, sizeof(set));
	set.h.nmsrs = msrs.count;
	memcpy(set.e, msrs.e, msrs.count * sizeof(msrs.e[0]));
	if (ioctl(vm->vcpu_fd, KVM_SET_MSRS, &set) != (int)msrs.count) {
		fprintf(stderr, "hlkvm-run: restore: KVM_SET_MSRS refused MSR 0x%x\n",
			msrs.e[0].index);
		return SNAP_EXIT_BASE + SNAP_E_IO;
	}
	SECTION(img, SNAP_SEC_LAPIC, lapic);
	KVM_SET(vm->vcpu_fd, KVM_SET_LAPIC, &lapic, "KVM_SET_LAPIC");
	if (v->data[SNAP_SEC_XSAVE]) {
		SECTION(img, SNAP_SEC_XSAVE, xsave);
		KVM_SET(vm->vcpu_fd, KVM_SET_XSAVE, &xsave, "KVM_SET_XSAVE");
	} else {
		SECTION(img, SNAP_SEC_FPU, fpu);
		KVM_SET(vm->vcpu_fd, KVM_SET_FPU, &fpu, "KVM_SET_FPU");
	}
	if (v->data[SNAP_SEC_XCRS]) {
		SECTION(img, SNAP_SEC_XCRS, xcrs);
		KVM_SET(vm->vcpu_fd, KVM_SET_XCRS, &xcrs, "KVM_SET_XCRS");
	}
	SECTION(img, SNAP_SEC_REGS, regs);
	KVM_SET(vm->vcpu_fd, KVM_SET_REGS, &regs, "KVM_SET_REGS");
	SECTION(img, SNAP_SEC_EVENTS, events);
	KVM_SET(vm->vcpu_fd, KVM_SET_VCPU_EVENTS, &events,
		"KVM_SET_VCPU_EVENTS");
	if (v->info.irqchip == HLKVM_IRQCHIP_KERNEL) {
		for (uint32_t t = SNAP_SEC_PIC_MASTER; t <= SNAP_SEC_IOAPIC;
		     t++) {
			SECTION(img, t, chip);
			KVM_SET(vm->vm_fd, KVM_SET_IRQCHIP, &chip,
				"KVM_SET_IRQCHIP");
		}
	}
	return 0;
}

int snapshot_restore_hlkvm(const struct snapshot_image *img, struct vm *vm,
			   struct hlkvm_client *client,
			   struct hlkvm_fallback *fb)
{
	const struct snap_view *v = &img->view;
	struct hlkvm_vm_ref ref = { .vm_fd = vm->vm_fd, .vm_id = 0 };
	const char *why = NULL;
	int ret;

	if (fb)
		ret = hlkvm_fallback_load_state(fb, v->data[SNAP_SEC_HLKVM],
						v->len[SNAP_SEC_HLKVM], &why);
	else
		ret = hlkvm_set_state(client, &ref, v->data[SNAP_SEC_HLKVM],
				      v->len[SNAP_SEC_HLKVM]);
	if (!ret)
		return 0;
	fprintf(stderr, "hlkvm-run: restore: the hlkvm section is refused by the %s: %s\n",
		fb ? "fallback" : "module",
		fb ? why : hlkvm_strerror(client, ret));
	return SNAP_EXIT_BASE + SNAP_E_MALFORMED;
}
