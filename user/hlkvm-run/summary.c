// SPDX-License-Identifier: GPL-2.0
/*
 * hlkvm-run: the run summary, as text or JSON (--json). Field names are
 * the e2e tests' interface: keep them stable.
 */
#include <stdio.h>

#include "ctl.h"
#include "hlkvm-run.h"

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

/* end_detail is our own text, but may quote strsignal(): escape anyway */
static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void print_json(FILE *f, const struct run_result *r)
{
	const char *sep = "";
	unsigned int i, g;

	fprintf(f, "{\n  \"accel\": \"%s\",\n  \"irqchip\": \"%s\",\n  \"end\": ",
		accel_name(r->accel), ctl_irqchip_name(r->irqchip));
	json_str(f, r->end ? r->end : "none");
	fprintf(f, ",\n  \"end_detail\": ");
	json_str(f, r->end_detail);
	if (r->have_status)
		fprintf(f, ",\n  \"status\": %u", r->status);
	else
		fprintf(f, ",\n  \"status\": null");
	fprintf(f, ",\n  \"wall_time_s\": %.6f,\n  \"exits\": {", r->wall_s);
	for (i = 0; i < EXIT_REASONS; i++) {
		if (!r->exits[i])
			continue;
		fprintf(f, "%s\"%s\": %llu", sep, exit_reason_name(i),
			(unsigned long long)r->exits[i]);
		sep = ", ";
	}
	if (r->exits_other)
		fprintf(f, "%s\"other\": %llu", sep,
			(unsigned long long)r->exits_other);
	fprintf(f, "},\n  \"io\": [");
	for (i = 0; i < r->io_rows; i++)
		fprintf(f, "%s\n    {\"port\": %u, \"dir\": \"%s\", \"exits\": %llu}",
			i ? "," : "", r->io[i].port,
			r->io[i].dir == KVM_EXIT_IO_OUT ? "out" : "in",
			(unsigned long long)r->io[i].exits);
	fprintf(f, "%s],\n  \"io_rows_dropped\": %llu", r->io_rows ? "\n  " : "",
		(unsigned long long)r->io_dropped);
	if (r->have_absorbed) {
		fprintf(f, ",\n  \"absorbed\": {");
		for (g = 0; g <= HLKVM_GROUP_DIAG; g++)
			fprintf(f, "\"%s_in\": %llu, \"%s_out\": %llu, ",
				group_names[g],
				(unsigned long long)r->absorbed.group[g].in,
				group_names[g],
				(unsigned long long)r->absorbed.group[g].out);
		fprintf(f, "\"timer_out\": %llu, \"eoi_bridged\": %llu, \"eoi_ignored\": %llu, \"eoi_direct\": %llu, \"apic_reenabled\": %llu, \"eoi_seen\": %llu}",
			(unsigned long long)r->timer_out,
			(unsigned long long)r->absorbed.eoi_bridged,
			(unsigned long long)r->absorbed.eoi_ignored,
			(unsigned long long)r->absorbed.eoi_direct,
			(unsigned long long)r->absorbed.apic_reenabled,
			(unsigned long long)r->absorbed.eoi_seen);
		fprintf(f, ",\n  \"timer\": {\"policy\": \"%s\", \"running\": %s, \"requested_us\": %u, \"period_us\": %u, \"ticks\": %llu, \"merged\": %llu, \"lost\": %llu, \"backlog\": %u, \"outstanding\": %u, \"clamped\": %llu, \"kicks\": %llu, \"source\": \"%s\", \"period_ns\": %llu}",
			r->policy_name, r->timer.running ? "true" : "false",
			r->timer.requested_us, r->timer.period_us,
			(unsigned long long)r->timer.ticks,
			(unsigned long long)r->timer.merged,
			(unsigned long long)r->timer.lost, r->timer.backlog,
			r->timer.outstanding,
			(unsigned long long)r->timer.clamped,
			(unsigned long long)r->timer.kicks,
			ctl_timer_source_name(r->timer.source),
			(unsigned long long)r->timer.period_ns);
	}
	if (r->accel == ACCEL_KERNEL)
		fprintf(f, ",\n  \"vm_id\": %u", r->vm_id);
	debug_summary(f, true);
	fprintf(f, "\n}\n");
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
	debug_summary(f, false);
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

void summary_print(FILE *f, const struct run_result *r, bool json)
{
	if (json)
		print_json(f, r);
	else
		print_text(f, r);
	fflush(f);
}
