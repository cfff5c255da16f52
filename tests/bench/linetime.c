// SPDX-License-Identifier: GPL-2.0
/*
 * scripts/bench's stopwatch for a whole process (the test host has no
 * line-timestamping tool): runs CMD with its stdout through a pipe,
 * copies every line to our stdout, and prints how long after the fork the
 * first line beginning with PREFIX arrived and when CMD exited.
 *
 *   hlkvm-bench-linetime PREFIX CMD [ARG...]
 *
 * Output, besides CMD's own lines: "ns=first N" (absent when no line
 * matched) and "ns=exit N", CLOCK_MONOTONIC nanoseconds since just
 * before the fork. Exit status: CMD's (128 + signal if it was killed),
 * 127 if it could not be started.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	bool matched = false;
	char *line = NULL;
	size_t cap = 0;
	uint64_t t0;
	int fd[2], status;
	pid_t pid;
	FILE *in;

	if (argc < 3) {
		fprintf(stderr, "usage: hlkvm-bench-linetime PREFIX CMD [ARG...]\n");
		return 2;
	}
	if (pipe(fd)) {
		perror("hlkvm-bench-linetime: pipe");
		return 127;
	}
	fflush(stdout);
	t0 = now_ns();
	pid = fork();
	if (pid < 0) {
		perror("hlkvm-bench-linetime: fork");
		return 127;
	}
	if (!pid) {
		dup2(fd[1], STDOUT_FILENO);
		close(fd[0]);
		close(fd[1]);
		execvp(argv[2], argv + 2);
		fprintf(stderr, "hlkvm-bench-linetime: %s: %s\n", argv[2],
			strerror(errno));
		_exit(127);
	}
	close(fd[1]);
	in = fdopen(fd[0], "r");
	if (!in) {
		perror("hlkvm-bench-linetime: fdopen");
		return 127;
	}
	while (getline(&line, &cap, in) >= 0) {
		uint64_t t = now_ns();

		fputs(line, stdout);
		if (!matched && !strncmp(line, argv[1], strlen(argv[1]))) {
			matched = true;
			printf("ns=first %llu\n", (unsigned long long)(t - t0));
		}
	}
	fclose(in);
	free(line);
	if (waitpid(pid, &status, 0) < 0) {
		perror("hlkvm-bench-linetime: waitpid");
		return 127;
	}
	printf("ns=exit %llu\n", (unsigned long long)(now_ns() - t0));
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
