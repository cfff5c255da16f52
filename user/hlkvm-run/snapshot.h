/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hlkvm-run --snapshot / --restore: the whole VM to a file and back
 * (docs/snapshot-format.md). The guest asks for a snapshot with an IN
 * from SNAPSHOT_PORT: 0 in the run that wrote the file, 1 in each run
 * restored from it.
 */
#ifndef HLKVM_RUN_SNAPSHOT_H
#define HLKVM_RUN_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hlkvm-run.h"
#include "snapshot_file.h"

#define SNAPSHOT_PORT		109

/* --snapshot: the io hook's context */
struct snapshot_taker {
	const char *path;
	struct vm *vm;
	uint32_t irqchip;
	bool pit_tick;			/* the attachment's channel-0 tick */
	struct hlkvm_client *client;	/* kernel mode */
	struct hlkvm_fallback *fb;	/* user mode */
	unsigned int taken;
	/* The hook it stands in front of (the seed timer's), or NULL */
	bool (*next)(void *arg, uint16_t port, uint8_t dir, unsigned int size,
		     uint8_t *data);
	void *next_arg;
};

/* A run_ctx io_hook: answers IN SNAPSHOT_PORT by writing the file */
bool snapshot_io_hook(void *arg, uint16_t port, uint8_t dir,
		      unsigned int size, uint8_t *data);

/* --restore: the file, read and checked whole before any VM exists */
struct snapshot_image {
	void *buf;
	size_t len;
	struct snap_view view;
};

/*
 * Read and check @path; on failure print why and return the
 * SNAP_EXIT_BASE + enum snap_err exit status, else 0. @mem_size: a
 * --mem given with --restore (0: none), which must agree.
 */
int snapshot_open(struct snapshot_image *img, const char *path,
		  uint64_t mem_size);
/* The vCPU, memory and KVM irqchip from the image; 0 or an exit status */
int snapshot_restore_vm(const struct snapshot_image *img, struct vm *vm);
/* hlkvm's state into the module (@client) or the fallback (@fb) */
int snapshot_restore_hlkvm(const struct snapshot_image *img, struct vm *vm,
			   struct hlkvm_client *client,
			   struct hlkvm_fallback *fb);
void snapshot_close(struct snapshot_image *img);

#endif /* HLKVM_RUN_SNAPSHOT_H */
