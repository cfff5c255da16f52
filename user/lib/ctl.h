/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * hlkvmctl's argument parsing and output formatting, kept in the library
 * (not installed, hidden from the shared object's ABI) so the unit tests
 * link exactly what the tool runs. user/hlkvmctl/ holds only the glue:
 * the command table, the netlink calls and exit statuses.
 *
 * Parsers return 0, or -EINVAL (not a valid word or number) / -ERANGE
 * (a number outside the uapi header's limits) after writing a message
 * naming the argument to @err. Printers write text or, with @json, one
 * compact JSON document per line.
 */
#ifndef HLKVM_CTL_H
#define HLKVM_CTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "hlkvm.h"

#define CTL_INTERNAL __attribute__((visibility("hidden")))

/* Exit statuses (ip, batctl) */
#define CTL_EXIT_OK	0
#define CTL_EXIT_FAIL	1
#define CTL_EXIT_USAGE	2

/*
 * @word as one of @names (NULL entries skipped), exactly or as a unique
 * prefix (ip's and batctl's abbreviations): its index; -ENOENT when none
 * matches (the caller names what was expected); -EINVAL after a message
 * when it is the prefix of two or more.
 */
CTL_INTERNAL int ctl_match(const char *what, const char *word,
			   const char *const *names, size_t n, FILE *err);
/* Decimal or 0x-hex, no sign, no trailing junk, within [min, max] */
CTL_INTERNAL int ctl_parse_u32(const char *what, const char *s, uint32_t min,
			       uint32_t max, uint32_t *out, FILE *err);
/* "pic,pit,speaker,diag,timer" in any order, "all" or "none" */
CTL_INTERNAL int ctl_parse_groups(const char *s, uint32_t *mask, FILE *err);
/* "catchup" or "skip" */
CTL_INTERNAL int ctl_parse_policy(const char *s, uint32_t *policy,
				  FILE *err);
/* A VM id as a dump shows it: 1 to INT32_MAX (the kernel's range) */
CTL_INTERNAL int ctl_parse_vm_id(const char *s, uint32_t *id, FILE *err);
/* A PV timer port: 1 to 65535, not a legacy port nor the halt port */
CTL_INTERNAL int ctl_parse_timer_port(const char *s, uint32_t *port,
				      FILE *err);

/*
 * "set" arguments after the word "set": KEYWORD VALUE pairs, at least
 * one; also checks period-min <= period-max when both are given.
 */
CTL_INTERNAL int ctl_parse_set(int argc, char **argv,
			       struct hlkvm_config_set *set, FILE *err);

enum ctl_vm_op {
	CTL_VM_LIST, CTL_VM_SHOW, CTL_VM_STOP, CTL_VM_DETACH, CTL_VM_SET,
};

struct ctl_vm_req {
	enum ctl_vm_op op;
	uint32_t vm_id;		/* not for CTL_VM_LIST */
	struct hlkvm_vm_set set;	/* CTL_VM_SET */
};

/*
 * "vm" arguments after the word "vm": list | show ID | stop ID |
 * detach ID | set ID [period US] [policy catchup|skip]; each word may be
 * abbreviated to a unique prefix
 */
CTL_INTERNAL int ctl_parse_vm(int argc, char **argv, struct ctl_vm_req *req,
			      FILE *err);
/*
 * "monitor" arguments after the word: [--count N | --count=N | count N],
 * N >= 1; none: forever (@count 0)
 */
CTL_INTERNAL int ctl_parse_monitor(int argc, char **argv, uint32_t *count,
				   FILE *err);

/*
 * Names for the enums, "?" for values this build does not know (a newer
 * module's). The irqchip names are hlkvm-run's --irqchip words too.
 */
CTL_INTERNAL const char *ctl_group_name(unsigned int group);
CTL_INTERNAL const char *ctl_policy_name(uint32_t policy);
CTL_INTERNAL const char *ctl_irqchip_name(uint32_t irqchip);
/* Comma-separated group names of @mask ("none" when empty) */
CTL_INTERNAL void ctl_format_groups(uint32_t mask, char *buf, size_t len);

/* How hlkvmctl prints: text, JSON (-j), indented JSON (-p) */
enum ctl_fmt { CTL_FMT_TEXT, CTL_FMT_JSON, CTL_FMT_PRETTY };

struct json_writer;
/* A JSON writer for @fmt (CTL_FMT_JSON or CTL_FMT_PRETTY) */
CTL_INTERNAL void ctl_json_init(struct json_writer *w, FILE *f,
				enum ctl_fmt fmt);

/*
 * The "timer" and "stats" objects, hlkvmctl's and hlkvm-run's alike: one
 * schema for both tools (hlkvm-run's summary calls these too)
 */
CTL_INTERNAL void ctl_json_timer(struct json_writer *w,
				 const struct hlkvm_timer_info *t);
CTL_INTERNAL void ctl_json_stats(struct json_writer *w,
				 const struct hlkvm_stats *s);

/*
 * "show": the module configuration and, when @vms is not NULL (the caller
 * may dump), the attached VMs in brief.
 */
CTL_INTERNAL void ctl_print_show(FILE *f, enum ctl_fmt fmt,
				 const struct hlkvm_config *cfg,
				 const struct hlkvm_vm_info *vms, size_t n);
/* One VM in full */
CTL_INTERNAL void ctl_print_vm(FILE *f, enum ctl_fmt fmt,
			       const struct hlkvm_vm_info *vm);
/* "vm list": every VM in full (a JSON array) */
CTL_INTERNAL void ctl_print_vm_list(FILE *f, enum ctl_fmt fmt,
				    const struct hlkvm_vm_info *vms, size_t n);
/* One event line (text) or one JSON object per line */
CTL_INTERNAL void ctl_print_event(FILE *f, enum ctl_fmt fmt,
				  const struct hlkvm_event *ev);

#endif /* HLKVM_CTL_H */
