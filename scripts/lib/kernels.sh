# shellcheck shell=bash
# Resolve the exact Debian kernel ABI name for a short series ("6.1", "6.12",
# "7.3") or "newest". Debian moves the ABI number with every point release,
# so it is never written down: the newest ABI the archive can serve *whole*
# is asked for. Headers and image must match exactly, and the archive does
# not publish them at once (a point release's headers and -unsigned image
# can land days before the signed image), so an ABI counts only when its
# headers and one of its images have an installable candidate. A package
# name that apt merely knows of (`apt-cache show` succeeds for it) is not
# enough.
#
# 6.1 and 6.12 are bookworm's and come from this machine's apt, as are
# their PREEMPT_RT flavours ("rt" or "6.1-rt", and "6.12-rt"). Any other
# series, and "newest" (the newest kernel with headers in trixie-backports),
# are Debian 13's (+deb13 in the ABI name): they are asked of the apt inside
# the trixie build root (scripts/lib/buildroot.sh), made on first use.

# shellcheck source=scripts/lib/buildroot.sh
. "$(dirname "${BASH_SOURCE[0]}")/buildroot.sh"

# hlkvm_kver_in_root KVER: true when KVER is a Debian 13 kernel, whose
# packages come from the trixie build root's apt and whose modules are
# built there (unless this machine has its headers itself).
hlkvm_kver_in_root() { [[ $1 == *+deb13-* ]]; }

# apt-cache here, or inside the build root when HLKVM_APT_IN_ROOT is set
# (callers set it local, for the functions they call).
_hlkvm_apt_cache() {
	if [ -n "${HLKVM_APT_IN_ROOT:-}" ]; then
		chroot "$(hlkvm_buildroot_dir)" apt-cache "$@"
	else
		apt-cache "$@"
	fi
}

# _hlkvm_apt_table PKG...: "PKG CANDIDATE" for each PKG apt has a record
# of, CANDIDATE "(none)" when it cannot be installed. Names apt has no
# record of are left out first: apt-cache policy takes such a name for a
# regular expression, which is slow and answers with other packages'
# records (`policy linux-image-6.1.0-5` lists linux-image-6.1.0-54-rt-
# amd64-dbg). Read whole into a variable first: a `| grep -q` under
# pipefail would fail by SIGPIPE once grep stops reading.
_hlkvm_apt_table() {
	local out known all=${_hlkvm_names:-}
	[ $# -gt 0 ] || return 0
	# (a caller that has asked pkgnames already passes it in _hlkvm_names:
	# every apt-cache run costs 0.45 s here, this machine keeping no
	# pkgcache.bin)
	[ -n "$all" ] || all=$(_hlkvm_apt_cache pkgnames linux- 2>/dev/null) || true
	known=$(grep -xF -f <(printf '%s\n' "$@") <<<"$all") || true
	[ -n "$known" ] || return 0
	# shellcheck disable=SC2086 # package names, one word each
	out=$(_hlkvm_apt_cache policy $known 2>/dev/null) || true
	awk '/^[^ ].*:$/ { pkg = substr($0, 1, length($0) - 1) }
	     /^  Candidate: / { print pkg, $2 }' <<<"$out"
}

# hlkvm_apt_candidates PKG...: print "PKG VERSION" for each PKG that apt
# can install.
hlkvm_apt_candidates() {
	_hlkvm_apt_table "$@" | awk '$2 != "(none)"'
}

# The packages that hold KVER's bootable kernel and its modules, in TABLE
# (_hlkvm_apt_table's output). Up to 6.x Debian ships one package,
# linux-image-KVER (signed) or linux-image-KVER-unsigned. From 7.x
# linux-image-KVER is an empty meta package over linux-binary-KVER (vmlinuz,
# signed; or linux-binary-unsigned-KVER) and linux-modules-KVER: where apt
# knows any of those names, both halves need a candidate (2026-12: the 7.1.13
# meta package had one, its modules none).
_hlkvm_image_from() {
	local k=$1 tab=$2
	has() { awk -v p="$1" '$1 == p && $2 != "(none)" { f = 1 } END { exit !f }' <<<"$tab"; }
	knows() { awk -v p="$1" '$1 == p { f = 1 } END { exit !f }' <<<"$tab"; }
	if knows "linux-modules-$k" || knows "linux-binary-$k" || knows "linux-binary-unsigned-$k"; then
		has "linux-modules-$k" || return 1
		for p in "linux-binary-$k" "linux-binary-unsigned-$k"; do
			if has "$p"; then echo "$p linux-modules-$k"; return 0; fi
		done
		return 1
	fi
	for p in "linux-image-$k" "linux-image-$k-unsigned"; do
		if has "$p"; then echo "$p"; return 0; fi
	done
	return 1
}
_hlkvm_kernel_pkgs() {
	echo "linux-headers-$1 linux-image-$1 linux-image-$1-unsigned linux-binary-$1 linux-binary-unsigned-$1 linux-modules-$1"
}

# hlkvm_image_pkgs KVER: the packages to fetch for KVER's kernel and
# modules (one line, signed first: that is what a Debian host runs).
hlkvm_image_pkgs() {
	local kver=$1 HLKVM_APT_IN_ROOT=''
	if hlkvm_kver_in_root "$kver"; then
		HLKVM_APT_IN_ROOT=1
		hlkvm_buildroot_ensure || return 1
	fi
	# shellcheck disable=SC2046
	_hlkvm_image_from "$kver" "$(_hlkvm_apt_table $(_hlkvm_kernel_pkgs "$kver"))" && return 0
	echo "hlkvm_image_pkgs: no installable kernel image for $kver (linux-image-${kver}[-unsigned], or linux-binary[-unsigned]-$kver with linux-modules-$kver)" >&2
	return 1
}

hlkvm_kver() {
	local series=$1 pattern names tab k src=/usr/src HLKVM_APT_IN_ROOT='' bpo='' _hlkvm_names
	case "$series" in
	6.1) pattern='6\.1\.0-[0-9]+-amd64' ;;
	6.12) pattern='6\.12\.[0-9]+\+deb12-amd64' ;;
	# PREEMPT_RT: bookworm's -rt flavour of 6.1 ("rt") or of 6.12
	rt | 6.1-rt) pattern='6\.1\.0-[0-9]+-rt-amd64' ;;
	6.12-rt) pattern='6\.12\.[0-9]+\+deb12-rt-amd64' ;;
	newest) pattern='[0-9]+\.[0-9]+\.[0-9]+\+deb13-amd64' HLKVM_APT_IN_ROOT=1 bpo=1 ;;
	[0-9]*.[0-9]*)
		if ! [[ $series =~ ^[0-9]+\.[0-9]+$ ]]; then
			echo "hlkvm_kver: '$series' is not a kernel series (want 6.1, 6.12, rt, 6.12-rt, e.g. 7.3, or newest)" >&2
			return 2
		fi
		pattern="${series//./\\.}\\.[0-9]+\\+deb13-amd64" HLKVM_APT_IN_ROOT=1
		;;
	*)
		echo "hlkvm_kver: unknown kernel series '$series' (want 6.1, 6.12, rt (6.1's PREEMPT_RT flavour), 6.12-rt, a series such as 7.3, or newest)" >&2
		return 2
		;;
	esac
	if [ -n "$HLKVM_APT_IN_ROOT" ]; then
		hlkvm_buildroot_ensure || return 1
		src=$(hlkvm_buildroot_dir)/usr/src
	fi
	_hlkvm_names=$(_hlkvm_apt_cache pkgnames linux- 2>/dev/null) || true
	names=$(grep -E "^linux-headers-$pattern\$" <<<"$_hlkvm_names" | sed 's/^linux-headers-//' | sort -rV) || true
	if [ -n "$names" ]; then
		# one apt-cache call for every candidate ABI's headers and images
		# shellcheck disable=SC2046
		tab=$(_hlkvm_apt_table $(for k in $names; do _hlkvm_kernel_pkgs "$k"; done))
		for k in $names; do
			# "newest": headers from trixie-backports (~bpo13 versions)
			awk -v p="linux-headers-$k" -v bpo="$bpo" '$1 == p && $2 != "(none)" &&
				(bpo == "" || $2 ~ /~bpo/) { f = 1 } END { exit !f }' <<<"$tab" || continue
			_hlkvm_image_from "$k" "$tab" >/dev/null || continue
			echo "$k"
			return 0
		done
	fi
	# apt lists not available: fall back to what is installed
	k=$(find "$src" -maxdepth 1 -name 'linux-headers-*' -printf '%f\n' 2>/dev/null |
		sed 's/^linux-headers-//' | grep -E "^$pattern\$" | sort -V | tail -n 1) || true
	if [ -n "$k" ]; then echo "$k"; return 0; fi
	if [ -n "$HLKVM_APT_IN_ROOT" ]; then
		echo "hlkvm_kver: no $series kernel with installable headers and image in trixie or trixie-backports (the build root's apt, $(hlkvm_buildroot_dir))" >&2
	else
		echo "hlkvm_kver: cannot resolve a $series kernel with installable headers and image (run apt-get update)" >&2
	fi
	return 1
}
