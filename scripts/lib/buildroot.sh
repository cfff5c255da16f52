# shellcheck shell=bash
# The trixie build root: a Debian 13 system under .cache/trixie-root, made
# once with mmdebstrap from Debian's archive, with apt sources for trixie
# and trixie-backports. Debian's 7.x kernels come from trixie-backports, and
# their kbuild tools need trixie's glibc (>= 2.38) and gcc-14: modules for
# them are built, their headers installed and their images fetched inside
# this root, never through the host's own apt (adding trixie to a bookworm
# host's sources would upgrade it).
#
#   hlkvm_buildroot_dir              where the root is (HLKVM_BUILDROOT)
#   hlkvm_buildroot_ensure           make it (once) and keep its lists fresh
#   hlkvm_buildroot_headers KVER     linux-headers-KVER installed inside
#   hlkvm_buildroot_pkg PKG [SUITE]  PKG installed inside (from SUITE, e.g.
#                                    trixie-backports, when given)
#   hlkvm_buildroot_qemu             the test host's emulator installed
#                                    inside; sets HLKVM_QEMU to the argv that
#                                    runs it on this machine
#   hlkvm_buildroot_run [--bind DIR]... [--] CMD...
#                                    CMD inside, /proc mounted, each DIR
#                                    bound at its own path
#
# Every mount lives in a mount namespace of its own (unshare -m), so it
# disappears with the last process in it, even one killed with SIGKILL: no
# mount is ever left on the host, and no cleanup trap is needed for it.

_hlkvm_buildroot_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

HLKVM_BUILDROOT_SUITE=trixie
HLKVM_BUILDROOT_MIRROR=${HLKVM_BUILDROOT_MIRROR:-http://deb.debian.org/debian}
# What a trixie host's dkms would use to build an out-of-tree module (the
# headers package adds linux-kbuild, gcc-14-for-host and pahole).
HLKVM_BUILDROOT_SOURCES=()
HLKVM_BUILDROOT_PKGS=(gcc-14 make libelf-dev bc flex bison libssl-dev xz-utils kmod ca-certificates dkms)

hlkvm_buildroot_dir() { echo "${HLKVM_BUILDROOT:-$_hlkvm_buildroot_repo/.cache/trixie-root}"; }

# True when the build root exists and is complete.
hlkvm_buildroot_ready() { [ -f "$(hlkvm_buildroot_dir)/.hlkvm-root" ]; }

_hlkvm_buildroot_say() { echo "buildroot: $*" >&2; }

# _hlkvm_buildroot_chroot DIR CMD...: CMD inside DIR with /proc mounted.
# apt's maintainer scripts and objtool read /proc; nothing else is needed.
_hlkvm_buildroot_chroot() {
	local dir=$1
	shift
	# shellcheck disable=SC2016 # expanded by the inner bash
	unshare -m --propagation private -- bash -c '
		set -e
		root=$1 n=$2
		shift 2
		mount -t proc proc "$root/proc"
		while [ "$n" -gt 0 ]; do
			mkdir -p "$root$1"
			mount --bind "$1" "$root$1"
			shift; n=$((n - 1))
		done
		exec chroot "$root" /usr/bin/env \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			DEBIAN_FRONTEND=noninteractive "$@"' _ "$dir" "${_hlkvm_binds_n:-0}" "${_hlkvm_binds[@]}" "$@"
}

hlkvm_buildroot_run() {
	local _hlkvm_binds=() _hlkvm_binds_n=0 dir b
	while [ $# -gt 0 ]; do
		case "$1" in
		--bind)
			b=$(cd "$2" && pwd -P) || { echo "hlkvm_buildroot_run: --bind $2: no such directory" >&2; return 2; }
			_hlkvm_binds+=("$b")
			_hlkvm_binds_n=$((_hlkvm_binds_n + 1))
			shift 2
			;;
		--) shift; break ;;
		*) break ;;
		esac
	done
	dir=$(hlkvm_buildroot_dir)
	hlkvm_buildroot_ready || { echo "hlkvm_buildroot_run: no build root in $dir (run scripts/buildroot)" >&2; return 1; }
	_hlkvm_buildroot_chroot "$dir" "$@"
}

# The root is made in DIR.new and renamed when complete: a run killed
# halfway leaves no root that looks usable. mmdebstrap runs in a mount
# namespace of its own, and removal never crosses into a mount, so a
# half-made root can never take /dev or /proc with it.
_hlkvm_buildroot_make() {
	local dir=$1 want=$2 t0 sources
	# (a root of another suite names its own: HLKVM_BUILDROOT_SOURCES)
	sources=("${HLKVM_BUILDROOT_SOURCES[@]}")
	[ ${#sources[@]} -gt 0 ] || sources=("deb $HLKVM_BUILDROOT_MIRROR $HLKVM_BUILDROOT_SUITE main"
		"deb $HLKVM_BUILDROOT_MIRROR $HLKVM_BUILDROOT_SUITE-backports main")
	if [ -f "$dir/.hlkvm-root" ]; then
		[ "$(cat "$dir/.hlkvm-root")" != "$want" ] || return 0
		# The package list grew since the root was made: add to it.
		_hlkvm_buildroot_say "installing ${HLKVM_BUILDROOT_PKGS[*]} in $dir"
		_hlkvm_buildroot_chroot "$dir" apt-get install -y -qq --no-install-recommends \
			"${HLKVM_BUILDROOT_PKGS[@]}" >"$dir.log" 2>&1 ||
			{ tail -n 20 "$dir.log" >&2; return 1; }
		echo "$want" >"$dir/.hlkvm-root"
		return 0
	fi
	if ! command -v mmdebstrap >/dev/null; then
		_hlkvm_buildroot_say "installing mmdebstrap on this machine"
		DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -qq \
			--no-install-recommends mmdebstrap >/dev/null ||
			{ echo "buildroot: cannot install mmdebstrap (apt-get update first?)" >&2; return 1; }
	fi
	rm -rf --one-file-system "$dir" "$dir.new"
	_hlkvm_buildroot_say "creating the $HLKVM_BUILDROOT_SUITE build root in $dir (once, 15-40 s)"
	t0=$SECONDS
	# The package lists stay (--skip=cleanup/apt/lists): the root's apt is
	# asked about kernels right away.
	if ! unshare -m --propagation private -- mmdebstrap --variant=apt --components=main \
		--include="$(IFS=,; echo "${HLKVM_BUILDROOT_PKGS[*]}")" \
		--skip=cleanup/apt/lists \
		"$HLKVM_BUILDROOT_SUITE" "$dir.new" "${sources[@]}" >"$dir.log" 2>&1; then
		tail -n 20 "$dir.log" >&2
		echo "buildroot: mmdebstrap failed (log: $dir.log)" >&2
		rm -rf --one-file-system "$dir.new"
		return 1
	fi
	echo "$want" >"$dir.new/.hlkvm-root"
	touch "$dir.new/.hlkvm-lists"
	mv "$dir.new" "$dir"
	_hlkvm_buildroot_say "created in $((SECONDS - t0)) s"
}

# Debian's archive moves (a point release replaces the kernel ABI that old
# lists name, and its files leave the archive): lists older than six hours
# are refreshed, as scripts/deps does for the host. apt keeps the server's
# dates on list files, so a stamp of our own says when they were asked for.
# Offline, the old lists stay in use.
_hlkvm_buildroot_fresh() {
	local dir=$1
	[ -z "$(find "$dir/.hlkvm-lists" -mmin -360 2>/dev/null)" ] || return 0
	if _hlkvm_buildroot_chroot "$dir" apt-get update -qq >"$dir.log" 2>&1; then
		touch "$dir/.hlkvm-lists"
	else
		_hlkvm_buildroot_say "apt-get update inside $dir failed; using the lists it has (log: $dir.log)"
	fi
}

# _hlkvm_buildroot_locked FUNC ARGS...: FUNC under the root's lock. Several
# engineers and CI share the cache: one of them makes the root or installs
# into it at a time. A subshell holds the lock, so it goes when FUNC ends.
_hlkvm_buildroot_locked() {
	local dir
	dir=$(hlkvm_buildroot_dir)
	mkdir -p "$(dirname "$dir")"
	(
		exec {lockfd}>"$dir.lock"
		flock "$lockfd"
		"$@"
	)
}

hlkvm_buildroot_ensure() {
	local dir want
	dir=$(hlkvm_buildroot_dir)
	want="$HLKVM_BUILDROOT_SUITE ${HLKVM_BUILDROOT_PKGS[*]}"
	# The quick path, without the lock: made with this package list, lists fresh.
	if [ -f "$dir/.hlkvm-root" ] && [ "$(cat "$dir/.hlkvm-root")" = "$want" ] &&
		[ -n "$(find "$dir/.hlkvm-lists" -mmin -360 2>/dev/null)" ]; then
		return 0
	fi
	_hlkvm_buildroot_locked _hlkvm_buildroot_make "$dir" "$want" &&
		_hlkvm_buildroot_locked _hlkvm_buildroot_fresh "$dir"
}

_hlkvm_buildroot_installed() {
	# shellcheck disable=SC2016 # a dpkg-query format
	[ "$(chroot "$1" dpkg-query -W -f='${Status}' "$2" 2>/dev/null)" = "install ok installed" ]
}

# _hlkvm_buildroot_install DIR PKG [SUITE]
_hlkvm_buildroot_install() {
	local dir=$1 pkg=$2 from=()
	[ -z "${3:-}" ] || from=(-t "$3")
	_hlkvm_buildroot_installed "$dir" "$pkg" && return 0
	_hlkvm_buildroot_say "installing $pkg${3:+ from $3} in $dir"
	if ! _hlkvm_buildroot_chroot "$dir" apt-get install -y -qq --no-install-recommends "${from[@]}" "$pkg" \
		>"$dir.log" 2>&1; then
		# The lists may name files the archive has since dropped.
		if ! _hlkvm_buildroot_chroot "$dir" apt-get update -qq >>"$dir.log" 2>&1 ||
			! _hlkvm_buildroot_chroot "$dir" apt-get install -y -qq --no-install-recommends "${from[@]}" "$pkg" \
				>>"$dir.log" 2>&1; then
			tail -n 20 "$dir.log" >&2
			echo "buildroot: installing $pkg failed (log: $dir.log)" >&2
			return 1
		fi
		touch "$dir/.hlkvm-lists"
	fi
}

# hlkvm_buildroot_headers KVER: /usr/src/linux-headers-KVER inside the root.
hlkvm_buildroot_headers() {
	local kver=$1 dir
	dir=$(hlkvm_buildroot_dir)
	hlkvm_buildroot_ensure || return 1
	_hlkvm_buildroot_installed "$dir" "linux-headers-$kver" && return 0
	_hlkvm_buildroot_locked _hlkvm_buildroot_install "$dir" "linux-headers-$kver"
}

# hlkvm_buildroot_pkg PKG [SUITE]: PKG installed inside the root, from
# SUITE's version when one is named. Tools only some callers need (sparse,
# the emulator) are installed on first use like the headers, not listed in
# HLKVM_BUILDROOT_PKGS: a change to that list would make every root made
# with the old one install again.
hlkvm_buildroot_pkg() {
	local dir
	dir=$(hlkvm_buildroot_dir)
	hlkvm_buildroot_ensure || return 1
	_hlkvm_buildroot_installed "$dir" "$1" && return 0
	_hlkvm_buildroot_locked _hlkvm_buildroot_install "$dir" "$1" "${2:-}"
}

# The test host's emulator: QEMU from trixie-backports (11.x in 2026-12),
# installed in the root and started on this machine through the root's own
# loader and libraries, never installed on the host. bookworm's QEMU 7.2
# needed single-threaded TCG under nested SVM, a CPU model without CX16
# and an interrupt kicker (README, Known limits); this one needs none.
# QEMU_MODULE_DIR: its accelerators are modules (accel-tcg-x86_64.so), and
# its built-in module path is the host's, where a 7.2 QEMU keeps its own.
# -L: its firmware and option ROMs, the root's SeaBIOS (bios-256k.bin)
# first, then its own (linuxboot_dma.bin): QEMU's built-in data path is
# the host's /usr/share/qemu, which holds a 7.2 QEMU's where it exists.
HLKVM_QEMU_PKG=qemu-system-x86
HLKVM_QEMU_SUITE=trixie-backports
hlkvm_buildroot_qemu() {
	local dir
	dir=$(hlkvm_buildroot_dir)
	hlkvm_buildroot_pkg "$HLKVM_QEMU_PKG" "$HLKVM_QEMU_SUITE" || return 1
	[ -x "$dir/usr/bin/qemu-system-x86_64" ] ||
		{ echo "buildroot: no $dir/usr/bin/qemu-system-x86_64 after installing $HLKVM_QEMU_PKG" >&2; return 1; }
	# shellcheck disable=SC2034 # for the caller
	HLKVM_QEMU=(env "QEMU_MODULE_DIR=$dir/usr/lib/x86_64-linux-gnu/qemu"
		"$dir/lib64/ld-linux-x86-64.so.2"
		--library-path "$dir/lib/x86_64-linux-gnu:$dir/usr/lib/x86_64-linux-gnu"
		"$dir/usr/bin/qemu-system-x86_64"
		-L "$dir/usr/share/seabios" -L "$dir/usr/share/qemu")
}
