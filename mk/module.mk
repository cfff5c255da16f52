# SPDX-License-Identifier: GPL-2.0
# hlkvm.ko: build, style, sparse and install rules; included by the
# top-level Makefile, run from the repository root.
#
#   make module [KVER=<kver>|6.1|6.12|rt|6.12-rt|7.3|newest]
#                                       W=1 build, warnings are errors;
#                                       without KVER: 6.1, 6.12 and newest
#   make module KVER=debug              against scripts/debug-kernel's tree
#   make module-style                   checkpatch --strict
#   make module-sparse [KVER=...]       sparse (C=2), by default against
#                                       6.1, 6.12 and newest (Debian's 7.x:
#                                       in the trixie build root, with
#                                       scripts/sparse-patched's sparse)
#   make install-module KVER=<kver>     modules_install into updates/
#                                       (DESTDIR honoured; make install too)
#
# Each kernel gets its own copy of the sources under build/kmod/<kver>/src,
# so two kernels never share objects.

# Every kernel hlkvm supports; newest is built in the trixie build root,
# made on first use (scripts/buildroot)
HLKVM_KSERIES ?= 6.1 6.12 newest
HLKVM_KSRC ?= /usr/src
HLKVM_ROOT := $(abspath .)

# A series (6.1, 6.12, 7.3) or newest resolves to Debian's ABI name
# (scripts/lib/kernels.sh); a full name is kept. One that does not resolve
# becomes unresolved:NAME, which the rules refuse, so it is never skipped.
hlkvm_resolve = $(shell bash -c '. scripts/lib/kernels.sh; \
	for k in $(1); do case $$k in \
	(debug) scripts/debug-kernel --print-kver 2>/dev/null || echo debug;; \
	(rt|*.*-rt) hlkvm_kver $$k || echo unresolved:$$k;; \
	(*-*) echo $$k;; \
	(*) hlkvm_kver $$k || echo unresolved:$$k;; esac; done')
# Debian 13's kernels (+deb13 in the name: the 7.x of trixie-backports) need
# trixie's gcc-14 and glibc >= 2.38: they are built inside the trixie build
# root (scripts/buildroot) against its /usr/src/linux-headers-<kver>, which
# is installed there on demand, unless this machine has those headers
# itself (a trixie host).
hlkvm_in_root = $(if $(findstring +deb13-,$(1)),$(if $(wildcard $(HLKVM_KSRC)/linux-headers-$(1)/Makefile),,y))
# Where to build against: Debian's headers (here or in the build root), or
# the debug kernel's own tree (scripts/debug-kernel; its release ends in
# -hlkvm-debug)
hlkvm_kdir = $(if $(filter debug %-hlkvm-debug,$(1)),$(HLKVM_ROOT)/.cache/debug-kernel/$(1)/build,$(if $(call hlkvm_in_root,$(1)),/usr/src,$(HLKVM_KSRC))/linux-headers-$(1))
# The kbuild make: here, or in the build root with the kernel's build
# directory bound at its own path (objects and .ko land here as for 6.x),
# and $(2)'s --bind DIR too. (In the root, $(MAKE) names the root's own make.)
hlkvm_kmake = $(if $(call hlkvm_in_root,$(1)),scripts/buildroot run --bind $(HLKVM_ROOT)/build/kmod/$(1) $(2) --) $(MAKE) --no-print-directory
HLKVM_KVERS = $(call hlkvm_resolve,$(if $(KVER),$(KVER),$(HLKVM_KSERIES)))
# $(1): a resolved name; refuse one that did not resolve (the reason is
# already on stderr, from hlkvm_kver)
hlkvm_unresolved = $(if $(filter unresolved:%,$(1)),echo "module: cannot resolve kernel $(patsubst unresolved:%,%,$(1))" >&2; exit 1;)

HLKVM_SRCS := Kbuild $(wildcard kmod/*.c kmod/*.h) uapi/linux/hlkvm.h
# Strict everywhere, but for three checks that cannot apply where ignored:
# compat.h exists to test kernel versions, the userspace branch of
# pure_types.h defines the kernel types from <stdint.h>, and BIT() is not
# available to a uapi header.
HLKVM_STYLE_FILES := $(filter-out kmod/compat.h kmod/pure_types.h, \
	$(wildcard kmod/*.[ch]))

CHECKPATCH_DIR := .cache/checkpatch
CHECKPATCH := $(CHECKPATCH_DIR)/checkpatch.pl

# $(1): kernel release; copy the sources, keeping mtimes (incremental)
define hlkvm_stage
	mkdir -p build/kmod/$(1)/src/kmod build/kmod/$(1)/src/uapi/linux
	cp -p Kbuild build/kmod/$(1)/src/
	cp -p kmod/*.[ch] build/kmod/$(1)/src/kmod/
	cp -p uapi/linux/hlkvm.h build/kmod/$(1)/src/uapi/linux/
endef

# $(1): kernel release, $(2): extra kbuild arguments, $(3): log name,
# $(4): what else to bind in the build root (--bind DIR ...)
define hlkvm_kbuild
	$(call hlkvm_unresolved,$(1))
	$(if $(call hlkvm_in_root,$(1)),scripts/buildroot headers $(1) >/dev/null || exit 1,test -d $(call hlkvm_kdir,$(1)) || \
		{ echo "module: no kernel tree in $(call hlkvm_kdir,$(1))$(if $(filter debug,$(1)), (build it with scripts/debug-kernel))" >&2; exit 1; })
	$(call hlkvm_stage,$(1))
	if ! $(call hlkvm_kmake,$(1),$(4)) -C $(call hlkvm_kdir,$(1)) \
		M=$(HLKVM_ROOT)/build/kmod/$(1)/src $(2) modules \
		> build/kmod/$(1)/$(3) 2>&1; then \
		cat build/kmod/$(1)/$(3); exit 1; fi
	cat build/kmod/$(1)/$(3)
endef

.PHONY: module module-style module-sparse install install-module module-clean

# The rules that run kbuild start with '+': they reach $(MAKE) only through
# $(call), which make does not see as a recursive make, so under -jN kbuild
# got no jobserver and said "warning: jobserver unavailable", which the W=1
# check takes for a warning of ours.

module:
	+@set -e; $(foreach k,$(HLKVM_KVERS), \
	$(call hlkvm_unresolved,$(k)) echo "  MODULE  $(k)"; \
	$(call hlkvm_kbuild,$(k),W=1,build.log); \
	if grep -q 'warning:' build/kmod/$(k)/build.log; then \
		echo "module: W=1 warnings against $(k)" >&2; exit 1; fi; \
	cp build/kmod/$(k)/src/hlkvm.ko build/kmod/$(k)/hlkvm.ko; \
	echo "  OK      build/kmod/$(k)/hlkvm.ko";)

$(CHECKPATCH):
	mkdir -p $(CHECKPATCH_DIR)
	tar -xJf $(HLKVM_KSRC)/linux-source-6.1.tar.xz -C $(CHECKPATCH_DIR) \
		--strip-components=2 --wildcards '*/scripts/checkpatch.pl' \
		'*/scripts/spelling.txt' '*/scripts/const_structs.checkpatch'

HLKVM_CHECKPATCH = perl $(CHECKPATCH) --strict --no-tree --quiet --show-types -f

module-style: $(CHECKPATCH)
	$(HLKVM_CHECKPATCH) $(HLKVM_STYLE_FILES)
	$(HLKVM_CHECKPATCH) --ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON \
		kmod/compat.h
	$(HLKVM_CHECKPATCH) --ignore PREFER_KERNEL_TYPES kmod/pure_types.h
	$(HLKVM_CHECKPATCH) --ignore BIT_MACRO uapi/linux/hlkvm.h
	@echo "  STYLE   clean"

# Sparse checks every file (C=2); only our files' findings fail the build.
# 6.1 and 6.12 are checked by this machine's sparse (Debian's 0.6.4). A
# kernel built in the trixie build root (7.x) is checked inside it by
# scripts/sparse-patched's sparse: Debian's 0.6.4 built from Debian's own
# source with our patches (scripts/sparse.d), since 7.x headers need
# __typeof_unqual__ and a constant __builtin_strlen() under __CHECKER__;
# and its headers get kbuild's scripts/checker-valid.sh, which Debian's
# lack (without it kbuild turns the checker off). Where kbuild still
# refuses the checker nothing was checked: that is an error, never "clean".
HLKVM_SPARSE_KSERIES ?= 6.1 6.12 newest
HLKVM_SPARSE_KVERS = $(call hlkvm_resolve,$(if $(KVER),$(KVER),$(HLKVM_SPARSE_KSERIES)))
# $(1): kernel release; the checker as the shell names it (the lines of
# hlkvm_kbuild run in shells of their own: no variable carries over), and
# how to run it there. scripts/sparse-patched prints the cached binary's
# path quickly once it is built, which the rule makes it do first.
hlkvm_check = $(if $(call hlkvm_in_root,$(1)),$$(scripts/sparse-patched),sparse)
hlkvm_check_bind = $(if $(call hlkvm_in_root,$(1)),--bind $$(dirname $(call hlkvm_check,$(1))))
hlkvm_check_run = $(if $(call hlkvm_in_root,$(1)),scripts/buildroot run $(call hlkvm_check_bind,$(1)) --) $(call hlkvm_check,$(1))
module-sparse:
	+@set -e; $(foreach k,$(HLKVM_SPARSE_KVERS), \
	$(call hlkvm_unresolved,$(k)) \
	$(if $(call hlkvm_in_root,$(k)), \
		scripts/sparse-patched >/dev/null && scripts/sparse-patched kbuild $(k) || exit 1;, \
		command -v sparse >/dev/null || \
		{ echo "module-sparse: sparse is not installed (scripts/deps build)" >&2; exit 1; };) \
	$(call hlkvm_kbuild,$(k),C=2 CHECK=$(call hlkvm_check,$(k)),sparse.log,$(call hlkvm_check_bind,$(k))); \
	if grep -q 'C=2 specified, but .* is not available or not up to date' \
		build/kmod/$(k)/sparse.log; then \
		echo "module-sparse: NOT CHECKED against $(k): its kbuild refused the checker $(call hlkvm_check,$(k)) ($$($(call hlkvm_check_run,$(k)) --version 2>&1); see build/kmod/$(k)/sparse.log)" >&2; \
		exit 1; fi; \
	if grep -E '(^|/)(kmod|uapi)/[^:]*:[0-9]+:[0-9]+: (warning|error):' \
		build/kmod/$(k)/sparse.log; then \
		echo "module-sparse: sparse findings in our files against $(k)" >&2; exit 1; fi; \
	echo "  SPARSE  clean ($(k), sparse $$($(call hlkvm_check_run,$(k)) --version 2>&1))";)

install: install-module
comma := ,
# The kernel this machine runs unless KVER names another: never the
# development series (6.1, 6.12) a build host happens to compile for
install-module: HLKVM_KSERIES = $(shell uname -r)
install-module:
	+@set -e; $(foreach k,$(HLKVM_KVERS), \
	$(if $(call hlkvm_in_root,$(k)),echo "install-module: $(k) is built in the trixie build root$(comma) not for this machine: copy build/kmod/$(k)/hlkvm.ko to a host running it$(comma) or use dkms there" >&2; exit 1;) \
	$(call hlkvm_kbuild,$(k),,build.log); \
	$(MAKE) --no-print-directory -C $(HLKVM_KSRC)/linux-headers-$(k) \
		M=$(HLKVM_ROOT)/build/kmod/$(k)/src INSTALL_MOD_DIR=updates \
		CONFIG_MODULE_SIG_ALL= \
		$(if $(DESTDIR),INSTALL_MOD_PATH=$(abspath $(DESTDIR))) \
		modules_install;)

module-clean:
	rm -rf build/kmod
