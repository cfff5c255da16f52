# shellcheck shell=bash
# Resolve the exact Debian kernel ABI name for a short series ("6.1", "6.12").
# Debian moves the ABI number with every point release, so it is never written
# down: the newest one the archive offers is asked for (headers and image must
# match exactly, so both come from this one answer).

hlkvm_kver() {
	local series=$1 cached
	cached=$(ls -d /usr/src/linux-headers-"$series"[.-]*-amd64 2>/dev/null | sort -V | tail -n 1)
	case "$series" in
	6.1)
		# linux-headers-amd64 tracks bookworm's 6.1
		local dep
		dep=$(apt-cache depends linux-headers-amd64 2>/dev/null |
			sed -n 's/.*Depends: linux-headers-\(6\.1\.0-[0-9]*-amd64\)$/\1/p' | head -n 1)
		if [ -n "$dep" ]; then echo "$dep"; return 0; fi
		;;
	6.12)
		local best
		best=$(apt-cache pkgnames linux-headers-6.12. 2>/dev/null |
			grep -E '^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' |
			sed 's/^linux-headers-//' | sort -V | tail -n 1)
		if [ -n "$best" ]; then echo "$best"; return 0; fi
		;;
	*)
		echo "hlkvm_kver: unknown kernel series '$series' (want 6.1 or 6.12)" >&2
		return 2
		;;
	esac
	# apt lists not available: fall back to what is installed
	if [ -n "$cached" ]; then basename "$cached" | sed 's/^linux-headers-//'; return 0; fi
	echo "hlkvm_kver: cannot resolve a $series kernel (run apt-get update)" >&2
	return 1
}
