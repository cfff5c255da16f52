# shellcheck shell=bash
# A Debian 12 root (.cache/bookworm-root) to install the packages into, as
# a bookworm host would: dkms, a compiler, pkg-config and libnl's -dev
# package preinstalled, the test host's kernel headers added on first use.
# It is the trixie build root's recipe (scripts/lib/buildroot.sh: made
# once with mmdebstrap in a private mount namespace, renamed when whole,
# lists refreshed after six hours, every command run in a chroot with
# /proc mounted) with bookworm's sources and its own apt state: this
# machine's apt is never touched.
#
#   hlkvm_debroot FUNC ARGS...   FUNC of scripts/lib/buildroot.sh (ensure,
#                                headers, pkg, run) on the bookworm root
#   hlkvm_debroot_dir            where it is (HLKVM_DEBROOT)
#
# Cold (2 shared cores, load ~18): mmdebstrap 271 s; headers for 6.1 and
# 6.12 ~10 min more (6.12's depend on its image, whose postinst makes an
# initramfs); ~14 min in all, ~1 GB. Then ~20 s to find it ready.

# shellcheck source=scripts/lib/buildroot.sh
. "$(dirname "${BASH_SOURCE[0]}")/buildroot.sh"

hlkvm_debroot_dir() { echo "${HLKVM_DEBROOT:-$_hlkvm_buildroot_repo/.cache/bookworm-root}"; }

# In a subshell: the trixie root's settings stay as they were for the
# caller (and for the test host, whose QEMU lives there).
hlkvm_debroot() {
	(
		HLKVM_BUILDROOT=$(hlkvm_debroot_dir)
		HLKVM_BUILDROOT_SUITE=bookworm
		# Debian 12's kernels move through the security suite (the test
		# host's 6.1 ABI is often only there), as on a bookworm host
		# shellcheck disable=SC2034 # read by buildroot.sh
		HLKVM_BUILDROOT_SOURCES=("deb $HLKVM_BUILDROOT_MIRROR bookworm main"
			"deb $HLKVM_BUILDROOT_MIRROR bookworm-updates main"
			"deb ${HLKVM_BUILDROOT_MIRROR%/debian}/debian-security bookworm-security main")
		# shellcheck disable=SC2034 # read by buildroot.sh
		HLKVM_BUILDROOT_PKGS=(dkms gcc make libc6-dev pkg-config libnl-genl-3-dev kmod ca-certificates)
		"$@"
	)
}
