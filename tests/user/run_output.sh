#!/usr/bin/env bash
# hlkvm-run's output as scripts and pipes see it (--accel=user on this
# machine's /dev/kvm): the console reaches a pipe while the guest runs and
# survives a SIGKILL; --summary - and /dev/stdout write the summary
# through stdout without truncating or overwriting it; a failed setup
# leaves no empty file, and with --json writes {"error": ...}; each kind
# of ending has its own exit status (hlkvm-run(1), EXIT STATUS).
set -u
cd "$(dirname "$0")/../.."
RUN=$PWD/build/bin/hlkvm-run
G=$PWD/build/guests
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $*"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
check() { if [ "$1" -eq 0 ]; then ok "$2"; else not_ok "$2"; fi; }

# Flat images entered at 0x8000 in long mode (hlkvm-run(1), GUEST ABI)
# prints "X\n", then loops forever: mov al,'X'; out 0xe9,al; mov al,10; out 0xe9,al; jmp $
printf '\xb0\x58\xe6\xe9\xb0\x0a\xe6\xe9\xeb\xfe' >"$tmp/hang.bin"
# ends with status 5: mov eax,5; mov dx,108; out dx,eax
printf '\xb8\x05\x00\x00\x00\x66\xba\x6c\x00\xef' >"$tmp/status5.bin"

# Without /dev/kvm only the checks that never start a guest can run
have_kvm=1
[ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ] || have_kvm=0
nokvm="no usable /dev/kvm on this machine"

# --- exit statuses and failed setups (no guest runs) ---
"$RUN" --json --summary - --bogus >"$tmp/o" 2>"$tmp/e"
rc=$?
[ $rc -eq 2 ] && [ -s "$tmp/o" ] && jq -e '.error | test("unrecognized option")' "$tmp/o" >/dev/null
check $? "usage error: exit 2 and, with --json, {\"error\": ...} (exit $rc: $(cat "$tmp/o"))"
"$RUN" --timeout nan "$G/timer.elf" >/dev/null 2>&1
rc=$?
[ $rc -eq 2 ]
check $? "--timeout nan is a usage error (exit $rc, want 2)"
"$RUN" --accel=user /nonexistent.elf >/dev/null 2>&1
rc=$?
[ $rc -eq 3 ]
check $? "a missing image is a setup failure (exit $rc, want 3)"
"$RUN" --accel=user --summary /nonexistent/x "$G/timer.elf" >/dev/null 2>&1
rc=$?
[ $rc -eq 3 ]
check $? "--summary /nonexistent/x is a setup failure (exit $rc, want 3)"
(cd "$tmp" && "$RUN" --summary bad.txt /etc/passwd >/dev/null 2>&1)
rc=$?
[ $rc -eq 3 ] && [ ! -e "$tmp/bad.txt" ]
check $? "a failed setup leaves no summary file behind (exit $rc)"
(cd "$tmp" && "$RUN" --json --summary bad.json /etc/passwd >/dev/null 2>&1)
rc=$?
[ $rc -eq 3 ] && jq -e '.error | test("/etc/passwd: not an ELF")' "$tmp/bad.json" >/dev/null
check $? "--json: a failed setup writes {\"error\": ...} to the summary file ($(cat "$tmp/bad.json" 2>/dev/null))"
echo keep >"$tmp/old.json"
"$RUN" --summary "$tmp/old.json" /etc/passwd >/dev/null 2>&1
[ "$(cat "$tmp/old.json")" = keep ]
check $? "a failed setup without --json leaves an existing summary file as it was"
if [ $have_kvm = 1 ]; then
	"$RUN" --accel=user --hbreak no_such_symbol "$G/timer.elf" >/dev/null 2>"$tmp/e"
	rc=$?
	[ $rc -eq 3 ] && grep -q "no such symbol" "$tmp/e"
	check $? "--hbreak with an unknown symbol is a setup failure (exit $rc, want 3)"
else
	skip "--hbreak with an unknown symbol is a setup failure" "$nokvm"
fi

# No access to /dev/kvm: the hint names its group (a private /dev, a
# /dev/kvm of mode 660, and uid/gid nobody without supplementary groups)
if [ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null && command -v setpriv >/dev/null; then
	unshare -m sh -c "mount -t tmpfs none /dev && mknod /dev/kvm c 10 232 &&
		chgrp 0 /dev/kvm && chmod 660 /dev/kvm &&
		exec setpriv --reuid=65534 --regid=65534 --clear-groups $RUN --accel=user $G/timer.elf" \
		>/dev/null 2>"$tmp/e"
	rc=$?
	[ $rc -eq 3 ] && grep -q 'hint: /dev/kvm is for group root: add yourself (usermod -aG root' "$tmp/e"
	check $? "no access to /dev/kvm: exit 3 and a hint naming its group (exit $rc: $(tr '\n' ' ' <"$tmp/e"))"
else
	skip "no access to /dev/kvm: the hint names its group" "needs root, unshare -m and setpriv"
fi

if [ $have_kvm = 0 ]; then
	skip "guest output and summaries" "$nokvm"
	echo "1..$n"
	exit 0
fi

# --- guest endings ---
"$RUN" --accel=user --flat 0x8000 "$tmp/status5.bin" >/dev/null 2>"$tmp/e"
rc=$?
[ $rc -eq 1 ] && grep -q "guest status 5" "$tmp/e"
check $? "a guest status other than 0 exits 1 (exit $rc)"
"$RUN" --accel=user --timeout 0.5 --flat 0x8000 "$tmp/hang.bin" >/dev/null 2>"$tmp/e"
rc=$?
[ $rc -eq 4 ] && grep -q "timed out after 0.5 s" "$tmp/e"
check $? "a --timeout 0.5 run exits 4 saying \"timed out after 0.5 s\" (exit $rc: $(grep -m1 'no guest status' "$tmp/e"))"

# --- the console reaches a pipe at once, and survives SIGKILL ---
"$RUN" --accel=user --timeout 60 --flat 0x8000 "$tmp/hang.bin" >"$tmp/con" 2>/dev/null &
pid=$!
seen=0
for _ in $(seq 100); do
	if grep -q '^X$' "$tmp/con"; then seen=1; break; fi
	sleep 0.1
done
alive=0
kill -0 $pid 2>/dev/null && alive=1
kill -KILL $pid 2>/dev/null
wait $pid 2>/dev/null
[ $seen = 1 ] && [ $alive = 1 ]
check $? "the console line is in the file while the guest still runs, and after SIGKILL (seen $seen, alive $alive)"

# --- the summary on stdout ---
out=$("$RUN" --accel=user --json --summary - "$G/timer.elf" 2>/dev/null | jq -r .status 2>/dev/null)
[ "$out" = 0 ]
check $? "--json --summary - | jq .status reads 0 (console not in the stream; got '$out')"
(cd "$tmp" && "$RUN" --accel=user --summary - "$G/timer.elf" >"$tmp/s" 2>"$tmp/c")
rc=$?
[ $rc -eq 0 ] && [ ! -e "$tmp/-" ] && grep -q "guest status 0" "$tmp/s" &&
	! grep -q "guest status" "$tmp/c" && [ -s "$tmp/c" ]
check $? "--summary - is stdout, not a file named '-'; the console goes to stderr"
{ echo before; "$RUN" --accel=user --summary /dev/stdout "$G/timer.elf" 2>/dev/null; } >"$tmp/f"
[ "$(head -n 1 "$tmp/f")" = before ] && grep -q "guest status 0" "$tmp/f"
check $? "--summary /dev/stdout >f neither truncates f nor overwrites it ($(head -n 2 "$tmp/f" | tr '\n' '|'))"

# --- one writer, hlkvmctl's schema; -p is the same document indented ---
"$RUN" --accel=user -j --summary "$tmp/c.json" "$G/timer.elf" >/dev/null 2>&1
"$RUN" --accel=user -p --summary "$tmp/p.json" "$G/timer.elf" >/dev/null 2>&1
[ "$(wc -l <"$tmp/c.json")" = 1 ] && [ "$(wc -l <"$tmp/p.json")" -gt 20 ] &&
	jq -e '(.stats.pic.in | type == "number") and (.stats.timer_out > 0) and
		(.timer.ticks > 0) and .timer_policy == "catchup" and
		(has("absorbed") | not)' "$tmp/c.json" >/dev/null &&
	[ "$(jq -S 'del(.wall_time_s, .timer, .stats, .exits, .io) | keys' "$tmp/c.json")" = \
	  "$(jq -S 'del(.wall_time_s, .timer, .stats, .exits, .io) | keys' "$tmp/p.json")" ]
check $? "-j is one line, -p indented, both with hlkvmctl's stats.GROUP.in/out and timer objects"

# --- debug stops: traces on stderr, named; counts that agree ---
if [ -r "$G/debug.syms" ]; then
	"$RUN" --accel=user -j --summary - --trace-stops --hbreak dbg_hw_bp \
		"$G/debug.elf" >"$tmp/d.json" 2>"$tmp/d.err"
	rc=$?
	[ $rc -eq 0 ] && jq -e '.stops | length == 1' "$tmp/d.json" >/dev/null &&
		grep -q '^stop: reason=hw-breakpoint .* sym=dbg_hw_bp$' "$tmp/d.err" &&
		jq -e '.exits.debug == (.stops | length) + .step_overs' "$tmp/d.json" >/dev/null
	check $? "--trace-stops: the stop on stderr names dbg_hw_bp, stdout stays JSON, exits.debug = stops + step_overs (exit $rc: $(grep '^stop' "$tmp/d.err"))"
	"$RUN" --accel=user --trace-stops --hbreak dbg_hw_bp "$G/debug.elf" >/dev/null 2>"$tmp/t.err"
	grep -q '^exits: .*debug 2' "$tmp/t.err" &&
		grep -q '^debug stops: 1 (of 2 debug exits; 1 stepped over a breakpoint)' "$tmp/t.err"
	check $? "the text summary explains the debug exits that were no stop ($(grep -E '^(exits|debug stops)' "$tmp/t.err" | tr '\n' '|'))"
	if [ -d /sys/module/kvm_pvm ]; then
		"$RUN" --accel=user --break dbg_sw_bp "$G/debug.elf" >/dev/null 2>"$tmp/b.err"
		grep -q 'hint: this KVM cannot run the int3 of --break at 0x[0-9a-f]*: use --hbreak' "$tmp/b.err"
		check $? "--break where KVM cannot run int3 at CPL0 hints --hbreak ($(grep hint "$tmp/b.err"))"
	else
		skip "--break where KVM cannot run int3 hints --hbreak" "this KVM is not PVM: int3 at CPL0 works here"
	fi
else
	not_ok "build/guests/debug.syms built (make guests)"
fi
echo "1..$n"
