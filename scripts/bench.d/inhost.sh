#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The in-host half of scripts/bench (busybox sh, inside scripts/testhost with
# hlkvm.ko loaded). It only measures and prints; scripts/bench parses the
# "@B ..." lines and does every computation.
#
#   sh inhost.sh [N] [TICKS] [SCALE_SECONDS] [ROUNDS] [PLOT_INTERVALS]
#
# Lines:
#   @B env KEY VALUE
#   @B run NAME rc=RC busy=J total=J child=J wall_cs=CS
#        busy/total: /proc/stat jiffies (USER_HZ) of the whole test host over
#        the run (catches hrtimer and softirq work no process is charged
#        for); child: utime+stime of the hlkvm-run process(es); wall in 1/100 s
#   @B out NAME LINE      the guest's key=value / cost= / iv= lines
#   @B sum NAME LINE      the "timer" object of hlkvm-run's JSON summary

N=${1:-100000}
TICKS=${2:-10000}
SCALE_S=${3:-5}
ROUNDS=${4:-2}
PLOT=${5:-1000}
# Each port measurement: N accesses in INNER interleaved rounds of N/INNER
INNER=10
T=${TMPDIR:-/tmp}/hlkvm-bench.$$
mkdir -p "$T"
RUN="hlkvm-run --json --timeout 300"

env_line() { echo "@B env $1 $2"; }

cpu_now() { # busy total child (USER_HZ ticks)
	read -r _ u n s i w q sq st _ </proc/stat
	# shellcheck disable=SC2046
	set -- $(cat /proc/$$/stat)
	echo "$((u + n + s + q + sq + st)) $((u + n + s + i + w + q + sq + st)) $((${16} + ${17}))"
}
uptime_cs() { read -r up _ </proc/uptime; echo "${up%.*}${up#*.}"; }

# measure NAME CMD...: one foreground run (or a batch through "$@" = sh -c)
measure() {
	name=$1; shift
	set -- "$@"
	a=$(cpu_now); w0=$(uptime_cs)
	"$@" >"$T/$name.out" 2>"$T/$name.err"
	rc=$?
	w1=$(uptime_cs); b=$(cpu_now)
	set -- $a $b
	echo "@B run $name rc=$rc busy=$(($4 - $1)) total=$(($5 - $2)) child=$(($6 - $3)) wall_cs=$((w1 - w0))"
	sed -nE 's/^(cost=.*|iv=.*|[a-z_0-9]+=-?[0-9]+)$/@B out '"$name"' \1/p' "$T/$name.out"
	[ -f "$T/$name.json" ] && sed -n 's/^  "timer": \(.*\)$/@B sum '"$name"' \1/p' "$T/$name.json"
	if [ $rc -ne 0 ]; then
		echo "# $name failed ($rc):"; tail -n 5 "$T/$name.out" "$T/$name.err" | sed 's/^/#   /'
	fi
}

module_loaded() { [ -d /sys/module/hlkvm ]; }
module_load() { module_loaded || insmod "$HLKVM_KO"; }
module_unload() { ! module_loaded || rmmod hlkvm; }

env_line kernel "$(uname -r)"
env_line clocksource "$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
env_line min_timer_period_us "$(cat /sys/module/kvm/parameters/min_timer_period_us 2>/dev/null)"
env_line cpus "$(grep -c ^processor /proc/cpuinfo)"
env_line user_hz 100
env_line n "$N"
env_line ticks "$TICKS"
env_line rounds "$ROUNDS"
env_line inner "$INNER"
env_line scale_seconds "$SCALE_S"
[ -n "$HLKVM_KO" ] || { echo "# bench needs hlkvm.ko (HLKVM_KO is empty)"; exit 1; }

# --- 1. port exit cost: absorbed (kernel) vs userspace (user) vs KVM (kvm)
# pairs 0xf: out80 in21 out21 in40 (see user/guests/bench_ports.c)
r=1
while [ $r -le "$ROUNDS" ]; do
	for mode in kernel user kvm; do
		extra=""
		[ $mode = kvm ] && extra="--ioeventfd 0x80"
		measure "port.$mode.$r" $RUN --accel=$mode $extra \
			--summary "$T/port.$mode.$r.json" \
			bench_ports.elf --arg "$((N / INNER))" --arg "$INNER" --arg 0xf \
			--arg tsc_khz
	done
	r=$((r + 1))
done

# --- 1(d). an unattached VM's PIO exits: no module / loaded / hook live
# pairs 0x33: out80 (ioeventfd: in-kernel write), in21 (KVM's PIC:
# in-kernel read), out90 in90 (userspace exits)
unattached() {
	measure "unatt.$1.$2" $RUN --accel=kvm --ioeventfd 0x80 \
		--summary "$T/unatt.$1.$2.json" \
		bench_ports.elf --arg "$((N / INNER))" --arg "$INNER" --arg 0x33 \
		--arg tsc_khz
}
r=1
while [ $r -le "$ROUNDS" ]; do
	module_unload && unattached nomodule $r
	module_load && unattached loaded $r
	# Another VM attached (idle: cli; hlt) keeps the ftrace hook registered
	hlkvm-run --accel=kernel bench_ports.elf --arg 0 >"$T/idle.out" 2>&1 &
	idle=$!
	sleep 1
	if hlkvmctl --json show 2>/dev/null | grep -q vm_id; then
		unattached attached $r
	else
		echo "# the idle VM did not attach:"; hlkvmctl show 2>&1 | sed 's/^/#   /'
	fi
	kill $idle; wait $idle 2>/dev/null
	r=$((r + 1))
done
module_load

# --- 2/3. timer quality and host CPU per tick
for p in 1000 100; do
	if [ $p = 1000 ]; then div=1193; else div=119; fi
	for t in module seed fallback pit; do
		case $t in
		module) acc="--accel=kernel"; spec=$p ;;
		seed) acc="--accel=user --timer=seed"; spec=$p ;;
		fallback) acc="--accel=user"; spec=$p ;;
		pit) acc="--accel=kvm"; spec=$((0x80000000 | div)) ;;
		esac
		# The same VM for 2 ticks: its start-up and exit cost, subtracted
		measure "tick0.$t.$p" $RUN $acc bench_ticks.elf --arg 2 \
			--arg $spec --arg tsc_khz --arg 2
		measure "tick.$t.$p" $RUN $acc --summary "$T/tick.$t.$p.json" \
			bench_ticks.elf --arg "$TICKS" --arg $spec --arg tsc_khz \
			--arg "$PLOT"
	done
done

# --- 3. scale: K attached VMs ticking at 1 ms for SCALE_S seconds
scale_batch() {
	k=$1; i=1
	while [ $i -le "$k" ]; do
		hlkvm-run --json --timeout 300 --accel=kernel --mem 4M \
			--summary "$T/scale.$k.$i.json" bench_ticks.elf \
			--arg "$SCALE_S" --arg 1000 --arg tsc_khz --arg 0x10000 \
			>"$T/scale.$k.$i.out" 2>&1 &
		i=$((i + 1))
	done
	wait
}
for k in 1 4 16 64; do
	measure "scale.$k" scale_batch $k
	i=1
	while [ $i -le "$k" ]; do
		sed -n 's/^\(scale_[a-z]*=[0-9]*\)$/@B out scale.'"$k.$i"' \1/p' "$T/scale.$k.$i.out"
		sed -n 's/^  "timer": \(.*\)$/@B sum scale.'"$k.$i"' \1/p' "$T/scale.$k.$i.json"
		i=$((i + 1))
	done
done
echo "@B done"
rm -rf "$T"
