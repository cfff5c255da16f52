// SPDX-License-Identifier: GPL-2.0
/*
 * cmocka tests for hlkvmctl: argument parsing (user/lib/ctl_parse.c),
 * output (user/lib/ctl_print.c, json.c), and the command dispatch and exit
 * statuses of the tool itself. The dispatcher and command files are
 * compiled into this test from user/hlkvmctl/ (all but main.c), so the
 * table and usage checked here are the tool's own.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../user/hlkvmctl/hlkvmctl.c"
#include "../../user/hlkvmctl/cmd_monitor.c"
#include "../../user/hlkvmctl/cmd_set.c"
#include "../../user/hlkvmctl/cmd_show.c"
#include "../../user/hlkvmctl/cmd_vm.c"
#include "../../user/hlkvmctl/vm_list.c"

/* --- capturing a FILE --- */

struct cap {
	FILE *f;
	char *buf;
	size_t len;
};

static void cap_open(struct cap *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	assert_non_null(c->f);
}

static const char *cap_text(struct cap *c)
{
	fflush(c->f);
	return c->buf ? c->buf : "";
}

static void cap_close(struct cap *c)
{
	fclose(c->f);
	free(c->buf);
}

/* Runs hlkvmctl with a NULL-terminated word list */
static int run(struct cap *out, struct cap *err, ...)
{
	char *argv[16] = { "hlkvmctl" };
	int argc = 1;
	va_list ap;
	char *a;

	cap_open(out);
	cap_open(err);
	va_start(ap, err);
	while ((a = va_arg(ap, char *)) && argc < 15)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;
	return hlkvmctl_main(argc, argv, out->f, err->f);
}

/* Whether the module is reachable from here (it never is on a dev box) */
static bool module_loaded(void)
{
	struct hlkvm_client *c;

	if (hlkvm_open(&c))
		return false;
	hlkvm_close(c);
	return true;
}

/* --- number and word parsing --- */

static void parse_u32_accepts_decimal_and_hex(void **state)
{
	uint32_t v = 0;

	(void)state;
	assert_int_equal(ctl_parse_u32("x", "4294967295", 0, UINT32_MAX, &v,
				       stderr), 0);
	assert_int_equal(v, UINT32_MAX);
	assert_int_equal(ctl_parse_u32("x", "0x6b", 0, 1000, &v, stderr), 0);
	assert_int_equal(v, 107);
}

static void parse_u32_rejects_junk_sign_and_range(void **state)
{
	struct cap e;
	uint32_t v = 77;

	(void)state;
	cap_open(&e);
	assert_int_equal(ctl_parse_u32("period-max", "12us", 0, 9, &v, e.f),
			 -EINVAL);
	assert_int_equal(ctl_parse_u32("period-max", "-1", 0, UINT32_MAX, &v,
				       e.f), -EINVAL);
	assert_int_equal(ctl_parse_u32("period-max", "", 0, 9, &v, e.f),
			 -EINVAL);
	assert_int_equal(ctl_parse_u32("period-max", "4294967296", 0,
				       UINT32_MAX, &v, e.f), -ERANGE);
	assert_int_equal(ctl_parse_u32("period-max", "10", 0, 9, &v, e.f),
			 -ERANGE);
	assert_int_equal(v, 77);	/* untouched on failure */
	assert_non_null(strstr(cap_text(&e), "period-max: \"12us\" is not a number"));
	assert_non_null(strstr(cap_text(&e), "period-max: 10 is out of range [0, 9]"));
	cap_close(&e);
}

static void parse_groups_names_all_none(void **state)
{
	uint32_t m;

	(void)state;
	assert_int_equal(ctl_parse_groups("pit,pic", &m, stderr), 0);
	assert_int_equal(m, HLKVM_GROUP_F_PIC | HLKVM_GROUP_F_PIT);
	assert_int_equal(ctl_parse_groups("speaker,diag,timer", &m, stderr), 0);
	assert_int_equal(m, HLKVM_GROUP_F_SPEAKER | HLKVM_GROUP_F_DIAG |
			    HLKVM_GROUP_F_TIMER);
	assert_int_equal(ctl_parse_groups("all", &m, stderr), 0);
	assert_int_equal(m, __HLKVM_GROUP_F_ALL);
	assert_int_equal(ctl_parse_groups("none", &m, stderr), 0);
	assert_int_equal(m, 0);
}

static void parse_groups_rejects_unknown_and_empty(void **state)
{
	struct cap e;
	uint32_t m = 5;

	(void)state;
	cap_open(&e);
	assert_int_equal(ctl_parse_groups("pic,rtc", &m, e.f), -EINVAL);
	assert_int_equal(ctl_parse_groups(",", &m, e.f), -EINVAL);
	assert_int_equal(ctl_parse_groups("", &m, e.f), -EINVAL);
	/* An empty name between, before or after commas is a typo */
	assert_int_equal(ctl_parse_groups("pic,,pit", &m, e.f), -EINVAL);
	assert_int_equal(ctl_parse_groups(",pic", &m, e.f), -EINVAL);
	assert_int_equal(ctl_parse_groups("pic,", &m, e.f), -EINVAL);
	assert_int_equal(m, 5);
	assert_non_null(strstr(cap_text(&e), "unknown group \"rtc\""));
	assert_non_null(strstr(cap_text(&e),
			       "empty group name in \"pic,,pit\""));
	cap_close(&e);
}

static void parse_policy_and_timer_port(void **state)
{
	struct cap e;
	uint32_t v;

	(void)state;
	cap_open(&e);
	assert_int_equal(ctl_parse_policy("skip", &v, e.f), 0);
	assert_int_equal(v, HLKVM_TIMER_SKIP);
	assert_int_equal(ctl_parse_policy("catchup", &v, e.f), 0);
	assert_int_equal(v, HLKVM_TIMER_CATCHUP);
	assert_int_equal(ctl_parse_policy("reinject", &v, e.f), -EINVAL);
	assert_int_equal(ctl_parse_timer_port("107", &v, e.f), 0);
	assert_int_equal(v, 107);
	/* The halt port and the legacy ports are refused, as by the kernel */
	assert_int_equal(ctl_parse_timer_port("108", &v, e.f), -ERANGE);
	assert_int_equal(ctl_parse_timer_port("0x80", &v, e.f), -ERANGE);
	assert_int_equal(ctl_parse_timer_port("65536", &v, e.f), -ERANGE);
	assert_int_equal(ctl_parse_timer_port("0", &v, e.f), -ERANGE);
	cap_close(&e);
}

/* --- subcommand arguments --- */

static void parse_set_every_key(void **state)
{
	char *argv[] = { "groups", "pic,timer", "timer-port", "200",
			 "policy", "skip", "period-min", "100",
			 "period-max", "10000000", "backlog-max", "65536" };
	struct hlkvm_config_set s;

	(void)state;
	assert_int_equal(ctl_parse_set(12, argv, &s, stderr), 0);
	assert_int_equal(s.groups, HLKVM_GROUP_F_PIC | HLKVM_GROUP_F_TIMER);
	assert_int_equal(s.timer_port, 200);
	assert_int_equal(s.timer_policy, HLKVM_TIMER_SKIP);
	assert_int_equal(s.period_min_us, HLKVM_PERIOD_MIN_US);
	assert_int_equal(s.period_max_us, HLKVM_PERIOD_MAX_US);
	assert_int_equal(s.backlog_max, HLKVM_BACKLOG_LIMIT);
}

static void parse_set_leaves_unnamed_keys_default(void **state)
{
	char *argv[] = { "backlog-max", "5" };
	struct hlkvm_config_set s;

	(void)state;
	assert_int_equal(ctl_parse_set(2, argv, &s, stderr), 0);
	assert_int_equal(s.backlog_max, 5);
	assert_int_equal(s.groups, HLKVM_DEFAULT);
	assert_int_equal(s.period_min_us, HLKVM_DEFAULT);
}

static void parse_set_errors(void **state)
{
	char *missing[] = { "period-min" };
	char *unknown[] = { "frequency", "100" };
	char *ambiguous[] = { "period", "100" };
	char *low[] = { "period-min", "99" };
	char *high[] = { "period-max", "10000001" };
	char *backlog0[] = { "backlog-max", "0" };
	char *backlog_big[] = { "backlog-max", "65537" };
	char *swapped[] = { "period-min", "2000", "period-max", "1000" };
	struct hlkvm_config_set s;
	struct cap e;

	(void)state;
	cap_open(&e);
	assert_int_equal(ctl_parse_set(0, NULL, &s, e.f), -EINVAL);
	assert_int_equal(ctl_parse_set(1, missing, &s, e.f), -EINVAL);
	assert_int_equal(ctl_parse_set(2, unknown, &s, e.f), -EINVAL);
	assert_int_equal(ctl_parse_set(2, ambiguous, &s, e.f), -EINVAL);
	assert_int_equal(ctl_parse_set(2, low, &s, e.f), -ERANGE);
	assert_int_equal(ctl_parse_set(2, high, &s, e.f), -ERANGE);
	assert_int_equal(ctl_parse_set(2, backlog0, &s, e.f), -ERANGE);
	assert_int_equal(ctl_parse_set(2, backlog_big, &s, e.f), -ERANGE);
	assert_int_equal(ctl_parse_set(4, swapped, &s, e.f), -ERANGE);
	assert_non_null(strstr(cap_text(&e), "period-min needs a value"));
	assert_non_null(strstr(cap_text(&e), "unknown setting \"frequency\""));
	assert_non_null(strstr(cap_text(&e),
			       "\"period\" is ambiguous (period-min, period-max"));
	assert_non_null(strstr(cap_text(&e),
			       "period-min: 99 is out of range [100, 10000000]"));
	assert_non_null(strstr(cap_text(&e),
			       "period-min 2000 is above period-max 1000"));
	cap_close(&e);
}

static void parse_vm_commands(void **state)
{
	char *list[] = { "list" };
	char *show[] = { "show", "12" };
	char *stop[] = { "stop", "2147483647" };
	char *detach[] = { "detach", "1" };
	struct ctl_vm_req r;

	(void)state;
	assert_int_equal(ctl_parse_vm(1, list, &r, stderr), 0);
	assert_int_equal(r.op, CTL_VM_LIST);
	assert_int_equal(ctl_parse_vm(2, show, &r, stderr), 0);
	assert_int_equal(r.op, CTL_VM_SHOW);
	assert_int_equal(r.vm_id, 12);
	assert_int_equal(ctl_parse_vm(2, stop, &r, stderr), 0);
	assert_int_equal(r.op, CTL_VM_STOP);
	assert_int_equal(r.vm_id, INT32_MAX);
	assert_int_equal(ctl_parse_vm(2, detach, &r, stderr), 0);
	assert_int_equal(r.op, CTL_VM_DETACH);
}

static void parse_vm_errors(void **state)
{
	char *none[] = { "show" };
	char *zero[] = { "show", "0" };
	char *big[] = { "stop", "2147483648" };
	char *extra[] = { "detach", "1", "2" };
	char *list_extra[] = { "list", "1" };
	char *unknown[] = { "attach", "1" };
	struct ctl_vm_req r;
	struct cap e;

	(void)state;
	cap_open(&e);
	assert_int_equal(ctl_parse_vm(0, NULL, &r, e.f), -EINVAL);
	assert_int_equal(ctl_parse_vm(1, none, &r, e.f), -EINVAL);
	assert_int_equal(ctl_parse_vm(2, zero, &r, e.f), -ERANGE);
	assert_int_equal(ctl_parse_vm(2, big, &r, e.f), -ERANGE);
	assert_int_equal(ctl_parse_vm(3, extra, &r, e.f), -EINVAL);
	assert_int_equal(ctl_parse_vm(2, list_extra, &r, e.f), -EINVAL);
	assert_int_equal(ctl_parse_vm(2, unknown, &r, e.f), -EINVAL);
	assert_non_null(strstr(cap_text(&e), "vm show: missing VM id"));
	assert_non_null(strstr(cap_text(&e), "unknown command \"attach\""));
	cap_close(&e);
}

static void match_exact_prefix_ambiguous(void **state)
{
	static const char *const names[] = { "show", "set", "stop", NULL,
					     "s" };
	struct cap e;

	(void)state;
	cap_open(&e);
	assert_int_equal(ctl_match("t", "show", names, 5, e.f), 0);
	assert_int_equal(ctl_match("t", "sh", names, 5, e.f), 0);
	assert_int_equal(ctl_match("t", "se", names, 5, e.f), 1);
	/* "s" is a name of its own: exact wins over three prefixes */
	assert_int_equal(ctl_match("t", "s", names, 5, e.f), 4);
	assert_int_equal(ctl_match("t", "s", names, 3, e.f), -EINVAL);
	assert_int_equal(ctl_match("t", "shows", names, 5, e.f), -ENOENT);
	assert_int_equal(ctl_match("t", "", names, 5, e.f), -ENOENT);
	assert_non_null(strstr(cap_text(&e), "t: \"s\" is ambiguous (show, set"));
	cap_close(&e);
}

static void parse_vm_set_and_abbreviations(void **state)
{
	char *set[] = { "set", "7", "period", "1000", "policy", "skip" };
	char *abbr[] = { "se", "7", "po", "catchup" };
	char *stop0[] = { "set", "7", "period", "0" };
	char *sh[] = { "sh", "4" };
	char *l[] = { "l" };
	char *s1[] = { "s", "4" };
	char *nothing[] = { "set", "7" };
	char *novalue[] = { "set", "7", "period" };
	char *badkey[] = { "set", "7", "groups", "pic" };
	char *neg[] = { "show", "-1" };
	struct ctl_vm_req r;
	struct cap e;

	(void)state;
	cap_open(&e);
	assert_int_equal(ctl_parse_vm(6, set, &r, e.f), 0);
	assert_int_equal(r.op, CTL_VM_SET);
	assert_int_equal(r.vm_id, 7);
	assert_int_equal(r.set.timer_period_us, 1000);
	assert_int_equal(r.set.timer_policy, HLKVM_TIMER_SKIP);
	assert_int_equal(ctl_parse_vm(4, abbr, &r, e.f), 0);
	assert_int_equal(r.op, CTL_VM_SET);
	assert_int_equal(r.set.timer_policy, HLKVM_TIMER_CATCHUP);
	/* a field not named is not sent */
	assert_int_equal(r.set.timer_period_us, HLKVM_DEFAULT);
	assert_int_equal(ctl_parse_vm(4, stop0, &r, e.f), 0);
	assert_int_equal(r.set.timer_period_us, 0);
	assert_int_equal(ctl_parse_vm(2, sh, &r, e.f), 0);
	assert_int_equal(r.op, CTL_VM_SHOW);
	assert_int_equal(ctl_parse_vm(1, l, &r, e.f), 0);
	assert_int_equal(r.op, CTL_VM_LIST);
	assert_int_equal(ctl_parse_vm(2, s1, &r, e.f), -EINVAL);
	assert_int_equal(ctl_parse_vm(2, nothing, &r, e.f), -EINVAL);
	assert_int_equal(ctl_parse_vm(3, novalue, &r, e.f), -EINVAL);
	assert_int_equal(ctl_parse_vm(4, badkey, &r, e.f), -EINVAL);
	assert_int_equal(ctl_parse_vm(2, neg, &r, e.f), -ERANGE);
	assert_non_null(strstr(cap_text(&e), "vm: \"s\" is ambiguous"));
	assert_non_null(strstr(cap_text(&e), "vm set: nothing to set"));
	assert_non_null(strstr(cap_text(&e), "vm set: period needs a value"));
	assert_non_null(strstr(cap_text(&e), "unknown setting \"groups\""));
	assert_non_null(strstr(cap_text(&e), "-1 is not a VM id: ids are 1 to"));
	assert_null(strstr(cap_text(&e), "not a number"));
	cap_close(&e);
}

static void parse_monitor_count(void **state)
{
	char *dash[] = { "--count", "3" };
	char *word[] = { "count", "0x10" };
	char *zero[] = { "--count", "0" };
	char *missing[] = { "--count" };
	char *junk[] = { "--follow" };
	char *eq[] = { "--count=3" };
	char *eq_extra[] = { "--count=3", "4" };
	char *eq_empty[] = { "--count=" };
	struct cap e;
	uint32_t n;

	(void)state;
	cap_open(&e);
	assert_int_equal(ctl_parse_monitor(0, NULL, &n, e.f), 0);
	assert_int_equal(n, 0);
	assert_int_equal(ctl_parse_monitor(2, dash, &n, e.f), 0);
	assert_int_equal(n, 3);
	assert_int_equal(ctl_parse_monitor(2, word, &n, e.f), 0);
	assert_int_equal(n, 16);
	assert_int_equal(ctl_parse_monitor(2, zero, &n, e.f), -ERANGE);
	assert_int_equal(ctl_parse_monitor(1, missing, &n, e.f), -EINVAL);
	assert_int_equal(ctl_parse_monitor(1, junk, &n, e.f), -EINVAL);
	assert_int_equal(ctl_parse_monitor(1, eq, &n, e.f), 0);
	assert_int_equal(n, 3);
	assert_int_equal(ctl_parse_monitor(2, eq_extra, &n, e.f), -EINVAL);
	assert_int_equal(ctl_parse_monitor(1, eq_empty, &n, e.f), -EINVAL);
	cap_close(&e);
}

/* --- the tool: dispatch, usage, exit statuses --- */

static void unknown_command_or_option_exit_2(void **state)
{
	struct cap o, e;

	(void)state;
	assert_int_equal(run(&o, &e, "frobnicate", NULL), CTL_EXIT_USAGE);
	assert_non_null(strstr(cap_text(&e), "unknown command \"frobnicate\""));
	assert_string_equal(cap_text(&o), "");
	cap_close(&o);
	cap_close(&e);

	assert_int_equal(run(&o, &e, "--frob", "show", NULL), CTL_EXIT_USAGE);
	assert_non_null(strstr(cap_text(&e), "unknown option \"--frob\""));
	cap_close(&o);
	cap_close(&e);

	assert_int_equal(run(&o, &e, NULL), CTL_EXIT_USAGE);
	assert_non_null(strstr(cap_text(&e), "no command given"));
	cap_close(&o);
	cap_close(&e);
}

static void subcommand_usage_errors_exit_2(void **state)
{
	static const char *const cases[][4] = {
		{ "show", "extra" },
		{ "set" },
		{ "set", "groups", "isa" },
		{ "set", "period-max", "5" },
		{ "vm" },
		{ "vm", "show" },
		{ "vm", "stop", "x" },
		{ "monitor", "--count" },
	};
	struct cap o, e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int st = run(&o, &e, cases[i][0], cases[i][1], cases[i][2],
			     cases[i][3], NULL);

		if (st != CTL_EXIT_USAGE)
			fail_msg("\"%s %s %s\": exit %d, wanted 2", cases[i][0],
				 cases[i][1] ? cases[i][1] : "",
				 cases[i][2] ? cases[i][2] : "", st);
		/* An error message, never a silent 2 */
		assert_non_null(strstr(cap_text(&e), "Error - "));
		cap_close(&o);
		cap_close(&e);
	}
}

static void help_lists_every_command(void **state)
{
	struct cap o, e;
	unsigned int i;

	(void)state;
	assert_int_equal(run(&o, &e, "--help", NULL), CTL_EXIT_OK);
	assert_true(n_cmds >= 4);
	for (i = 0; i < n_cmds; i++) {
		char needle[64];

		snprintf(needle, sizeof(needle), "hlkvmctl %s", cmds[i]->name);
		assert_non_null(strstr(cap_text(&o), needle));
	}
	assert_non_null(strstr(cap_text(&o), "--json"));
	assert_string_equal(cap_text(&e), "");
	cap_close(&o);
	cap_close(&e);

	assert_int_equal(run(&o, &e, "--version", NULL), CTL_EXIT_OK);
	assert_non_null(strstr(cap_text(&o), "hlkvmctl "));
	cap_close(&o);
	cap_close(&e);
}

static void help_at_every_level(void **state)
{
	static const char *const cases[][3] = {
		{ "help" }, { "help", "vm" }, { "help", "mon" },
		{ "vm", "help" }, { "vm", "--help" }, { "show", "--help" },
		{ "vm", "show", "-h" }, { "set", "help" }, { "-h" },
	};
	static const char *const want[] = {
		"hlkvmctl vm list", "hlkvmctl vm set ID", "hlkvmctl monitor",
		"hlkvmctl vm set ID", "hlkvmctl vm list", "hlkvmctl show",
		"hlkvmctl vm show ID", "hlkvmctl set [groups", "hlkvmctl help",
	};
	struct cap o, e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int st = run(&o, &e, cases[i][0], cases[i][1], cases[i][2],
			     NULL);

		if (st != CTL_EXIT_OK || !strstr(cap_text(&o), want[i]))
			fail_msg("\"%s %s\": exit %d, stdout: %s", cases[i][0],
				 cases[i][1] ? cases[i][1] : "", st,
				 cap_text(&o));
		assert_string_equal(cap_text(&e), "");
		cap_close(&o);
		cap_close(&e);
	}
	/* help names only commands that exist */
	assert_int_equal(run(&o, &e, "help", "frob", NULL), CTL_EXIT_USAGE);
	assert_non_null(strstr(cap_text(&e), "unknown command \"frob\""));
	cap_close(&o);
	cap_close(&e);
}

static void options_clusters_and_double_dash(void **state)
{
	struct cap o, e;

	(void)state;
	assert_int_equal(run(&o, &e, "-jV", NULL), CTL_EXIT_OK);
	assert_non_null(strstr(cap_text(&o), "hlkvmctl "));
	cap_close(&o);
	cap_close(&e);
	/* One bad letter and the whole cluster is refused */
	assert_int_equal(run(&o, &e, "-jx", "show", NULL), CTL_EXIT_USAGE);
	assert_non_null(strstr(cap_text(&e), "unknown option \"-jx\""));
	cap_close(&o);
	cap_close(&e);
	/* "s" is set or show: ambiguous, a usage error */
	assert_int_equal(run(&o, &e, "s", NULL), CTL_EXIT_USAGE);
	assert_non_null(strstr(cap_text(&e), "\"s\" is ambiguous (set, show)"));
	cap_close(&o);
	cap_close(&e);
	if (module_loaded())
		return;	/* below: the command is reached, and fails without one */
	assert_int_equal(run(&o, &e, "-jp", "--", "sh", NULL), CTL_EXIT_FAIL);
	assert_non_null(strstr(cap_text(&e), "modprobe hlkvm"));
	cap_close(&o);
	cap_close(&e);
	assert_int_equal(run(&o, &e, "vm", "--", "show", "-1", NULL),
			 CTL_EXIT_USAGE);
	assert_non_null(strstr(cap_text(&e), "-1 is not a VM id"));
	cap_close(&o);
	cap_close(&e);
}

static void valid_command_without_module_exits_1(void **state)
{
	struct cap o, e;

	(void)state;
	if (module_loaded())
		skip();	/* the family exists here: this case is for the test host */
	assert_int_equal(run(&o, &e, "--json", "set", "policy", "skip", NULL),
			 CTL_EXIT_FAIL);
	assert_string_equal(cap_text(&e),
		"Error - hlkvm module is not loaded (no generic netlink family \"hlkvm\"); load it with \"modprobe hlkvm\" as root\n");
	/* --json: the same message as bpftool's {"error": ...} on stdout */
	assert_string_equal(cap_text(&o),
		"{\"error\":\"hlkvm module is not loaded (no generic netlink family \\\"hlkvm\\\"); load it with \\\"modprobe hlkvm\\\" as root\"}\n");
	cap_close(&o);
	cap_close(&e);
	/* without --json stdout stays empty */
	assert_int_equal(run(&o, &e, "set", "policy", "skip", NULL),
			 CTL_EXIT_FAIL);
	assert_string_equal(cap_text(&o), "");
	cap_close(&o);
	cap_close(&e);
}

static void json_usage_error_is_an_error_object(void **state)
{
	struct cap o, e;

	(void)state;
	assert_int_equal(run(&o, &e, "-j", "set", "groups", "pic,,pit", NULL),
			 CTL_EXIT_USAGE);
	assert_string_equal(cap_text(&o),
		"{\"error\":\"groups: empty group name in \\\"pic,,pit\\\" (a comma too many?)\"}\n");
	assert_non_null(strstr(cap_text(&e), "Error - groups: empty group name"));
	cap_close(&o);
	cap_close(&e);
	/* success prints no error object: --help with -j is plain usage */
	assert_int_equal(run(&o, &e, "-j", "help", NULL), CTL_EXIT_OK);
	assert_null(strstr(cap_text(&o), "\"error\""));
	cap_close(&o);
	cap_close(&e);
}

/* --- output --- */

static const struct hlkvm_config test_cfg = {
	.version = "1.2.3",
	.groups = HLKVM_GROUP_F_PIC | HLKVM_GROUP_F_DIAG,
	.timer_port = 107,
	.timer_policy = HLKVM_TIMER_CATCHUP,
	.period_min_us = 100,
	.period_max_us = 10000000,
	.backlog_max = 1000,
	.vm_count = 1,
};

static struct hlkvm_vm_info test_vm(void)
{
	struct hlkvm_vm_info v;

	memset(&v, 0, sizeof(v));
	v.vm_id = 3;
	v.owner_pid = 99;
	v.groups = __HLKVM_GROUP_F_ALL;
	v.timer_port = 107;
	v.timer_policy = HLKVM_TIMER_SKIP;
	v.attach_time_ns = 1500000000ULL;
	v.timer.running = true;
	v.timer.requested_us = 50;
	v.timer.period_us = 100;
	v.timer.period_ns = 100000;
	v.timer.ticks = 18446744073709551615ULL;
	v.timer.merged = 2;
	v.stats.group[HLKVM_GROUP_PIC].in = 10;
	v.stats.group[HLKVM_GROUP_PIC].out = 11;
	v.stats.group[HLKVM_GROUP_DIAG].out = 80;
	v.stats.group[HLKVM_GROUP_TIMER].out = 4;
	v.stats.eoi_bridged = 7;
	return v;
}

static void json_show_exact(void **state)
{
	struct hlkvm_vm_info v = test_vm();
	struct cap o;

	(void)state;
	cap_open(&o);
	ctl_print_show(o.f, true, &test_cfg, &v, 1);
	assert_string_equal(cap_text(&o),
		"{\"version\":\"1.2.3\",\"groups\":[\"pic\",\"diag\"],"
		"\"timer_port\":107,\"timer_policy\":\"catchup\","
		"\"period_min_us\":100,\"period_max_us\":10000000,"
		"\"backlog_max\":1000,\"pit_tick\":false,\"vm_count\":1,"
		"\"vms\":[{\"vm_id\":3,\"owner_pid\":99,\"irqchip\":\"split\","
		"\"timer_running\":true,\"period_us\":100}]}\n");
	cap_close(&o);

	/* Without permission to dump there is no "vms" key at all */
	cap_open(&o);
	ctl_print_show(o.f, true, &test_cfg, NULL, 0);
	assert_null(strstr(cap_text(&o), "vms"));
	cap_close(&o);
}

static void json_vm_exact(void **state)
{
	struct hlkvm_vm_info v = test_vm();
	struct cap o;

	(void)state;
	cap_open(&o);
	ctl_print_vm(o.f, true, &v);
	assert_string_equal(cap_text(&o),
		"{\"vm_id\":3,\"owner_pid\":99,"
		"\"groups\":[\"pic\",\"pit\",\"speaker\",\"diag\",\"timer\"],"
		"\"timer_port\":107,\"timer_policy\":\"skip\","
		"\"attach_time_ns\":1500000000,\"irqchip\":\"split\","
		"\"pit_tick\":false,"
		"\"timer\":{\"running\":true,\"requested_us\":50,"
		"\"period_us\":100,\"ticks\":18446744073709551615,"
		"\"merged\":2,\"lost\":0,\"backlog\":0,\"outstanding\":0,"
		"\"clamped\":0,\"kicks\":0,\"source\":\"pv\","
		"\"period_ns\":100000},"
		"\"stats\":{\"pic\":{\"in\":10,\"out\":11},"
		"\"pit\":{\"in\":0,\"out\":0},\"speaker\":{\"in\":0,\"out\":0},"
		"\"diag\":{\"in\":0,\"out\":80},\"timer_out\":4,"
		"\"eoi_bridged\":7,\"eoi_ignored\":0,\"eoi_direct\":0,"
		"\"apic_reenabled\":0,\"eoi_seen\":0,\"other_vcpu\":0,\"kvm_device\":0}}\n");
	cap_close(&o);
}

/* A full-irqchip VM: its mode and its seen EOIs, in both outputs */
static void vm_full_irqchip_shows_mode_and_eoi_seen(void **state)
{
	struct hlkvm_vm_info v = test_vm();
	struct cap o;

	(void)state;
	v.irqchip = HLKVM_IRQCHIP_KERNEL;
	v.groups &= ~HLKVM_GROUP_F_PIC;
	v.stats.eoi_bridged = 0;
	v.stats.eoi_seen = 41;
	v.stats.other_vcpu = 3;
	v.stats.kvm_device = 5;
	cap_open(&o);
	ctl_print_vm(o.f, true, &v);
	assert_non_null(strstr(cap_text(&o), ",\"irqchip\":\"kernel\","));
	assert_non_null(strstr(cap_text(&o),
			       "\"eoi_bridged\":0,\"eoi_ignored\":0,"
			       "\"eoi_direct\":0,\"apic_reenabled\":0,"
			       "\"eoi_seen\":41,\"other_vcpu\":3,"
			       "\"kvm_device\":5}"));
	cap_close(&o);
	cap_open(&o);
	ctl_print_vm(o.f, false, &v);
	assert_non_null(strstr(cap_text(&o), "  irqchip:     kernel\n"));
	assert_non_null(strstr(cap_text(&o),
			       "  passed on:   other vcpu 3  kvm device 5\n"));
	assert_non_null(strstr(cap_text(&o),
			       "eoi:         bridged 0  ignored 0  direct 0  seen 41\n"));
	cap_close(&o);
	cap_open(&o);
	ctl_print_show(o.f, false, &test_cfg, &v, 1);
	assert_non_null(strstr(cap_text(&o), " IRQCHIP "));
	assert_non_null(strstr(cap_text(&o), "99  kernel   running, 100 us\n"));
	cap_close(&o);
}

/* A newer module's irqchip mode is shown as unknown, not as a known one */
static void vm_unknown_irqchip_is_question_mark(void **state)
{
	struct hlkvm_vm_info v = test_vm();
	struct cap o;

	(void)state;
	v.irqchip = __HLKVM_IRQCHIP_COUNT;
	cap_open(&o);
	ctl_print_vm(o.f, true, &v);
	assert_non_null(strstr(cap_text(&o), "\"irqchip\":\"?\""));
	cap_close(&o);
	assert_string_equal(ctl_irqchip_name(HLKVM_IRQCHIP_SPLIT), "split");
	assert_string_equal(ctl_irqchip_name(HLKVM_IRQCHIP_KERNEL), "kernel");
	assert_string_equal(ctl_irqchip_name(UINT32_MAX), "?");
}

static void json_vm_list_is_array(void **state)
{
	struct hlkvm_vm_info v[2] = { test_vm(), test_vm() };
	struct cap o;

	(void)state;
	v[1].vm_id = 4;
	cap_open(&o);
	ctl_print_vm_list(o.f, true, v, 0);
	assert_string_equal(cap_text(&o), "[]\n");
	cap_close(&o);
	cap_open(&o);
	ctl_print_vm_list(o.f, true, v, 2);
	assert_true(cap_text(&o)[0] == '[');
	assert_non_null(strstr(cap_text(&o), "}},{\"vm_id\":4,"));
	cap_close(&o);
}

static void json_escapes_strings(void **state)
{
	struct hlkvm_config cfg = test_cfg;
	struct cap o;

	(void)state;
	strcpy(cfg.version, "a\"b\\c\nd\te\x01" "f");
	cap_open(&o);
	ctl_print_show(o.f, true, &cfg, NULL, 0);
	assert_non_null(strstr(cap_text(&o),
			       "\"version\":\"a\\\"b\\\\c\\nd\\te\\u0001f\""));
	cap_close(&o);
}

/* Every JSON document must parse: jq is the referee when installed */
static void json_pretty_is_indented_and_equal(void **state)
{
	struct hlkvm_vm_info v = test_vm();
	struct cap o;

	(void)state;
	cap_open(&o);
	ctl_print_show(o.f, CTL_FMT_PRETTY, &test_cfg, &v, 1);
	assert_non_null(strstr(cap_text(&o), "{\n  \"version\": \"1.2.3\",\n"));
	assert_non_null(strstr(cap_text(&o),
			       "\n  \"vms\": [\n    {\n      \"vm_id\": 3,"));
	assert_non_null(strstr(cap_text(&o), "\n  ]\n}\n"));
	cap_close(&o);
	/* empty containers stay "[]" */
	cap_open(&o);
	ctl_print_show(o.f, CTL_FMT_PRETTY, &test_cfg, &v, 0);
	assert_non_null(strstr(cap_text(&o), "\"vms\": []\n}"));
	cap_close(&o);
	if (system("command -v jq >/dev/null 2>&1"))
		skip();	/* jq is not installed: the string checks above remain */
	cap_open(&o);
	ctl_print_vm(o.f, CTL_FMT_PRETTY, &v);
	ctl_print_vm(o.f, CTL_FMT_JSON, &v);
	fflush(o.f);
	{
		char path[] = "/tmp/hlkvmctl-pretty-XXXXXX", cmd[160];
		int fd = mkstemp(path);

		assert_true(fd >= 0);
		assert_int_equal(write(fd, o.buf, o.len), (ssize_t)o.len);
		close(fd);
		/* the pretty and the compact document are the same value */
		snprintf(cmd, sizeof(cmd),
			 "jq -e -s 'length == 2 and .[0] == .[1]' %s >/dev/null",
			 path);
		assert_int_equal(system(cmd), 0);
		unlink(path);
	}
	cap_close(&o);
}

static void json_documents_parse_with_jq(void **state)
{
	struct hlkvm_vm_info v = test_vm();
	struct hlkvm_config cfg = test_cfg;
	struct hlkvm_event ev = { .cmd = HLKVM_CMD_ATTACH, .vm_id = 3 };
	char path[] = "/tmp/hlkvmctl-json-XXXXXX";
	char cmd[128], line[64];
	FILE *f, *p;
	int fd;

	(void)state;
	if (system("command -v jq >/dev/null 2>&1"))
		skip();	/* jq is not installed: the exact-string tests remain */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	strcpy(cfg.version, "q\"uo\\te\x1f");
	ctl_print_show(f, true, &cfg, &v, 1);
	ctl_print_vm(f, true, &v);
	ctl_print_vm_list(f, true, &v, 1);
	ctl_print_event(f, true, &ev);
	ev.cmd = HLKVM_CMD_SET_CONFIG;
	ev.config = &cfg;
	ctl_print_event(f, true, &ev);
	fclose(f);
	/* -e fails on null/false; count the documents jq read */
	snprintf(cmd, sizeof(cmd), "jq -c 'type' %s 2>&1", path);
	p = popen(cmd, "r");
	assert_non_null(p);
	fd = 0;
	while (fgets(line, sizeof(line), p)) {
		if (strcmp(line, "\"object\"\n") && strcmp(line, "\"array\"\n"))
			fail_msg("jq: %s", line);
		fd++;
	}
	assert_int_equal(pclose(p), 0);
	assert_int_equal(fd, 5);
	snprintf(cmd, sizeof(cmd), "jq -e -s '.[0].version == \"q\\\"uo\\\\te\\u001f\"' %s >/dev/null",
		 path);
	assert_int_equal(system(cmd), 0);
	unlink(path);
}

static void text_outputs_name_the_fields(void **state)
{
	struct hlkvm_vm_info v = test_vm();
	struct hlkvm_event ev = { .cmd = HLKVM_CMD_DETACH, .vm_id = 3,
				  .owner_pid = 99 };
	struct cap o;

	(void)state;
	cap_open(&o);
	ctl_print_show(o.f, false, &test_cfg, &v, 1);
	assert_non_null(strstr(cap_text(&o), "hlkvm 1.2.3\n"));
	assert_non_null(strstr(cap_text(&o), "groups:        pic,diag\n"));
	assert_non_null(strstr(cap_text(&o), "period bounds:   100 - 10000000 us\n"));
	assert_non_null(strstr(cap_text(&o), "  pit tick:      off\n"));
	assert_non_null(strstr(cap_text(&o), "running, 100 us"));
	cap_close(&o);
	cap_open(&o);
	ctl_print_vm(o.f, false, &v);
	assert_non_null(strstr(cap_text(&o), "attached at: 1.500000000 s"));
	assert_non_null(strstr(cap_text(&o), "(requested 50 us, by pv)"));
	assert_non_null(strstr(cap_text(&o), "  pit tick:    off\n"));
	assert_non_null(strstr(cap_text(&o), "eoi:         bridged 7"));
	assert_non_null(strstr(cap_text(&o), "  irqchip:     split\n"));
	cap_close(&o);
	cap_open(&o);
	ctl_print_event(o.f, false, &ev);
	assert_string_equal(cap_text(&o), "detach vm 3 owner pid 99\n");
	cap_close(&o);
}

/* A VM whose tick channel 0 drives: the option, the source, the period */
static void vm_pit_tick_shows_source_and_exact_period(void **state)
{
	struct hlkvm_vm_info v = test_vm();
	struct hlkvm_config cfg = test_cfg;
	struct cap o;

	(void)state;
	v.pit_tick = true;
	v.timer.source = HLKVM_TIMER_SRC_PIT;
	v.timer.requested_us = 1000;
	v.timer.period_us = 1000;
	v.timer.period_ns = 999847;
	cap_open(&o);
	ctl_print_vm(o.f, true, &v);
	assert_non_null(strstr(cap_text(&o), ",\"pit_tick\":true,"));
	assert_non_null(strstr(cap_text(&o),
			       ",\"source\":\"pit\",\"period_ns\":999847}"));
	cap_close(&o);
	cap_open(&o);
	ctl_print_vm(o.f, false, &v);
	assert_non_null(strstr(cap_text(&o), "  pit tick:    on\n"));
	assert_non_null(strstr(cap_text(&o),
			       "running, 1000 us (PIT channel 0) (requested 1000 us, by pit)\n"));
	cap_close(&o);
	cfg.pit_tick = true;
	cap_open(&o);
	ctl_print_show(o.f, true, &cfg, NULL, 0);
	assert_non_null(strstr(cap_text(&o), ",\"pit_tick\":true,"));
	cap_close(&o);
	/* a newer module's source is unknown, not a known one */
	v.timer.source = 7;
	cap_open(&o);
	ctl_print_vm(o.f, true, &v);
	assert_non_null(strstr(cap_text(&o), ",\"source\":\"?\","));
	cap_close(&o);
}

static void parse_set_pit_tick(void **state)
{
	char *on[] = { "pit-tick", "on" }, *off[] = { "pit-tick", "off" };
	char *bad[] = { "pit-tick", "1" };
	struct hlkvm_config_set s;
	struct cap e;

	(void)state;
	assert_int_equal(ctl_parse_set(2, on, &s, stderr), 0);
	assert_int_equal(s.pit_tick, 1);
	assert_int_equal(s.groups, HLKVM_DEFAULT);
	assert_int_equal(ctl_parse_set(2, off, &s, stderr), 0);
	assert_int_equal(s.pit_tick, 0);
	cap_open(&e);
	assert_int_equal(ctl_parse_set(2, bad, &s, e.f), -EINVAL);
	assert_non_null(strstr(cap_text(&e), "pit-tick: want on or off"));
	cap_close(&e);
	/* not given: not sent */
	assert_int_equal(ctl_parse_set(2, (char *[]){ "policy", "skip" }, &s,
				       stderr), 0);
	assert_int_equal(s.pit_tick, HLKVM_DEFAULT);
}

static void format_groups_text(void **state)
{
	char buf[64];

	(void)state;
	ctl_format_groups(0, buf, sizeof(buf));
	assert_string_equal(buf, "none");
	ctl_format_groups(HLKVM_GROUP_F_TIMER | (1U << 9), buf, sizeof(buf));
	assert_string_equal(buf, "timer,bit9");
	ctl_format_groups(__HLKVM_GROUP_F_ALL, buf, 8);	/* truncates safely */
	assert_true(strlen(buf) < 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_u32_accepts_decimal_and_hex),
		cmocka_unit_test(parse_u32_rejects_junk_sign_and_range),
		cmocka_unit_test(parse_groups_names_all_none),
		cmocka_unit_test(parse_groups_rejects_unknown_and_empty),
		cmocka_unit_test(parse_policy_and_timer_port),
		cmocka_unit_test(parse_set_every_key),
		cmocka_unit_test(parse_set_leaves_unnamed_keys_default),
		cmocka_unit_test(parse_set_errors),
		cmocka_unit_test(parse_vm_commands),
		cmocka_unit_test(parse_vm_errors),
		cmocka_unit_test(match_exact_prefix_ambiguous),
		cmocka_unit_test(parse_vm_set_and_abbreviations),
		cmocka_unit_test(parse_monitor_count),
		cmocka_unit_test(help_at_every_level),
		cmocka_unit_test(options_clusters_and_double_dash),
		cmocka_unit_test(json_pretty_is_indented_and_equal),
		cmocka_unit_test(unknown_command_or_option_exit_2),
		cmocka_unit_test(subcommand_usage_errors_exit_2),
		cmocka_unit_test(help_lists_every_command),
		cmocka_unit_test(valid_command_without_module_exits_1),
		cmocka_unit_test(json_usage_error_is_an_error_object),
		cmocka_unit_test(json_show_exact),
		cmocka_unit_test(json_vm_exact),
		cmocka_unit_test(vm_full_irqchip_shows_mode_and_eoi_seen),
		cmocka_unit_test(vm_unknown_irqchip_is_question_mark),
		cmocka_unit_test(json_vm_list_is_array),
		cmocka_unit_test(json_escapes_strings),
		cmocka_unit_test(json_documents_parse_with_jq),
		cmocka_unit_test(text_outputs_name_the_fields),
		cmocka_unit_test(format_groups_text),
		cmocka_unit_test(vm_pit_tick_shows_source_and_exact_period),
		cmocka_unit_test(parse_set_pit_tick),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
