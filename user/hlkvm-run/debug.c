// SPDX-License-Identifier: GPL-2.0
/*
 * hlkvm-run: debug stops (--break-entry, --hbreak, --break, --step,
 * --trace-stops). The decisions are libhlkvm's (dr6.h: classification and
 * breakpoint tables); this file is the event loop a GDB remote stub will
 * later drive instead of the command line:
 *
 *   KVM_EXIT_DEBUG -> hlkvm_debug_classify() -> record/print the stop
 *   -> if a breakpoint sits at the resume rip, step over it the way gdb
 *      does: take it out (the original byte back for an int3, the DRi
 *      disabled for a hw one), single-step one instruction with
 *      interrupts blocked, put it back, go on
 *   -> single-step while --step has steps left (BLOCKIRQ, so a pending
 *      tick does not turn each step into a step into the handler).
 *
 * One vCPU, one run: the state is this file's.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "dr6.h"
#include "elf_load.h"
#include "page_walk.h"
#include "hlkvm-run.h"
#include "json.h"

#define DEBUG_BP_MAX		16
#define DEBUG_STOPS_MAX		1024
#define DEBUG_STEP_MAX		1000000UL

struct bp_req {
	const char *spec;	/* as given: an address or a symbol */
	uint64_t addr;
	bool hw;
	int slot;		/* hw: DRi */
};

struct stop_rec {
	enum hlkvm_stop_reason reason;
	int slot;
	uint64_t rip;
	uint64_t dr6;
};

static struct {
	bool enabled;
	bool break_entry;
	bool trace;
	unsigned long steps;		/* --step N */
	unsigned long steps_left;
	bool first_stop_seen;
	struct bp_req req[DEBUG_BP_MAX];
	unsigned int nreq;

	struct vm *vm;
	struct hlkvm_debug dbg;
	struct hlkvm_mem mem;

	/* Stepping over the breakpoint at over_addr */
	bool over;
	uint64_t over_addr;
	int over_slot;			/* hw slot disabled meanwhile, or -1 */
	bool over_sw;			/* int3 taken out meanwhile */
	bool over_user;			/* the step is one --step asked for */

	struct stop_rec stops[DEBUG_STOPS_MAX];
	unsigned int nstops;
	uint64_t stops_dropped;
	/* Debug exits that are no stop: the steps over a breakpoint */
	uint64_t step_overs;
	/* --trace-stops: a copy of the ELF image, to name each stop's rip */
	void *elf;
	size_t elf_len;
} D;

static const char *reason_token(enum hlkvm_stop_reason r)
{
	switch (r) {
	case HLKVM_STOP_DONE_STEP:
		return "done-step";
	case HLKVM_STOP_HW_BREAKPOINT:
		return "hw-breakpoint";
	case HLKVM_STOP_ENTRY_POINT_BREAKPOINT:
		return "entry-point";
	case HLKVM_STOP_SW_BREAKPOINT:
		return "sw-breakpoint";
	default:
		return "unknown";
	}
}

int debug_parse_opt(int opt, const char *arg)
{
	char *end;

	D.enabled = true;
	switch (opt) {
	case DEBUG_OPT_BREAK_ENTRY:
		D.break_entry = true;
		return 0;
	case DEBUG_OPT_TRACE:
		D.trace = true;
		return 0;
	case DEBUG_OPT_STEP:
		errno = 0;
		D.steps = strtoul(arg, &end, 0);
		if (errno || end == arg || *end || *arg == '-' ||
		    D.steps > DEBUG_STEP_MAX) {
			fprintf(stderr, "hlkvm-run: --step %s: want 0 to %lu\n",
				arg, DEBUG_STEP_MAX);
			return -EINVAL;
		}
		return 0;
	case DEBUG_OPT_HBREAK:
	case DEBUG_OPT_BREAK:
		if (D.nreq == DEBUG_BP_MAX) {
			fprintf(stderr, "hlkvm-run: at most %d --hbreak/--break\n",
				DEBUG_BP_MAX);
			return -EINVAL;
		}
		if (!*arg) {
			fprintf(stderr, "hlkvm-run: empty breakpoint address\n");
			return -EINVAL;
		}
		D.req[D.nreq++] = (struct bp_req){
			.spec = arg, .hw = opt == DEBUG_OPT_HBREAK, .slot = -1 };
		return 0;
	}
	return -EINVAL;
}

bool debug_enabled(void)
{
	return D.enabled;
}

int debug_resolve(const void *elf, size_t len)
{
	unsigned int i;
	char *end;
	int ret;

	if (D.trace && elf) {
		D.elf = malloc(len);
		if (D.elf) {
			memcpy(D.elf, elf, len);
			D.elf_len = len;
		}
	}
	for (i = 0; i < D.nreq; i++) {
		struct bp_req *b = &D.req[i];

		errno = 0;
		b->addr = strtoull(b->spec, &end, 0);
		if (!errno && end != b->spec && !*end && *b->spec != '-')
			continue;
		if (!elf) {
			fprintf(stderr, "hlkvm-run: breakpoint '%s': symbols need an ELF image, not --flat\n",
				b->spec);
			return -EINVAL;
		}
		ret = hlkvm_elf_symbol(elf, len, b->spec, &b->addr);
		if (ret) {
			fprintf(stderr, "hlkvm-run: breakpoint '%s': %s\n",
				b->spec, ret == -ENOENT ?
				"no such symbol in the image's symbol table" :
				"malformed ELF symbol table");
			return ret;
		}
	}
	return 0;
}

/* Guest RAM is identity-mapped from guest physical 0: addr == offset */
static int mem_read(void *opaque, uint64_t addr, void *buf, size_t len)
{
	struct vm *vm = opaque;

	if (addr > vm->mem_size || len > vm->mem_size - addr)
		return -EFAULT;
	memcpy(buf, vm->mem + addr, len);
	return 0;
}

/*
 * An int3 in the VMM's page tables, GDT or boot info would wreck the
 * guest before it ran an instruction (--break 0x3000 once made it triple
 * fault): no breakpoint may be written there.
 */
static int mem_write(void *opaque, uint64_t addr, const void *buf, size_t len)
{
	struct vm *vm = opaque;

	if (addr > vm->mem_size || len > vm->mem_size - addr)
		return -EFAULT;
	if (hlkvm_range_overlaps(addr, len, GUEST_RESV_START, GUEST_RESV_END))
		return -EACCES;
	memcpy(vm->mem + addr, buf, len);
	return 0;
}

static int apply(void)
{
	struct kvm_guest_debug gd;

	hlkvm_debug_build(&D.dbg, &gd);
	if (ioctl(D.vm->vcpu_fd, KVM_SET_GUEST_DEBUG, &gd) < 0)
		return -errno;
	return 0;
}

int debug_setup(struct vm *vm, uint64_t entry)
{
	unsigned int i;
	int r;

	if (!D.enabled)
		return 0;
	D.vm = vm;
	D.mem = (struct hlkvm_mem){ .read = mem_read, .write = mem_write,
				    .opaque = vm };
	D.over_slot = -1;
	hlkvm_debug_init(&D.dbg, entry);

	r = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SET_GUEST_DEBUG);
	if (r <= 0) {
		fprintf(stderr, "hlkvm-run: this KVM has no guest debugging (KVM_CAP_SET_GUEST_DEBUG)\n");
		return -EOPNOTSUPP;
	}
	/* DEBUG2 is the mask of valid control bits; older KVMs reject BLOCKIRQ */
	r = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SET_GUEST_DEBUG2);
	D.dbg.blockirq_ok = r > 0 && (r & KVM_GUESTDBG_BLOCKIRQ);

	/* --step alone: there must be a first stop to step from */
	if (D.steps && !D.nreq)
		D.break_entry = true;
	if (D.break_entry && hlkvm_hwbp_add_oneshot(&D.dbg.hw, entry) < 0) {
		fprintf(stderr, "hlkvm-run: --break-entry: no free debug register\n");
		return -ENOSPC;
	}
	for (i = 0; i < D.nreq; i++) {
		struct bp_req *b = &D.req[i];

		if (b->hw) {
			r = hlkvm_hwbp_add(&D.dbg.hw, b->addr);
			if (r == -ENOSPC) {
				fprintf(stderr, "hlkvm-run: --hbreak %s: all %d debug registers in use (--break-entry takes one)\n",
					b->spec, HLKVM_HW_BP_MAX);
				return r;
			}
			if (r >= 0)
				b->slot = r;
		} else {
			r = hlkvm_swbp_insert(&D.dbg.sw, &D.mem, b->addr);
			if (r && r != -EEXIST) {
				fprintf(stderr, "hlkvm-run: --break %s (0x%llx): %s\n",
					b->spec, (unsigned long long)b->addr,
					r == -EFAULT ? "outside guest RAM" :
					r == -EACCES ? "inside the VMM's reserved area 0x1000-0x7fff (page tables, GDT, boot info)" :
					strerror(-r));
				return r;
			}
		}
		if (D.trace)
			fprintf(stderr, "debug: %s %s at 0x%llx%s\n",
			       b->hw ? "hbreak" : "break", b->spec,
			       (unsigned long long)b->addr,
			       r == -EEXIST ? " (duplicate)" : "");
	}
	if (D.trace)
		fprintf(stderr, "debug: entry 0x%llx blockirq %s\n",
		       (unsigned long long)entry, D.dbg.blockirq_ok ? "yes" : "no");
	r = apply();
	if (r)
		fprintf(stderr, "hlkvm-run: KVM_SET_GUEST_DEBUG: %s\n",
			strerror(-r));
	return r;
}

static void record(const struct hlkvm_stop *s, uint64_t dr6)
{
	char sym[64 + 24] = "";
	char name[64];
	uint64_t off;

	if (D.nstops == DEBUG_STOPS_MAX)
		D.stops_dropped++;
	else
		D.stops[D.nstops++] = (struct stop_rec){
			.reason = s->reason, .slot = s->slot, .rip = s->addr,
			.dr6 = dr6 };
	if (!D.trace)
		return;
	if (D.elf && !hlkvm_elf_addr_symbol(D.elf, D.elf_len, s->addr, name,
					     sizeof(name), &off))
		snprintf(sym, sizeof(sym), off ? " sym=%s+0x%llx" : " sym=%s",
			 name, (unsigned long long)off);
	/* stderr: stdout is the guest's console, or the summary's */
	fprintf(stderr, "stop: reason=%s slot=%d rip=0x%llx dr6=0x%llx%s\n",
		reason_token(s->reason), s->slot, (unsigned long long)s->addr,
		(unsigned long long)dr6, sym);
}

/* Puts back the breakpoint stepped over; 0 or a negative errno */
static int end_step_over(void)
{
	int r = 0;

	if (D.over_slot >= 0)
		D.dbg.hw.slot[D.over_slot].used = true;
	if (D.over_sw)
		r = hlkvm_swbp_insert(&D.dbg.sw, &D.mem, D.over_addr);
	D.over = false;
	D.over_slot = -1;
	D.over_sw = false;
	return r;
}

/* A breakpoint at @rip would stop the guest again at once: step over it */
static int begin_step_over(uint64_t rip)
{
	int slot = hlkvm_hwbp_find(&D.dbg.hw, rip), r;

	if (slot >= 0) {
		/* Slots stay put: later hits still report the same Bi */
		D.dbg.hw.slot[slot].used = false;
		D.over_slot = slot;
		D.over = true;
	}
	if (hlkvm_swbp_find(&D.dbg.sw, rip)) {
		r = hlkvm_swbp_remove(&D.dbg.sw, &D.mem, rip);
		if (r)
			return r;
		D.over_sw = true;
		D.over = true;
	}
	D.over_addr = rip;
	return 0;
}

static int fail(struct run_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct run_result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->end_detail, sizeof(r->end_detail), fmt, ap);
	va_end(ap);
	r->end = "debug";
	return -1;
}

int debug_handle_exit(struct run_ctx *ctx)
{
	const struct kvm_debug_exit_arch *ex = &ctx->vm->run->debug.arch;
	struct run_result *res = ctx->res;
	char diag[HLKVM_STOP_DIAG_LEN] = "";
	struct hlkvm_stop stop;
	int r;

	if (!D.enabled)
		return fail(res, "debug exit without debugging: exception %u at 0x%llx",
			    ex->exception, (unsigned long long)ex->pc);

	if (D.over) {
		if (ex->exception != HLKVM_DB_VECTOR || !(ex->dr6 & HLKVM_DR6_BS))
			return fail(res, "stepping over the breakpoint at 0x%llx: exception %u, dr6 0x%llx",
				    (unsigned long long)D.over_addr,
				    ex->exception, (unsigned long long)ex->dr6);
		r = end_step_over();
		if (r)
			return fail(res, "re-inserting the int3 at 0x%llx: %s",
				    (unsigned long long)D.over_addr,
				    strerror(-r));
		/*
		 * A step nobody asked for is not a stop; and a breakpoint
		 * at the new rip must fire when the guest goes on, so it is
		 * not stepped over: just resume.
		 */
		if (!D.over_user) {
			D.step_overs++;
			hlkvm_debug_set_step(&D.dbg, false);
			r = apply();
			return r ? fail(res, "KVM_SET_GUEST_DEBUG: %s",
					strerror(-r)) : 0;
		}
	}

	hlkvm_debug_classify(&D.dbg, ex, &stop, diag, sizeof(diag));
	if (stop.reason == HLKVM_STOP_UNKNOWN) {
		record(&stop, ex->dr6);
		return fail(res, "unknown debug stop: %s", diag);
	}
	if (stop.reason == HLKVM_STOP_SW_BREAKPOINT) {
		struct kvm_regs regs;

		/* KVM stops before the int3 runs: rip is the int3 itself */
		stop.addr = hlkvm_int3_addr(ex->pc);
		if (ioctl(ctx->vm->vcpu_fd, KVM_GET_REGS, &regs) < 0)
			return fail(res, "KVM_GET_REGS: %s", strerror(errno));
		if (regs.rip != stop.addr)
			return fail(res, "int3 stop at 0x%llx but rip 0x%llx",
				    (unsigned long long)stop.addr,
				    (unsigned long long)regs.rip);
		if (!hlkvm_swbp_find(&D.dbg.sw, stop.addr))
			return fail(res, "int3 at 0x%llx that is not a --break (the guest's own)",
				    (unsigned long long)stop.addr);
	}
	record(&stop, ex->dr6);
	if (!D.first_stop_seen) {
		D.first_stop_seen = true;
		D.steps_left = D.steps;
	} else if (stop.reason == HLKVM_STOP_DONE_STEP && D.steps_left) {
		D.steps_left--;
	}

	r = begin_step_over(stop.addr);
	if (r)
		return fail(res, "taking out the int3 at 0x%llx: %s",
			    (unsigned long long)stop.addr, strerror(-r));
	D.over_user = D.over && D.steps_left > 0;
	hlkvm_debug_set_step(&D.dbg, D.over || D.steps_left > 0);
	r = apply();
	if (r)
		return fail(res, "KVM_SET_GUEST_DEBUG: %s", strerror(-r));
	return 0;
}

void debug_explain_internal_error(struct run_ctx *ctx)
{
	struct kvm_regs regs;

	if (!D.enabled || ioctl(ctx->vm->vcpu_fd, KVM_GET_REGS, &regs) ||
	    !hlkvm_swbp_find(&D.dbg.sw, regs.rip))
		return;
	/* PVM, for one, emulates CPL0 code and cannot emulate int3 */
	fprintf(stderr, "hlkvm-run: hint: this KVM cannot run the int3 of --break at 0x%llx: use --hbreak (a debug register) instead\n",
		(unsigned long long)regs.rip);
}

void debug_summary_text(FILE *f, uint64_t debug_exits)
{
	if (!D.enabled)
		return;
	/* The exits line counts every debug exit: say which were stops */
	fprintf(f, "debug stops: %u%s (of %llu debug exits; %llu stepped over a breakpoint)\n",
		D.nstops, D.stops_dropped ? " (more dropped)" : "",
		(unsigned long long)debug_exits,
		(unsigned long long)D.step_overs);
}

void debug_summary_json(struct json_writer *w)
{
	unsigned int i;

	if (!D.enabled)
		return;
	json_array_begin(w, "breakpoints");
	for (i = 0; i < D.nreq; i++) {
		json_object_begin(w, NULL);
		json_string(w, "kind", D.req[i].hw ? "hw" : "sw");
		json_u64(w, "addr", D.req[i].addr);
		json_int(w, "slot", D.req[i].slot);
		json_object_end(w);
	}
	json_array_end(w);
	json_array_begin(w, "stops");
	for (i = 0; i < D.nstops; i++) {
		json_object_begin(w, NULL);
		json_string(w, "reason", reason_token(D.stops[i].reason));
		json_int(w, "slot", D.stops[i].slot);
		json_u64(w, "rip", D.stops[i].rip);
		json_u64(w, "dr6", D.stops[i].dr6);
		json_object_end(w);
	}
	json_array_end(w);
	json_u64(w, "stops_dropped", D.stops_dropped);
	json_u64(w, "step_overs", D.step_overs);
}
