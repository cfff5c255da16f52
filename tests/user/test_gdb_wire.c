// SPDX-License-Identifier: GPL-2.0
/*
 * cmocka: hlkvm-run --gdb against a client that misbehaves. Broken
 * frames, bad checksums, unknown, malformed and oversized commands,
 * writes into the VMM's reserved area, a second connection, a client
 * that disconnects mid-run or with an int3 still in, and random bytes
 * and packets while the guest runs and while it is stopped: the VMM must
 * answer each (or ignore it, as the protocol says), never crash, and the
 * guest must still finish with status 0 when released.
 *
 * Runs build/bin/hlkvm-run on build/guests/gdb.elf from the repository
 * root (scripts/test-user's directory); skips, saying why, without a
 * usable /dev/kvm.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "elf_load.h"
#include "gdb_packet.h"

#define RUN	"build/bin/hlkvm-run"
#define ELF	"build/guests/gdb.elf"

struct vmm {
	pid_t pid;
	unsigned int port;
	char err_path[64];
};

/* The VMM of the test running, killed by teardown if a check failed */
static pid_t live_pid;

static const char *skip_reason(void)
{
	if (access("/dev/kvm", R_OK | W_OK))
		return "no usable /dev/kvm on this machine";
	if (access(RUN, X_OK) || access(ELF, R_OK))
		return NULL;	/* a build problem: fail, do not skip */
	return "";
}

static void need_kvm(void)
{
	const char *why = skip_reason();

	assert_non_null(why);	/* hlkvm-run and gdb.elf must be built */
	if (*why) {
		print_message("skipped: %s\n", why);
		skip();
	}
}

/* Start hlkvm-run --gdb 0 [--arg A]; wait for the port it prints */
static void vmm_start(struct vmm *v, const char *arg)
{
	char line[256];
	FILE *f;
	int fd, i;

	snprintf(v->err_path, sizeof(v->err_path), "/tmp/hlkvm-gdbwire.XXXXXX");
	fd = mkstemp(v->err_path);
	assert_true(fd >= 0);
	v->pid = fork();
	assert_true(v->pid >= 0);
	if (v->pid == 0) {
		dup2(fd, 2);
		fd = open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		if (arg)
			execl(RUN, RUN, "--accel=user", "--timeout", "60",
			      "--gdb", "0", "--arg", arg, ELF, (char *)NULL);
		else
			execl(RUN, RUN, "--accel=user", "--timeout", "60",
			      "--gdb", "0", ELF, (char *)NULL);
		_exit(127);
	}
	live_pid = v->pid;
	close(fd);
	v->port = 0;
	for (i = 0; i < 200 && !v->port; i++) {
		f = fopen(v->err_path, "r");
		while (f && fgets(line, sizeof(line), f)) {
			char *p = strstr(line, "listening on 127.0.0.1:");

			if (p)
				v->port = (unsigned int)atoi(p + 23);
		}
		if (f)
			fclose(f);
		if (!v->port)
			usleep(20000);
	}
	assert_true(v->port > 0);
}

/* The exit status, waiting at most 20 s (then it is killed: -1) */
static int vmm_wait(struct vmm *v)
{
	int st, i;

	for (i = 0; i < 2000; i++) {
		if (waitpid(v->pid, &st, WNOHANG) == v->pid) {
			live_pid = 0;
			unlink(v->err_path);
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
		}
		usleep(10000);
	}
	kill(v->pid, SIGKILL);
	waitpid(v->pid, &st, 0);
	live_pid = 0;
	unlink(v->err_path);
	return -1;
}

static int kill_leftover(void **state)
{
	(void)state;
	if (live_pid > 0) {
		kill(live_pid, SIGKILL);
		waitpid(live_pid, NULL, 0);
		live_pid = 0;
	}
	return 0;
}

static bool vmm_log_has(const struct vmm *v, const char *needle)
{
	char buf[16384];
	size_t n;
	FILE *f = fopen(v->err_path, "r");

	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strstr(buf, needle) != NULL;
}

static int dial(unsigned int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
				  .sin_port = htons((uint16_t)port) };
	struct timeval tv = { .tv_sec = 5 };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

static void send_bytes(int fd, const void *buf, size_t len)
{
	assert_int_equal(send(fd, buf, len, MSG_NOSIGNAL), (ssize_t)len);
}

static void send_pkt_n(int fd, const char *payload, size_t len)
{
	static char frame[2 * GDB_PACKET_MAX + 16];
	size_t n = gdb_frame(payload, len, frame, sizeof(frame));

	assert_true(n > 0);
	send_bytes(fd, frame, n);
}

static void send_pkt(int fd, const char *payload)
{
	send_pkt_n(fd, payload, strlen(payload));
}

/*
 * The next reply's payload into @out (NUL-terminated); acks are skipped
 * but counted in *naks for '-'. -1 on EOF or a 5 s silence.
 */
static int recv_reply(int fd, char *out, size_t outsz, unsigned int *naks)
{
	static struct gdb_rx rx;
	uint8_t c;

	gdb_rx_init(&rx);
	for (;;) {
		ssize_t n = recv(fd, &c, 1, 0);

		if (n <= 0)
			return -1;
		switch (gdb_rx_byte(&rx, c)) {
		case GDB_RX_PACKET:
			snprintf(out, outsz, "%.*s", (int)rx.len, rx.buf);
			return 0;
		case GDB_RX_NAK:
			if (naks)
				(*naks)++;
			break;
		default:
			break;
		}
	}
}

/* Send @cmd, return its reply in a static buffer ("" for empty) */
static const char *ask(int fd, const char *cmd)
{
	static char reply[GDB_PACKET_MAX + 1];

	send_pkt(fd, cmd);
	assert_int_equal(recv_reply(fd, reply, sizeof(reply), NULL), 0);
	return reply;
}

static uint64_t guest_symbol(const char *name)
{
	static char buf[1 << 20];
	uint64_t addr = 0;
	FILE *f = fopen(ELF, "rb");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	assert_int_equal(hlkvm_elf_symbol(buf, n, name, &addr), 0);
	return addr;
}

static void release_and_detach(int fd)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "M%llx,8:0100000000000000",
		 (unsigned long long)guest_symbol("gdb_release"));
	assert_string_equal(ask(fd, cmd), "OK");
	assert_string_equal(ask(fd, "D"), "OK");
}

static void bad_checksum_gets_nak_then_service_goes_on(void **state)
{
	struct vmm v;
	unsigned int naks = 0;
	char reply[256];
	int fd;

	(void)state;
	need_kvm();
	vmm_start(&v, NULL);
	fd = dial(v.port);
	send_bytes(fd, "$g#00", 5);
	send_bytes(fd, "$?#zz", 5);
	send_pkt(fd, "?");
	assert_int_equal(recv_reply(fd, reply, sizeof(reply), &naks), 0);
	assert_int_equal(naks, 2);
	assert_string_equal(reply, "T05thread:1;");
	assert_string_equal(ask(fd, "D"), "OK");
	close(fd);
	assert_int_equal(vmm_wait(&v), 0);
}

static void unknown_malformed_oversized_get_replies(void **state)
{
	static char big[GDB_PACKET_MAX * 2];
	char reply[64];
	struct vmm v;
	int fd;

	(void)state;
	need_kvm();
	vmm_start(&v, NULL);
	fd = dial(v.port);
	assert_string_equal(ask(fd, "vMustReplyEmpty"), "");
	assert_string_equal(ask(fd, "qNoSuchThing:1"), "");
	assert_string_equal(ask(fd, "!"), "");
	assert_string_equal(ask(fd, "m1000"), "E16");
	assert_string_equal(ask(fd, "Z9,1000,1"), "E16");
	assert_string_equal(ask(fd, "M100000,1:zz"), "E16");
	assert_string_equal(ask(fd, "p9999"), "E16");
	assert_string_equal(ask(fd, "P0=12"), "E16");
	assert_string_equal(ask(fd, "G00"), "E16");
	assert_string_equal(ask(fd, "Z0,100000,2"), "E16");
	assert_string_equal(ask(fd, "Z2,100001,4"), "E16");	/* unaligned */
	assert_string_equal(ask(fd, "qXfer:features:read:other.xml:0,10"),
			    "E02");
	memset(big, 'm', sizeof(big));
	send_pkt_n(fd, big, sizeof(big));
	assert_int_equal(recv_reply(fd, reply, sizeof(reply), NULL), 0);
	assert_string_equal(reply, "E5a");
	assert_string_equal(ask(fd, "?"), "T05thread:1;");
	/* reads are capped to what a reply can hold, not refused */
	assert_int_equal(strlen(ask(fd, "m100000,ffffffff")), GDB_PACKET_MAX);
	send_pkt(fd, "k");	/* no reply: the VMM exits */
	assert_int_equal(vmm_wait(&v), 1);
	close(fd);
}

static void reserved_area_writes_refused(void **state)
{
	struct vmm v;
	int fd;

	(void)state;
	need_kvm();
	vmm_start(&v, NULL);
	fd = dial(v.port);
	assert_string_equal(ask(fd, "M3000,1:90"), "E0d");
	assert_string_equal(ask(fd, "X7800,1:a"), "E0d");
	assert_string_equal(ask(fd, "Z0,1000,1"), "E0d");
	/* a write straddling into it is refused whole */
	assert_string_equal(ask(fd, "M fff,2:9090"), "E16");
	assert_string_equal(ask(fd, "Mfff,2:9090"), "E0d");
	assert_string_equal(ask(fd, "M7ffe,4:90909090"), "E0d");
	/* reads are fine: the boot info's magic "HLKB" */
	assert_string_equal(ask(fd, "m7800,4"), "484c4b42");
	assert_string_equal(ask(fd, "D"), "OK");
	close(fd);
	/* nothing was written: the guest runs as if never debugged */
	assert_int_equal(vmm_wait(&v), 0);
}

static void int3_hidden_and_removed_when_client_vanishes(void **state)
{
	uint64_t add = guest_symbol("gdb_add");
	char cmd[64], orig[8];
	struct vmm v;
	int fd;

	(void)state;
	need_kvm();
	vmm_start(&v, NULL);
	fd = dial(v.port);
	snprintf(cmd, sizeof(cmd), "m%llx,1", (unsigned long long)add);
	snprintf(orig, sizeof(orig), "%s", ask(fd, cmd));
	assert_int_equal(strlen(orig), 2);
	assert_string_not_equal(orig, "cc");
	snprintf(cmd, sizeof(cmd), "Z0,%llx,1", (unsigned long long)add);
	assert_string_equal(ask(fd, cmd), "OK");
	assert_string_equal(ask(fd, cmd), "OK");		/* idempotent */
	snprintf(cmd, sizeof(cmd), "m%llx,1", (unsigned long long)add);
	assert_string_equal(ask(fd, cmd), orig);	/* hidden from reads */
	/* gone without z0 or D: the stub must take the int3 out itself */
	close(fd);
	assert_int_equal(vmm_wait(&v), 0);
}

static void second_connection_refused_first_served(void **state)
{
	struct vmm v;
	char c;
	int fd, fd2;

	(void)state;
	need_kvm();
	vmm_start(&v, NULL);
	fd = dial(v.port);
	assert_string_equal(ask(fd, "?"), "T05thread:1;");
	fd2 = dial(v.port);
	/* accepted and closed at once: EOF or a reset, never a reply */
	send_bytes(fd2, "$?#3f", 5);
	errno = 0;
	assert_true(recv(fd2, &c, 1, 0) <= 0);
	assert_true(errno == 0 || errno == ECONNRESET);
	close(fd2);
	assert_string_equal(ask(fd, "?"), "T05thread:1;");
	assert_true(vmm_log_has(&v, "refused a second connection"));
	assert_string_equal(ask(fd, "D"), "OK");
	close(fd);
	assert_int_equal(vmm_wait(&v), 0);
}

static void disconnect_mid_run_guest_finishes(void **state)
{
	struct vmm v;
	int fd;

	(void)state;
	need_kvm();
	vmm_start(&v, "1");
	fd = dial(v.port);
	assert_string_equal(ask(fd, "QStartNoAckMode"), "OK");
	send_pkt(fd, "c");
	usleep(300000);
	close(fd);
	/* The guest spins until released: attach again, release, detach */
	usleep(300000);
	fd = dial(v.port);
	assert_string_equal(ask(fd, "?"), "T05thread:1;");
	release_and_detach(fd);
	close(fd);
	assert_int_equal(vmm_wait(&v), 0);
}

static uint32_t rnd(void)
{
	static uint64_t s = 0x9e3779b97f4a7c15ULL;

	s ^= s << 13;
	s ^= s >> 7;
	s ^= s << 17;
	return (uint32_t)s;
}

static void fuzz_while_running_and_stopped(void **state)
{
	/* Commands that cannot resume, kill, detach or write the guest */
	static const char safe_first[] = "?gpmqQvHTxyzJ!0-";
	char reply[GDB_PACKET_MAX + 1], pkt[96], noise[512];
	struct vmm v;
	unsigned int i, j, len;
	int fd;

	(void)state;
	need_kvm();
	vmm_start(&v, "1");
	fd = dial(v.port);
	send_pkt(fd, "c");
	/* Running: random bytes (no 0x03) are ignored, acked or NAKed */
	for (i = 0; i < 20; i++) {
		for (j = 0; j < sizeof(noise); j++) {
			noise[j] = (char)rnd();
			if (noise[j] == GDB_INTERRUPT)
				noise[j] = '$';
		}
		send_bytes(fd, noise, sizeof(noise));
	}
	/* then a frame to end whatever one the noise left open */
	send_bytes(fd, "#00", 3);
	send_bytes(fd, "\x03", 1);
	do {
		assert_int_equal(recv_reply(fd, reply, sizeof(reply), NULL), 0);
	} while (strcmp(reply, "T02thread:1;"));
	/* Stopped: random packets of safe kinds each get a reply */
	for (i = 0; i < 300; i++) {
		len = 1 + rnd() % 80;
		pkt[0] = safe_first[rnd() % (sizeof(safe_first) - 1)];
		for (j = 1; j < len; j++)
			pkt[j] = (char)(0x20 + rnd() % 0x5f);
		send_pkt_n(fd, pkt, len);
		if (recv_reply(fd, reply, sizeof(reply), NULL))
			fail_msg("no reply to packet %u: \"%.*s\"", i, (int)len,
				 pkt);
	}
	assert_string_equal(ask(fd, "?"), "T02thread:1;");
	release_and_detach(fd);
	close(fd);
	assert_int_equal(vmm_wait(&v), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(bad_checksum_gets_nak_then_service_goes_on, kill_leftover),
		cmocka_unit_test_teardown(unknown_malformed_oversized_get_replies, kill_leftover),
		cmocka_unit_test_teardown(reserved_area_writes_refused, kill_leftover),
		cmocka_unit_test_teardown(int3_hidden_and_removed_when_client_vanishes, kill_leftover),
		cmocka_unit_test_teardown(second_connection_refused_first_served, kill_leftover),
		cmocka_unit_test_teardown(disconnect_mid_run_guest_finishes, kill_leftover),
		cmocka_unit_test_teardown(fuzz_while_running_and_stopped, kill_leftover),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests_name("gdb_wire", tests, NULL, NULL);
}
