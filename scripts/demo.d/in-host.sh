#!/bin/sh
# The demo's part inside the test host: hlkvm.ko is loaded, the project's
# binaries are on PATH.
set -e
# hlkvm-run takes an image's path, never a name to look up on PATH
G=$(dirname "$(command -v timer.elf)")

say() { printf '\n== %s\n' "$*"; }

say "the module (hlkvmctl show)"
hlkvmctl show

say "a PC-style guest, ports answered by hlkvm.ko (hlkvm-run --accel=kernel)"
echo "The guest remaps the PIC, programs the PIT, touches every legacy port,"
echo "asks port 107 for a 1000 us timer and acknowledges 50 ticks with"
echo "'out 0x20, 0x20'. Then a guest ticking at the 100 us minimum for 3 s"
echo "is watched live (nested TCG takes at most one interrupt per ~300 us, so"
echo "the catch-up backlog fills and the surplus is counted as lost)."
hlkvm-run --accel=kernel "$G/timer.elf" >/tmp/k.out 2>/tmp/k.sum
cat /tmp/k.sum
echo "guest's own counts: $(grep -E '^(ticks|pic_in|pic_out|pit_out|eoi)=' /tmp/k.out | tr '\n' ' ')"

hlkvm-run --accel=kernel --json --summary /tmp/soak.json "$G/timer-soak.elf" --arg 3 \
	>/tmp/soak.out 2>&1 &
pid=$!
sleep 2
say "while it runs: hlkvmctl vm list"
hlkvmctl vm list || true
wait $pid || true

say "the same guest, ports answered in userspace (hlkvm-run --accel=user)"
hlkvm-run --accel=user "$G/timer.elf" >/tmp/u.out 2>/tmp/u.sum
cat /tmp/u.sum

kexits=$(sed -n 's/^exits: io \([0-9]*\).*/\1/p' /tmp/k.sum)
uexits=$(sed -n 's/^exits: io \([0-9]*\).*/\1/p' /tmp/u.sum)
say "summary"
echo "KVM_EXIT_IO returns to the VMM: with hlkvm.ko ${kexits:-?}, without ${uexits:-?}"
echo "(with the module only the console 0xE9 and the halt port 108 reach userspace)"
