# hlkvm: top-level build.
#
#   make            userspace (library, hlkvmctl, hlkvm-run, guests) and the
#                   module for Debian's 6.1, 6.12 and newest (7.x) kernels
#   make user       userspace only            make module   module only
#   make check      every test tier (what CI runs: scripts/test-all)
#   make install    library, headers, tools, man pages, completions, and the
#                   module for the running kernel (KVER=...: another one);
#                   DESTDIR, PREFIX, LIBDIR (mk/user.mk)
#   make install-user   the same without the module; make uninstall-user
#
# Outputs go to build/, caches to .cache/; neither is ever committed.

.DEFAULT_GOAL := all
TOP := $(abspath .)

include mk/user.mk
-include mk/guests.mk
-include mk/module.mk

# Parts not yet in this tree build nothing rather than break the others
ifeq ($(wildcard mk/guests.mk),)
.PHONY: guests
guests:
endif
ifeq ($(wildcard mk/module.mk),)
.PHONY: module
module:
endif

.PHONY: all check clean install uninstall
all: user guests module

check:
	scripts/test-all

install: install-user
uninstall: uninstall-user

clean:
	rm -rf build
