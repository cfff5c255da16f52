// SPDX-License-Identifier: GPL-2.0
/*
 * hlkvm-run: the run summary, as text or JSON (--json, --pretty) through
 * libhlkvm's one JSON writer; "timer" and "stats" are hlkvmctl's own
 * objects (ctl_json_timer/ctl_json_stats). Field names are the e2e tests'
 * interface: keep them stable.
 */
#include <stdio.h>

#include "ctl.h"
#include "hlkvm-run.h"
#include "json.h"

static const char *const reason_names[] = {
	[KVM_EXIT_UNKNOWN] = "unknown",
	[KVM_EXIT_EXCEPTION] = "exception",
	[KVM_EXIT_IO] = "io",
	[KVM_EXIT_HYPERCALL] = "hypercall",
	[KVM_EXIT_DEBUG] = "debug",
	[KVM_EXIT_HLT] = "hlt",
	[KVM_EXIT_MMIO] = "mmio",
	[KVM_EXIT_IRQ_WINDOW_OPEN] = "irq_window_open",
	[KVM_EXIT_SHUTDOWN] = "shutdown",
	[KVM_EXIT_FAIL_ENTRY] = "fail_entry",
	[KVM_EXIT_INTR] = "intr",
	[KVM_EXIT_SET_TPR] = "set_tpr",
	[KVM_EXIT_TPR_ACCESS] = "tpr_access",
	[KVM_EXIT_NMI] = "nmi",
	[KVM_EXIT_INTERNAL_ERROR] = "internal_error",
	[KVM_EXIT_SYSTEM_EVENT] = "system_event",
	[KVM_EXIT_IOAPIC_EOI] = "ioapic_eoi",
	[KVM_EXIT_HYPERV] = "hyperv",
};

const char *exit_reason_name(unsigned int reason)
{
	if (reason < sizeof(reason_names) / sizeof(reason_names[0]) &&
	    reason_names[reason])
		return reason_names[reason];
	return "other";
}

static const char *const group_names[] = {
	[HLKVM_GROUP_PIC] = "pic",
	[HLKVM_GROUP_PIT] = "pit",
	[HLKVM_GROUP_SPEAKER] = "speaker",
	[HLKVM_GROUP_DIAG] = "diag",
};

static const char *accel_name(enum accel_mode m)
{
	return m == ACCEL_KERNEL ? "kernel" : m == ACCEL_USER ? "user" :
	       m == ACCEL_KVM ? "kvm" : "auto";
}

static void print_json(struct json_writer *w, const struct run_result *r)
{
	struct hlkvm_stats stats = r->absorbed;
	unsigned int i;

	json_object_begin(w, NULL);
	json_string(w, "accel", accel_name(r->accel));
	json_string(w, "irqchip", ctl_irqchip_name(r->irqchip));
	json_string(w, "end", r->end ? r->end : "none");
	json_string(w, "end_detail", r->end_detail);
	if (r->have_status)
		json_u64(w, "status", r->status);
	else
		json_null(w, "status");
	json_double(w, "wall_time_s", r->wall_s, 6);
	json_object_begin(w, "exits");
	for (i = 0; i < EXIT_REASONS; i++)
		if (r->exits[i])
			json_u64(w, exit_reason_name(i), r->exits[i]);
	if (r->exits_other)
		json_u64(w, "other", r->exits_other);
	json_object_end(w);
	json_array_begin(w, "io");
	for (i = 0; i < r->io_rows; i++) {
		json_object_begin(w, NULL);
		json_u64(w, "port", r->io[i].port);
		json_string(w, "dir",
			    r->io[i].dir == KVM_EXIT_IO_OUT ? "out" : "in");
		json_u64(w, "exits", r->io[i].exits);
		json_object_end(w);
	}
	json_array_end(w);
	json_u64(w, "io_rows_dropped", r->io_dropped);
	if (r->have_absorbed) {
		/*
		 * hlkvmctl's objects; the module counts period writes as
		 * the timer group's OUTs, the fallback apart
		 */
		stats.group[HLKVM_GROUP_TIMER].out = r->timer_out;
		json_string(w, "timer_policy", r->policy_name);
		ctl_json_timer(w, &r->timer);
		ctl_json_stats(w, &stats);
	}
	if (r->accel == ACCEL_KERNEL)
		json_u64(w, "vm_id", r->vm_id);
	debug_summary_json(w);
	json_object_end(w);
	json_end_document(w);
}

static void print_text(FILE *f, const struct run_result *r)
{
	unsigned int i, g;

	if (r->have_status)
		fprintf(f, "hlkvm-run: guest status %u (0x%08x), ended by port 108\n",
			r->status, r->status);
	else
		fprintf(f, "hlkvm-run: no guest status: %s\n", r->end_detail);
	fprintf(f, "accel: %s   irqchip: %s   wall time: %.3f s\n",
		accel_name(r->accel), ctl_irqchip_name(r->irqchip), r->wall_s);
	fprintf(f, "exits:");
	for (i = 0; i < EXIT_REASONS; i++)
		if (r->exits[i])
			fprintf(f, " %s %llu", exit_reason_name(i),
				(unsigned long long)r->exits[i]);
	fprintf(f, "\nKVM_EXIT_IO by port:\n  port    dir  exits\n");
	for (i = 0; i < r->io_rows; i++)
		fprintf(f, "  0x%04x  %-3s  %llu\n", r->io[i].port,
			r->io[i].dir == KVM_EXIT_IO_OUT ? "out" : "in",
			(unsigned long long)r->io[i].exits);
	debug_summary_text(f, r->exits[KVM_EXIT_DEBUG]);
	if (!r->have_absorbed)
		return;
	fprintf(f, "absorbed (%s):",
		r->accel == ACCEL_KERNEL ? "module" : "userspace fallback");
	for (g = 0; g <= HLKVM_GROUP_DIAG; g++)
		fprintf(f, " %s_in %llu %s_out %llu", group_names[g],
			(unsigned long long)r->absorbed.group[g].in,
			group_names[g],
			(unsigned long long)r->absorbed.group[g].out);
	fprintf(f, " timer_out %llu eoi_bridged %llu eoi_ignored %llu eoi_direct %llu apic_reenabled %llu eoi_seen %llu\n",
		(unsigned long long)r->timer_out,
		(unsigned long long)r->absorbed.eoi_bridged,
		(unsigned long long)r->absorbed.eoi_ignored,
		(unsigned long long)r->absorbed.eoi_direct,
		(unsigned long long)r->absorbed.apic_reenabled,
		(unsigned long long)r->absorbed.eoi_seen);
	fprintf(f, "timer (%s): requested %u us, period %u us, ticks %llu, merged %llu, lost %llu, clamped %llu, kicks %llu\n",
		r->policy_name, r->timer.requested_us, r->timer.period_us,
		(unsigned long long)r->timer.ticks,
		(unsigned long long)r->timer.merged,
		(unsigned long long)r->timer.lost,
		(unsigned long long)r->timer.clamped,
		(unsigned long long)r->timer.kicks);
}

void summary_print(FILE *f, const struct run_result *r, bool json,
		   bool pretty)
{
	struct json_writer w;

	if (json) {
		json_init(&w, f);
		json_set_pretty(&w, pretty);
		print_json(&w, r);
	} else {
		print_text(f, r);
	}
	fflush(f);
}

void summary_print_error(FILE *f, const char *error, const char *hint)
{
	struct json_writer w;

	json_init(&w, f);
	json_object_begin(&w, NULL);
	json_string(&w, "error", error && *error ? error : "setup failed");
	if (hint && *hint)
		json_string(&w, "hint", hint);
	json_object_end(&w);
	json_end_document(&w);
	fflush(f);
}
