#!/usr/bin/env bash
# hlkvm-run's errors: each bad input ends with a message naming what was
# wrong and the documented exit status (2 usage, 3 setup failure), before any
# guest runs. Needs no /dev/kvm (a mount namespace hides it for that case).
set -u
. "$(dirname "$0")/lib/common.sh"

# expect STATUS PATTERN DESCRIPTION -- COMMAND...
expect() {
	local want=$1 pat=$2 what=$3 rc
	shift 4
	"$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	n=$((n + 1))
	if [ "$rc" -eq "$want" ] && grep -qE -- "$pat" "$TMP/err"; then
		echo "ok $n - $what"
	else
		echo "not ok $n - $what: status $rc (want $want), stderr:"
		sed 's/^/#   /' "$TMP/err"
	fi
}

printf 'not an elf' >"$TMP/text"
head -c 100 "$G/timer.elf" >"$TMP/trunc.elf"
# an x86-64 ELF header with EM_AARCH64 (183) at e_machine
cp "$G/timer.elf" "$TMP/arm.elf"
printf '\267\000' | dd of="$TMP/arm.elf" bs=1 seek=18 conv=notrunc 2>/dev/null

expect 2 'unrecognized option' "an unknown option is a usage error" -- "$RUN" --bogus
expect 2 'IMAGE|image' "no image is a usage error" -- "$RUN"
expect 2 'want 2M to 3G' "--mem out of range names the range" -- "$RUN" --mem 1K "$G/timer.elf"
expect 2 'accel' "an unknown --accel is a usage error" -- "$RUN" --accel=warp "$G/timer.elf"
expect 2 "bad value 'full' for option --irqchip" "an unknown --irqchip is a usage error" -- "$RUN" --irqchip=full "$G/timer.elf"
expect 2 'accel=kvm is KVM.s full irqchip' "--accel=kvm refuses --irqchip=split" -- "$RUN" --accel=kvm --irqchip=split "$G/timer.elf"
expect 3 'No such file' "a missing image names the file" -- "$RUN" /nonexistent.elf
expect 3 'bad magic|not an ELF' "a text file is refused as an ELF" -- "$RUN" "$TMP/text"
expect 3 'outside the file|truncated' "a truncated ELF is refused" -- "$RUN" "$TMP/trunc.elf"
expect 3 'machine|x86' "an ELF for another machine is refused" -- "$RUN" "$TMP/arm.elf"
# A host program is a PIE: the refusal says so by name
expect 3 'ET_DYN .*position-independent' "a PIE (/bin/sh) is refused as ET_DYN, a position-independent executable" -- "$RUN" /bin/sh
# IMAGE is a path: never a command name looked up in $PATH
expect 3 '^hlkvm-run: ls: No such file' "a bare name is not looked up in PATH (hlkvm-run ls)" -- \
	env -C "$TMP" PATH="/usr/bin:/bin" "$PWD/$RUN" ls
expect 3 '^hlkvm-run: timer.elf: No such file' "a guest's bare name is not looked up in PATH either" -- \
	env -C "$TMP" PATH="$PWD/$G:/usr/bin:/bin" "$PWD/$RUN" --accel=user timer.elf
if [ -e /sys/module/hlkvm ]; then
	echo "ok $((n += 1)) - --accel=kernel without the module # SKIP the module is loaded here"
else
	expect 3 'hlkvm module is not loaded' "--accel=kernel without the module says so" -- \
		"$RUN" --accel=kernel "$G/timer.elf"
fi
if [ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null; then
	expect 3 'cannot open /dev/kvm' "no /dev/kvm: the error names it" -- \
		unshare -m sh -c "mount -t tmpfs none /dev && exec $RUN $G/timer.elf"
else
	echo "ok $((n += 1)) - no /dev/kvm # SKIP needs root and unshare -m to hide /dev/kvm"
fi
echo "1..$n"
