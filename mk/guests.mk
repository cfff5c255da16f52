# Freestanding test guests: build/guests/<name>.elf, linked at 1 MiB by
# user/guests/guest.ld, entered by hlkvm-run in 64-bit mode (see
# man/hlkvm-run.1 for the guest ABI). No SSE/x87 (-mgeneral-regs-only):
# the development machine's PVM cannot emulate it at CPL0.

GUEST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding \
	-nostdlib -static -mno-red-zone -mgeneral-regs-only -fno-pic -no-pie \
	-fno-stack-protector -fno-asynchronous-unwind-tables \
	-fcf-protection=none -Iuser/guests
GUEST_LDFLAGS := -T user/guests/guest.ld -Wl,--build-id=none \
	-Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack
GUEST_COMMON := user/guests/start.S user/guests/idt.c user/guests/check.c
GUEST_DEPS := $(GUEST_COMMON) user/guests/lib.h user/guests/guest.ld mk/guests.mk

# name:source:extra flags
GUESTS := timer:timer.c:-DMODE=0 timer-noack:timer.c:-DMODE=1 \
	timer-restart:timer.c:-DMODE=2 timer-min:timer.c:-DMODE=3 \
	timer-soak:timer.c:-DMODE=4 timer-xapic:timer.c:-DMODE=5 \
	timer-x2apic:timer.c:-DMODE=6 timer-apicoff:timer.c:-DMODE=7 \
	ports:ports.c: debug:debug.c: cpl3:cpl3.c: pit:pit.c: pit-tick:pit_tick.c: gdb:gdb.c: aeoi:aeoi.c: \
	bench_ports:bench_ports.c: bench_ticks:bench_ticks.c: \
	hostile:hostile.c: \
	snap:snap.c:-DMODE=0 snap-inirq:snap.c:-DMODE=1 \
	snap-pit:snap.c:-DMODE=2 snap-aeoi:snap.c:-DMODE=3

guest_name = $(word 1,$(subst :, ,$(1)))
guest_src = $(word 2,$(subst :, ,$(1)))
guest_def = $(word 3,$(subst :, ,$(1)))

define guest_rule
build/guests/$(call guest_name,$(1)).elf: user/guests/$(call guest_src,$(1)) $(GUEST_DEPS)
	@mkdir -p build/guests
	$$(CC) $$(GUEST_CFLAGS) $(call guest_def,$(1)) $$(GUEST_LDFLAGS) -o $$@ $(GUEST_COMMON) $$<
endef
$(foreach g,$(GUESTS),$(eval $(call guest_rule,$(g))))

GUEST_ELFS := $(foreach g,$(GUESTS),build/guests/$(call guest_name,$(g)).elf)

.PHONY: guests
guests: $(GUEST_ELFS)

# The debug guests' symbols as nm prints them ("ADDR T NAME"): the test
# host has no nm, and e2e/debug_stops.sh checks every stop address against
# this independent source rather than against hlkvm-run's own lookup.
build/guests/%.syms: build/guests/%.elf
	nm --defined-only $< > $@
guests: build/guests/debug.syms build/guests/cpl3.syms
