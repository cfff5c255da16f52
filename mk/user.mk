# Userspace: libhlkvm (shared + static), hlkvmctl, hlkvm-run, unit tests.
#
# Every user/lib/*.c is part of the library, together with the module's pure
# port table, 8254, period and tick logic (one source for kernel and
# fallback).
# Every user/hlkvmctl/*.c makes hlkvmctl, every user/hlkvm-run/*.c makes
# hlkvm-run, every tests/user/test_*.c one cmocka binary, every
# tests/host/*.c one test program (build/bin/hlkvm-test-<name>), every
# tests/bench/*.c one helper of scripts/bench (build/bin/hlkvm-bench-<name>,
# copied into the test host with the rest of build/bin; never a test).
# SAN=0 drops ASan/UBSan from the test builds.
#
# A distribution's flags are honoured: CPPFLAGS, CFLAGS (default -O2 -g)
# and LDFLAGS come after ours, so hardening (fortify, relro, now) applies.
# WERROR=1 makes warnings errors (scripts/test-build, scripts/test-user);
# a builder's newer compiler does not fail the build by default.
# Install: PREFIX, DESTDIR, LIBDIR (e.g. /usr/lib/x86_64-linux-gnu),
# INCLUDEDIR, BINDIR, MANDIR; make uninstall removes what install put.

PREFIX ?= /usr/local
DESTDIR ?=
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
SAN ?= 1
WERROR ?= 0
CFLAGS ?= -O2 -g
# The release (tools, library, module, dkms.conf, man pages, README) is
# VERSION's one line; scripts/set-version rewrites the copies the kernel
# side and the documents need, tests/user/version.sh checks they agree.
# LIB_VERSION is the shared object's ABI version, which follows the
# soname, not the release.
HLKVM_VERSION := $(shell cat VERSION)
LIB_VERSION := 1.0.0
LIB_SONAME := libhlkvm.so.1

PKG_CFLAGS := $(shell pkg-config --cflags libnl-genl-3.0 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs libnl-genl-3.0 2>/dev/null)

USER_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra \
	$(if $(filter 1,$(WERROR)),-Werror) \
	-Iuapi -Iuser/lib -Ikmod $(PKG_CFLAGS) \
	-DHLKVM_VERSION='"$(HLKVM_VERSION)"' \
	$(CPPFLAGS) $(CFLAGS) $(EXTRA_CFLAGS)
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all

# The tools' own helpers live in user/lib for the unit tests but are not
# the library's: hlkvmctl's parsing and printing, the JSON writer, the
# attach hint. They go into libhlkvm-tools.a, never into libhlkvm.
TOOL_LIB_SRCS := user/lib/ctl_parse.c user/lib/ctl_print.c user/lib/json.c \
	user/lib/attach_hint.c
LIB_SRCS := $(filter-out $(TOOL_LIB_SRCS),$(sort $(wildcard user/lib/*.c))) \
	kmod/ports.c kmod/pit.c kmod/period.c kmod/ticks.c kmod/state.c
# Installed under include/hlkvm/ (the .pc file adds that directory): the
# API, which includes nothing of ours but <linux/hlkvm.h> (struct
# hlkvm_fallback is opaque: the module's port and tick headers its
# definition needs stay private, in fallback_internal.h). guest_debug.h,
# hlkvm-run's KVM ioctl glue for its debugger, is not part of the API.
PUBLIC_HDRS := user/lib/hlkvm.h user/lib/dr6.h user/lib/lapic.h \
	user/lib/elf_load.h user/lib/fallback.h
# What the shared object exports: the functions those API headers declare
API_HDRS := $(PUBLIC_HDRS)
# Compiled into the library, never installed (for the licence check)
PRIVATE_LIB_HDRS := $(sort $(wildcard $(LIB_SRCS:.c=.h)) \
	user/lib/fallback_internal.h user/lib/nl_internal.h \
	kmod/pure_types.h)
CTL_SRCS := $(sort $(wildcard user/hlkvmctl/*.c))
RUN_SRCS := $(sort $(wildcard user/hlkvm-run/*.c))
UTEST_SRCS := $(sort $(wildcard tests/user/test_*.c))
HTEST_SRCS := $(sort $(wildcard tests/host/*.c))
BENCH_SRCS := $(sort $(wildcard tests/bench/*.c))

obj = $(patsubst %.c,build/obj/$(1)/%.o,$(2))

LIB_OBJS := $(call obj,pic,$(LIB_SRCS))
TOOL_LIB_OBJS := $(call obj,pic,$(TOOL_LIB_SRCS))
LIB_SAN_OBJS := $(call obj,san,$(LIB_SRCS) $(TOOL_LIB_SRCS))

build/obj/pic/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -fPIC -MMD -MP -c $< -o $@

build/obj/san/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) $(if $(filter 1,$(SAN)),$(SAN_FLAGS)) -MMD -MP -c $< -o $@

# A version script from the API headers: every hlkvm_* they declare is
# exported in version node HLKVM_1, everything else is local.
build/lib/libhlkvm.map: $(API_HDRS) mk/user.mk
	@mkdir -p $(dir $@)
	{ echo 'HLKVM_1 {'; echo 'global:'; \
	  sed -n 's/^[a-z][a-z0-9_ *]*[ *]\(hlkvm_[a-z0-9_]*\)(.*/\t\1;/p' $(API_HDRS) | sort -u; \
	  echo 'local:'; echo '	*;'; echo '};'; } >$@

build/lib/libhlkvm.so.$(LIB_VERSION): $(LIB_OBJS) build/lib/libhlkvm.map
	@mkdir -p $(dir $@)
	$(CC) -shared -Wl,-soname,$(LIB_SONAME) \
		-Wl,--version-script,build/lib/libhlkvm.map $(LDFLAGS) \
		-o $@ $(LIB_OBJS) $(PKG_LIBS)
	ln -sf libhlkvm.so.$(LIB_VERSION) build/lib/$(LIB_SONAME)
	ln -sf $(LIB_SONAME) build/lib/libhlkvm.so

# (mk/user.mk: which objects are the library's is decided here)
build/lib/libhlkvm.a: $(LIB_OBJS) mk/user.mk
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $(LIB_OBJS)

build/lib/libhlkvm-tools.a: $(LIB_OBJS) $(TOOL_LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

build/lib/libhlkvm-san.a: $(LIB_SAN_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

# Written again at install time: PREFIX and LIBDIR may differ from the build's
# (relative to ${prefix} where they are under it, so --define-variable
# prefix=... relocates the file)
pc_rel = $(patsubst $(PREFIX)/%,$${prefix}/%,$(1))
PC_SUBST = sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(call pc_rel,$(LIBDIR))|' \
	-e 's|@INCLUDEDIR@|$(call pc_rel,$(INCLUDEDIR))|' \
	-e 's|@VERSION@|$(HLKVM_VERSION)|'
build/lib/pkgconfig/hlkvm.pc: mk/hlkvm.pc.in VERSION mk/user.mk
	@mkdir -p $(dir $@)
	$(PC_SUBST) $< > $@

# The tools link the library statically: nothing to find at run time but
# libnl and libc, so they can be copied anywhere (the test host, a VM).
build/bin/hlkvmctl: $(call obj,pic,$(CTL_SRCS)) build/lib/libhlkvm-tools.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

build/bin/hlkvm-run: $(call obj,pic,$(RUN_SRCS)) build/lib/libhlkvm-tools.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lpthread -lm

build/tests/%: build/obj/san/tests/user/%.o build/lib/libhlkvm-san.a
	@mkdir -p $(dir $@)
	$(CC) $(if $(filter 1,$(SAN)),$(SAN_FLAGS)) $(LDFLAGS) -o $@ $^ -lcmocka $(PKG_LIBS) -lpthread -lm

build/bin/hlkvm-test-%: build/obj/pic/tests/host/%.o build/lib/libhlkvm-tools.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lpthread -lm

# The bench helpers share tests/host's testvm.h
build/obj/pic/tests/bench/%.o: USER_CFLAGS += -Itests/host
build/bin/hlkvm-bench-%: build/obj/pic/tests/bench/%.o build/lib/libhlkvm-tools.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lpthread -lm

USER_BINS := $(if $(CTL_SRCS),build/bin/hlkvmctl) \
	$(if $(RUN_SRCS),build/bin/hlkvm-run) \
	$(patsubst tests/host/%.c,build/bin/hlkvm-test-%,$(HTEST_SRCS)) \
	$(patsubst tests/bench/%.c,build/bin/hlkvm-bench-%,$(BENCH_SRCS))
UTESTS := $(patsubst tests/user/%.c,build/tests/%,$(UTEST_SRCS))

.PHONY: user lib user-dist user-tests install-user
lib: build/lib/libhlkvm.so.$(LIB_VERSION) build/lib/libhlkvm.a \
	build/lib/libhlkvm-tools.a build/lib/pkgconfig/hlkvm.pc
user: lib $(USER_BINS)
# What install-user installs: no test programs
user-dist: lib $(if $(CTL_SRCS),build/bin/hlkvmctl) $(if $(RUN_SRCS),build/bin/hlkvm-run)
user-tests: $(UTESTS)

DEST := $(DESTDIR)
INSTALLED_BINS := $(notdir $(filter-out build/bin/hlkvm-test-% build/bin/hlkvm-bench-%,$(USER_BINS)))

install-user: user-dist
	install -d $(DEST)$(LIBDIR)/pkgconfig $(DEST)$(INCLUDEDIR)/hlkvm/linux \
		$(DEST)$(BINDIR) $(DEST)$(MANDIR)/man1 $(DEST)$(MANDIR)/man3 \
		$(DEST)$(MANDIR)/man8 $(DEST)$(BASHCOMPDIR)
	install -m 644 build/lib/libhlkvm.so.$(LIB_VERSION) build/lib/libhlkvm.a \
		$(DEST)$(LIBDIR)/
	ln -sf libhlkvm.so.$(LIB_VERSION) $(DEST)$(LIBDIR)/$(LIB_SONAME)
	ln -sf $(LIB_SONAME) $(DEST)$(LIBDIR)/libhlkvm.so
	$(PC_SUBST) mk/hlkvm.pc.in >$(DEST)$(LIBDIR)/pkgconfig/hlkvm.pc
	install -m 644 $(PUBLIC_HDRS) $(DEST)$(INCLUDEDIR)/hlkvm/
	install -m 644 uapi/linux/hlkvm.h $(DEST)$(INCLUDEDIR)/hlkvm/linux/
	$(if $(INSTALLED_BINS),install -m 755 $(addprefix build/bin/,$(INSTALLED_BINS)) $(DEST)$(BINDIR)/)
	for m in $(wildcard man/*.1); do install -m 644 $$m $(DEST)$(MANDIR)/man1/; done
	for m in $(wildcard man/*.3); do install -m 644 $$m $(DEST)$(MANDIR)/man3/; done
	for m in $(wildcard man/*.8); do install -m 644 $$m $(DEST)$(MANDIR)/man8/; done
	install -m 644 completion/hlkvmctl completion/hlkvm-run $(DEST)$(BASHCOMPDIR)/

# What goes into libhlkvm, for tests/user/licences.sh
.PHONY: print-lib-files
print-lib-files:
	@echo $(LIB_SRCS) $(PUBLIC_HDRS) $(filter-out $(PUBLIC_HDRS),$(PRIVATE_LIB_HDRS))

.PHONY: uninstall-user
uninstall-user:
	rm -f $(addprefix $(DEST)$(LIBDIR)/,libhlkvm.so.$(LIB_VERSION) \
		$(LIB_SONAME) libhlkvm.so libhlkvm.a pkgconfig/hlkvm.pc)
	rm -f $(addprefix $(DEST)$(INCLUDEDIR)/hlkvm/,$(notdir $(PUBLIC_HDRS)) \
		linux/hlkvm.h)
	-rmdir $(DEST)$(INCLUDEDIR)/hlkvm/linux $(DEST)$(INCLUDEDIR)/hlkvm 2>/dev/null
	rm -f $(addprefix $(DEST)$(BINDIR)/,$(INSTALLED_BINS))
	rm -f $(addprefix $(DEST)$(MANDIR)/,$(patsubst man/%.1,man1/%.1,$(wildcard man/*.1)) \
		$(patsubst man/%.3,man3/%.3,$(wildcard man/*.3)) \
		$(patsubst man/%.8,man8/%.8,$(wildcard man/*.8)))
	rm -f $(DEST)$(BASHCOMPDIR)/hlkvmctl $(DEST)$(BASHCOMPDIR)/hlkvm-run

-include $(shell find build/obj -name '*.d' 2>/dev/null)
