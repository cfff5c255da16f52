#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Snapshots on this machine's /dev/kvm with the fallback (fallback ->
# fallback): snap.elf (snapshot between ticks) and snap-inirq.elf (inside
# the tick handler, before its EOI), on both irqchips. The run that takes
# it reads 0 from port 109 and finishes; each restore, a new process,
# reads 1, gets its ticks without writing port 107 again (the summary's
# timer_out is 1: only the final stop) and stops cleanly. Then a loop of
# restores of one snapshot (SNAP_LOOPS, default 20; 1000 by hand), each
# finishing with status 0, the largest RSS and fd count the same at the
# end as at the start.
. "$(dirname "$0")/lib/common.sh"
loops=${SNAP_LOOPS:-20}

need_kvm "snapshots on /dev/kvm"

ok() { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); echo "not ok $n - $*"; }
field() { sed -n "s/^$1=//p" "$2" | tail -1; }
json_u() { jq -r ".$1" "$2"; }

# take GUEST IRQCHIP FILE: the run that writes the snapshot
take() {
	local g=$1 ic=$2 f=$3 out=$TMP/take.out
	if "$RUN" --accel=user --irqchip="$ic" --mem 16M --timeout 60 \
		--snapshot "$f" "$G/$g.elf" >"$out" 2>"$TMP/take.err" &&
		[ "$(field snap "$out")" = 0 ] && [ -s "$f" ]; then
		ok "$g.elf --irqchip=$ic: the snapshot run reads 0 from port 109 and finishes"
	else
		nok "$g.elf --irqchip=$ic: the snapshot run"
		sed 's/^/#   /' "$out" "$TMP/take.err"
	fi
}

# restore FILE WHAT: a new process from the file
restore() {
	local f=$1 what=$2 out=$TMP/restore.out js=$TMP/restore.json t
	if ! "$RUN" --accel=user --timeout 60 --json --summary "$js" \
		--restore "$f" >"$out" 2>"$TMP/restore.err"; then
		nok "$what: the restored run did not end with status 0"
		sed 's/^/#   /' "$out" "$TMP/restore.err" "$js"
		return
	fi
	t=$(json_u stats.timer_out "$js")
	if [ "$(field snap "$out")" = 1 ] && [ "$(field ticks_after "$out")" -ge 20 ] &&
		[ "$t" = 1 ]; then
		ok "$what: reads 1, $(field ticks_after "$out") ticks without re-arming (timer_out $t), stops cleanly"
	else
		nok "$what: snap=$(field snap "$out") ticks_after=$(field ticks_after "$out") timer_out=$t"
		sed 's/^/#   /' "$out"
	fi
}

for g in snap snap-inirq; do
	for ic in split kernel; do
		f=$TMP/$g-$ic.snap
		take "$g" "$ic" "$f"
		restore "$f" "$g.elf --irqchip=$ic: first restore"
		restore "$f" "$g.elf --irqchip=$ic: second restore of the same file"
	done
done

# Without --snapshot, port 109 is nobody's: it reads 0xFFFFFFFF, which the
# guest reports as failure 2
"$RUN" --accel=user --timeout 60 "$G/snap.elf" >"$TMP/none.out" 2>&1
rc=$?
if [ "$rc" = 1 ] && [ "$(field snap "$TMP/none.out")" = 4294967295 ]; then
	ok "without --snapshot port 109 reads as before (0xFFFFFFFF)"
else
	nok "without --snapshot: status $rc, snap=$(field snap "$TMP/none.out")"
fi

# Many restores of one snapshot: each a new process, none failing; the
# peak RSS and the fds at exit of the last equal the first's (a leak in
# the restore path grows with the state restored, not across processes,
# so the first and last of the same file must agree)
f=$TMP/snap-split.snap
fail=0 first_rss= last_rss=
for i in $(seq "$loops"); do
	"$RUN" --accel=user --timeout 60 --json --summary "$TMP/loop.json" \
		--restore "$f" >"$TMP/loop.out" 2>"$TMP/loop.err" &
	pid=$!
	rss=0
	while kill -0 "$pid" 2>/dev/null; do
		r=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\).*/\1/p' /proc/$pid/status 2>/dev/null)
		[ -n "$r" ] && rss=$r
		sleep 0.01
	done
	if ! wait "$pid"; then
		fail=$((fail + 1))
		sed 's/^/#   /' "$TMP/loop.err" | head -5
	fi
	[ -z "$first_rss" ] && first_rss=$rss
	last_rss=$rss
done
# Peak RSS is sampled: allow the sampling's own jitter of 10 %
if [ "$fail" = 0 ] && [ "$last_rss" -le $((first_rss + first_rss / 10 + 1024)) ]; then
	ok "$loops restores of one snapshot: all status 0, peak RSS ${first_rss} kB first, ${last_rss} kB last"
else
	nok "$loops restores: $fail failed, peak RSS ${first_rss} kB first, ${last_rss} kB last"
fi
