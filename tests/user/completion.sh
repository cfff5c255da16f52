#!/usr/bin/env bash
# The bash completions (completion/): each case completes a command line
# as a user would press TAB and checks the candidates offered.
set -u
cd "$(dirname "$0")/../.."
PATH=$PWD/build/bin:$PATH
n=0
check() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
# complete FUNC WORD...: the candidates for the last word, one line
complete_line() {
	local fn=$1
	shift
	COMP_WORDS=("$@") COMP_CWORD=$(($# - 1)) COMPREPLY=()
	"$fn" 2>/dev/null
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' '
}
# shellcheck source=/dev/null
. completion/hlkvmctl
# shellcheck source=/dev/null
. completion/hlkvm-run
# expect WANT FUNC WORD...: WANT is the exact sorted candidate list
expect() {
	local want=$1 got
	shift
	got=$(complete_line "$@")
	[ "$got" = "$want" ]
	check $? "'${*:2}<TAB>' offers '$want' (got '$got')"
}
expect "help monitor set show vm " _hlkvmctl hlkvmctl ""
expect "set show " _hlkvmctl hlkvmctl s
expect "set show " _hlkvmctl hlkvmctl -j s
expect "--json " _hlkvmctl hlkvmctl --j
expect "detach help list set show stop " _hlkvmctl hlkvmctl vm ""
expect "period policy " _hlkvmctl hlkvmctl vm set 3 p
expect "catchup skip " _hlkvmctl hlkvmctl vm set 3 policy ""
expect "period-max period-min " _hlkvmctl hlkvmctl set period
expect "pic pic,pit,timer pit " _hlkvmctl hlkvmctl set groups pi
expect "--count " _hlkvmctl hlkvmctl monitor ""
expect "kernel split " _hlkvm_run hlkvm-run --irqchip ""
expect "auto kernel kvm user " _hlkvm_run hlkvm-run --accel ""
expect "--timeout --timer --timer-policy " _hlkvm_run hlkvm-run --tim
expect "--trace-stops " _hlkvm_run hlkvm-run --tr
got=$(complete_line _hlkvm_run hlkvm-run build/guests/time)
[[ $got == *"build/guests/timer.elf "* ]]
check $? "an IMAGE completes as a file (build/guests/timer.elf in '$got')"
echo "1..$n"
