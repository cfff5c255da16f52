// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * hlkvmctl output (see ctl.h): aligned text for people, compact JSON for
 * programs. JSON keys are snake_case and mirror the uapi attribute names
 * (HLKVM_TIMER_A_PERIOD_US -> "period_us"), so a reader of the header can
 * find every field.
 */
#include <inttypes.h>

#include "ctl.h"
#include "json.h"

#define GROUPS_BUF 64

void ctl_json_init(struct json_writer *w, FILE *f, enum ctl_fmt fmt)
{
	json_init(w, f);
	json_set_pretty(w, fmt == CTL_FMT_PRETTY);
}

static void json_groups(struct json_writer *w, const char *key, uint32_t mask)
{
	unsigned int g;

	json_array_begin(w, key);
	for (g = 0; g < __HLKVM_GROUP_COUNT; g++)
		if (mask & (1U << g))
			json_string(w, NULL, ctl_group_name(g));
	json_array_end(w);
}

void ctl_json_timer(struct json_writer *w, const struct hlkvm_timer_info *t)
{
	json_object_begin(w, "timer");
	json_bool(w, "running", t->running);
	json_u64(w, "requested_us", t->requested_us);
	json_u64(w, "period_us", t->period_us);
	json_u64(w, "ticks", t->ticks);
	json_u64(w, "merged", t->merged);
	json_u64(w, "lost", t->lost);
	json_u64(w, "backlog", t->backlog);
	json_u64(w, "outstanding", t->outstanding);
	json_u64(w, "clamped", t->clamped);
	json_u64(w, "kicks", t->kicks);
	json_string(w, "source", ctl_timer_source_name(t->source));
	json_u64(w, "period_ns", t->period_ns);
	json_object_end(w);
}

void ctl_json_stats(struct json_writer *w, const struct hlkvm_stats *s)
{
	unsigned int g;

	json_object_begin(w, "stats");
	/* The legacy groups have both directions; the timer port only OUT */
	for (g = 0; g < HLKVM_GROUP_TIMER; g++) {
		json_object_begin(w, ctl_group_name(g));
		json_u64(w, "in", s->group[g].in);
		json_u64(w, "out", s->group[g].out);
		json_object_end(w);
	}
	json_u64(w, "timer_out", s->group[HLKVM_GROUP_TIMER].out);
	json_u64(w, "eoi_bridged", s->eoi_bridged);
	json_u64(w, "eoi_ignored", s->eoi_ignored);
	json_u64(w, "eoi_direct", s->eoi_direct);
	json_u64(w, "apic_reenabled", s->apic_reenabled);
	json_u64(w, "eoi_seen", s->eoi_seen);
	json_u64(w, "other_vcpu", s->other_vcpu);
	json_u64(w, "kvm_device", s->kvm_device);
	json_object_end(w);
}

static void json_vm(struct json_writer *w, const struct hlkvm_vm_info *vm)
{
	json_object_begin(w, NULL);
	json_u64(w, "vm_id", vm->vm_id);
	json_u64(w, "owner_pid", vm->owner_pid);
	json_groups(w, "groups", vm->groups);
	json_u64(w, "timer_port", vm->timer_port);
	json_string(w, "timer_policy", ctl_policy_name(vm->timer_policy));
	json_u64(w, "attach_time_ns", vm->attach_time_ns);
	json_string(w, "irqchip", ctl_irqchip_name(vm->irqchip));
	json_bool(w, "pit_tick", vm->pit_tick);
	ctl_json_timer(w, &vm->timer);
	ctl_json_stats(w, &vm->stats);
	json_object_end(w);
}

static void json_config_fields(struct json_writer *w,
			       const struct hlkvm_config *cfg)
{
	json_string(w, "version", cfg->version);
	json_groups(w, "groups", cfg->groups);
	json_u64(w, "timer_port", cfg->timer_port);
	json_string(w, "timer_policy", ctl_policy_name(cfg->timer_policy));
	json_u64(w, "period_min_us", cfg->period_min_us);
	json_u64(w, "period_max_us", cfg->period_max_us);
	json_u64(w, "backlog_max", cfg->backlog_max);
	json_bool(w, "pit_tick", cfg->pit_tick);
	/* absent, not 0, when the module would not say */
	if (cfg->vm_count != HLKVM_VM_COUNT_HIDDEN)
		json_u64(w, "vm_count", cfg->vm_count);
}

static void text_timer_state(FILE *f, const struct hlkvm_timer_info *t)
{
	if (!t->running)
		fputs("stopped", f);
	else if (t->source == HLKVM_TIMER_SRC_PIT)
		fprintf(f, "running, %" PRIu32 " us (PIT channel 0)",
			t->period_us);
	else
		fprintf(f, "running, %" PRIu32 " us", t->period_us);
}

void ctl_print_show(FILE *f, enum ctl_fmt fmt, const struct hlkvm_config *cfg,
		    const struct hlkvm_vm_info *vms, size_t n)
{
	char groups[GROUPS_BUF];
	struct json_writer w;
	size_t i;

	if (fmt != CTL_FMT_TEXT) {
		ctl_json_init(&w, f, fmt);
		json_object_begin(&w, NULL);
		json_config_fields(&w, cfg);
		if (vms) {
			json_array_begin(&w, "vms");
			for (i = 0; i < n; i++) {
				json_object_begin(&w, NULL);
				json_u64(&w, "vm_id", vms[i].vm_id);
				json_u64(&w, "owner_pid", vms[i].owner_pid);
				json_string(&w, "irqchip",
					    ctl_irqchip_name(vms[i].irqchip));
				json_bool(&w, "timer_running",
					  vms[i].timer.running);
				json_u64(&w, "period_us",
					 vms[i].timer.period_us);
				json_object_end(&w);
			}
			json_array_end(&w);
		}
		json_object_end(&w);
		json_end_document(&w);
		return;
	}
	ctl_format_groups(cfg->groups, groups, sizeof(groups));
	fprintf(f, "hlkvm %s\n", cfg->version[0] ? cfg->version : "(unknown)");
	fprintf(f, "defaults for new attachments:\n");
	fprintf(f, "  groups:        %s\n", groups);
	fprintf(f, "  timer port:    %" PRIu16 "\n", cfg->timer_port);
	fprintf(f, "  timer policy:  %s\n", ctl_policy_name(cfg->timer_policy));
	fprintf(f, "  pit tick:      %s\n", cfg->pit_tick ? "on" : "off");
	fprintf(f, "period bounds:   %" PRIu32 " - %" PRIu32 " us\n",
		cfg->period_min_us, cfg->period_max_us);
	fprintf(f, "backlog max:     %" PRIu32 " ticks\n", cfg->backlog_max);
	if (cfg->vm_count == HLKVM_VM_COUNT_HIDDEN)
		fprintf(f, "attached VMs:    (told to CAP_NET_ADMIN only)\n");
	else
		fprintf(f, "attached VMs:    %" PRIu32 "\n", cfg->vm_count);
	if (!vms || !n)
		return;
	fprintf(f, "%8s %10s  %-8s %s\n", "ID", "OWNER", "IRQCHIP", "TIMER");
	for (i = 0; i < n; i++) {
		fprintf(f, "%8" PRIu32 " %10" PRIu32 "  %-8s ", vms[i].vm_id,
			vms[i].owner_pid, ctl_irqchip_name(vms[i].irqchip));
		text_timer_state(f, &vms[i].timer);
		fputc('\n', f);
	}
}

static void text_vm(FILE *f, const struct hlkvm_vm_info *vm)
{
	const struct hlkvm_timer_info *t = &vm->timer;
	const struct hlkvm_stats *s = &vm->stats;
	char groups[GROUPS_BUF];
	unsigned int g;

	ctl_format_groups(vm->groups, groups, sizeof(groups));
	fprintf(f, "vm %" PRIu32 ": owner pid %" PRIu32 "\n", vm->vm_id,
		vm->owner_pid);
	fprintf(f, "  groups:      %s\n", groups);
	fprintf(f, "  irqchip:     %s\n", ctl_irqchip_name(vm->irqchip));
	fprintf(f, "  timer port:  %" PRIu16 ", policy %s\n", vm->timer_port,
		ctl_policy_name(vm->timer_policy));
	fprintf(f, "  pit tick:    %s\n", vm->pit_tick ? "on" : "off");
	fprintf(f, "  attached at: %" PRIu64 ".%09" PRIu64 " s (boot time)\n",
		vm->attach_time_ns / 1000000000, vm->attach_time_ns % 1000000000);
	fputs("  timer:       ", f);
	text_timer_state(f, t);
	fprintf(f, " (requested %" PRIu32 " us, by %s)\n", t->requested_us,
		ctl_timer_source_name(t->source));
	fprintf(f, "    ticks %" PRIu64 "  merged %" PRIu64 "  lost %" PRIu64
		   "  backlog %" PRIu32 "  outstanding %" PRIu32
		   "  clamped %" PRIu64 "  kicks %" PRIu64 "\n",
		t->ticks, t->merged, t->lost, t->backlog, t->outstanding,
		t->clamped, t->kicks);
	fprintf(f, "  %-10s %20s %20s\n", "ports", "in", "out");
	for (g = 0; g < HLKVM_GROUP_TIMER; g++)
		fprintf(f, "  %-10s %20" PRIu64 " %20" PRIu64 "\n",
			ctl_group_name(g), s->group[g].in, s->group[g].out);
	fprintf(f, "  %-10s %20s %20" PRIu64 "\n", "timer", "-",
		s->group[HLKVM_GROUP_TIMER].out);
	fprintf(f, "  eoi:         bridged %" PRIu64 "  ignored %" PRIu64
		   "  direct %" PRIu64 "  seen %" PRIu64 "\n",
		s->eoi_bridged, s->eoi_ignored, s->eoi_direct, s->eoi_seen);
	fprintf(f, "  apic:        re-enabled %" PRIu64 "\n", s->apic_reenabled);
	fprintf(f, "  passed on:   other vcpu %" PRIu64 "  kvm device %" PRIu64 "\n",
		s->other_vcpu, s->kvm_device);
}

void ctl_print_vm(FILE *f, enum ctl_fmt fmt, const struct hlkvm_vm_info *vm)
{
	struct json_writer w;

	if (fmt == CTL_FMT_TEXT) {
		text_vm(f, vm);
		return;
	}
	ctl_json_init(&w, f, fmt);
	json_vm(&w, vm);
	json_end_document(&w);
}

void ctl_print_vm_list(FILE *f, enum ctl_fmt fmt, const struct hlkvm_vm_info *vms,
		       size_t n)
{
	struct json_writer w;
	size_t i;

	if (fmt == CTL_FMT_TEXT) {
		for (i = 0; i < n; i++) {
			if (i)
				fputc('\n', f);
			text_vm(f, &vms[i]);
		}
		return;
	}
	ctl_json_init(&w, f, fmt);
	json_array_begin(&w, NULL);
	for (i = 0; i < n; i++)
		json_vm(&w, &vms[i]);
	json_array_end(&w);
	json_end_document(&w);
}

static const char *event_name(uint8_t cmd)
{
	switch (cmd) {
	case HLKVM_CMD_ATTACH:
		return "attach";
	case HLKVM_CMD_DETACH:
		return "detach";
	case HLKVM_CMD_SET_CONFIG:
		return "config";
	default:
		return "unknown";
	}
}

void ctl_print_event(FILE *f, enum ctl_fmt fmt, const struct hlkvm_event *ev)
{
	char groups[GROUPS_BUF];
	struct json_writer w;
	bool vm = ev->cmd == HLKVM_CMD_ATTACH || ev->cmd == HLKVM_CMD_DETACH;

	if (fmt != CTL_FMT_TEXT) {
		ctl_json_init(&w, f, fmt);
		json_object_begin(&w, NULL);
		json_string(&w, "event", event_name(ev->cmd));
		if (vm) {
			json_u64(&w, "vm_id", ev->vm_id);
			json_u64(&w, "owner_pid", ev->owner_pid);
		} else if (ev->cmd == HLKVM_CMD_SET_CONFIG && ev->config) {
			json_object_begin(&w, "config");
			json_config_fields(&w, ev->config);
			json_object_end(&w);
		} else {
			json_u64(&w, "cmd", ev->cmd);
		}
		json_object_end(&w);
		json_end_document(&w);
		fflush(f);
		return;
	}
	if (vm) {
		fprintf(f, "%s vm %" PRIu32 " owner pid %" PRIu32 "\n",
			event_name(ev->cmd), ev->vm_id, ev->owner_pid);
	} else if (ev->cmd == HLKVM_CMD_SET_CONFIG && ev->config) {
		ctl_format_groups(ev->config->groups, groups, sizeof(groups));
		fprintf(f, "config groups %s timer-port %" PRIu16
			   " policy %s period-min %" PRIu32
			   " period-max %" PRIu32 " backlog-max %" PRIu32 "\n",
			groups, ev->config->timer_port,
			ctl_policy_name(ev->config->timer_policy),
			ev->config->period_min_us, ev->config->period_max_us,
			ev->config->backlog_max);
	} else {
		fprintf(f, "unknown event (command %u)\n", ev->cmd);
	}
	/* A monitor is read as it happens, often through a pipe */
	fflush(f);
}
