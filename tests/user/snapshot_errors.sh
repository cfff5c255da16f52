#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# hlkvm-run --restore of malformed snapshots: each kind of damage has its
# own message and exit status (11 unreadable, 12 truncated, 13 not a
# snapshot, 14 version, 15 checksum, 16 memory size, 17 malformed), and
# no guest runs. The file is taken on this machine's /dev/kvm, then
# damaged; every section boundary and the middle of every section are
# tried as truncation points. (The same checks, without KVM, are the
# cmocka suite test_snapshot_file.)
set -u
. "$(dirname "$0")/lib/common.sh"

need_kvm "malformed snapshots" "the snapshot is taken on it"
if ! command -v python3 >/dev/null; then
	echo "ok 1 - malformed snapshots # SKIP python3 (scripts/deps user) is needed to damage the file"
	exit 0
fi

# expect STATUS PATTERN DESCRIPTION FILE [ARGS]
expect() {
	local want=$1 pat=$2 what=$3 f=$4 rc
	shift 4
	"$RUN" --accel=user --timeout 30 "$@" --restore "$f" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	n=$((n + 1))
	if [ "$rc" -eq "$want" ] && grep -qE -- "$pat" "$TMP/err" && ! [ -s "$TMP/out" ]; then
		echo "ok $n - $what (status $rc)"
	else
		echo "not ok $n - $what: status $rc (want $want), stdout $(wc -c <"$TMP/out") bytes, stderr:"
		sed 's/^/#   /' "$TMP/err"
	fi
}

good=$TMP/good.snap
if ! "$RUN" --accel=user --mem 4M --timeout 60 --snapshot "$good" \
	"$G/snap.elf" >/dev/null 2>"$TMP/take.err"; then
	echo "not ok 1 - taking the snapshot to damage"
	sed 's/^/#   /' "$TMP/take.err"
	exit 0
fi

# damage OUT PYTHON: OUT is the good file as changed by PYTHON (bytearray b)
damage() {
	python3 - "$good" "$1" "$2" <<'PY'
import struct, sys, zlib
src, out, code = sys.argv[1:4]
b = bytearray(open(src, 'rb').read())
def sections():
    off, n = 48, struct.unpack_from('<I', b, 32)[0]
    for i in range(n + 1):
        t, _, l = struct.unpack_from('<IIQ', b, off)
        yield i, t, off, l
        off += 16 + l + ((8 - l % 8) % 8 if i < n else 0)
def recrc():
    struct.pack_into('<I', b, len(b) - 4, zlib.crc32(bytes(b[:-4])))
exec(code)
open(out, 'wb').write(b)
PY
}

names=(x mem regs sregs xsave fpu xcrs msrs lapic events hlkvm pic-master pic-slave ioapic tsc-khz)
expect 11 'No such file' "a missing file" "$TMP/none.snap"
damage "$TMP/magic.snap" 'b[0:8] = b"\x7fELF\x02\x01\x01\x00"'
expect 13 'not an hlkvm snapshot: bad magic' "a foreign file (an ELF)" "$TMP/magic.snap"
damage "$TMP/v2.snap" 'struct.pack_into("<I", b, 8, 2)'
expect 14 'unsupported snapshot version 2' "a future version" "$TMP/v2.snap"
damage "$TMP/crc.snap" 'b[5000] ^= 1'
expect 15 'checksum mismatch' "one flipped bit in memory" "$TMP/crc.snap"
damage "$TMP/mem.snap" 'struct.pack_into("<Q", b, 16, 8 << 20); recrc()'
expect 16 'memory size mismatch: the header says' "a header whose memory size is not the mem section's" "$TMP/mem.snap"
expect 16 'memory size mismatch: the snapshot has 4 MiB of RAM, --mem asks for 8 MiB' "--mem that disagrees" "$good" --mem 8M
damage "$TMP/dup.snap" 'struct.pack_into("<I", b, [o for i, t, o, l in sections() if t == 3][0], 2); recrc()'
expect 17 'the regs section appears twice' "a section twice (checksum right)" "$TMP/dup.snap"
damage "$TMP/hl.snap" 'o = [o for i, t, o, l in sections() if t == 10][0]; struct.pack_into("<I", b, o + 16 + 20, 50); recrc()'
expect 17 'hlkvm section is refused by the fallback: state: period_us' "an hlkvm state with a period outside the clamp" "$TMP/hl.snap"

# Truncated at and inside each section
python3 - "$good" >"$TMP/sections" <<'PY'
import struct, sys
b = open(sys.argv[1], 'rb').read()
off, n = 48, struct.unpack_from('<I', b, 32)[0]
for i in range(n + 1):
    t, _, l = struct.unpack_from('<IIQ', b, off)
    print(t, off, l)
    off += 16 + l + ((8 - l % 8) % 8 if i < n else 0)
PY
head -c 20 "$good" >"$TMP/t.snap"
expect 12 'truncated: the file ends inside the header' "truncated inside the header" "$TMP/t.snap"
prev=header
while read -r t off len; do
	name=${names[$t]:-checksum}
	head -c "$off" "$good" >"$TMP/t.snap"
	expect 12 "ends after the $prev section" "truncated before the $name section" "$TMP/t.snap"
	head -c $((off + 16 + len / 2)) "$good" >"$TMP/t.snap"
	expect 12 "ends inside the $name section" "truncated inside the $name section" "$TMP/t.snap"
	prev=$name
done <"$TMP/sections"

# A refused snapshot is a setup failure to a script: {"error": ...}
head -c 20 "$good" >"$TMP/t.snap"
"$RUN" --accel=user --json --summary - --restore "$TMP/t.snap" >"$TMP/out" 2>"$TMP/err"
rc=$?
n=$((n + 1))
if [ "$rc" -eq 12 ] && grep -q '^{"error":".*truncated: the file ends inside the header' "$TMP/out"; then
	echo "ok $n - --json --summary -: a refused snapshot is a JSON error object on stdout (status $rc)"
else
	echo "not ok $n - --json --summary -: status $rc (want 12), stdout: $(head -c 300 "$TMP/out")"
fi
