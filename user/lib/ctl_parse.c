// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * hlkvmctl argument parsing (see ctl.h). Values are checked against the
 * limits in <linux/hlkvm.h> before anything is sent, so a typo is a usage
 * error (exit 2) naming the argument, not a kernel round trip; the kernel
 * still checks everything itself.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "ports.h"

static const char *const group_names[__HLKVM_GROUP_COUNT] = {
	[HLKVM_GROUP_PIC]	= "pic",
	[HLKVM_GROUP_PIT]	= "pit",
	[HLKVM_GROUP_SPEAKER]	= "speaker",
	[HLKVM_GROUP_DIAG]	= "diag",
	[HLKVM_GROUP_TIMER]	= "timer",
};

static const char *const policy_names[__HLKVM_TIMER_POLICY_COUNT] = {
	[HLKVM_TIMER_CATCHUP]	= "catchup",
	[HLKVM_TIMER_SKIP]	= "skip",
};

static const char *const irqchip_names[__HLKVM_IRQCHIP_COUNT] = {
	[HLKVM_IRQCHIP_SPLIT]	= "split",
	[HLKVM_IRQCHIP_KERNEL]	= "kernel",
};

const char *ctl_group_name(unsigned int group)
{
	return group < __HLKVM_GROUP_COUNT ? group_names[group] : "?";
}

const char *ctl_policy_name(uint32_t policy)
{
	return policy < __HLKVM_TIMER_POLICY_COUNT ? policy_names[policy] : "?";
}

const char *ctl_irqchip_name(uint32_t irqchip)
{
	return irqchip < __HLKVM_IRQCHIP_COUNT ? irqchip_names[irqchip] : "?";
}

void ctl_format_groups(uint32_t mask, char *buf, size_t len)
{
	size_t used = 0;
	unsigned int g;

	if (!len)
		return;
	buf[0] = '\0';
	if (!mask) {
		snprintf(buf, len, "none");
		return;
	}
	for (g = 0; g < 32; g++) {
		int n;

		if (!(mask & (1U << g)))
			continue;
		if (g < __HLKVM_GROUP_COUNT)
			n = snprintf(buf + used, len - used, "%s%s",
				     used ? "," : "", group_names[g]);
		else	/* a newer module's group: show the bit */
			n = snprintf(buf + used, len - used, "%sbit%u",
				     used ? "," : "", g);
		if (n < 0 || (size_t)n >= len - used)
			return;
		used += (size_t)n;
	}
}

int ctl_match(const char *what, const char *word, const char *const *names,
	      size_t n, FILE *err)
{
	size_t i, len = strlen(word), hits = 0;
	int found = -ENOENT;
	const char *sep = "";

	if (!len)
		return -ENOENT;
	for (i = 0; i < n; i++) {
		if (!names[i] || strncmp(word, names[i], len))
			continue;
		if (!names[i][len])
			return (int)i;	/* exact beats any prefix */
		found = (int)i;
		hits++;
	}
	if (hits < 2)
		return found;
	fprintf(err, "Error - %s: \"%s\" is ambiguous (", what, word);
	for (i = 0; i < n; i++) {
		if (names[i] && !strncmp(word, names[i], len)) {
			fprintf(err, "%s%s", sep, names[i]);
			sep = ", ";
		}
	}
	fputs(")\n", err);
	return -EINVAL;
}

int ctl_parse_u32(const char *what, const char *s, uint32_t min,
		  uint32_t max, uint32_t *out, FILE *err)
{
	unsigned long long v;
	char *end;

	/* strtoull accepts "-1" and leading blanks: refuse them here */
	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ' || *s == '\t') {
		fprintf(err, "Error - %s: \"%s\" is not a number\n", what,
			s ? s : "");
		return -EINVAL;
	}
	errno = 0;
	v = strtoull(s, &end, 0);
	if (*end) {
		fprintf(err, "Error - %s: \"%s\" is not a number\n", what, s);
		return -EINVAL;
	}
	if (errno == ERANGE || v < min || v > max) {
		fprintf(err, "Error - %s: %s is out of range [%u, %u]\n", what,
			s, min, max);
		return -ERANGE;
	}
	*out = (uint32_t)v;
	return 0;
}

int ctl_parse_groups(const char *s, uint32_t *mask, FILE *err)
{
	char *copy, *tok, *next;
	uint32_t m = 0;
	unsigned int g;
	int ret = 0;

	if (!strcmp(s, "all")) {
		*mask = __HLKVM_GROUP_F_ALL;
		return 0;
	}
	if (!strcmp(s, "none")) {
		*mask = 0;
		return 0;
	}
	copy = strdup(s);
	if (!copy)
		return -ENOMEM;
	/* Not strtok: "pic,,pit" has an empty name in it, a typo to report */
	for (tok = copy; tok; tok = next) {
		next = strchr(tok, ',');
		if (next)
			*next++ = '\0';
		if (!*tok) {
			fprintf(err,
				"Error - groups: empty group name in \"%s\" (a comma too many?)\n",
				s);
			ret = -EINVAL;
			break;
		}
		for (g = 0; g < __HLKVM_GROUP_COUNT; g++)
			if (!strcmp(tok, group_names[g]))
				break;
		if (g == __HLKVM_GROUP_COUNT) {
			fprintf(err,
				"Error - groups: unknown group \"%s\" (pic, pit, speaker, diag, timer, all, none)\n",
				tok);
			ret = -EINVAL;
			break;
		}
		m |= 1U << g;
	}
	free(copy);
	if (!ret)
		*mask = m;
	return ret;
}

int ctl_parse_policy(const char *s, uint32_t *policy, FILE *err)
{
	uint32_t p;

	for (p = 0; p < __HLKVM_TIMER_POLICY_COUNT; p++) {
		if (!strcmp(s, policy_names[p])) {
			*policy = p;
			return 0;
		}
	}
	fprintf(err, "Error - policy: unknown policy \"%s\" (catchup, skip)\n",
		s);
	return -EINVAL;
}

int ctl_parse_vm_id(const char *s, uint32_t *id, FILE *err)
{
	/* "-1" is a number, just never an id: say what an id is */
	if (s[0] == '-' && s[1] >= '0' && s[1] <= '9') {
		fprintf(err,
			"Error - vm id: %s is not a VM id: ids are 1 to %d, as \"hlkvmctl vm list\" shows them\n",
			s, INT32_MAX);
		return -ERANGE;
	}
	return ctl_parse_u32("vm id", s, 1, INT32_MAX, id, err);
}

int ctl_parse_timer_port(const char *s, uint32_t *port, FILE *err)
{
	int ret;

	ret = ctl_parse_u32("timer-port", s, 1, UINT16_MAX, port, err);
	if (ret)
		return ret;
	if (hlkvm_port_is_reserved((u16)*port)) {
		fprintf(err,
			"Error - timer-port: %s is a legacy port or the halt port (%u)\n",
			s, HLKVM_PORT_HALT);
		return -ERANGE;
	}
	return 0;
}

static const char *const set_keys[] = {
	"groups", "timer-port", "policy", "period-min", "period-max",
	"backlog-max",
};

int ctl_parse_set(int argc, char **argv, struct hlkvm_config_set *set,
		  FILE *err)
{
	int i, ret;

	hlkvm_config_set_init(set);
	if (argc == 0) {
		fprintf(err, "Error - set: nothing to set\n");
		return -EINVAL;
	}
	for (i = 0; i < argc; i += 2) {
		const char *key = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		int k = ctl_match("set", key, set_keys,
				  sizeof(set_keys) / sizeof(set_keys[0]), err);

		if (k == -EINVAL)
			return -EINVAL;
		if (k >= 0)
			key = set_keys[k];
		if (!val) {
			fprintf(err, "Error - set: %s needs a value\n", key);
			return -EINVAL;
		}
		if (!strcmp(key, "groups"))
			ret = ctl_parse_groups(val, &set->groups, err);
		else if (!strcmp(key, "timer-port"))
			ret = ctl_parse_timer_port(val, &set->timer_port, err);
		else if (!strcmp(key, "policy"))
			ret = ctl_parse_policy(val, &set->timer_policy, err);
		else if (!strcmp(key, "period-min"))
			ret = ctl_parse_u32("period-min", val,
					    HLKVM_PERIOD_MIN_US,
					    HLKVM_PERIOD_MAX_US,
					    &set->period_min_us, err);
		else if (!strcmp(key, "period-max"))
			ret = ctl_parse_u32("period-max", val,
					    HLKVM_PERIOD_MIN_US,
					    HLKVM_PERIOD_MAX_US,
					    &set->period_max_us, err);
		else if (!strcmp(key, "backlog-max"))
			ret = ctl_parse_u32("backlog-max", val, 1,
					    HLKVM_BACKLOG_LIMIT,
					    &set->backlog_max, err);
		else {
			fprintf(err, "Error - set: unknown setting \"%s\"\n",
				key);
			return -EINVAL;
		}
		if (ret)
			return ret;
	}
	/* Only when both are given: the other bound is the kernel's to check */
	if (set->period_min_us != HLKVM_DEFAULT &&
	    set->period_max_us != HLKVM_DEFAULT &&
	    set->period_min_us > set->period_max_us) {
		fprintf(err, "Error - set: period-min %u is above period-max %u\n",
			set->period_min_us, set->period_max_us);
		return -ERANGE;
	}
	return 0;
}

static const char *const vm_ops[] = {
	[CTL_VM_LIST] = "list",
	[CTL_VM_SHOW] = "show",
	[CTL_VM_STOP] = "stop",
	[CTL_VM_DETACH] = "detach",
	[CTL_VM_SET] = "set",
};

/* "vm set ID" arguments after the id: period US, policy P, at least one */
static int parse_vm_set(int argc, char **argv, struct hlkvm_vm_set *set,
			FILE *err)
{
	static const char *const keys[] = { "period", "policy" };
	int i, k, ret;

	hlkvm_vm_set_init(set);
	if (argc == 0) {
		fprintf(err, "Error - vm set: nothing to set (period US, policy catchup|skip)\n");
		return -EINVAL;
	}
	for (i = 0; i < argc; i += 2) {
		k = ctl_match("vm set", argv[i], keys, 2, err);
		if (k == -EINVAL)
			return k;
		if (k < 0) {
			fprintf(err, "Error - vm set: unknown setting \"%s\" (period, policy)\n",
				argv[i]);
			return -EINVAL;
		}
		if (i + 1 >= argc) {
			fprintf(err, "Error - vm set: %s needs a value\n",
				keys[k]);
			return -EINVAL;
		}
		/* Any period a guest may write: 0 stops, the rest is clamped */
		ret = k == 0 ? ctl_parse_u32("period", argv[i + 1], 0,
					     UINT32_MAX - 1,
					     &set->timer_period_us, err) :
			       ctl_parse_policy(argv[i + 1], &set->timer_policy,
						err);
		if (ret)
			return ret;
	}
	return 0;
}

int ctl_parse_vm(int argc, char **argv, struct ctl_vm_req *req, FILE *err)
{
	int op;

	memset(req, 0, sizeof(*req));
	if (argc == 0) {
		fprintf(err, "Error - vm: missing command (list, show, stop, detach, set)\n");
		return -EINVAL;
	}
	op = ctl_match("vm", argv[0], vm_ops,
		       sizeof(vm_ops) / sizeof(vm_ops[0]), err);
	if (op == -EINVAL)
		return op;
	if (op < 0) {
		fprintf(err, "Error - vm: unknown command \"%s\" (list, show, stop, detach, set)\n",
			argv[0]);
		return -EINVAL;
	}
	req->op = (enum ctl_vm_op)op;
	if (req->op == CTL_VM_LIST) {
		if (argc > 1) {
			fprintf(err, "Error - vm list: unexpected \"%s\"\n",
				argv[1]);
			return -EINVAL;
		}
		return 0;
	}
	if (argc < 2) {
		fprintf(err, "Error - vm %s: missing VM id\n", vm_ops[op]);
		return -EINVAL;
	}
	if (req->op != CTL_VM_SET && argc > 2) {
		fprintf(err, "Error - vm %s: unexpected \"%s\"\n", vm_ops[op],
			argv[2]);
		return -EINVAL;
	}
	if (ctl_parse_vm_id(argv[1], &req->vm_id, err))
		return -ERANGE;
	if (req->op == CTL_VM_SET)
		return parse_vm_set(argc - 2, argv + 2, &req->set, err);
	return 0;
}

int ctl_parse_monitor(int argc, char **argv, uint32_t *count, FILE *err)
{
	*count = 0;
	if (argc == 0)
		return 0;
	if (!strncmp(argv[0], "--count=", 8)) {
		if (argc > 1) {
			fprintf(err, "Error - monitor: unexpected \"%s\"\n",
				argv[1]);
			return -EINVAL;
		}
		return ctl_parse_u32("count", argv[0] + 8, 1, UINT32_MAX,
				     count, err);
	}
	if (strcmp(argv[0], "--count") && strcmp(argv[0], "count")) {
		fprintf(err, "Error - monitor: unexpected \"%s\"\n", argv[0]);
		return -EINVAL;
	}
	if (argc < 2) {
		fprintf(err, "Error - monitor: %s needs a value\n", argv[0]);
		return -EINVAL;
	}
	if (argc > 2) {
		fprintf(err, "Error - monitor: unexpected \"%s\"\n", argv[2]);
		return -EINVAL;
	}
	return ctl_parse_u32("count", argv[1], 1, UINT32_MAX, count, err);
}
