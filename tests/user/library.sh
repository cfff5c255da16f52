#!/usr/bin/env bash
# libhlkvm as a third party gets it: "make install-user" into a staging
# root (Debian's layout: PREFIX=/usr, a multiarch LIBDIR), then a program
# outside the tree built only with "pkg-config --cflags --libs hlkvm"
# that uses the DR6 classifier and the netlink client; the headers under
# include/hlkvm/ and none in include/linux/, each compiling on its own;
# the shared object exporting
# only the API headers' functions; the static one without the tools'
# helpers; the builder's CFLAGS/CPPFLAGS/LDFLAGS used and no -Werror
# forced; and uninstall-user taking everything away again.
set -u
cd "$(dirname "$0")/../.."
n=0
check() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
multiarch=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
libdir=/usr/lib/$multiarch

make -s install-user DESTDIR="$root" PREFIX=/usr LIBDIR="$libdir" >"$tmp/install.log" 2>&1
check $? "make install-user DESTDIR=... PREFIX=/usr LIBDIR=$libdir$(tail -n 3 "$tmp/install.log" | tr '\n' ' ')"

api_hdrs="hlkvm.h dr6.h lapic.h elf_load.h fallback.h linux/hlkvm.h"
missing=
for h in $api_hdrs; do
	[ -f "$root/usr/include/hlkvm/$h" ] || missing="$missing $h"
done
[ -z "$missing" ] && [ ! -e "$root/usr/include/linux" ] && [ ! -e "$root/usr/include/hlkvm.h" ]
check $? "headers under include/hlkvm/ only, none in include/linux/${missing:+ (missing:$missing)}"
# The API headers and nothing else: struct hlkvm_fallback is opaque, so
# the module's port and tick headers (its private definition's) stay out
installed=$(cd "$root/usr/include/hlkvm" 2>/dev/null && find . -type f | sed 's|^\./||' | sort | tr '\n' ' ')
[ "$installed" = "$(tr ' ' '\n' <<<"$api_hdrs" | sort | tr '\n' ' ')" ]
check $? "include/hlkvm/ holds the API headers only ($installed)"

# The staged .pc, its prefix moved to the staging root (libnl's own .pc
# stays the system's)
export PKG_CONFIG_PATH=$root$libdir/pkgconfig
flags=$(pkg-config --define-variable=prefix="$root/usr" --cflags --libs hlkvm 2>&1)
check $? "pkg-config --cflags --libs hlkvm ($flags)"

# Each installed header compiles on its own, strict C11 and C++, with
# only pkg-config's flags: none leans on one that is not installed
cflags=$(pkg-config --define-variable=prefix="$root/usr" --cflags hlkvm 2>/dev/null)
alone=
for h in $installed; do
	printf '#include <%s>\nint main(void) { return 0; }\n' "$h" >"$tmp/alone.c"
	# shellcheck disable=SC2086 # pkg-config's words
	{ cc -std=c11 -Wall -Wextra -Werror -fsyntax-only $cflags "$tmp/alone.c" &&
		c++ -Wall -Wextra -Werror -fsyntax-only -x c++ $cflags "$tmp/alone.c"; } \
		>>"$tmp/alone.log" 2>&1 || alone="$alone $h"
done
[ -n "$installed" ] && [ -z "$alone" ]
check $? "every installed header compiles on its own (C11, C++)${alone:+ (not:$alone; $(grep -m 2 error "$tmp/alone.log" | tr '\n' ' '))}"

mkdir -p "$tmp/thirdparty"
cat >"$tmp/thirdparty/app.c" <<'C'
/* A program that knows libhlkvm only through its installed headers */
#include <errno.h>
#include <stdio.h>
#include <hlkvm.h>
#include <dr6.h>

int main(void)
{
	struct hlkvm_hw_bps hw;
	struct hlkvm_stop stop;
	struct hlkvm_vm_info info;
	struct hlkvm_client *c;
	char diag[HLKVM_STOP_DIAG_LEN];
	enum hlkvm_stop_reason r;
	int ret;

	hlkvm_hwbp_init(&hw);
	/* a single-step #DB: DR6.BS */
	r = hlkvm_dr6_classify(HLKVM_DB_VECTOR, 0xffff4ff0, 0x1000, 0x2000,
			       &hw, &stop, diag, sizeof(diag));
	printf("version %s\n", hlkvm_version());
	/* A sized struct as a caller sets it up, and its field test */
	hlkvm_vm_info_init(&info);
	printf("vm_info %s\n", info.size == sizeof(info) &&
	       HLKVM_SIZED_HAS(&info, stats) ? "sized" : "wrong");
	printf("dr6 %s\n", hlkvm_stop_reason_str(r));
	ret = hlkvm_open(&c);
	if (!ret)
		hlkvm_close(c);
	printf("netlink %s\n", ret == 0 ? "open" : ret == -ENOENT ?
	       "no hlkvm family" : "error");
	return r == HLKVM_STOP_DONE_STEP && (ret == 0 || ret == -ENOENT) ? 0 : 1;
}
C
# shellcheck disable=SC2086 # pkg-config's words
(cd "$tmp/thirdparty" && cc -std=c11 -Wall -Wextra -Werror app.c $flags -o app) >"$tmp/cc.log" 2>&1
check $? "a third-party program builds with pkg-config alone$(head -n 5 "$tmp/cc.log" | tr '\n' ' ')"
out=$(LD_LIBRARY_PATH=$root$libdir "$tmp/thirdparty/app" 2>&1)
rc=$?
[ $rc -eq 0 ] && grep -q "^version $(cat VERSION)$" <<<"$out" && grep -q "^dr6 " <<<"$out" &&
	grep -q "^vm_info sized$" <<<"$out"
check $? "it runs against the installed libhlkvm.so.1: DR6 classified, a sized struct set up, netlink client opened or told no module ($(tr '\n' ';' <<<"$out"))"
LD_LIBRARY_PATH=$root$libdir ldd "$tmp/thirdparty/app" | grep -q "libhlkvm.so.1 => $root$libdir/libhlkvm.so.1"
check $? "the program loads libhlkvm.so.1 from the install (soname)"

# One definition per struct name in everything the library and the tools
# compile (the userspace sources, and the module's pure files and headers
# that libhlkvm shares); a header installed next to another must never
# name a different layout the same
# shellcheck disable=SC2046 # a list of file names
dups=$(grep -Ho '^struct [a-z_0-9]* {' user/lib/*.[ch] user/hlkvm-run/*.[ch] user/hlkvmctl/*.[ch] \
	$(make -s print-lib-files | tr ' ' '\n' | grep '^kmod/' | sed 's/\.c$/.[ch]/') 2>/dev/null |
	sed 's/:struct / /; s/ {$//' | sort -u |
	awk '{ n[$2]++; f[$2] = f[$2] " " $1 } END { for (s in n) if (n[s] > 1) printf "%s:%s; ", s, f[s] }')
[ -z "$dups" ]
check $? "one definition per struct name in the library and the tools${dups:+ (twice: $dups)}"

so=$root$libdir/libhlkvm.so.1
exported=$(nm -D --defined-only "$so" | awk '$2 == "T" || $2 == "D" || $2 == "B" || $2 == "R" { print $3 }' | sed 's/@.*//' | sort -u)
stray=$(grep -v '^hlkvm_' <<<"$exported" | tr '\n' ' ')
undeclared=
for s in $exported; do
	grep -qw "$s" "$root"/usr/include/hlkvm/{hlkvm,dr6,lapic,elf_load,fallback}.h || undeclared="$undeclared $s"
done
[ -z "$stray" ] && [ -z "$undeclared" ] && [ "$(wc -w <<<"$exported")" -gt 20 ]
check $? "the .so exports only functions its API headers declare ($(wc -w <<<"$exported") symbols${stray:+; stray: $stray}${undeclared:+; undeclared:$undeclared})"
objdump -T "$so" | grep -q ' HLKVM_1 *hlkvm_open$'
check $? "exports carry the version node HLKVM_1"
leak=$(nm "$root$libdir/libhlkvm.a" 2>/dev/null | awk '$2 == "T" { print $3 }' | grep -E '^(ctl_|json_)' | head -n 3 | tr '\n' ' ')
[ -z "$leak" ]
check $? "libhlkvm.a has none of the tools' ctl_*/json_* helpers${leak:+ ($leak)}"

# The builder's flags reach every compile and link; -Werror only on request
cmds=$(make -n -B build/obj/pic/user/lib/nl.o build/lib/libhlkvm.so.1.0.0 build/bin/hlkvmctl \
	CPPFLAGS=-D_FORTIFY_SOURCE=2 CFLAGS='-O1 -fstack-protector-strong' LDFLAGS=-Wl,-z,relro 2>&1)
grep -q -- '-D_FORTIFY_SOURCE=2.*-O1 -fstack-protector-strong' <<<"$cmds" &&
	[ "$(grep -c -- '-Wl,-z,relro' <<<"$cmds")" -ge 2 ] && ! grep -q -- '-Werror' <<<"$cmds" &&
	make -n -B build/obj/pic/user/lib/nl.o WERROR=1 | grep -q -- '-Werror'
check $? "CPPFLAGS, CFLAGS and LDFLAGS are used; -Werror only with WERROR=1"

make -s uninstall-user DESTDIR="$root" PREFIX=/usr LIBDIR="$libdir" >/dev/null 2>&1
left=$(find "$root" ! -type d | head -n 5 | tr '\n' ' ')
[ -z "$left" ]
check $? "make uninstall-user removes every file install-user put${left:+ (left: $left)}"
echo "1..$n"
