#!/usr/bin/env bash
# Licences agree: every source and header that goes into libhlkvm (the
# Makefile's own list) may be used under the LGPL-2.1-or-later the .pc
# and COPYING give the library, and every licence an SPDX line names
# has its text in LICENSES/.
set -u
cd "$(dirname "$0")/../.."
n=0
check() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
files=$(make -s print-lib-files)
bad=
for f in $files; do
	head -n 1 "$f" | grep -q 'SPDX-License-Identifier: .*LGPL-2\.1-or-later' || bad="$bad $f"
done
[ -n "$files" ] && [ -z "$bad" ]
check $? "every file linked into or installed with libhlkvm allows LGPL-2.1-or-later ($(wc -w <<<"$files") files${bad:+; not:$bad})"
missing=
for id in $(git ls-files | xargs head -q -n 3 2>/dev/null | sed -n 's/.*SPDX-License-Identifier: *//p' |
	tr -d '()*/#' | tr ' ' '\n' | grep -vE '^(OR|AND|WITH|)$' | sort -u); do
	case $id in
	*-or-later) t=${id%-or-later} ;;
	*-only) t=${id%-only} ;;
	*) t=$id ;;
	esac
	[ -f "LICENSES/$t" ] || missing="$missing $id"
done
[ -z "$missing" ] && [ -f COPYING ]
check $? "COPYING exists and every SPDX licence has its text in LICENSES/${missing:+ (missing:$missing)}"
echo "1..$n"
