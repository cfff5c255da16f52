# SPDX-License-Identifier: GPL-2.0
# What the shell suites under tests/user share, sourced as their first
# step: they run from the repository root, drive the binaries of the build
# tree, keep their scratch files in $TMP (removed on exit) and number their
# TAP lines with $n. A suite that needs this machine's /dev/kvm calls
# need_kvm first, so that a machine without one gets a skip saying so.
cd "$(dirname "$0")/../.." || exit 1
RUN=build/bin/hlkvm-run
G=build/guests
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
n=0

# need_kvm WHAT [WHY]: end the suite with one skip line unless /dev/kvm is usable
need_kvm() {
	if [ ! -c /dev/kvm ] || [ ! -r /dev/kvm ]; then
		echo "ok 1 - $1 # SKIP no usable /dev/kvm on this machine${2:+ ($2)}"
		exit 0
	fi
}
