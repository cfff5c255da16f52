#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The in-host half of scripts/bench (busybox sh, inside scripts/testhost with
# hlkvm.ko loaded). It only measures and prints; scripts/bench parses the
# "@B ..." lines and does every computation.
#
#   sh inhost.sh [N] [TICKS] [SCALE_SECONDS] [ROUNDS] [PLOT_INTERVALS]
#                [CPU_SECONDS] [PROFILE 0|1] [IRQCHIP split|kernel]
#                [SNAPSHOTS]
#
# IRQCHIP is the VMs' irqchip for the module's and the fallback's rows
# (hlkvm-run --irqchip): split (hlkvm is the PIC) or kernel (KVM's full
# irqchip, the only one the module serves from Linux 6.18). KVM's own rows
# (--accel=kvm) are always on KVM's full irqchip. With kernel, the seed
# timer's row is Hyperlight's own KVM configuration: KVM's irqchip, PIT
# exits answered in userspace, a sleep-then-inject thread on GSI 0.
#
# Lines:
#   @B env KEY VALUE
#   @B run NAME rc=RC busy=J total=J child=J wall_cs=CS wall_ns=N busy_ns=N
#        busy/total: /proc/stat jiffies (USER_HZ) of the whole test host over
#        the run (catches hrtimer and softirq work no process is charged
#        for); child: utime+stime of the hlkvm-run process(es); wall in 1/100 s;
#        wall_ns/busy_ns: elapsed and elapsed - idle by the clock
#        (clock_idle)
#   @B out NAME LINE      the guest's key=value / cost= / iv= lines, and
#                         the bench helpers' "ns=KEY N" samples
#   @B sum NAME LINE      the "timer" object of hlkvm-run's JSON summary
#   @B cpu NAME W now_ns=N idle_ns=N proc_ns=N KEY=N...
#        one sample of a CPU window: the test host's monotonic clock and
#        precise idle time (clock_idle), the VMM's threads' run time
#        (/proc/PID/task/*/schedstat) and KVM's aggregate debugfs counters
#   @B prof NAME KEY=VALUE...   an ftrace summary (scripts/bench.d/trace.awk)

# Word splitting is wanted throughout: $RUN and $acc are argument lists,
# and "set -- $(...)" splits a sample into fields.
# shellcheck disable=SC2046,SC2086

N=${1:-100000}
TICKS=${2:-10000}
SCALE_S=${3:-5}
ROUNDS=${4:-3}
PLOT=${5:-1000}
CPU_S=${6:-10}
PROF=${7:-1}
IRQCHIP=${8:-split}
SNAPS=${9:-10}
# Each port measurement: N accesses in INNER interleaved rounds of N/INNER
INNER=10
T=${TMPDIR:-/tmp}/hlkvm-bench.$$
mkdir -p "$T"
RUN="hlkvm-run --json --timeout 300"
# The guests' directory: hlkvm-run takes a path, it never searches PATH
G=$(dirname "$(command -v bench_ticks.elf)")

env_line() { echo "@B env $1 $2"; }

# clock_idle: the monotonic clock and the idle time of every CPU, in ns,
# both measured by the clock (NO_HZ), not sampled by the scheduler tick.
# Up to 6.x /proc/timer_list has each CPU's idle_sleeptime; later kernels
# dropped it from there, and /proc/uptime's second field is the same NO_HZ
# idle time summed over the CPUs (get_cpu_idle_time_us()), in 10 ms steps.
clock_idle() {
	awk '/^now at/ { n = $3 } /idle_sleeptime/ { i += $3; have = 1 }
		END { if (!have) { getline u < "/proc/uptime"; split(u, f, " ")
			i = sprintf("%.0f", f[2] * 1e9) }
		      print n, i }' /proc/timer_list
}
cpu_now() { # busy total child (USER_HZ ticks) now idle (ns)
	read -r _ u n s i w q sq st _ </proc/stat
	set -- $(cat /proc/$$/stat)
	echo "$((u + n + s + q + sq + st)) $((u + n + s + i + w + q + sq + st)) $((${16} + ${17}))" \
		$(clock_idle)
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
	echo "@B run $name rc=$rc busy=$(($6 - $1)) total=$(($7 - $2)) child=$(($8 - $3)) wall_cs=$((w1 - w0)) wall_ns=$(($9 - $4)) busy_ns=$(($9 - $4 - ${10} + $5))"
	sed -nE 's/^(cost=.*|iv=.*|ns=[a-z_0-9]+ [0-9]+|[a-z_0-9]+=-?[0-9]+)$/@B out '"$name"' \1/p' "$T/$name.out"
	[ -f "$T/$name.json" ] && sed -n 's/.*"timer":\({[^}]*}\).*/@B sum '"$name"' \1/p' "$T/$name.json"
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
env_line cpu_seconds "$CPU_S"
env_line halt_poll_ns "$(cat /sys/module/kvm/parameters/halt_poll_ns 2>/dev/null)"
env_line irqchip "$IRQCHIP"
env_line snapshots "$SNAPS"
env_line qemu "${HLKVM_TESTHOST_QEMU:-?}"
[ -n "$HLKVM_KO" ] || { echo "# bench needs hlkvm.ko (HLKVM_KO is empty)"; exit 1; }

# --- 1. port exit cost: absorbed (kernel) vs userspace (user) vs KVM (kvm)
# pairs 0xf: out80 in21 out21 in40 (see user/guests/bench_ports.c)
r=1
while [ $r -le "$ROUNDS" ]; do
	for mode in kernel user kvm; do
		extra="--irqchip=$IRQCHIP"
		[ $mode = kvm ] && extra="--ioeventfd 0x80"
		measure "port.$mode.$r" $RUN --accel=$mode $extra \
			--summary "$T/port.$mode.$r.json" \
			"$G/bench_ports.elf" --arg "$((N / INNER))" --arg "$INNER" --arg 0xf \
			--arg tsc_khz
	done
	r=$((r + 1))
done

# --- 1(e). what modelling the 8254 costs per absorbed access: pairs 0xc1:
# out80 (plain absorbed OUT), in42 (one IN of a counting channel), rd40
# (latch + two INs of channel 0), interleaved in one guest; a VM of their
# own so that section 1's in40 keeps reading a channel never programmed
r=1
while [ $r -le "$ROUNDS" ]; do
	for mode in kernel user kvm; do
		extra="--irqchip=$IRQCHIP"
		[ $mode = kvm ] && extra="--ioeventfd 0x80"
		measure "model.$mode.$r" $RUN --accel=$mode $extra \
			--summary "$T/model.$mode.$r.json" \
			"$G/bench_ports.elf" --arg "$((N / INNER))" --arg "$INNER" --arg 0xc1 \
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
		"$G/bench_ports.elf" --arg "$((N / INNER))" --arg "$INNER" --arg 0x33 \
		--arg tsc_khz
}
idle_vm_start() {
	# Another VM attached (idle: cli; hlt) keeps the ftrace hook registered
	hlkvm-run --accel=kernel --irqchip="$IRQCHIP" "$G/bench_ports.elf" --arg 0 >"$T/idle.out" 2>&1 &
	idle=$!
	# Up to 10 s: under load the VM's start-up alone can take seconds
	i=0
	while [ $i -lt 10 ]; do
		sleep 1
		hlkvmctl --json show 2>/dev/null | grep -q vm_id && return 0
		i=$((i + 1))
	done
	echo "# the idle VM did not attach:"; hlkvmctl show 2>&1 | sed 's/^/#   /'
	return 1
}
idle_vm_stop() { kill $idle; wait $idle 2>/dev/null; }
# Round by round, so a slow drift of the shared machine hits every
# configuration alike; "no module" twice per round (A first, B last, after an
# rmmod) gives the spread between identical configurations: the noise floor.
r=1
while [ $r -le "$ROUNDS" ]; do
	module_unload && unattached nomodule $r
	module_load && unattached loaded $r
	idle_vm_start && unattached attached $r
	idle_vm_stop
	module_unload && unattached nomodule2 $r
	r=$((r + 1))
done
module_load

timer_args() { # TIMER PERIOD: sets acc and spec
	if [ "$2" = 1000 ]; then div=1193; else div=119; fi
	case $1 in
	module) acc="--accel=kernel --irqchip=$IRQCHIP"; spec=$2 ;;
	seed) acc="--accel=user --irqchip=$IRQCHIP --timer=seed"; spec=$2 ;;
	fallback) acc="--accel=user --irqchip=$IRQCHIP"; spec=$2 ;;
	pit) acc="--accel=kvm"; spec=$((0x80000000 | div)) ;;
	esac
}

# --- 2. timer quality
for p in 1000 100; do
	for t in module seed fallback pit; do
		timer_args $t $p
		measure "tick.$t.$p" $RUN $acc --summary "$T/tick.$t.$p.json" \
			"$G/bench_ticks.elf" --arg "$TICKS" --arg $spec --arg tsc_khz \
			--arg "$PLOT"
	done
done

# --- 3. host CPU per tick, over windows in the middle of long runs
# /proc/stat's user/system figures are sampled by the scheduler tick, and
# under TCG the test host loses ticks while QEMU runs the nested guest: they
# undercount busy time by up to a third and alias with a periodic load.
# Idle time (NO_HZ's idle_sleeptime) and a task's run time (schedstat) are
# measured with the clock instead, so: busy = elapsed - idle.
KVMSTATS="exits io_exits halt_exits irq_injections halt_wakeup halt_successful_poll halt_attempted_poll halt_poll_success_ns halt_poll_fail_ns halt_wait_ns"
cpu_sample() { # NAME WINDOW PID
	set -- "$1" "$2" "$3" \
		$(clock_idle) \
		$(cat /proc/"$3"/task/*/schedstat 2>/dev/null |
			awk '{ s += $1 } END { print s + 0 }')
	line="@B cpu $1 $2 now_ns=$4 idle_ns=$5 proc_ns=$6"
	for k in $KVMSTATS; do
		[ -r /sys/kernel/debug/kvm/$k ] &&
			line="$line $k=$(cat /sys/kernel/debug/kvm/$k)"
	done
	echo "$line"
}
# cpu_run NAME ARGS...: a scale-mode guest ticking CPU_S seconds; samples
# at 1.5 s (start-up done), then every 2 s while at least 1 s is left
# (the console dump at the end stays out)
cpu_run() {
	name=$1; shift
	"$@" >"$T/$name.out" 2>&1 &
	pid=$!
	sleep 1.5
	w=0; left=$((CPU_S * 10 - 15))
	cpu_sample "$name" $w $pid
	while [ $left -ge 30 ]; do
		sleep 2; w=$((w + 1)); left=$((left - 20))
		cpu_sample "$name" $w $pid
	done
	wait $pid
	echo "@B run $name rc=$?"
	sed -n 's/^\(scale_[a-z]*=[0-9]*\)$/@B out '"$name"' \1/p' "$T/$name.out"
}
r=1
while [ $r -le 2 ]; do
	# The test host with no VM: what the sampling itself and the idle
	# system cost, subtracted from every window
	cpu_run "cpu.idle.0.$r" sleep "$CPU_S"
	for p in 1000 100; do
		for t in module seed fallback pit; do
			timer_args $t $p
			cpu_run "cpu.$t.$p.$r" $RUN $acc "$G/bench_ticks.elf" \
				--arg "$CPU_S" --arg $spec --arg tsc_khz \
				--arg 0x10000
		done
	done
	r=$((r + 1))
done

# --- 4. scale: K attached VMs ticking at 1 ms for SCALE_S seconds
scale_batch() {
	k=$1; i=1
	while [ $i -le "$k" ]; do
		hlkvm-run --json --timeout 300 --accel=kernel --irqchip="$IRQCHIP" --mem 4M \
			--summary "$T/scale.$k.$i.json" "$G/bench_ticks.elf" \
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
		sed -n 's/.*"timer":\({[^}]*}\).*/@B sum scale.'"$k.$i"' \1/p' "$T/scale.$k.$i.json"
		i=$((i + 1))
	done
done

# --- 6. snapshots of a 16 MiB guest ticking at 1 ms, module and fallback
# snap.elf asks for one after 20 ticks (IN from port 109). Taking it: the
# guest's TSC across the IN (snap_cycles=) is the whole save as the guest
# sees it (memory, vCPU, hlkvm's or the fallback's state, the file
# written and renamed). Restoring it: a new process, timed from its fork
# to the guest's first_tick= line (the file read, the VM rebuilt, the
# state written back, the first tick after the restore delivered).
# Module, module with another VM attached, and fallback in turn, each
# restore from the file its own row just took: attaching the first VM
# registers the module's ftrace hook (text patching, slow under TCG),
# which a host that keeps one VM attached pays once, not per restore.
# hlkvm's share: hlkvm-bench-snap_state times the module's GET_STATE /
# SET_STATE round trips and the fallback's state capture and load.
r=1
while [ $r -le "$SNAPS" ]; do
	for sm in kernel hooked user; do
		# (not $a: measure() uses it)
		acc=$sm
		if [ $sm = hooked ]; then
			idle_vm_start || { idle_vm_stop; continue; }
			acc=kernel
		fi
		f=$T/snap.$sm.snap
		rm -f "$f"
		measure "snap.take.$sm.$r" $RUN --accel=$acc --irqchip="$IRQCHIP" \
			--mem 16M --snapshot "$f" "$G/snap.elf"
		measure "snap.restore.$sm.$r" hlkvm-bench-linetime first_tick= \
			$RUN --accel=$acc --restore "$f"
		[ $r -eq 1 ] && env_line "snapshot_bytes_$sm" "$(wc -c <"$f")"
		rm -f "$f"
		[ $sm = hooked ] && idle_vm_stop
	done
	r=$((r + 1))
done
measure snap.state hlkvm-bench-snap_state "$IRQCHIP" 200

# --- 5. profiles (ftrace; perf has no PMU under TCG): per exit and per tick
# time budgets from the kvm:* tracepoints, summarised inside by trace.awk
TR=/sys/kernel/tracing
trace_on() { # EVENTS...
	echo 0 >$TR/tracing_on
	echo >$TR/set_event
	echo 8192 >$TR/buffer_size_kb
	for e in "$@"; do echo "$e" >>$TR/set_event; done
	echo >$TR/trace
	echo 1 >$TR/tracing_on
}
trace_off() { # NAME MODE
	echo 0 >$TR/tracing_on
	echo >$TR/set_event
	awk -v name="$1" -v mode="$2" -f trace.awk $TR/trace $TR/trace
	echo >$TR/trace
}
if [ "$PROF" = 1 ] && [ -w $TR/set_event ]; then
	PN=3000
	r=1
	while [ $r -le 3 ]; do
		for c in nomodule loaded attached; do
			case $c in
			nomodule) module_unload ;;
			loaded) module_load ;;
			attached) idle_vm_start || { idle_vm_stop; continue; } ;;
			esac
			trace_on kvm:kvm_exit kvm:kvm_entry kvm:kvm_pio
			$RUN --accel=kvm --ioeventfd 0x80 "$G/bench_ports.elf" \
				--arg $PN --arg 1 --arg 0x33 >/dev/null 2>&1
			trace_off "exit.$c.$r" exits
			[ $c = attached ] && idle_vm_stop
		done
		# The absorbed path against KVM's own devices (1(a) vs 1(c))
		module_load
		for m in kernel kvm; do
			extra="--irqchip=$IRQCHIP"
			[ $m = kvm ] && extra="--ioeventfd 0x80"
			trace_on kvm:kvm_exit kvm:kvm_entry kvm:kvm_pio
			$RUN --accel=$m $extra "$G/bench_ports.elf" \
				--arg $PN --arg 1 --arg 0xf >/dev/null 2>&1
			trace_off "exit.$m.$r" exits
		done
		r=$((r + 1))
	done
	module_load
	for tp in module.1000 fallback.1000 pit.1000 module.100 fallback.100; do
		timer_args ${tp%.*} ${tp#*.}
		trace_on kvm:kvm_exit kvm:kvm_entry kvm:kvm_pio kvm:kvm_inj_virq \
			kvm:kvm_msi_set_irq kvm:kvm_pic_set_irq kvm:kvm_set_irq \
			timer:hrtimer_expire_entry sched:sched_switch
		$RUN $acc "$G/bench_ticks.elf" --arg 1 --arg $spec --arg tsc_khz \
			--arg 0x10000 >/dev/null 2>&1
		trace_off "tick.$tp" ticks
	done
fi
echo "@B done"
rm -rf "$T"
