// SPDX-License-Identifier: GPL-2.0
/*
 * hlkvm-run --gdb PORT: the GDB remote stub's glue (see gdb_stub.h).
 *
 * - One socket, bound to 127.0.0.1 only; one client at a time: a second
 *   connection is accepted and closed at once, and the first goes on.
 * - While the guest runs nobody polls: both sockets are O_ASYNC with
 *   their owner the vCPU thread, so a byte (gdb's Ctrl-C, 0x03) or a
 *   connection signals that thread; the handler sets immediate_exit and
 *   KVM_RUN returns EINTR at once, with the vCPU's state exact.
 * - Addresses are the guest's virtual ones, translated through its page
 *   tables at every access (page_walk.h); no debugger write (M, X, an
 *   int3 for Z0) may land in the VMM's reserved area (page tables, GDT,
 *   boot info): it is refused with EACCES.
 * - Breakpoint and watchpoint tables, the DR7 they make and the stop
 *   classification are dr6.h's; single-steps block interrupts
 *   (KVM_GUESTDBG_BLOCKIRQ) so a tick does not divert a step into the
 *   0x20 handler.
 * - A client that goes away (EOF, error, a stalled reader) is a detach:
 *   the breakpoints come out and the guest runs on; a new client may
 *   connect later and stops the guest where it is.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "dr6.h"
#include "gdb_amd64.h"
#include "gdb_cmd.h"
#include "gdb_packet.h"
#include "gdb_stub.h"
#include "guest_debug.h"
#include "page_walk.h"

#define GDB_SIGINT	2	/* gdb's numbering (gdb/signals.def) */
#define GDB_SIGTRAP	5
#define KICK_SIGNAL	SIGIO
/* A client that does not read its replies for this long is gone */
#define SEND_TIMEOUT_S	10

enum serve_result { SERVE_RESUME, SERVE_KILL };

static struct {
	bool enabled;
	unsigned int port;
	int listen_fd;
	int client_fd;
	struct vm *vm;
	struct hlkvm_debug dbg;
	struct hlkvm_mem vmem;		/* guest virtual, for the int3 table */
	struct gdb_rx rx;
	bool noack;
	bool peer_swbreak;
	bool peer_hwbreak;
	bool stop_wanted;		/* Ctrl-C or a new client while running */
	int stop_signal;
	char last_stop[64];		/* for '?' */
	uint8_t in[4096];		/* received, not yet fed to rx */
	size_t in_pos, in_len;
	char reply[GDB_PACKET_MAX + 1];
	char frame[2 * GDB_PACKET_MAX + 8];
	size_t frame_len;		/* the last frame, for a '-' resend */
} G = { .listen_fd = -1, .client_fd = -1 };

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "hlkvm-run: gdb: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

int gdb_stub_parse_opt(const char *arg)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || *arg == '-' || v > 65535) {
		fprintf(stderr, "hlkvm-run: --gdb %s: want a TCP port, 0 to 65535 (0: any free one)\n",
			arg);
		return -EINVAL;
	}
	G.port = (unsigned int)v;
	G.enabled = true;
	return 0;
}

bool gdb_stub_enabled(void)
{
	return G.enabled;
}

static void on_kick(int sig)
{
	(void)sig;
	/* A KVM_RUN about to start returns at once; a running one EINTRs */
	if (G.vm)
		G.vm->run->immediate_exit = 1;
}

/* Signal the vCPU (this) thread when @fd becomes readable */
static int arm_async(int fd)
{
	struct f_owner_ex owner = { .type = F_OWNER_TID, .pid = gettid() };
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETOWN_EX, &owner) ||
	    fcntl(fd, F_SETSIG, KICK_SIGNAL) ||
	    fcntl(fd, F_SETFL, fl | O_ASYNC))
		return -errno;
	return 0;
}

/* --- guest memory by virtual address --- */

static int phys_read(void *opaque, uint64_t gpa, void *buf, size_t len)
{
	struct vm *vm = opaque;

	if (gpa > vm->mem_size || len > vm->mem_size - gpa)
		return -EFAULT;
	memcpy(buf, vm->mem + gpa, len);
	return 0;
}

static int get_paging(struct hlkvm_paging *pg)
{
	struct kvm_sregs s;

	if (ioctl(G.vm->vcpu_fd, KVM_GET_SREGS, &s))
		return -errno;
	*pg = (struct hlkvm_paging){ .cr0 = s.cr0, .cr3 = s.cr3, .cr4 = s.cr4,
				     .efer = s.efer };
	return 0;
}

/*
 * Copy between @buf and guest virtual @gva, page by page. A write is
 * checked whole before a byte is written: no part of it may reach past
 * RAM or into the reserved area. A read stops at the first unmapped
 * page; *@done says how far it got.
 */
static int virt_access(uint64_t gva, void *buf, size_t len, bool write,
		       size_t *done)
{
	struct hlkvm_mem phys = { .read = phys_read, .opaque = G.vm };
	struct hlkvm_paging pg;
	uint64_t gpa, span;
	size_t off, n;
	int pass, ret;

	*done = 0;
	ret = get_paging(&pg);
	if (ret)
		return ret;
	for (pass = write ? 0 : 1; pass < 2; pass++) {
		for (off = 0; off < len; off += n) {
			ret = hlkvm_gva_to_gpa(&pg, &phys, gva + off, &gpa,
					       &span);
			if (ret)
				return ret;
			n = len - off < span ? len - off : (size_t)span;
			if (gpa > G.vm->mem_size || n > G.vm->mem_size - gpa)
				return -EFAULT;
			if (pass == 0) {
				if (hlkvm_range_overlaps(gpa, n,
							 GUEST_RESV_START,
							 GUEST_RESV_END))
					return -EACCES;
				continue;
			}
			if (write)
				memcpy(G.vm->mem + gpa, (uint8_t *)buf + off, n);
			else
				memcpy((uint8_t *)buf + off, G.vm->mem + gpa, n);
			*done = off + n;
		}
	}
	return 0;
}

static int vmem_read(void *opaque, uint64_t addr, void *buf, size_t len)
{
	size_t done;

	(void)opaque;
	return virt_access(addr, buf, len, false, &done);
}

static int vmem_write(void *opaque, uint64_t addr, const void *buf,
		      size_t len)
{
	size_t done;

	(void)opaque;
	return virt_access(addr, (void *)buf, len, true, &done);
}

/* --- setup --- */

int gdb_stub_setup(struct vm *vm, uint64_t entry)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
				  .sin_port = htons((uint16_t)G.port) };
	socklen_t salen = sizeof(sa);
	struct sigaction act;
	int one = 1, ret;

	if (!G.enabled)
		return 0;
	G.vm = vm;
	G.vmem = (struct hlkvm_mem){ .read = vmem_read, .write = vmem_write };
	hlkvm_debug_init(&G.dbg, entry);
	ret = hlkvm_guest_debug_probe(vm->kvm_fd, &G.dbg);
	if (ret) {
		fprintf(stderr, "hlkvm-run: --gdb: this KVM has no guest debugging (KVM_CAP_SET_GUEST_DEBUG)\n");
		return ret;
	}
	if (!G.dbg.blockirq_ok)
		say("warning: this KVM lacks KVM_GUESTDBG_BLOCKIRQ (Linux 5.15+): with the timer on, a single-step may land in the tick handler");
	gdb_rx_init(&G.rx);

	memset(&act, 0, sizeof(act));
	act.sa_handler = on_kick;	/* no SA_RESTART: KVM_RUN must see EINTR */
	sigemptyset(&act.sa_mask);
	sigaction(KICK_SIGNAL, &act, NULL);
	signal(SIGPIPE, SIG_IGN);

	G.listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (G.listen_fd < 0 ||
	    setsockopt(G.listen_fd, SOL_SOCKET, SO_REUSEADDR, &one,
		       sizeof(one)) ||
	    bind(G.listen_fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(G.listen_fd, 1) ||
	    getsockname(G.listen_fd, (struct sockaddr *)&sa, &salen)) {
		ret = -errno;
		fprintf(stderr, "hlkvm-run: --gdb %u: cannot listen on 127.0.0.1: %s\n",
			G.port, strerror(errno));
		return ret;
	}
	ret = arm_async(G.listen_fd);
	if (ret) {
		fprintf(stderr, "hlkvm-run: --gdb: O_ASYNC on the socket: %s\n",
			strerror(-ret));
		return ret;
	}
	G.port = ntohs(sa.sin_port);
	say("listening on 127.0.0.1:%u; the guest waits at its entry point 0x%llx",
	    G.port, (unsigned long long)entry);
	snprintf(G.last_stop, sizeof(G.last_stop), "T%02xthread:1;",
		 GDB_SIGTRAP);
	return 0;
}

/* --- the connection --- */

static void close_client(void)
{
	if (G.client_fd >= 0)
		close(G.client_fd);
	G.client_fd = -1;
	G.in_pos = G.in_len = 0;
	G.frame_len = 0;
	gdb_rx_init(&G.rx);
}

/*
 * With nothing to stop for, guest debugging is off altogether: the guest
 * runs as it would without gdb (its own int3 reaches its own IDT), and
 * KVM keeps no debug state (under the test host's nested QEMU 7.2 a
 * guest with debug state once stalled the host for 44 s).
 */
static int apply(void)
{
	struct kvm_guest_debug off = { .control = 0 };
	int ret;

	if (!hlkvm_hwbp_count(&G.dbg.hw) && !G.dbg.sw.count &&
	    !G.dbg.single_step)
		ret = hlkvm_guest_debug_set(G.vm->vcpu_fd, &off);
	else
		ret = hlkvm_guest_debug_apply(G.vm->vcpu_fd, &G.dbg);

	if (ret)
		say("KVM_SET_GUEST_DEBUG: %s", strerror(-ret));
	return ret;
}

/* gdb is gone (D, EOF, an error): the guest runs on as if never debugged */
static void drop_client(const char *why)
{
	struct kvm_guest_debug off = { .control = 0 };
	int ret;

	ret = hlkvm_swbp_remove_all(&G.dbg.sw, &G.vmem);
	if (ret)
		say("restoring the bytes under int3 breakpoints: %s",
		    strerror(-ret));
	hlkvm_hwbp_init(&G.dbg.hw);
	hlkvm_debug_set_step(&G.dbg, false);
	if (hlkvm_guest_debug_set(G.vm->vcpu_fd, &off))
		say("KVM_SET_GUEST_DEBUG (off): %s", strerror(errno));
	if (G.client_fd >= 0)
		say("%s; the guest runs on", why);
	close_client();
	G.noack = false;
	G.peer_swbreak = G.peer_hwbreak = false;
}

static int send_raw(const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = send(G.client_fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int send_packet(const void *payload, size_t len)
{
	if (G.client_fd < 0)
		return -1;
	G.frame_len = gdb_frame(payload, len, G.frame, sizeof(G.frame));
	if (!G.frame_len)
		return -1;
	if (send_raw(G.frame, G.frame_len)) {
		drop_client("the client stopped reading");
		return -1;
	}
	return 0;
}

static int send_str(const char *s)
{
	return send_packet(s, strlen(s));
}

static int send_error(int err)
{
	size_t n = gdb_reply_error(G.reply, sizeof(G.reply), err);

	return send_packet(G.reply, n);
}

static void accept_client(void)
{
	struct timeval tv = { .tv_sec = SEND_TIMEOUT_S };
	int one = 1, fd;

	fd = accept4(G.listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (G.client_fd >= 0) {
		say("refused a second connection: one client at a time");
		close(fd);
		return;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (arm_async(fd)) {
		say("O_ASYNC on the connection: %s", strerror(errno));
		close(fd);
		return;
	}
	G.client_fd = fd;
	G.noack = false;
	say("client connected");
}

/* Read what is there without blocking. -1: the client is gone */
static int fill_input(void)
{
	ssize_t n;

	if (G.in_pos < G.in_len)
		return 0;
	G.in_pos = G.in_len = 0;
	n = recv(G.client_fd, G.in, sizeof(G.in), MSG_DONTWAIT);
	if (n > 0) {
		G.in_len = (size_t)n;
		return 0;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	return -1;
}

/* --- commands --- */

static int get_state(struct kvm_regs *r, struct kvm_sregs *s,
		     struct kvm_fpu *f)
{
	if (ioctl(G.vm->vcpu_fd, KVM_GET_REGS, r) ||
	    ioctl(G.vm->vcpu_fd, KVM_GET_SREGS, s) ||
	    ioctl(G.vm->vcpu_fd, KVM_GET_FPU, f))
		return -errno;
	return 0;
}

/*
 * Only what changed goes back: KVM_SET_SREGS also reloads the MMU and
 * requeues a pending interrupt, which a write of rax has no business
 * doing.
 */
static int set_state(const struct kvm_regs *r, const struct kvm_sregs *s,
		     const struct kvm_fpu *f, const struct kvm_sregs *s0,
		     const struct kvm_fpu *f0)
{
	if (ioctl(G.vm->vcpu_fd, KVM_SET_REGS, r) ||
	    (memcmp(s, s0, sizeof(*s)) &&
	     ioctl(G.vm->vcpu_fd, KVM_SET_SREGS, s)) ||
	    (memcmp(f, f0, sizeof(*f)) && ioctl(G.vm->vcpu_fd, KVM_SET_FPU, f)))
		return -errno;
	return 0;
}

static void cmd_read_regs(void)
{
	struct gdb_amd64_regs g;
	struct kvm_regs r;
	struct kvm_sregs s;
	struct kvm_fpu f;
	int ret = get_state(&r, &s, &f);

	if (ret) {
		send_error(-ret);
		return;
	}
	gdb_amd64_from_kvm(&g, &r, &s, &f);
	gdb_hex_encode(g.raw, sizeof(g.raw), G.reply);
	send_packet(G.reply, 2 * sizeof(g.raw));
}

/* G (whole file, @hex) or P (@regno, @val raw bytes) */
static void cmd_write_regs(const struct gdb_cmd *c)
{
	struct gdb_amd64_regs g;
	struct kvm_regs r;
	struct kvm_sregs s, s0;
	struct kvm_fpu f, f0;
	int ret = get_state(&r, &s, &f), size, off;

	if (ret) {
		send_error(-ret);
		return;
	}
	gdb_amd64_from_kvm(&g, &r, &s, &f);
	if (c->kind == GDB_CMD_WRITE_REGS) {
		if (c->data_len != 2 * sizeof(g.raw) ||
		    gdb_hex_decode((const char *)c->data, sizeof(g.raw),
				   g.raw)) {
			send_error(EINVAL);
			return;
		}
	} else {
		size = gdb_amd64_reg_size(c->reg);
		off = gdb_amd64_reg_offset(c->reg);
		if (size < 0 || c->data_len != (size_t)size) {
			send_error(EINVAL);
			return;
		}
		memcpy(g.raw + off, c->data, c->data_len);
	}
	s0 = s;
	f0 = f;
	ret = gdb_amd64_to_kvm(&g, &r, &s, &f);
	if (!ret)
		ret = set_state(&r, &s, &f, &s0, &f0);
	if (ret) {
		send_error(-ret);
		return;
	}
	send_str("OK");
}

static void cmd_read_reg(const struct gdb_cmd *c)
{
	struct gdb_amd64_regs g;
	struct kvm_regs r;
	struct kvm_sregs s;
	struct kvm_fpu f;
	int size = gdb_amd64_reg_size(c->reg), ret;

	if (size < 0) {
		send_error(EINVAL);
		return;
	}
	ret = get_state(&r, &s, &f);
	if (ret) {
		send_error(-ret);
		return;
	}
	gdb_amd64_from_kvm(&g, &r, &s, &f);
	gdb_hex_encode(g.raw + gdb_amd64_reg_offset(c->reg), (size_t)size,
		       G.reply);
	send_packet(G.reply, 2 * (size_t)size);
}

static void cmd_read_mem(const struct gdb_cmd *c)
{
	uint8_t buf[GDB_PACKET_MAX / 2];
	size_t len = c->len < sizeof(buf) ? (size_t)c->len : sizeof(buf);
	size_t done;
	int ret;

	ret = virt_access(c->addr, buf, len, false, &done);
	/* A read that got somewhere returns what it got, as gdb allows */
	if (ret && !done) {
		send_error(-ret);
		return;
	}
	hlkvm_swbp_mask(&G.dbg.sw, c->addr, buf, done);
	gdb_hex_encode(buf, done, G.reply);
	send_packet(G.reply, 2 * done);
}

static void cmd_write_mem(const struct gdb_cmd *c)
{
	struct hlkvm_sw_bps saved = G.dbg.sw;
	size_t done;
	int ret;

	if (!c->data_len) {
		send_str("OK");		/* gdb's probe for X */
		return;
	}

	/* Bytes over our int3s become their saved originals */
	hlkvm_swbp_overwrite(&G.dbg.sw, c->addr, c->data, c->data_len);
	ret = virt_access(c->addr, c->data, c->data_len, true, &done);
	if (ret)
		G.dbg.sw = saved;
	if (ret == -EACCES)
		say("refused a write of %zu bytes at 0x%llx: the VMM's reserved area (0x%llx-0x%llx: page tables, GDT, boot info)",
		    c->data_len, (unsigned long long)c->addr,
		    (unsigned long long)GUEST_RESV_START,
		    (unsigned long long)GUEST_RESV_END - 1);
	if (ret) {
		send_error(-ret);
		return;
	}
	send_str("OK");
}

static const enum hlkvm_hw_type watch_type[] = {
	[GDB_BP_WRITE] = HLKVM_HW_WRITE,
	[GDB_BP_READ] = HLKVM_HW_READ,
	[GDB_BP_ACCESS] = HLKVM_HW_ACCESS,
};

static void cmd_breakpoint(const struct gdb_cmd *c)
{
	bool insert = c->kind == GDB_CMD_INSERT;
	int ret;

	switch (c->type) {
	case GDB_BP_SW:
		if (c->len != HLKVM_INT3_LEN) {
			send_error(EINVAL);
			return;
		}
		ret = insert ? hlkvm_swbp_insert(&G.dbg.sw, &G.vmem, c->addr) :
		      hlkvm_swbp_remove(&G.dbg.sw, &G.vmem, c->addr);
		if (ret == -EACCES)
			say("refused a breakpoint at 0x%llx: the VMM's reserved area (0x%llx-0x%llx: page tables, GDT, boot info)",
			    (unsigned long long)c->addr,
			    (unsigned long long)GUEST_RESV_START,
			    (unsigned long long)GUEST_RESV_END - 1);
		break;
	case GDB_BP_HW:
		ret = insert ? hlkvm_hwbp_add(&G.dbg.hw, c->addr) :
		      hlkvm_hwbp_remove(&G.dbg.hw, c->addr);
		break;
	default:
		ret = insert ?
		      hlkvm_hwbp_add_watch(&G.dbg.hw, c->addr,
					   (unsigned int)c->len,
					   watch_type[c->type]) :
		      hlkvm_hwbp_remove_watch(&G.dbg.hw, c->addr,
					      (unsigned int)c->len,
					      watch_type[c->type]);
		break;
	}
	if (ret == -ENOSPC && c->type != GDB_BP_SW)
		say("all %d debug registers are in use (hardware breakpoints and watchpoints share them)",
		    HLKVM_HW_BP_MAX);
	/* Z and z are idempotent (gdb's manual): again is not an error */
	if (ret == -EEXIST || ret == -ENOENT)
		ret = 0;
	if (ret >= 0)
		ret = apply();
	if (ret < 0) {
		send_error(-ret);
		return;
	}
	send_str("OK");
}

static void cmd_xfer(const struct gdb_cmd *c)
{
	size_t doclen, n;
	const char *doc = gdb_amd64_target_xml(&doclen);

	if (strcmp(c->annex, "target.xml")) {
		send_error(ENOENT);
		return;
	}
	n = gdb_reply_xfer(G.reply, sizeof(G.reply), doc, doclen, c->offset,
			   c->len);
	send_packet(G.reply, n);
}

static int cmd_resume(const struct gdb_cmd *c)
{
	struct kvm_regs r;

	if (c->has_addr) {
		if (ioctl(G.vm->vcpu_fd, KVM_GET_REGS, &r)) {
			send_error(errno);
			return -1;
		}
		r.rip = c->addr;
		if (ioctl(G.vm->vcpu_fd, KVM_SET_REGS, &r)) {
			send_error(errno);
			return -1;
		}
	}
	hlkvm_debug_set_step(&G.dbg, c->step);
	if (apply()) {
		send_error(EIO);
		return -1;
	}
	return 0;
}

/* One packet while stopped: 1 when the guest should run, 2 kill, else 0 */
static int handle_packet(struct run_ctx *ctx)
{
	struct gdb_cmd c;
	size_t n;

	gdb_cmd_parse(G.rx.buf, G.rx.len, &c);
	switch (c.kind) {
	case GDB_CMD_HALT_REASON:
		send_str(G.last_stop);
		break;
	case GDB_CMD_READ_REGS:
		cmd_read_regs();
		break;
	case GDB_CMD_WRITE_REGS:
	case GDB_CMD_WRITE_REG:
		cmd_write_regs(&c);
		break;
	case GDB_CMD_READ_REG:
		cmd_read_reg(&c);
		break;
	case GDB_CMD_READ_MEM:
		cmd_read_mem(&c);
		break;
	case GDB_CMD_WRITE_MEM:
		cmd_write_mem(&c);
		break;
	case GDB_CMD_RESUME:
		return cmd_resume(&c) ? 0 : 1;
	case GDB_CMD_VCONT_QUERY:
		send_str("vCont;c;C;s;S");
		break;
	case GDB_CMD_INSERT:
	case GDB_CMD_REMOVE:
		cmd_breakpoint(&c);
		break;
	case GDB_CMD_DETACH:
		send_str("OK");
		drop_client("detached");
		return 1;
	case GDB_CMD_KILL:
		say("killed by the client");
		close_client();
		ctx->res->end = "gdb-kill";
		snprintf(ctx->res->end_detail, sizeof(ctx->res->end_detail),
			 "killed from gdb");
		return 2;
	case GDB_CMD_SUPPORTED:
		G.peer_swbreak = c.peer_swbreak;
		G.peer_hwbreak = c.peer_hwbreak;
		n = gdb_reply_supported(G.reply, sizeof(G.reply));
		send_packet(G.reply, n);
		break;
	case GDB_CMD_XFER_FEATURES:
		cmd_xfer(&c);
		break;
	case GDB_CMD_NOACK:
		send_str("OK");
		G.noack = true;
		break;
	case GDB_CMD_SET_THREAD:
	case GDB_CMD_THREAD_ALIVE:
		send_str("OK");
		break;
	case GDB_CMD_CURRENT_THREAD:
		send_str("QC1");
		break;
	case GDB_CMD_THREAD_FIRST:
		send_str("m1");
		break;
	case GDB_CMD_THREAD_NEXT:
		send_str("l");
		break;
	case GDB_CMD_ATTACHED:
		send_str("1");
		break;
	case GDB_CMD_MALFORMED:
		send_error(EINVAL);
		break;
	case GDB_CMD_UNSUPPORTED:
		send_packet("", 0);
		break;
	}
	return 0;
}

/*
 * Feed buffered bytes to the receiver until a packet has been handled
 * that resumes (1) or kills (2), or the buffer is empty (0). While the
 * guest runs, packets are acknowledged and dropped (all-stop gdb sends
 * none) and a 0x03 ends the feeding: the bytes after it are the stopped
 * guest's, a new client's first packets likewise.
 */
static int process_input(struct run_ctx *ctx, bool running)
{
	int r;

	while (G.client_fd >= 0 && G.in_pos < G.in_len) {
		enum gdb_rx_event ev = gdb_rx_byte(&G.rx, G.in[G.in_pos++]);

		switch (ev) {
		case GDB_RX_INTERRUPT:
			/* What follows is for the stopped guest: leave it */
			if (running) {
				G.stop_wanted = true;
				G.stop_signal = GDB_SIGINT;
				return 0;
			}
			break;
		case GDB_RX_BAD_CHECKSUM:
			if (!G.noack)
				send_raw("-", 1);
			break;
		case GDB_RX_NAK:
			if (G.frame_len && send_raw(G.frame, G.frame_len))
				drop_client("the client stopped reading");
			break;
		case GDB_RX_OVERSIZED:
		case GDB_RX_PACKET:
			if (!G.noack && send_raw("+", 1)) {
				drop_client("the client stopped reading");
				break;
			}
			/* Nothing but a stop is expected from gdb meanwhile */
			if (running)
				break;
			if (ev == GDB_RX_OVERSIZED) {
				send_error(EMSGSIZE);
				break;
			}
			r = handle_packet(ctx);
			if (r)
				return r;
			break;
		case GDB_RX_ACK:
		case GDB_RX_NONE:
			break;
		}
	}
	return 0;
}

/*
 * The guest is stopped: tell gdb why (@stop, NULL for the first stop,
 * which gdb asks for with '?') and serve it until it resumes the guest.
 */
static enum serve_result serve(struct run_ctx *ctx, const char *stop,
			       bool wait_for_client)
{
	struct pollfd pfd[2];
	int r;

	if (stop) {
		snprintf(G.last_stop, sizeof(G.last_stop), "%s", stop);
		send_str(stop);
	}
	for (;;) {
		r = process_input(ctx, false);
		if (r == 2)
			return SERVE_KILL;
		if (r == 1)
			break;
		/* SIGTERM, SIGINT, --timeout: the run loop ends the run */
		if (run_stop_pending())
			return SERVE_RESUME;
		if (G.client_fd < 0 && !wait_for_client)
			return SERVE_RESUME;
		pfd[0] = (struct pollfd){ .fd = G.listen_fd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = G.client_fd, .events = POLLIN };
		if (poll(pfd, G.client_fd >= 0 ? 2 : 1, -1) < 0)
			continue;	/* EINTR: look at run_stop_pending() */
		if (pfd[0].revents & POLLIN)
			accept_client();
		if (G.client_fd >= 0 && (pfd[1].revents & (POLLIN | POLLHUP |
							    POLLERR)) &&
		    fill_input()) {
			drop_client("the client went away");
			/* The first stop was gdb's: without it, run */
			return SERVE_RESUME;
		}
	}
	/* Bytes after the resuming packet (a Ctrl-C?): look at them soon */
	if (G.in_pos < G.in_len)
		G.vm->run->immediate_exit = 1;
	return SERVE_RESUME;
}

static int served(struct run_ctx *ctx, enum serve_result r)
{
	(void)ctx;
	return r == SERVE_KILL ? -1 : 0;
}

int gdb_stub_start(struct run_ctx *ctx)
{
	return served(ctx, serve(ctx, NULL, true));
}

int gdb_stub_kicked(struct run_ctx *ctx)
{
	struct pollfd pfd = { .fd = G.listen_fd, .events = POLLIN };
	char stop[64];

	if (poll(&pfd, 1, 0) > 0 && (pfd.revents & POLLIN)) {
		bool had = G.client_fd >= 0;

		accept_client();
		if (!had && G.client_fd >= 0) {
			/* A new client finds the guest stopped where it is */
			G.stop_wanted = true;
			G.stop_signal = GDB_SIGTRAP;
		}
	}
	/*
	 * Drain the socket: SIGIO comes when data arrives, not while it
	 * waits, so bytes left unread (a 0x03 behind noise) would never
	 * kick again.
	 */
	while (G.client_fd >= 0 && !G.stop_wanted) {
		if (fill_input()) {
			drop_client("the client went away");
			break;
		}
		if (G.in_pos >= G.in_len)
			break;
		process_input(ctx, true);
	}
	if (!G.stop_wanted || G.client_fd < 0) {
		G.stop_wanted = false;
		return 0;
	}
	G.stop_wanted = false;
	/* A new client asks '?' first; a Ctrl-C is answered at once */
	if (G.stop_signal == GDB_SIGTRAP) {
		snprintf(G.last_stop, sizeof(G.last_stop), "T%02xthread:1;",
			 GDB_SIGTRAP);
		return served(ctx, serve(ctx, NULL, false));
	}
	gdb_reply_stop(stop, sizeof(stop), G.stop_signal, NULL, false, 0);
	return served(ctx, serve(ctx, stop, false));
}

int gdb_stub_debug_exit(struct run_ctx *ctx)
{
	const struct kvm_debug_exit_arch *ex = &ctx->vm->run->debug.arch;
	const char *kind = NULL;
	struct hlkvm_stop st;
	bool has_addr = false;
	uint64_t addr = 0;
	char stop[64];

	/* Detached meanwhile: nothing to stop for (debugging is off) */
	if (G.client_fd < 0)
		return 0;
	hlkvm_debug_classify(&G.dbg, ex, &st, NULL, 0);
	switch (st.reason) {
	case HLKVM_STOP_WATCHPOINT:
		kind = hlkvm_hw_gdb_watch_kind(G.dbg.hw.slot[st.slot].type);
		addr = G.dbg.hw.slot[st.slot].addr;
		has_addr = true;
		break;
	case HLKVM_STOP_HW_BREAKPOINT:
	case HLKVM_STOP_ENTRY_POINT_BREAKPOINT:
		kind = G.peer_hwbreak ? "hwbreak" : NULL;
		break;
	case HLKVM_STOP_SW_BREAKPOINT:
		/* The guest's own int3 is a plain SIGTRAP, not our breakpoint */
		if (G.peer_swbreak && hlkvm_swbp_find(&G.dbg.sw, st.addr))
			kind = "swbreak";
		break;
	case HLKVM_STOP_DONE_STEP:
	case HLKVM_STOP_UNKNOWN:
		break;
	}
	/* Each s steps once: gdb asks again for the next */
	hlkvm_debug_set_step(&G.dbg, false);
	gdb_reply_stop(stop, sizeof(stop), GDB_SIGTRAP, kind, has_addr, addr);
	return served(ctx, serve(ctx, stop, false));
}

void gdb_stub_end(struct run_ctx *ctx)
{
	const struct run_result *r = ctx->res;
	size_t n;

	if (G.client_fd >= 0) {
		/* hlkvm-run's own exit status: 0 exactly for guest status 0 */
		n = gdb_reply_exit(G.reply, sizeof(G.reply),
				   r->have_status && r->status == 0 ? 0 : 1);
		send_packet(G.reply, n);
		close_client();
	}
	if (G.listen_fd >= 0)
		close(G.listen_fd);
	G.listen_fd = -1;
	G.vm = NULL;
}
