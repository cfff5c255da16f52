// SPDX-License-Identifier: GPL-2.0
/*
 * hlkvmctl: global options, the command table (with "help" in it), usage,
 * and the error reporting every command shares. Exit 0 ok, 1 the operation failed,
 * 2 usage error (ip, batctl).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hlkvmctl.h"
#include "json.h"

#define CTL_MAX_CMDS 16

static const struct ctl_cmd *cmds[CTL_MAX_CMDS];
static unsigned int n_cmds;

void ctl_register(const struct ctl_cmd *cmd)
{
	unsigned int i;

	/* Keep the table sorted by name: --help lists it in this order */
	if (n_cmds == CTL_MAX_CMDS)
		return;
	for (i = n_cmds; i > 0 && strcmp(cmds[i - 1]->name, cmd->name) > 0; i--)
		cmds[i] = cmds[i - 1];
	cmds[i] = cmd;
	n_cmds++;
}

static const struct ctl_cmd help_cmd;
HLKVMCTL_COMMAND(help_cmd)

static void cmd_usage(FILE *f, const struct ctl_cmd *cmd)
{
	const char *p, *nl;

	for (p = cmd->usage; *p; p = *nl ? nl + 1 : nl) {
		nl = strchrnul(p, '\n');
		/* Continuation lines start blank: no program name */
		fprintf(f, "  %s%.*s\n", *p == ' ' ? "        " : "hlkvmctl ",
			(int)(nl - p), p);
	}
}

static void usage(FILE *f)
{
	unsigned int i;

	fputs("Usage: hlkvmctl [OPTIONS] COMMAND [ARGS]\n\nCommands:\n", f);
	for (i = 0; i < n_cmds; i++)
		cmd_usage(f, cmds[i]);
	fputs("\nCommands and their words may be abbreviated to a unique prefix;\n"
	      "COMMAND help (or -h, --help) prints that command's usage.\n"
	      "\nOptions:\n"
	      "  -j, --json     print data as JSON (also after the command)\n"
	      "  -p, --pretty   print data as indented JSON (implies -j)\n"
	      "  -h, --help     print this help and exit\n"
	      "  -V, --version  print the version and exit\n"
	      "  --             end of options\n"
	      "\nExit status: 0 success, 1 the operation failed, 2 usage error.\n"
	      "See hlkvmctl(8).\n", f);
}

int ctl_open(struct ctl *ctl, struct hlkvm_client **c)
{
	int ret = hlkvm_open(c);

	if (!ret)
		return CTL_EXIT_OK;
	if (ret == -ENOENT)
		fprintf(ctl->err,
			"Error - hlkvm module is not loaded (no generic netlink family \"%s\"); load it with \"modprobe hlkvm\" as root\n",
			HLKVM_GENL_NAME);
	else
		fprintf(ctl->err, "Error - cannot open generic netlink: %s\n",
			strerror(-ret));
	return CTL_EXIT_FAIL;
}

int ctl_fail(struct ctl *ctl, struct hlkvm_client *c, const char *what,
	     int err)
{
	if (err == -EPERM)
		fprintf(ctl->err, "Error - %s: needs CAP_NET_ADMIN (run as root)\n",
			what);
	else
		fprintf(ctl->err, "Error - %s: %s\n", what,
			hlkvm_strerror(c, err));
	return CTL_EXIT_FAIL;
}

/* The command @word names, exactly or as a unique prefix, or NULL */
static const struct ctl_cmd *find_cmd(const char *word, FILE *err, int *ret)
{
	const char *names[CTL_MAX_CMDS];
	unsigned int i;
	int k;

	for (i = 0; i < n_cmds; i++)
		names[i] = cmds[i]->name;
	k = ctl_match("hlkvmctl", word, names, n_cmds, err);
	if (k >= 0)
		return cmds[k];
	if (k == -ENOENT)
		fprintf(err, "Error - unknown command \"%s\" (see hlkvmctl help)\n",
			word);
	*ret = CTL_EXIT_USAGE;
	return NULL;
}

static bool is_help(const char *a)
{
	return !strcmp(a, "help") || !strcmp(a, "-h") || !strcmp(a, "--help");
}

/* "hlkvmctl help [COMMAND]" */
static int help_run(struct ctl *ctl, int argc, char **argv)
{
	const struct ctl_cmd *cmd;
	int ret;

	if (argc < 2) {
		usage(ctl->out);
		return CTL_EXIT_OK;
	}
	cmd = find_cmd(argv[1], ctl->err, &ret);
	if (!cmd)
		return ret;
	fputs("Usage:\n", ctl->out);
	cmd_usage(ctl->out, cmd);
	return CTL_EXIT_OK;
}

static const struct ctl_cmd help_cmd = {
	.name = "help",
	.usage = "help [COMMAND]",
	.run = help_run,
};

static void print_version(FILE *out)
{
	fprintf(out, "hlkvmctl %s (generic netlink family \"%s\" version %d)\n",
		hlkvm_version(), HLKVM_GENL_NAME, HLKVM_GENL_VERSION);
}

/*
 * One word before the command: a cluster of short options ("-jV"), a
 * long one, or "--". Returns -1 to go on, or an exit status.
 */
static int global_option(struct ctl *ctl, const char *a)
{
	const char *p;

	if (!strcmp(a, "--json"))
		return ctl->fmt = ctl->fmt ? ctl->fmt : CTL_FMT_JSON, -1;
	if (!strcmp(a, "--pretty"))
		return ctl->fmt = CTL_FMT_PRETTY, -1;
	if (!strcmp(a, "--help"))
		return usage(ctl->out), CTL_EXIT_OK;
	if (!strcmp(a, "--version"))
		return print_version(ctl->out), CTL_EXIT_OK;
	if (a[1] == '-')
		goto bad;
	/* Validate the whole cluster first: "-jx" does nothing at all */
	for (p = a + 1; *p; p++)
		if (!strchr("jpVh", *p))
			goto bad;
	for (p = a + 1; *p; p++) {
		switch (*p) {
		case 'j':
			if (!ctl->fmt)
				ctl->fmt = CTL_FMT_JSON;
			break;
		case 'p':
			ctl->fmt = CTL_FMT_PRETTY;
			break;
		case 'h':
			usage(ctl->out);
			return CTL_EXIT_OK;
		case 'V':
			print_version(ctl->out);
			return CTL_EXIT_OK;
		}
	}
	return -1;
bad:
	fprintf(ctl->err, "Error - unknown option \"%s\" (see hlkvmctl help)\n",
		a);
	return CTL_EXIT_USAGE;
}

static int dispatch(struct ctl *c, int argc, char **argv)
{
	struct ctl ctl = *c;
	FILE *out = ctl.out, *err = ctl.err;
	char *args[argc > 0 ? argc : 1];
	const struct ctl_cmd *cmd;
	bool cmd_seen = false, opts_done = false;
	int n = 0, i, ret;

	/*
	 * Options before the command, and -j/--json/-p/--pretty also after
	 * it ("hlkvmctl show --json" is what people type); no command
	 * argument is one of those words. "--" ends the options, before or
	 * after the command.
	 */
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!opts_done && !strcmp(a, "--")) {
			opts_done = true;
		} else if (!opts_done && cmd_seen &&
			   (!strcmp(a, "-j") || !strcmp(a, "--json"))) {
			if (!ctl.fmt)
				ctl.fmt = CTL_FMT_JSON;
		} else if (!opts_done && cmd_seen &&
			   (!strcmp(a, "-p") || !strcmp(a, "--pretty"))) {
			ctl.fmt = CTL_FMT_PRETTY;
		} else if (cmd_seen || opts_done || a[0] != '-' || !a[1]) {
			cmd_seen = true;
			args[n++] = argv[i];
		} else {
			ret = global_option(&ctl, a);
			if (ret >= 0)
				return ret;
		}
	}
	c->fmt = ctl.fmt;
	if (!n) {
		fputs("Error - no command given\n", err);
		usage(err);
		return CTL_EXIT_USAGE;
	}
	cmd = find_cmd(args[0], err, &ret);
	if (!cmd)
		return ret;
	/* "vm help", "show --help": the command's own usage */
	for (i = 1; i < n; i++) {
		if (is_help(args[i]) && cmd != &help_cmd) {
			fputs("Usage:\n", out);
			cmd_usage(out, cmd);
			return CTL_EXIT_OK;
		}
	}
	ret = cmd->run(&ctl, n, args);
	fflush(out);
	return ret;
}

/*
 * With -j a failure is also a JSON object on stdout, as bpftool's
 * {"error": "..."}: the first "Error - " line, the message people read
 * on stderr either way.
 */
static void json_error(FILE *out, enum ctl_fmt fmt, const char *msgs)
{
	const char *e = strstr(msgs, "Error - "), *nl;
	struct json_writer w;
	char *line;

	if (!e)
		return;
	e += strlen("Error - ");
	nl = strchrnul(e, '\n');
	line = strndup(e, (size_t)(nl - e));
	if (!line)
		return;
	ctl_json_init(&w, out, fmt);
	json_object_begin(&w, NULL);
	json_string(&w, "error", line);
	json_object_end(&w);
	json_end_document(&w);
	fflush(out);
	free(line);
}

int hlkvmctl_main(int argc, char **argv, FILE *out, FILE *err)
{
	struct ctl ctl = { .out = out, .err = err };
	char *msgs = NULL;
	size_t len = 0;
	int ret;

	/* stderr is kept until the end, to be quoted in a JSON error too */
	ctl.err = open_memstream(&msgs, &len);
	if (!ctl.err) {
		ctl.err = err;
		return dispatch(&ctl, argc, argv);
	}
	ret = dispatch(&ctl, argc, argv);
	fclose(ctl.err);
	fwrite(msgs, 1, len, err);
	fflush(err);
	if (ret != CTL_EXIT_OK && ctl.fmt != CTL_FMT_TEXT)
		json_error(out, ctl.fmt, msgs);
	free(msgs);
	return ret;
}
