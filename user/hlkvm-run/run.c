// SPDX-License-Identifier: GPL-2.0
/*
 * hlkvm-run: the vCPU exit loop. Port 0xE9 is the console, port 108 ends
 * the run with the guest's status, hlkvm's ports go to the userspace
 * fallback (user mode) and every KVM_EXIT_IO is counted by port and
 * direction: that table is how tests prove what the module absorbed.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "gdb_stub.h"
#include "hlkvm-run.h"
#include "ports.h"

#define PORT_CONSOLE	0xe9

static volatile sig_atomic_t stop_requested;
static double timeout_s;
/* Console bytes written since the last flush */
static bool console_pending;
static volatile sig_atomic_t stop_signal;
static struct kvm_run *volatile stop_run;

static void on_signal(int sig)
{
	stop_requested = 1;
	stop_signal = sig;
	/* Makes a KVM_RUN about to start return at once with EINTR */
	if (stop_run)
		stop_run->immediate_exit = 1;
}

void run_request_stop(void)
{
	on_signal(SIGTERM);
}

bool run_stop_pending(void)
{
	return stop_requested;
}

int run_install_timeout(double seconds)
{
	struct sigaction sa;
	struct itimerval it = { 0 };

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: KVM_RUN must see EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	if (seconds <= 0)
		return 0;
	timeout_s = seconds;
	it.it_value.tv_sec = (time_t)seconds;
	it.it_value.tv_usec = (suseconds_t)((seconds - (double)it.it_value.tv_sec) * 1e6);
	if (it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0)
		it.it_value.tv_usec = 1;
	return setitimer(ITIMER_REAL, &it, NULL) ? -errno : 0;
}

static void count_io(struct run_result *r, uint16_t port, uint8_t dir)
{
	unsigned int i;

	for (i = 0; i < r->io_rows; i++) {
		if (r->io[i].port == port && r->io[i].dir == dir) {
			r->io[i].exits++;
			return;
		}
	}
	if (r->io_rows == IO_TABLE_MAX) {
		r->io_dropped++;
		return;
	}
	r->io[r->io_rows++] = (struct io_count){ port, dir, 1 };
}

/*
 * A port of hlkvm's that reached userspace although the module is in
 * charge: answer it from the same table (so the guest goes on and the
 * table shows the leak) but never start a second timer.
 */
static void answer_leaked(uint16_t port, uint8_t dir, unsigned int size,
			  uint8_t *data)
{
	static const struct hlkvm_port_cfg cfg = {
		.groups = __HLKVM_GROUP_F_ALL & ~HLKVM_GROUP_F_TIMER,
		.timer_port = HLKVM_PORT_PV_TIMER,
	};
	static struct hlkvm_port_state st;
	struct hlkvm_pio_result res;
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (dir == KVM_EXIT_IO_IN &&
	    hlkvm_pio_in(&cfg, &st, ts.tv_sec * 1000000000ULL + ts.tv_nsec,
			 port, size, data, &res) == HLKVM_PIO_PASS)
		memset(data, 0xff, size);
}

/* Returns 1 when the guest ended the run through port 108 */
static int handle_io(struct run_ctx *ctx)
{
	struct kvm_run *run = ctx->vm->run;
	struct run_result *r = ctx->res;
	uint16_t port = run->io.port;
	uint8_t dir = run->io.direction;
	unsigned int size = run->io.size, i;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;

	count_io(r, port, dir);
	for (i = 0; i < run->io.count; i++, data += size) {
		if (port == HLKVM_PORT_HALT && dir == KVM_EXIT_IO_OUT) {
			uint32_t v = 0;

			memcpy(&v, data, size < 4 ? size : 4);
			r->status = v;
			r->have_status = true;
			r->end = "halt-port";
			return 1;
		}
		if (port == PORT_CONSOLE && dir == KVM_EXIT_IO_OUT) {
			fwrite(data, 1, size, ctx->console);
			console_pending = true;
			continue;
		}
		if (ctx->io_hook &&
		    ctx->io_hook(ctx->io_hook_arg, port, dir, size, data))
			continue;
		if (ctx->fb) {
			bool ours = dir == KVM_EXIT_IO_OUT ?
				hlkvm_fallback_out(ctx->fb, port, size, data) :
				hlkvm_fallback_in(ctx->fb, port, size, data);

			if (ours)
				continue;
		} else {
			answer_leaked(port, dir, size, data);
			continue;
		}
		/* Nobody's port: reads float high, writes vanish, as on a PC */
		if (dir == KVM_EXIT_IO_IN)
			memset(data, 0xff, size);
	}
	return 0;
}

static void describe_regs(struct run_ctx *ctx)
{
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	size_t len = strlen(ctx->res->end_detail);

	if (ioctl(ctx->vm->vcpu_fd, KVM_GET_REGS, &regs) ||
	    ioctl(ctx->vm->vcpu_fd, KVM_GET_SREGS, &sregs))
		return;
	snprintf(ctx->res->end_detail + len,
		 sizeof(ctx->res->end_detail) - len,
		 " rip=0x%llx rsp=0x%llx cr2=0x%llx",
		 (unsigned long long)regs.rip, (unsigned long long)regs.rsp,
		 (unsigned long long)sregs.cr2);
}

int run_vcpu(struct run_ctx *ctx)
{
	struct kvm_run *run = ctx->vm->run;
	struct run_result *r = ctx->res;

	stop_run = run;
	if (gdb_stub_enabled() && gdb_stub_start(ctx))
		goto out;
	for (;;) {
		/*
		 * What the guest printed is out before it runs on: a guest that
		 * hangs or is killed has shown everything, and a pipe reader
		 * sees each line when the guest wrote it.
		 */
		if (console_pending) {
			fflush(ctx->console);
			console_pending = false;
		}
		if (stop_requested) {
			r->end = stop_signal == SIGALRM ? "timeout" : "signal";
			r->stop_signal = stop_signal;
			if (stop_signal == SIGALRM)
				snprintf(r->end_detail, sizeof(r->end_detail),
					 "timed out after %g s", timeout_s);
			else
				snprintf(r->end_detail, sizeof(r->end_detail),
					 "stopped by %s", strsignal(stop_signal));
			break;
		}
		if (ioctl(ctx->vm->vcpu_fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				run->immediate_exit = 0;
				if (gdb_stub_enabled() && gdb_stub_kicked(ctx))
					break;
				continue;
			}
			r->end = "error";
			snprintf(r->end_detail, sizeof(r->end_detail),
				 "KVM_RUN: %s", strerror(errno));
			break;
		}
		if (run->exit_reason < EXIT_REASONS)
			r->exits[run->exit_reason]++;
		else
			r->exits_other++;

		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			if (handle_io(ctx))
				goto out;
			continue;
		case KVM_EXIT_INTR:
			continue;
		case KVM_EXIT_DEBUG:
			if ((gdb_stub_enabled() ? gdb_stub_debug_exit(ctx) :
			     debug_handle_exit(ctx)) == 0)
				continue;
			break;
		case KVM_EXIT_HLT:
			r->end = "hlt";
			snprintf(r->end_detail, sizeof(r->end_detail),
				 "guest halted (hlt exit)");
			break;
		case KVM_EXIT_SHUTDOWN:
			r->end = "shutdown";
			snprintf(r->end_detail, sizeof(r->end_detail),
				 "guest shut down (triple fault)");
			describe_regs(ctx);
			break;
		case KVM_EXIT_MMIO:
			r->end = "mmio";
			snprintf(r->end_detail, sizeof(r->end_detail),
				 "unhandled MMIO %s at 0x%llx",
				 run->mmio.is_write ? "write" : "read",
				 (unsigned long long)run->mmio.phys_addr);
			describe_regs(ctx);
			break;
		case KVM_EXIT_INTERNAL_ERROR:
			r->end = "internal-error";
			snprintf(r->end_detail, sizeof(r->end_detail),
				 "KVM internal error, suberror %u",
				 run->internal.suberror);
			describe_regs(ctx);
			debug_explain_internal_error(ctx);
			break;
		case KVM_EXIT_FAIL_ENTRY:
			r->end = "fail-entry";
			snprintf(r->end_detail, sizeof(r->end_detail),
				 "VM entry failed, reason 0x%llx",
				 (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
			break;
		default:
			r->end = "unhandled-exit";
			snprintf(r->end_detail, sizeof(r->end_detail),
				 "unhandled exit %s (%u)",
				 exit_reason_name(run->exit_reason),
				 run->exit_reason);
			describe_regs(ctx);
			break;
		}
		break;
	}
out:
	if (gdb_stub_enabled())
		gdb_stub_end(ctx);
	stop_run = NULL;
	fflush(ctx->console);
	console_pending = false;
	return r->have_status ? 0 : -1;
}
