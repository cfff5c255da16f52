# Userspace: libhlkvm (shared + static), hlkvmctl, hlkvm-run, unit tests.
#
# Every user/lib/*.c is part of the library, together with the module's pure
# port table, 8254, period and tick logic (one source for kernel and
# fallback).
# Every user/hlkvmctl/*.c makes hlkvmctl, every user/hlkvm-run/*.c makes
# hlkvm-run, every tests/user/test_*.c one cmocka binary, every
# tests/host/*.c one test program (build/bin/hlkvm-test-<name>).
# SAN=0 drops ASan/UBSan from the test builds.

PREFIX ?= /usr/local
DESTDIR ?=
SAN ?= 1
LIB_VERSION := 1.0.0
LIB_SONAME := libhlkvm.so.1

PKG_CFLAGS := $(shell pkg-config --cflags libnl-genl-3.0 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs libnl-genl-3.0 2>/dev/null)

USER_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -g \
	-Iuapi -Iuser/lib -Ikmod $(PKG_CFLAGS) $(EXTRA_CFLAGS)
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all

LIB_SRCS := $(sort $(wildcard user/lib/*.c)) kmod/ports.c kmod/pit.c \
	kmod/period.c kmod/ticks.c kmod/state.c
CTL_SRCS := $(sort $(wildcard user/hlkvmctl/*.c))
RUN_SRCS := $(sort $(wildcard user/hlkvm-run/*.c))
UTEST_SRCS := $(sort $(wildcard tests/user/test_*.c))
HTEST_SRCS := $(sort $(wildcard tests/host/*.c))

obj = $(patsubst %.c,build/obj/$(1)/%.o,$(2))

LIB_OBJS := $(call obj,pic,$(LIB_SRCS))
LIB_SAN_OBJS := $(call obj,san,$(LIB_SRCS))

build/obj/pic/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -fPIC -MMD -MP -c $< -o $@

build/obj/san/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) $(if $(filter 1,$(SAN)),$(SAN_FLAGS)) -MMD -MP -c $< -o $@

build/lib/libhlkvm.so.$(LIB_VERSION): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) -shared -Wl,-soname,$(LIB_SONAME) -o $@ $^ $(PKG_LIBS)
	ln -sf libhlkvm.so.$(LIB_VERSION) build/lib/$(LIB_SONAME)
	ln -sf $(LIB_SONAME) build/lib/libhlkvm.so

build/lib/libhlkvm.a: $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

build/lib/libhlkvm-san.a: $(LIB_SAN_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

build/lib/pkgconfig/hlkvm.pc: mk/hlkvm.pc.in
	@mkdir -p $(dir $@)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(LIB_VERSION)|' $< > $@

# The tools link the library statically: nothing to find at run time but
# libnl and libc, so they can be copied anywhere (the test host, a VM).
build/bin/hlkvmctl: $(call obj,pic,$(CTL_SRCS)) build/lib/libhlkvm.a
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(PKG_LIBS) -lm

build/bin/hlkvm-run: $(call obj,pic,$(RUN_SRCS)) build/lib/libhlkvm.a
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(PKG_LIBS) -lpthread -lm

build/tests/%: build/obj/san/tests/user/%.o build/lib/libhlkvm-san.a
	@mkdir -p $(dir $@)
	$(CC) $(if $(filter 1,$(SAN)),$(SAN_FLAGS)) -o $@ $^ -lcmocka $(PKG_LIBS) -lpthread -lm

build/bin/hlkvm-test-%: build/obj/pic/tests/host/%.o build/lib/libhlkvm.a
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(PKG_LIBS) -lpthread -lm

USER_BINS := $(if $(CTL_SRCS),build/bin/hlkvmctl) \
	$(if $(RUN_SRCS),build/bin/hlkvm-run) \
	$(patsubst tests/host/%.c,build/bin/hlkvm-test-%,$(HTEST_SRCS))
UTESTS := $(patsubst tests/user/%.c,build/tests/%,$(UTEST_SRCS))

.PHONY: user lib user-tests install-user
lib: build/lib/libhlkvm.so.$(LIB_VERSION) build/lib/libhlkvm.a \
	build/lib/pkgconfig/hlkvm.pc
user: lib $(USER_BINS)
user-tests: $(UTESTS)

install-user: user
	install -d $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/lib/pkgconfig \
		$(DESTDIR)$(PREFIX)/include/linux $(DESTDIR)$(PREFIX)/bin \
		$(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 644 build/lib/libhlkvm.so.$(LIB_VERSION) build/lib/libhlkvm.a \
		$(DESTDIR)$(PREFIX)/lib/
	ln -sf libhlkvm.so.$(LIB_VERSION) $(DESTDIR)$(PREFIX)/lib/$(LIB_SONAME)
	ln -sf $(LIB_SONAME) $(DESTDIR)$(PREFIX)/lib/libhlkvm.so
	install -m 644 build/lib/pkgconfig/hlkvm.pc $(DESTDIR)$(PREFIX)/lib/pkgconfig/
	install -m 644 user/lib/hlkvm.h $(DESTDIR)$(PREFIX)/include/
	install -m 644 uapi/linux/hlkvm.h $(DESTDIR)$(PREFIX)/include/linux/
	$(if $(USER_BINS),install -m 755 $(filter-out build/bin/hlkvm-test-%,$(USER_BINS)) $(DESTDIR)$(PREFIX)/bin/)
	for m in $(wildcard man/*.1); do install -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man1/; done
	for m in $(wildcard man/*.8); do install -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man8/; done

-include $(shell find build/obj -name '*.d' 2>/dev/null)
