# SPDX-License-Identifier: GPL-2.0
# Summarise an ftrace text trace (kvm:*, timer:*, sched:* events) inside the
# test host, so only a few lines cross the slow serial console. busybox awk.
#
#   awk -v name=NAME -v mode=exits|ticks -f trace.awk TRACE TRACE
#
# The trace is read twice: the first pass finds the window, the second sums.
#   exits: every kvm_exit -> kvm_entry span (time in the host's KVM and
#          whatever it calls out to, userspace included) and entry -> exit
#          span (the guest, plus the nested world switch that the test host
#          only sees as time inside VMRUN), keyed by exit reason, and for
#          "io" by direction and port (from the kvm_pio in between).
#   ticks: the window runs from the guest's first to its last EOI (OUT
#          0x20), one per tick; per tick: exits by reason, host and
#          guest time, the CPU time of each task (sched_switch), idle time,
#          and the tick's path: raise (irqfd MSI / PIC line / hrtimer) ->
#          injection -> EOI (OUT 0x20) -> back in HLT.
# Output: "@B prof NAME KIND KEY k=v ..." lines.

function ev_ts(   i) {
	for (i = 1; i <= NF; i++)
		if ($i ~ /^[0-9]+\.[0-9]+:$/) {
			ts = substr($i, 1, length($i) - 1) * 1e6	# µs
			ev = $(i + 1)
			sub(/:$/, "", ev)
			base = i + 1
			return 1
		}
	return 0
}

function field(key,   i) {	# value after "key" or of "key=value"
	for (i = base + 1; i <= NF; i++) {
		if ($i == key)
			return $(i + 1)
		if (index($i, key "=") == 1)
			return substr($i, length(key) + 2)
	}
	return ""
}

function is_tick(   v) {	# kvm_inj_virq of vector 0x20: "IRQ 0x20" (6.1)
	v = field("IRQ")
	if (v == "")
		v = field("irq")
	return v == "0x20" || v == "32"
}

function hist_add(h, d) {
	hist[h, int(d)]++
	hcount[h]++
	if (int(d) > hmax[h])
		hmax[h] = int(d)
}

function hist_p50(h,   c, b, want) {
	want = hcount[h] / 2
	for (b = 0; b <= hmax[h]; b++) {
		c += hist[h, b]
		if (c >= want && c > 0)
			return b
	}
	return -1
}

# Mean of the central 90 % (by rank) of histogram h: one host stall of a
# few ms among thousands of 20 µs exits would otherwise move the mean
function hist_tmean(h,   b, c, lo, hi, take, sum, w) {
	lo = hcount[h] * 0.05
	hi = hcount[h] * 0.95
	for (b = 0; b <= hmax[h]; b++) {
		if (!((h, b) in hist))
			continue
		take = hist[h, b]
		if (c + take > hi)
			take = hi - c
		if (c < lo)
			take -= lo - c
		if (take > 0) {
			sum += take * b
			w += take
		}
		c += hist[h, b]
		if (c >= hi)
			break
	}
	return w > 0 ? sum / w : -1
}

function lat(h, d) {
	if (d < 0)
		return
	hist_add(h, d)
	lsum[h] += d
	if (!(h in lmin) || d < lmin[h])
		lmin[h] = d
}

function task_name(s) {
	sub(/\/[0-9]+$/, "", s)		# kvm-pit/123 -> kvm-pit
	sub(/-[0-9]+$/, "", s)
	return s
}

FNR == 1 { pass++ }

pass == 1 {
	if (!ev_ts())
		next
	# A tick is its EOI: KVM may inject one PIT tick twice (kvm_inj_virq
	# again after a cancelled entry), the guest acknowledges it once
	if (mode == "ticks" && ev == "kvm_pio" && $(base + 1) == "pio_write" &&
	    $(base + 3) == "0x20") {
		if (t_first == "")
			t_first = ts
		t_last = ts
	}
	if (mode == "exits") {
		if (t_first == "")
			t_first = ts
		t_last = ts
	}
	next
}

{
	if (!ev_ts() || ts < t_first || ts > t_last)
		next
	if (last_sw == "")
		last_sw = ts
}

ev == "kvm_exit" {
	if (in_guest != "") {
		g = ts - in_guest
		guest_total += g
	}
	in_guest = ""
	ex_ts = ts
	reason = field("reason")
	io = ""
	if (mode == "ticks" && reason == "hlt" && t_eoi != "") {
		lat("eoi_hlt", ts - t_eoi)
		lat("cycle", ts - t_cyc)
		t_eoi = ""
	}
	next
}

ev == "kvm_pio" {
	# "pio_write at 0x20 size 1 count 1 val 0x20"
	io = ($(base + 1) == "pio_write" ? "out" : "in") $(base + 3)
	if (mode == "ticks" && io == "out0x20") {
		ticks++
		if (t_inj != "")
			lat("inj_eoi", ts - t_inj)
		t_eoi = ts
		t_inj = ""
	}
	next
}

ev == "kvm_entry" {
	if (ex_ts != "") {
		k = reason
		if (reason == "io" && io != "")
			k = io
		d = ts - ex_ts
		n[k]++
		host[k] += d
		hist_add("h" k, d * 10)		# 0.1 µs buckets
		if (!(k in hmin) || d < hmin[k])
			hmin[k] = d
		if (g != "") {
			guest[k] += g
			hist_add("g" k, g * 10)
		}
	}
	ex_ts = ""
	g = ""
	in_guest = ts
	next
}

ev == "kvm_inj_virq" {
	if (!is_tick() || t_inj != "")
		next
	if (t_raise != "")
		lat("raise_inj", ts - t_raise)
	t_raise = ""
	t_inj = ts
	t_cyc = ts
	next
}

ev == "kvm_msi_set_irq" || ev == "kvm_pic_set_irq" || ev == "kvm_set_irq" {
	raise[ev]++
	if (t_raise == "")
		t_raise = ts
	next
}

ev == "hrtimer_expire_entry" {
	f = field("function")
	hrt[f]++
	next
}

ev == "sched_switch" {
	# prev_comm=X prev_pid=N ... ==> next_comm=Y next_pid=M ...
	p = task_name(field("prev_comm"))
	if (field("prev_pid") == 0)
		p = "(idle)"
	task[p] += ts - last_sw
	last_sw = ts
	next
}

END {
	if (t_first == "" || t_last == "") {
		printf "@B prof %s none events=0\n", name
		exit
	}
	win = t_last - t_first
	if (mode == "ticks") {
		printf "@B prof %s sum ticks=%d window_us=%.1f guest_us=%.1f", \
			name, ticks, win, guest_total
		for (h in lsum)
			printf " %s_mean_us=%.2f %s_p50_us=%d %s_min_us=%.2f", \
				h, lsum[h] / hcount[h], h, hist_p50(h), h, lmin[h]
		printf "\n"
		for (e in raise)
			printf "@B prof %s raise %s n=%d\n", name, e, raise[e]
		for (f in hrt)
			printf "@B prof %s hrtimer %s n=%d\n", name, f, hrt[f]
		for (p in task)
			printf "@B prof %s task %s us=%.1f\n", name, p, task[p]
	} else {
		printf "@B prof %s sum window_us=%.1f\n", name, win
	}
	for (k in n)
		printf "@B prof %s exit %s n=%d host_us=%.1f guest_us=%.1f host_p50_us=%.1f host_min_us=%.2f host_tmean_us=%.3f guest_tmean_us=%.3f\n", \
			name, k, n[k], host[k], guest[k], hist_p50("h" k) / 10, hmin[k], \
			hist_tmean("h" k) / 10, hist_tmean("g" k) / 10
}
