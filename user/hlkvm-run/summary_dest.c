// SPDX-License-Identifier: GPL-2.0
/* hlkvm-run: the summary's destination (see summary_dest.h) */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "summary_dest.h"

static bool same_file(const struct stat *st, int fd)
{
	struct stat fst;

	return !fstat(fd, &fst) && fst.st_dev == st->st_dev &&
	       fst.st_ino == st->st_ino;
}

int summary_dest_open(struct summary_dest *d, const char *path)
{
	struct stat st;
	int fd, err;

	*d = (struct summary_dest){ .path = path, .f = stderr };
	if (!path)
		return 0;
	if (!strcmp(path, "-")) {
		d->f = stdout;
		return 0;
	}
	if (!stat(path, &st)) {
		if (same_file(&st, STDOUT_FILENO)) {
			d->f = stdout;
			return 0;
		}
		if (same_file(&st, STDERR_FILENO))
			return 0;
	}
	/* Not truncated yet: the run may never get as far as a summary */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd >= 0)
		d->created = true;
	else if (errno == EEXIST)
		fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || !(d->f = fdopen(fd, "w"))) {
		err = errno;
		if (fd >= 0)
			close(fd);
		if (d->created)
			unlink(path);
		d->f = stderr;
		d->created = false;
		fprintf(stderr, "hlkvm-run: --summary %s: %s\n", path,
			strerror(err));
		return -err;
	}
	d->own = true;
	return 0;
}

bool summary_dest_is_stdout(const struct summary_dest *d)
{
	return d->f == stdout;
}

FILE *summary_dest_begin(struct summary_dest *d)
{
	d->written = true;
	/* EINVAL: a FIFO or a device (--summary /dev/tty), nothing to cut */
	if (d->own && ftruncate(fileno(d->f), 0) && errno != EINVAL)
		fprintf(stderr, "hlkvm-run: warning: --summary %s: %s\n",
			d->path, strerror(errno));
	return d->f;
}

void summary_dest_close(struct summary_dest *d)
{
	if (d->own) {
		if (fclose(d->f))
			fprintf(stderr, "hlkvm-run: --summary %s: %s\n",
				d->path, strerror(errno));
		if (d->created && !d->written)
			unlink(d->path);
	} else {
		fflush(d->f);
	}
	d->own = false;
	d->f = stderr;
}
