// SPDX-License-Identifier: GPL-2.0
/*
 * hlkvm-run: run a freestanding 64-bit guest on one vCPU, its legacy ports
 * and PV timer answered by the hlkvm module (--accel=kernel) or by the
 * userspace fallback (--accel=user), on KVM's split irqchip (hlkvm's PIC)
 * or its full one (--irqchip=kernel: KVM's PIC). Exit statuses: enum
 * run_exit in hlkvm-run.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "attach_hint.h"
#include "ctl.h"
#include "elf_load.h"
#include "eoi_watch.h"
#include "errlog.h"
#include "gdb_stub.h"
#include "hlkvm-run.h"
#include "kvm_devices.h"
#include "seed_timer.h"
#include "snapshot.h"
#include "summary_dest.h"

#define IMAGE_MAX		(256u << 20)

static void usage(FILE *f)
{
	fprintf(f,
"Usage: hlkvm-run [OPTIONS] IMAGE\n"
"       hlkvm-run [OPTIONS] --restore FILE\n"
"Run a freestanding x86-64 guest (ELF64 static executable, or a flat image\n"
"with --flat) on one vCPU with hlkvm's legacy ports and PV timer.\n"
"\n"
"  --accel=kernel|user|auto  who answers the ports and runs the timer:\n"
"                            the hlkvm module, this process, or the module\n"
"                            when it is loaded (default auto)\n"
"  --irqchip=split|kernel    KVM's split irqchip, hlkvm answering the PIC\n"
"                            and the tick an MSI (default split), or its\n"
"                            full one: KVM's PIC, the tick on GSI 0, as\n"
"                            hyperlight runs on KVM\n"
"  --mem SIZE                guest RAM, suffix K, M or G (default 64M,\n"
"                            2M to 3G, a multiple of 2M)\n"
"  --flat ADDR               IMAGE is a flat binary loaded and entered at ADDR\n"
"  --arg N                   a u64 for the guest's boot info (up to %d times)\n"
"  --timer-policy catchup|skip  tick policy (default catchup)\n"
"  --pit-tick                PIT channel 0 in mode 2 or 3 drives the tick\n"
"                            until the guest writes the PV timer port, as\n"
"                            KVM's PIT would (default: off; with the module,\n"
"                            its default, see hlkvmctl set pit-tick)\n"
"  --timeout SEC             stop the guest after SEC seconds (a failure)\n"
"  -j, --json                print the run summary as JSON (a setup failure\n"
"                            as {\"error\": ...})\n"
"  -p, --pretty              the same, indented\n"
"  --summary FILE            write the summary to FILE instead of stderr;\n"
"                            - is stdout, and the console then goes to stderr\n"
"  --snapshot FILE           an IN from port 109 writes the whole VM to FILE\n"
"                            and reads 0 (without it, port 109 reads all ones)\n"
"  --restore FILE            run the VM of a snapshot instead of an IMAGE:\n"
"                            its IN from port 109 reads 1; --accel may differ\n"
"                            from the run that took it\n"
"\n"
"For scripts/bench (comparisons, not for running guests):\n"
"  --accel=kvm               KVM's own in-kernel PIC + PIT (KVM_CREATE_IRQCHIP,\n"
"                            KVM_CREATE_PIT2) instead of hlkvm's ports\n"
"  --ioeventfd PORT          one-byte OUTs to PORT end in a KVM ioeventfd\n"
"  --timer=seed              with --accel=user: the seed's timer thread\n"
"                            (sleep one period, relative, then inject)\n"
"  --arg tsc_khz             pass the vCPU's TSC kHz (KVM_GET_TSC_KHZ)\n"
"\n"
"Debug stops (KVM guest debugging; see hlkvm-run(1)):\n"
"  --break-entry             stop once at the entry point (one-shot hw bp)\n"
"  --hbreak ADDR|SYMBOL      hardware execute breakpoint (DR0-DR3, up to 4\n"
"                            with --break-entry); SYMBOL from the ELF's symtab\n"
"  --break ADDR|SYMBOL       software breakpoint (int3), stepped over and\n"
"                            re-inserted on every hit\n"
"  --step N                  single-step N instructions after the first stop\n"
"                            (alone: from the entry point)\n"
"  --trace-stops             print each stop on stderr as a line\n"
"                            \"stop: reason=... sym=SYMBOL\";\n"
"                            the JSON summary has a \"stops\" array either way\n"
"  --gdb PORT                a GDB remote stub on 127.0.0.1:PORT (0: any free\n"
"                            port, printed on stderr): the guest waits at its\n"
"                            entry point for gdb's `target remote :PORT`;\n"
"                            addresses are virtual; hardware breakpoints and\n"
"                            watchpoints share DR0-DR3; one client at a time;\n"
"                            not with the debug-stop options above\n"
"  -h, --help                this text\n"
"  -V, --version             the version\n"
"\n"
"Exit status: 0 the guest wrote status 0 to port 108; 1 the guest failed\n"
"(another status, a crash, a halt); 2 usage error; 3 setup failure (the\n"
"guest never ran); 4 --timeout expired; 128+N stopped by signal N;\n"
"--restore: 11 unreadable, 12 truncated, 13 not a snapshot, 14 unsupported\n"
"version, 15 bad checksum, 16 memory size mismatch, 17 malformed.\n"
"See hlkvm-run(1) for the guest ABI.\n", BOOT_ARGS_MAX);
}

static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -EINVAL;
	switch (*end) {
	case 'G': case 'g':
		v <<= 10;
		/* fallthrough */
	case 'M': case 'm':
		v <<= 10;
		/* fallthrough */
	case 'K': case 'k':
		v <<= 10;
		end++;
		break;
	}
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	return errno || end == s || *end || *s == '-' ? -EINVAL : 0;
}

static int parse_args(int argc, char **argv, struct run_opts *o)
{
	enum { OPT_ACCEL = 256, OPT_MEM, OPT_FLAT, OPT_ARG, OPT_POLICY,
	       OPT_TIMEOUT, OPT_JSON_SLOT /* -j */, OPT_SUMMARY, OPT_IRQCHIP,
	       OPT_IOEVENTFD = 0x300, OPT_TIMER, OPT_PIT_TICK = 0x380,
	       OPT_SNAPSHOT = 0x600, OPT_RESTORE };
	static const struct option longopts[] = {
		{ "accel", required_argument, NULL, OPT_ACCEL },
		{ "mem", required_argument, NULL, OPT_MEM },
		{ "flat", required_argument, NULL, OPT_FLAT },
		{ "arg", required_argument, NULL, OPT_ARG },
		{ "timer-policy", required_argument, NULL, OPT_POLICY },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "json", no_argument, NULL, 'j' },
		{ "summary", required_argument, NULL, OPT_SUMMARY },
		{ "irqchip", required_argument, NULL, OPT_IRQCHIP },
		{ "ioeventfd", required_argument, NULL, OPT_IOEVENTFD },
		{ "timer", required_argument, NULL, OPT_TIMER },
		{ "snapshot", required_argument, NULL, OPT_SNAPSHOT },
		{ "restore", required_argument, NULL, OPT_RESTORE },
		{ "pit-tick", no_argument, NULL, OPT_PIT_TICK },
		{ "break-entry", no_argument, NULL, DEBUG_OPT_BREAK_ENTRY },
		{ "hbreak", required_argument, NULL, DEBUG_OPT_HBREAK },
		{ "break", required_argument, NULL, DEBUG_OPT_BREAK },
		{ "step", required_argument, NULL, DEBUG_OPT_STEP },
		{ "trace-stops", no_argument, NULL, DEBUG_OPT_TRACE },
		{ "gdb", required_argument, NULL, GDB_OPT_PORT },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{}
	};
	char *end;
	int c;

	*o = (struct run_opts){ .mem_size = GUEST_MEM_DEFAULT,
				.accel = ACCEL_AUTO,
				.timer_policy = HLKVM_TIMER_CATCHUP };
	while ((c = getopt_long(argc, argv, "hVjp", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_ACCEL:
			if (!strcmp(optarg, "kernel"))
				o->accel = ACCEL_KERNEL;
			else if (!strcmp(optarg, "user"))
				o->accel = ACCEL_USER;
			else if (!strcmp(optarg, "auto"))
				o->accel = ACCEL_AUTO;
			else if (!strcmp(optarg, "kvm"))
				o->accel = ACCEL_KVM;
			else
				goto bad;
			break;
		case OPT_MEM:
			if (parse_size(optarg, &o->mem_size) ||
			    o->mem_size < GUEST_MEM_MIN ||
			    o->mem_size > GUEST_MEM_MAX ||
			    o->mem_size % GUEST_MEM_MIN) {
				fprintf(stderr, "hlkvm-run: --mem %s: want 2M to 3G in multiples of 2M\n",
					optarg);
				return -EINVAL;
			}
			o->mem_given = true;
			break;
		case OPT_FLAT:
			if (parse_u64(optarg, &o->flat_addr))
				goto bad;
			o->flat = true;
			break;
		case OPT_ARG:
			if (o->argc == BOOT_ARGS_MAX) {
				fprintf(stderr, "hlkvm-run: at most %d --arg\n",
					BOOT_ARGS_MAX);
				return -EINVAL;
			}
			if (!strcmp(optarg, "tsc_khz")) {
				/* Filled in once the vCPU exists */
				o->tsc_khz_arg = ++o->argc;
				break;
			}
			if (parse_u64(optarg, &o->arg[o->argc]))
				goto bad;
			o->argc++;
			break;
		case OPT_POLICY:
			if (!strcmp(optarg, "catchup"))
				o->timer_policy = HLKVM_TIMER_CATCHUP;
			else if (!strcmp(optarg, "skip"))
				o->timer_policy = HLKVM_TIMER_SKIP;
			else
				goto bad;
			break;
		case OPT_TIMEOUT:
			o->timeout_s = strtod(optarg, &end);
			if (end == optarg || *end || !isfinite(o->timeout_s) ||
			    !(o->timeout_s > 0))
				goto bad;
			break;
		case 'j':
			o->json = true;
			break;
		case 'p':
			o->json = o->pretty = true;
			break;
		case OPT_IOEVENTFD: {
			uint64_t port;

			if (parse_u64(optarg, &port) || port > 0xffff ||
			    o->n_ioeventfd == IOEVENTFD_MAX) {
				fprintf(stderr, "hlkvm-run: --ioeventfd %s: want a port, at most %d times\n",
					optarg, IOEVENTFD_MAX);
				return -EINVAL;
			}
			o->ioeventfd[o->n_ioeventfd++] = port;
			break;
		}
		case OPT_TIMER:
			if (strcmp(optarg, "seed")) {
				fprintf(stderr, "hlkvm-run: --timer %s: only 'seed' exists\n",
					optarg);
				return -EINVAL;
			}
			o->seed_timer = true;
			break;
		case OPT_SUMMARY:
			o->summary_path = optarg;
			break;
		case OPT_SNAPSHOT:
			o->snapshot_path = optarg;
			break;
		case OPT_RESTORE:
			o->restore_path = optarg;
			break;
		case OPT_PIT_TICK:
			o->pit_tick = true;
			break;
		case OPT_IRQCHIP:
			if (!strcmp(optarg, ctl_irqchip_name(HLKVM_IRQCHIP_SPLIT)))
				o->irqchip = HLKVM_IRQCHIP_SPLIT;
			else if (!strcmp(optarg,
					 ctl_irqchip_name(HLKVM_IRQCHIP_KERNEL)))
				o->irqchip = HLKVM_IRQCHIP_KERNEL;
			else
				goto bad;
			o->irqchip_given = true;
			break;
		case GDB_OPT_PORT:
			if (gdb_stub_parse_opt(optarg))
				return -EINVAL;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("hlkvm-run %s (hlkvm genl version %d)\n",
			       hlkvm_version(), HLKVM_GENL_VERSION);
			exit(0);
		default:
			if (c >= DEBUG_OPT_BREAK_ENTRY && c <= DEBUG_OPT_LAST) {
				if (debug_parse_opt(c, optarg))
					return -EINVAL;
				break;
			}
			usage(stderr);
			return -EINVAL;
		}
	}
	if (o->restore_path) {
		if (optind != argc) {
			fprintf(stderr, "hlkvm-run: --restore takes the guest from the snapshot: no IMAGE\n");
			return -EINVAL;
		}
	} else if (optind != argc - 1) {
		fprintf(stderr, "hlkvm-run: expected exactly one IMAGE\n");
		usage(stderr);
		return -EINVAL;
	} else {
		o->image = argv[optind];
	}
	if ((o->restore_path || o->snapshot_path) &&
	    (o->accel == ACCEL_KVM || o->seed_timer)) {
		fprintf(stderr, "hlkvm-run: --snapshot and --restore need hlkvm's timer (--accel=kernel, user or auto, no --timer=seed)\n");
		return -EINVAL;
	}
	if (o->restore_path && (o->flat || o->argc || debug_enabled())) {
		fprintf(stderr, "hlkvm-run: --restore resumes a guest: --flat, --arg and debug stops do not apply\n");
		return -EINVAL;
	}
	if (gdb_stub_enabled() && debug_enabled()) {
		fprintf(stderr, "hlkvm-run: --gdb drives the debug stops itself: drop --break-entry, --hbreak, --break, --step and --trace-stops\n");
		return -EINVAL;
	}
	if (o->pit_tick && (o->accel == ACCEL_KVM || o->seed_timer)) {
		fprintf(stderr, "hlkvm-run: --pit-tick is hlkvm's channel 0 tick: not with --accel=kvm (KVM's PIT ticks by itself) nor --timer=seed\n");
		return -EINVAL;
	}
	if (o->seed_timer && o->accel != ACCEL_USER) {
		fprintf(stderr, "hlkvm-run: --timer=seed needs --accel=user\n");
		return -EINVAL;
	}
	if (o->accel == ACCEL_KVM) {
		if (o->irqchip_given && o->irqchip != HLKVM_IRQCHIP_KERNEL) {
			fprintf(stderr, "hlkvm-run: --accel=kvm is KVM's full irqchip (and PIT): --irqchip=split does not apply\n");
			return -EINVAL;
		}
		o->irqchip = HLKVM_IRQCHIP_KERNEL;
	}
	return 0;
bad:
	fprintf(stderr, "hlkvm-run: bad value '%s' for option --%s\n", optarg,
		longopts[c - OPT_ACCEL].name);
	return -EINVAL;
}

static void *read_file(const char *path, size_t *len)
{
	struct stat st;
	void *buf = NULL;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "hlkvm-run: %s: %s\n", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > IMAGE_MAX) {
		fprintf(stderr, "hlkvm-run: %s: not a regular file of at most %u MiB\n",
			path, IMAGE_MAX >> 20);
		goto out;
	}
	buf = malloc(st.st_size ? st.st_size : 1);
	if (!buf)
		goto out;
	n = read(fd, buf, st.st_size);
	if (n != st.st_size) {
		fprintf(stderr, "hlkvm-run: %s: short read\n", path);
		free(buf);
		buf = NULL;
		goto out;
	}
	*len = st.st_size;
out:
	if (fd >= 0)
		close(fd);
	return buf;
}

static int load_image(struct vm *vm, const struct run_opts *o,
		      struct hlkvm_image *img)
{
	struct hlkvm_guest_mem mem = {
		.base = vm->mem, .size = vm->mem_size,
		.resv_start = GUEST_RESV_START, .resv_end = GUEST_RESV_END,
	};
	/* A path, as given: never looked up in $PATH like a command */
	const char *path = o->image;
	char err[256];
	size_t len;
	void *buf;
	int ret;

	buf = read_file(path, &len);
	if (!buf)
		return -EINVAL;
	if (o->flat)
		ret = hlkvm_flat_load(buf, len, o->flat_addr, &mem, img, err,
				      sizeof(err));
	else
		ret = hlkvm_elf_load(buf, len, &mem, img, err, sizeof(err));
	if (ret)
		fprintf(stderr, "hlkvm-run: %s: %s\n", path, err);
	else
		ret = debug_resolve(o->flat ? NULL : buf, len);
	free(buf);
	return ret;
}

/*
 * Who answers the ports, decided before the VM exists: the irqfd of a full
 * irqchip is bound differently for the module and for the fallback
 * (irqchip.c). In kernel mode *client is left open for attach_vm().
 */
static int choose_accel(const struct run_opts *o,
			struct hlkvm_client **client, struct run_result *res)
{
	int ret;

	res->accel = o->accel;
	res->irqchip = o->irqchip;
	if (o->accel == ACCEL_USER || o->accel == ACCEL_KVM)
		return 0;
	ret = hlkvm_open(client);
	if (ret == -ENOENT && o->accel == ACCEL_AUTO) {
		res->accel = ACCEL_USER;
		return 0;
	}
	if (ret == -ENOENT) {
		fprintf(stderr, "hlkvm-run: --accel=kernel: the hlkvm module is not loaded (no generic netlink family \"%s\"); load hlkvm.ko or use --accel=user\n",
			HLKVM_GENL_NAME);
		return ret;
	}
	if (ret) {
		fprintf(stderr, "hlkvm-run: cannot talk to the hlkvm module: %s\n",
			strerror(-ret));
		return ret;
	}
	res->accel = ACCEL_KERNEL;
	return 0;
}

/*
 * Kernel mode: hand the VM to the module. A refusal that names the other
 * irqchip mode gets a hint to choose it; the mode is never switched
 * behind the user's back (the guest, the irqfd and the counters differ).
 */
static int attach_vm(const struct run_opts *o, struct vm *vm,
		     struct hlkvm_client *client, struct run_result *res)
{
	struct hlkvm_attach_opts ao;
	struct hlkvm_vm_info info;
	const char *msg;
	int ret, other;

	hlkvm_attach_opts_init(&ao);
	hlkvm_vm_info_init(&info);
	ao.timer_policy = o->timer_policy;
	if (o->pit_tick || o->pit_tick_exact)
		ao.pit_tick = o->pit_tick;
	ret = hlkvm_attach(client, vm->vm_fd, vm->irq_fd, &ao, &info);
	if (ret) {
		msg = hlkvm_strerror(client, ret);
		fprintf(stderr, "hlkvm-run: attaching the VM to hlkvm: %s\n",
			msg);
		other = hlkvm_attach_hint_irqchip(o->irqchip, ret, msg);
		if (other == HLKVM_IRQCHIP_KERNEL)
			fprintf(stderr, "hlkvm-run: hint: here the module serves full-irqchip VMs only: run with --irqchip=kernel (KVM's PIC)\n");
		else if (other == HLKVM_IRQCHIP_SPLIT)
			fprintf(stderr, "hlkvm-run: hint: this module predates full-irqchip mode: run with --irqchip=split\n");
		return ret;
	}
	res->vm_id = info.vm_id;
	res->pit_tick = info.pit_tick;
	if (info.irqchip != o->irqchip)
		fprintf(stderr, "hlkvm-run: warning: the module serves the VM as a %s irqchip, not %s\n",
			ctl_irqchip_name(info.irqchip),
			ctl_irqchip_name(o->irqchip));
	return 0;
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static struct run_result res;
	struct hlkvm_client *client = NULL;
	struct hlkvm_fallback *fb = NULL;
	static struct seed_timer seed;
	static struct snapshot_image snap;
	static struct snapshot_taker taker;
	struct eoi_watch watch = { .started = false };
	unsigned int i;
	struct hlkvm_boot_info boot;
	struct hlkvm_image img;
	struct vm_config cfg;
	struct run_opts o;
	struct run_ctx ctx;
	struct vm vm = { .kvm_fd = -1, .vm_fd = -1, .vcpu_fd = -1,
			 .irq_fd = -1, .resample_fd = -1 };
	struct summary_dest sd;
	double t0;
	int ret, status = RUN_EXIT_SETUP;

	/* Before any message: a --json failure quotes the first one */
	errlog_capture_stderr();
	/* getopt's messages then start "hlkvm-run: " like all the others */
	argv[0] = (char *)"hlkvm-run";
	if (parse_args(argc, argv, &o)) {
		if (o.json && !summary_dest_open(&sd, o.summary_path)) {
			summary_print_error(summary_dest_begin(&sd),
					    errlog_get()->error, NULL);
			summary_dest_close(&sd);
		}
		return RUN_EXIT_USAGE;
	}
	if (summary_dest_open(&sd, o.summary_path)) {
		if (o.json)
			summary_print_error(stderr, errlog_get()->error, NULL);
		return RUN_EXIT_SETUP;
	}
	res.policy_name = o.timer_policy == HLKVM_TIMER_SKIP ? "skip" : "catchup";

	if (o.restore_path) {
		/* The whole file is checked before anything is built */
		ret = snapshot_open(&snap, o.restore_path,
				    o.mem_given ? o.mem_size : 0);
		if (ret) {
			status = ret;
			goto out_client;
		}
		if (o.irqchip_given && o.irqchip != snap.view.info.irqchip) {
			fprintf(stderr, "hlkvm-run: --restore %s: the snapshot is of a %s irqchip VM, not --irqchip=%s\n",
				o.restore_path,
				ctl_irqchip_name(snap.view.info.irqchip),
				ctl_irqchip_name(o.irqchip));
			status = RUN_EXIT_USAGE;
			goto out_client;
		}
		if (o.pit_tick && !(snap.view.info.flags & SNAP_F_PIT_TICK)) {
			fprintf(stderr, "hlkvm-run: --restore %s: the snapshot was taken without channel 0's tick: --pit-tick does not apply\n",
				o.restore_path);
			status = RUN_EXIT_USAGE;
			goto out_client;
		}
		o.mem_size = snap.view.info.mem_size;
		o.irqchip = snap.view.info.irqchip;
		/* The guest goes on as attached: its PIT programming ticks or not */
		o.pit_tick = snap.view.info.flags & SNAP_F_PIT_TICK;
		o.pit_tick_exact = true;
	}
	if (choose_accel(&o, &client, &res))
		goto out_client;
	cfg = (struct vm_config){
		.mem_size = o.mem_size,
		.irqchip = o.irqchip,
		.kvm_pit = res.accel == ACCEL_KVM,
		/* The fallback's acks; the seed's timer never waits for one */
		.resample = res.accel == ACCEL_USER && !o.seed_timer &&
			    o.irqchip == HLKVM_IRQCHIP_KERNEL,
	};
	if (vm_create(&vm, &cfg))
		goto out_client;
	for (i = 0; i < o.n_ioeventfd; i++)
		if (kvm_devices_ioeventfd(&vm, o.ioeventfd[i]))
			goto out_client;
	if (o.restore_path) {
		ret = snapshot_restore_vm(&snap, &vm);
		if (ret) {
			status = ret;
			goto out_client;
		}
		goto vm_ready;
	}
	if (o.tsc_khz_arg) {
		ret = ioctl(vm.vcpu_fd, KVM_GET_TSC_KHZ, 0);
		o.arg[o.tsc_khz_arg - 1] = ret > 0 ? ret : 0;
	}
	if (load_image(&vm, &o, &img))
		goto out_client;
	ret = ioctl(vm.vcpu_fd, KVM_GET_TSC_KHZ, 0);
	boot = (struct hlkvm_boot_info){ .magic = BOOT_INFO_MAGIC,
					 .argc = o.argc,
					 .mem_size = o.mem_size,
					 .tsc_khz = ret > 0 ? ret : 0,
					 .irqchip = res.irqchip };
	memcpy(boot.arg, o.arg, sizeof(boot.arg));
	if (vm_setup_long_mode(&vm, img.entry, &boot))
		goto out_client;
	if (debug_setup(&vm, img.entry))
		goto out_client;
vm_ready:
	if (res.accel == ACCEL_KERNEL && attach_vm(&o, &vm, client, &res))
		goto out_client;
	if (res.accel == ACCEL_USER) {
		struct hlkvm_fallback_ops ops = {
			.inject = vm_inject, .lapic_eoi = vm_lapic_eoi, .arg = &vm,
		};

		ret = hlkvm_fallback_new(&fb, o.irqchip, o.timer_policy,
					 HLKVM_BACKLOG_DEFAULT, &ops);
		if (ret) {
			fprintf(stderr, "hlkvm-run: timer thread: %s\n",
				strerror(-ret));
			goto out_client;
		}
		hlkvm_fallback_set_pit_tick(fb, o.pit_tick);
		res.pit_tick = o.pit_tick;
		ret = vm.resample_fd >= 0 ?
		      eoi_watch_start(&watch, vm.resample_fd, fb) : 0;
		if (ret) {
			fprintf(stderr, "hlkvm-run: EOI watch thread: %s\n",
				strerror(-ret));
			goto out_fb;
		}
	}
	if (o.restore_path) {
		ret = snapshot_restore_hlkvm(&snap, &vm, fb ? NULL : client,
					     fb);
		if (ret) {
			status = ret;
			goto out_fb;
		}
		snapshot_close(&snap);
	}
	if (o.seed_timer && seed_timer_init(&seed, &vm)) {
		fprintf(stderr, "hlkvm-run: seed timer thread failed\n");
		goto out_fb;
	}
	if (run_install_timeout(o.timeout_s)) {
		fprintf(stderr, "hlkvm-run: --timeout: %s\n", strerror(errno));
		goto out_fb;
	}
	/* Last: its "listening" line must not stand for a setup error */
	if (gdb_stub_setup(&vm, img.entry))
		goto out_fb;

	ctx = (struct run_ctx){ .vm = &vm, .fb = fb,
				.res = &res,
				/* One stream, one reader: the summary keeps stdout */
				.console = summary_dest_is_stdout(&sd) ?
					   stderr : stdout };
	if (o.seed_timer) {
		ctx.io_hook = seed_timer_io;
		ctx.io_hook_arg = &seed;
	}
	if (o.snapshot_path) {
		taker = (struct snapshot_taker){
			.path = o.snapshot_path, .vm = &vm,
			.irqchip = o.irqchip, .pit_tick = res.pit_tick,
			.client = fb ? NULL : client,
			.fb = fb,
			.next = ctx.io_hook, .next_arg = ctx.io_hook_arg,
		};
		ctx.io_hook = snapshot_io_hook;
		ctx.io_hook_arg = &taker;
	}
	t0 = mono_s();
	run_vcpu(&ctx);
	res.wall_s = mono_s() - t0;

	seed_timer_destroy(&seed);
	/* Before the counters are read: the guest's last EOIs count too */
	eoi_watch_stop(&watch);
	if (watch.errors)
		fprintf(stderr, "hlkvm-run: warning: %llu failed reads of the resamplefd: EOIs may be missing from eoi_seen\n",
			(unsigned long long)watch.errors);
	if (fb) {
		hlkvm_fallback_get(fb, &res.timer, &res.absorbed,
				   &res.timer_out);
		if (o.seed_timer)
			seed_timer_get(&seed, &res.timer);
		res.have_absorbed = true;
	} else if (client) {
		struct hlkvm_vm_ref ref = { .vm_fd = vm.vm_fd, .vm_id = 0 };
		struct hlkvm_vm_info info;

		hlkvm_vm_info_init(&info);
		ret = hlkvm_get_vm(client, &ref, &info);
		if (ret) {
			fprintf(stderr, "hlkvm-run: reading the module's counters: %s\n",
				hlkvm_strerror(client, ret));
		} else {
			res.timer = info.timer;
			res.absorbed = info.stats;
			/* The module counts period writes as the timer group's OUTs */
			res.timer_out = info.stats.group[HLKVM_GROUP_TIMER].out;
			res.have_absorbed = true;
		}
	}
	summary_print(summary_dest_begin(&sd), &res, o.json, o.pretty);
	if (res.have_status && res.status == 0)
		status = RUN_EXIT_OK;
	else if (res.stop_signal == SIGALRM)
		status = RUN_EXIT_TIMEOUT;
	else if (res.stop_signal)
		status = 128 + res.stop_signal;
	else
		status = RUN_EXIT_GUEST;
out_fb:
	eoi_watch_stop(&watch);
	hlkvm_fallback_free(fb);
out_client:
	/* Detach before the VM goes: the module holds its own reference */
	if (client)
		hlkvm_close(client);
	vm_destroy(&vm);
	snapshot_close(&snap);
	/* A snapshot refused (SNAP_EXIT_BASE + enum snap_err) is one too */
	if (o.json && (status == RUN_EXIT_SETUP ||
		       (status > SNAP_EXIT_BASE &&
			status < SNAP_EXIT_BASE + __SNAP_E_COUNT)))
		summary_print_error(summary_dest_begin(&sd),
				    errlog_get()->error, errlog_get()->hint);
	summary_dest_close(&sd);
	return status;
}
