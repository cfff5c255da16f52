# Strict RFC 8259 structure check of one JSON document per input line.
function ws() { while (substr(s, p, 1) ~ /[ \t\r\n]/ && p <= n) p++ }
function err(m) { if (!bad) bad = m " at " p; return 0 }
function str(   c) {
	if (substr(s, p, 1) != "\"") return err("string expected")
	p++
	while (p <= n) {
		c = substr(s, p, 1)
		if (c == "\"") { p++; return 1 }
		if (c == "\\") {
			c = substr(s, p + 1, 1)
			if (c ~ /["\\\/bfnrt]/) { p += 2; continue }
			if (c == "u" && substr(s, p + 2, 4) ~ /^[0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F]$/) { p += 6; continue }
			return err("bad escape")
		}
		if (c < " ") return err("control character in string")
		p++
	}
	return err("unterminated string")
}
function num(   m) {
	m = substr(s, p)
	if (match(m, /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/)) { p += RLENGTH; return 1 }
	return err("bad number")
}
function val(   c) {
	ws(); c = substr(s, p, 1)
	if (c == "{") return obj()
	if (c == "[") return arr()
	if (c == "\"") return str()
	if (substr(s, p, 4) == "true" || substr(s, p, 4) == "null") { p += 4; return 1 }
	if (substr(s, p, 5) == "false") { p += 5; return 1 }
	return num()
}
function obj() {
	p++; ws()
	if (substr(s, p, 1) == "}") { p++; return 1 }
	for (;;) {
		ws(); if (!str()) return 0
		ws(); if (substr(s, p, 1) != ":") return err("':' expected")
		p++; if (!val()) return 0
		ws()
		if (substr(s, p, 1) == ",") { p++; continue }
		if (substr(s, p, 1) == "}") { p++; return 1 }
		return err("',' or '}' expected")
	}
}
function arr() {
	p++; ws()
	if (substr(s, p, 1) == "]") { p++; return 1 }
	for (;;) {
		if (!val()) return 0
		ws()
		if (substr(s, p, 1) == ",") { p++; continue }
		if (substr(s, p, 1) == "]") { p++; return 1 }
		return err("',' or ']' expected")
	}
}
{
	s = $0; n = length(s); p = 1; bad = ""
	if (n == 0) next
	docs++
	if (!val()) { print "line " NR ": " bad; fails++; next }
	ws()
	if (p <= n) { print "line " NR ": trailing data at " p; fails++ }
}
END { if (!docs) { print "no JSON document"; exit 1 } exit fails ? 1 : 0 }
