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

static const char *const source_names[__HLKVM_TIMER_SRC_COUNT] = {
	[HLKVM_TIMER_SRC_PV]	= "pv",
	[HLKVM_TIMER_SRC_PIT]	= "pit",
};

const char *ctl_timer_source_name(uint32_t source)
{
	return source < __HLKVM_TIMER_SRC_COUNT ? source_names[source] : "?";
}

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
	char *copy, *tok, *save = NULL;
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
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
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
	/* "" or ",": no group named at all is a typo, not "none" */
	if (!ret && !m) {
		fprintf(err, "Error - groups: no group in \"%s\"\n", s);
		ret = -EINVAL;
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

int ctl_parse_on_off(const char *what, const char *s, uint32_t *out,
		     FILE *err)
{
	if (!strcmp(s, "on") || !strcmp(s, "off")) {
		*out = !strcmp(s, "on");
		return 0;
	}
	fprintf(err, "Error - %s: want on or off, not \"%s\"\n", what, s);
	return -EINVAL;
}

int ctl_parse_vm_id(const char *s, uint32_t *id, FILE *err)
{
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
		else if (!strcmp(key, "pit-tick"))
			ret = ctl_parse_on_off("pit-tick", val, &set->pit_tick,
					       err);
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

int ctl_parse_vm(int argc, char **argv, struct ctl_vm_req *req, FILE *err)
{
	static const struct {
		const char *name;
		enum ctl_vm_op op;
	} ops[] = {
		{ "list", CTL_VM_LIST },
		{ "show", CTL_VM_SHOW },
		{ "stop", CTL_VM_STOP },
		{ "detach", CTL_VM_DETACH },
	};
	size_t i;

	memset(req, 0, sizeof(*req));
	if (argc == 0) {
		fprintf(err, "Error - vm: missing command (list, show, stop, detach)\n");
		return -EINVAL;
	}
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcmp(argv[0], ops[i].name))
			break;
	if (i == sizeof(ops) / sizeof(ops[0])) {
		fprintf(err, "Error - vm: unknown command \"%s\" (list, show, stop, detach)\n",
			argv[0]);
		return -EINVAL;
	}
	req->op = ops[i].op;
	if (req->op == CTL_VM_LIST) {
		if (argc > 1) {
			fprintf(err, "Error - vm list: unexpected \"%s\"\n",
				argv[1]);
			return -EINVAL;
		}
		return 0;
	}
	if (argc < 2) {
		fprintf(err, "Error - vm %s: missing VM id\n", argv[0]);
		return -EINVAL;
	}
	if (argc > 2) {
		fprintf(err, "Error - vm %s: unexpected \"%s\"\n", argv[0],
			argv[2]);
		return -EINVAL;
	}
	return ctl_parse_vm_id(argv[1], &req->vm_id, err);
}

int ctl_parse_monitor(int argc, char **argv, uint32_t *count, FILE *err)
{
	*count = 0;
	if (argc == 0)
		return 0;
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
