#!/usr/bin/env bash
# One release number, from VERSION: the tools (-V), the library
# (hlkvm_version(), pkg-config), the module (MODULE_VERSION's define and,
# when built, modinfo), dkms.conf, the man pages and the README's dkms
# line all say it. scripts/set-version keeps the copies in step.
set -u
cd "$(dirname "$0")/../.."
v=$(cat VERSION)
n=0
check() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }

[[ $v =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]
check $? "VERSION is X.Y.Z ($v)"
out=$(build/bin/hlkvmctl -V)
[[ $out == "hlkvmctl $v "* ]]
check $? "hlkvmctl -V says $v ($out)"
out=$(build/bin/hlkvm-run -V)
[[ $out == "hlkvm-run $v "* ]]
check $? "hlkvm-run -V says $v ($out)"
out=$(PKG_CONFIG_PATH=build/lib/pkgconfig pkg-config --modversion hlkvm)
[ "$out" = "$v" ]
check $? "pkg-config --modversion hlkvm says $v ($out)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '#include <stdio.h>\n#include "hlkvm.h"\nint main(void) { puts(hlkvm_version()); return 0; }\n' >"$tmp/v.c"
cc -Iuapi -Iuser/lib "$tmp/v.c" build/lib/libhlkvm.a $(pkg-config --libs libnl-genl-3.0) -lpthread -lm -o "$tmp/v" &&
	out=$("$tmp/v") && [ "$out" = "$v" ]
check $? "hlkvm_version() returns $v (${out:-})"
out=$(sed -n 's/^#define HLKVM_MODULE_VERSION[[:space:]]*"\(.*\)"/\1/p' kmod/netlink.h)
[ "$out" = "$v" ]
check $? "the module's MODULE_VERSION is $v ($out)"
ko=$(ls build/kmod/*/hlkvm.ko 2>/dev/null | head -n 1)
if [ -n "$ko" ] && command -v modinfo >/dev/null; then
	out=$(modinfo -F version "$ko")
	[ "$out" = "$v" ]
	check $? "modinfo $ko: version $v ($out)"
else
	n=$((n + 1)); echo "ok $n - modinfo of the built module # SKIP no build/kmod/*/hlkvm.ko (make module) or no modinfo"
fi
out=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
[ "$out" = "$v" ] && grep -q -- "-m hlkvm -v $v " dkms.conf
check $? "dkms.conf's PACKAGE_VERSION and its comment are $v ($out)"
bad=$(grep -L "^\.TH .*\"hlkvm $v\"" man/*.[138])
[ -z "$bad" ]
check $? "every man page's header says hlkvm $v${bad:+ (not: $bad)}"
grep -q "dkms build -m hlkvm -v $v " README.md
check $? "README's dkms line names $v"
out=$(sed -n '1s/^hlkvm (\([^)]*\)).*/\1/p' debian/changelog)
[ "$out" = "$v" ]
check $? "debian/changelog's version is $v ($out)"
echo "1..$n"
