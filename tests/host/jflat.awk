# SPDX-License-Identifier: GPL-2.0
# Flattens JSON (one document per line, as hlkvm-run and hlkvmctl write
# it) into "PATH=VALUE" lines, one per scalar: keys joined with ".",
# array elements by index from 0, strings without their quotes (escapes
# left as written), e.g. "stats.pic.in=3", "io.0.port=233",
# "status=null". Busybox has no jq; lib.sh's jget reads this.
function ws() { while (substr(s, p, 1) ~ /[ \t\r\n]/ && p <= n) p++ }
function str(   c, q) {
	p++; q = p
	while (p <= n) {
		c = substr(s, p, 1)
		if (c == "\"") { p++; return substr(s, q, p - q - 1) }
		p += c == "\\" ? 2 : 1
	}
	return substr(s, q)
}
# A number, true, false or null: up to the next delimiter
function scalar(   q) {
	q = p
	while (p <= n && index(",}] \t\r\n", substr(s, p, 1)) == 0) p++
	return substr(s, q, p - q)
}
function join(path, k) { return path == "" ? k : path "." k }
function val(path,   c, i, k) {
	ws(); c = substr(s, p, 1)
	if (c == "{") {
		p++; ws()
		if (substr(s, p, 1) == "}") { p++; return }
		for (;;) {
			ws(); k = str(); ws(); p++	# the ':'
			val(join(path, k)); ws()
			c = substr(s, p, 1); p++
			if (c != ",") return
		}
	}
	if (c == "[") {
		p++; ws()
		if (substr(s, p, 1) == "]") { p++; return }
		for (i = 0; ; i++) {
			val(join(path, i)); ws()
			c = substr(s, p, 1); p++
			if (c != ",") return
		}
	}
	print path "=" (c == "\"" ? str() : scalar())
}
{ s = $0; n = length(s); p = 1; if (n) val("") }
