# shellcheck shell=bash
# Resolve the exact Debian kernel ABI name for a short series ("6.1", "6.12").
# Debian moves the ABI number with every point release, so it is never written
# down: the newest ABI the archive can serve *whole* is asked for. Headers and
# image must match exactly, and the archive does not publish them at once (a
# point release's headers and -unsigned image can land days before the signed
# image), so an ABI counts only when its headers and one of its images have an
# installable candidate. A package name that apt merely knows of (`apt-cache
# show` succeeds for it) is not enough.

# hlkvm_apt_candidates PKG...: print "PKG VERSION" for each PKG that apt can
# install. Read whole into a variable first: a `| grep -q` under pipefail
# would fail by SIGPIPE once grep stops reading.
hlkvm_apt_candidates() {
	local out
	out=$(apt-cache policy "$@" 2>/dev/null) || true
	awk '/^[^ ].*:$/ { pkg = substr($0, 1, length($0) - 1) }
	     /^  Candidate: / && $2 != "(none)" { print pkg, $2 }' <<<"$out"
}

# hlkvm_image_pkg KVER: the image package to fetch for KVER, signed first
# (that is what a Debian host runs), else the same kernel unsigned.
hlkvm_image_pkg() {
	local kver=$1 have
	have=$(hlkvm_apt_candidates "linux-image-$kver" "linux-image-$kver-unsigned")
	for p in "linux-image-$kver" "linux-image-$kver-unsigned"; do
		if grep -qF "$p " <<<"$have"; then echo "$p"; return 0; fi
	done
	echo "hlkvm_image_pkg: no installable linux-image-$kver(-unsigned)" >&2
	return 1
}

hlkvm_kver() {
	local series=$1 cached pattern names have k
	case "$series" in
	6.1) pattern='6\.1\.0-[0-9]+-amd64' ;;
	6.12) pattern='6\.12\.[0-9]+\+deb12-amd64' ;;
	*)
		echo "hlkvm_kver: unknown kernel series '$series' (want 6.1 or 6.12)" >&2
		return 2
		;;
	esac
	names=$(apt-cache pkgnames "linux-headers-$series." 2>/dev/null |
		grep -E "^linux-headers-$pattern\$" | sed 's/^linux-headers-//' | sort -rV) || true
	if [ -n "$names" ]; then
		# one apt-cache call for every candidate ABI's headers and images
		# shellcheck disable=SC2046
		have=$(hlkvm_apt_candidates $(for k in $names; do
			echo "linux-headers-$k linux-image-$k linux-image-$k-unsigned"; done))
		for k in $names; do
			# fixed strings: an ABI name holds '.' and '+'
			grep -qF "linux-headers-$k " <<<"$have" || continue
			grep -qF -e "linux-image-$k " -e "linux-image-$k-unsigned " <<<"$have" || continue
			echo "$k"
			return 0
		done
	fi
	# apt lists not available: fall back to what is installed
	cached=$(ls -d /usr/src/linux-headers-"$series"[.-]*-amd64 2>/dev/null | sort -V | tail -n 1)
	if [ -n "$cached" ]; then basename "$cached" | sed 's/^linux-headers-//'; return 0; fi
	echo "hlkvm_kver: cannot resolve a $series kernel with installable headers and image (run apt-get update)" >&2
	return 1
}
