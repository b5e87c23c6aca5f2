#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Raw windows (map, io) on QEMU's devices, through debugfs and the helpers
# only: exact-width register access on edu, the HPET and COM2, `data`
# against `regs`, a user mmap, the ownership of busy ranges, and the
# refusals of Documentation/misc-devices/memscope.rst's errno table, each
# of which must leave `regions` as it was.
#
# Device facts used (scripts/guest toolchain notes): edu is PCI 1234:11e8,
# reg 0x00 = 0x010000ed, 0x04 reads back the NOT of what was written, 0x08
# computes the factorial while bit 0 of 0x20 is set; the HPET main counter
# is at 0xfed00000 + 0xf0; COM2's scratch register is port 0x2ff and its
# transmit register 0x2f8 reaches the host's COM2 file; the legacy
# keyboard port is reserved busy by x86.
# shellcheck source=scripts/guest/lib.sh
. /lib/guest/lib.sh

M=/sys/kernel/debug/memscope
C=$M/control

# regval REGS OFFSET: the value `regs` shows for OFFSET (no 0x).
regval() {
	sed -n "s/^$(printf '%08x' $(($2))): //p" "$1"
}

# le32 HEX8: a 32-bit register value as its bytes in memory order.
le32() {
	echo "$1" | sed 's/^\(..\)\(..\)\(..\)\(..\)$/\4\3\2\1/'
}

hex() {
	printf '0x%x' $(($1))
}

# increases LO1 LO2 C1 C2: both reads found the counter and C2 > C1.
increases() {
	[ -n "$1" ] && [ -n "$2" ] && [ "$4" -gt "$3" ]
}

# refuse DESC ERRNO CMD [ARG...]: CMD fails with ERRNO (the documented
# errno) and `regions` is byte for byte what it was before.
refuse() {
	_rb=$(cat "$M/regions")
	_rd=$1
	_re=$2
	shift 2
	t_errno "$_rd: $_re" "$_re" "$@"
	t_eq "$_rd: regions unchanged" "$_rb" "$(cat "$M/regions")"
}

if ! grep -q '^memscope ' /proc/modules || [ ! -e "$C" ]; then
	t_skip "10-windows" "memscope is not loaded"
	return 0
fi
regions_at_start=$(cat "$M/regions")
edu=
edu_enabled_here=

# --- edu: BAR0 from sysfs, ID, liveness, factorial, regions, info, data,
# mmap and the refusals that need an mmio window.
w_edu() {
	edu=$(t_find_edu)
	t_check "edu (1234:11e8) found in /sys/bus/pci/devices" [ -n "$edu" ] ||
		return
	read -r start end _ <"$edu/resource"
	bar0=$(hex "$start")
	t_diag "edu ${edu##*/}, BAR0 $bar0-$(hex "$end")"
	if [ "$(cat "$edu/enable")" != 1 ]; then
		echo 1 >"$edu/enable" && edu_enabled_here=1
	fi
	t_eq "edu: sysfs enable is 1" 1 "$(cat "$edu/enable")"
	# PCI_COMMAND (config offset 4), bit 1: memory space decoding.
	cmd=$(od -An -tx1 -j4 -N1 "$edu/config" | tr -d ' \n')
	t_eq "edu: memory decoding is on (PCI_COMMAND bit 1)" 2 \
		"$((0x${cmd:-0} & 2))"

	# edu's BAR is a resource the kernel describes: rw needs force.
	refuse "map rw over a described range (a PCI BAR) without force" \
		EBUSY wr "$C" "map edu $bar0 0x100 rw"
	t_check "map edu $bar0 0x100 rw force" \
		ok_wr "$C" "map edu $bar0 0x100 rw force" || return
	R=$M/edu
	t_eq "edu/regs first line is the edu ID" "00000000: 010000ed" \
		"$(head -n 1 "$R/regs")"
	t_eq "edu/regs has one line per 32-bit register" 64 \
		"$(wc -l <"$R/regs" | tr -d ' ')"

	t_check "edu: write 0x12345678 to the liveness register" \
		ok_wr "$R/regs" "0x4 0x12345678"
	t_eq "edu: liveness register reads back the bitwise NOT" \
		"00000004: edcba987" "$(grep '^00000004: ' "$R/regs")"

	t_check "edu: write 5 to the factorial register" ok_wr "$R/regs" "0x8 5"
	_i=0
	while :; do
		st=$(regval "$R/regs" 0x20)
		[ -n "$st" ] && [ $((0x$st & 1)) = 0 ] && break
		[ $_i -lt 100 ] || break
		_i=$((_i + 1))
		sleep 0.1
	done
	t_eq "edu: status 0x20 computing bit clears (polled, 10 s bound)" 0 \
		"$((0x${st:-1} & 1))"
	t_eq "edu: factorial register reads 5! = 0x78" "00000008: 00000078" \
		"$(grep '^00000008: ' "$R/regs")"

	t_eq "regions lists edu as mmio with its size and address" \
		"edu mmio 0x100 $bar0 rw,forced" "$(grep '^edu ' "$M/regions")"
	info=$(cat "$R/info")
	t_match "edu/info: kind mmio" '^kind: mmio$' "$info"
	t_match "edu/info: phys is the window" \
		"^phys: $bar0-$(hex "$start + 0xff")\$" "$info"
	t_match "edu/info: virt is a real non-zero address (kptr_restrict=1)" \
		'^virt: (0x)?0*[1-9a-f][0-9a-f]*$' "$info"
	t_match "edu/info: width 4 (the map default)" '^width: 4$' "$info"
	t_match "edu/info: flags rw,forced" '^flags: rw,forced$' "$info"
	t_match "edu/info: size 0x100" '^size: 0x100$' "$info"

	# data is the registers' bytes in memory order: edu's registers are
	# little endian, so 010000ed reads as ed 00 00 01.
	want=
	for v in $(head -n 4 "$R/regs" | sed 's/^[0-9a-f]*: //'); do
		want=$want$(le32 "$v")
	done
	t_eq "edu/data: 16 bytes are the 4 regs values, little endian" \
		"$want" "$(rd -n 16 "$R/data")"
	t_eq "edu/data at 8 is the factorial result, one 4-byte unit" \
		78000000 "$(rd -o 8 -n 4 "$R/data")"

	# Refusals on the rw window.
	refuse "regs write at a misaligned offset (0x2, width 4)" EINVAL \
		wr "$R/regs" "0x2 0x1"
	refuse "regs write at the end of the window (0x100)" EINVAL \
		wr "$R/regs" "0x100 0x1"
	refuse "data pread at an unaligned offset of an io region" EINVAL \
		rd -o 2 -n 4 "$R/data"
	refuse "data pread of a length that is not a multiple of the width" \
		EINVAL rd -o 0 -n 3 "$R/data"
	_o=$(rd -o 0x100 -n 4 "$R/data")
	_rc=$?
	t_eq "data pread at the end returns 0 bytes (EOF), not an error" \
		"0 ''" "$_rc '$_o'"
	refuse "data pwrite starting at the end" ENOSPC \
		wr -o 0x100 -x "$R/data" 00000000
	# edu ignores writes to 0xfc: a harmless target for the cut.
	t_eq "data pwrite running over the end is cut short" "SHORT 4" \
		"$(wr -o 0xfc -x "$R/data" 0000000000000000)"
	# MAP_SHARED from an O_RDWR open, so that only the alignment is wrong.
	refuse "mmap of a window that is not page aligned (0x100 bytes)" \
		EINVAL mmap-peek "$R/data" 0 16 rw
	t_match "last_error: the window is not page aligned" 'page-aligned' \
		"$(cat "$M/last_error")"

	# A page-aligned read-only window over the same BAR. memscope's own
	# claim of the first 0x100 bytes (edu) makes that range busy.
	t_check "map edupg $bar0 0x1000 (read-only)" \
		ok_wr "$C" "map edupg $bar0 0x1000" || return
	P=$M/edupg
	t_eq "regions: edupg is read-only and busy (edu holds the range)" \
		"edupg mmio 0x1000 $bar0 ro,busy" "$(grep '^edupg ' "$M/regions")"
	d16=$(rd -n 16 "$P/data")
	t_match "edupg/data starts with the edu ID" '^ed000001[0-9a-f]{24}$' \
		"$d16"
	# A read-only open and PROT_READ, MAP_SHARED: the plain way to look.
	t_eq "mmap of edupg/data: 16 bytes equal one read of data" "$d16" \
		"$(mmap-peek "$P/data" 0 16 2>&1)" ||
		t_diag "last_error: $(cat "$M/last_error")"
	t_match "edupg/info: no mapping left after mmap-peek exited" \
		'^mappings: 0$' "$(cat "$P/info")"
	refuse "writable mmap of a read-only window" EPERM \
		mmap-peek "$P/data" 0 16 rw
	refuse "regs write to a window mapped without rw" EPERM \
		wr "$P/regs" "0x4 0x1"
	refuse "data pwrite to a window mapped without rw" EPERM \
		wr -o 4 -x "$P/data" 01000000

	exec 3<"$P/info"
	refuse "free while a file of the region is open" EBUSY \
		wr "$C" "free edupg"
	exec 3<&-

	go=/tmp/w10.go
	peek=/tmp/w10.peek
	rm -f "$go" "$peek"
	mkfifo "$go"
	mmap-peek "$P/data" 0 16 hold "$go" >"$peek" 2>&1 &
	pid=$!
	t_wait_for "$peek" '^(mapped|mmap: .*|open: .*)$'
	if grep -q '^mapped$' "$peek"; then
		t_match "edupg/info: mappings 1 while mmap-peek holds it" \
			'^mappings: 1$' "$(cat "$P/info")"
		refuse "free while mapped" EBUSY wr "$C" "free edupg"
		t_match "last_error counts the live mapping" 'mapped \(1\)' \
			"$(cat "$M/last_error")"
		timeout 10 sh -c "echo go >$go"
		wait "$pid"
		_rc=$?
		t_eq "mmap-peek released: exit 0, the mapping still reads the same" \
			"0 $d16" "$_rc $(tail -n 1 "$peek")"
	else
		t_fail "mmap-peek maps edupg/data and holds it" "$(cat "$peek")" \
			"last_error: $(cat "$M/last_error")"
		kill "$pid" 2>/dev/null
		wait "$pid"
	fi
	rm -f "$go" "$peek"
	t_match "edupg/info: mappings 0 after the unmap" '^mappings: 0$' \
		"$(cat "$P/info")"
	t_check "free edupg once it is neither open nor mapped" \
		ok_wr "$C" "free edupg"
}

# --- System RAM is refused before anything is mapped.
w_ram() {
	ram=
	while read -r range _ what; do
		[ "$what" = "System RAM" ] || continue
		s=$((0x${range%-*}))
		[ "$s" -ge $((0x100000)) ] || continue
		ram=$(hex "$s")
		break
	done </proc/iomem
	t_check "/proc/iomem has System RAM at or above 1 MiB" [ -n "$ram" ] ||
		return
	refuse "map of System RAM at $ram" EPERM wr "$C" "map ram $ram 0x1000"
	t_match "last_error names System RAM" 'System RAM' \
		"$(cat "$M/last_error")"
}

# --- HPET: read-only by default, a live counter, writes refused.
w_hpet() {
	t_check "map hpet 0xfed00000 0x400 (read-only, default width)" \
		ok_wr "$C" "map hpet 0xfed00000 0x400" || return
	H=$M/hpet
	t_eq "regions lists hpet as read-only mmio" \
		"hpet mmio 0x400 0xfed00000 ro" "$(grep '^hpet ' "$M/regions")"
	t_match "hpet/info: width 4" '^width: 4$' "$(cat "$H/info")"
	r1=$(cat "$H/regs")
	r2=$(cat "$H/regs")
	lo1=$(echo "$r1" | sed -n 's/^000000f0: //p')
	hi1=$(echo "$r1" | sed -n 's/^000000f4: //p')
	lo2=$(echo "$r2" | sed -n 's/^000000f0: //p')
	hi2=$(echo "$r2" | sed -n 's/^000000f4: //p')
	c1=$(( (0x${hi1:-0} << 32) | 0x${lo1:-0} ))
	c2=$(( (0x${hi2:-0} << 32) | 0x${lo2:-0} ))
	t_check "HPET main counter (0xf0) increases between two reads of regs" \
		increases "$lo1" "$lo2" "$c1" "$c2"
	# Offset 0 (capabilities) is read-only in the HPET itself: harmless
	# should the refusal ever fail.
	refuse "regs write to the read-only hpet window" EPERM \
		wr "$H/regs" "0x0 0x0"
	t_match "last_error: hpet is read-only" '^hpet: read-only' \
		"$(cat "$M/last_error")"
}

# --- COM2: 8-bit ports, scratch register, bytes to the host.
w_com2() {
	t_check "io com2 0x2f8 8 rw" ok_wr "$C" "io com2 0x2f8 8 rw" || return
	S=$M/com2
	t_eq "regions lists com2 as pio" "com2 pio 0x8 0x2f8 rw" \
		"$(grep '^com2 ' "$M/regions")"
	info=$(cat "$S/info")
	t_match "com2/info: kind pio" '^kind: pio$' "$info"
	t_match "com2/info: width 1 (the io default)" '^width: 1$' "$info"
	t_match "com2/info: port range 0x2f8-0x2ff" '^port: 0x2f8-0x2ff$' "$info"
	t_match "com2/info: a non-zero ioport_map cookie" \
		'^cookie: (0x)?0*[1-9a-f][0-9a-f]*$' "$info"
	t_match "com2/info: mmap: port space cannot be mapped" \
		'^mmap: .*cannot be mapped' "$info"

	t_check "com2: write 0x5a to the scratch register (0x2ff)" \
		ok_wr "$S/regs" "0x7 0x5a"
	t_eq "com2: scratch reads back 5a" "00000007: 5a" \
		"$(grep '^00000007: ' "$S/regs")"
	t_check "com2: write 0xa5 to the scratch register" \
		ok_wr "$S/regs" "0x7 0xa5"
	t_eq "com2: scratch reads back a5" "00000007: a5" \
		"$(grep '^00000007: ' "$S/regs")"
	t_eq "com2/data at 7 is the scratch byte (one 8-bit access)" a5 \
		"$(rd -o 7 -n 1 "$S/data")"

	# "memscope-com2-regs\n", one regs write (one outb) per byte to THR.
	msg=6d656d73636f70652d636f6d322d726567730a
	hex=$msg
	bad=
	while [ -n "$hex" ]; do
		rest=${hex#??}
		byte=${hex%"$rest"}
		hex=$rest
		_o=$(wr "$S/regs" "0x0 0x$byte")
		[ "$_o" = OK ] || bad="$bad 0x$byte:$_o"
	done
	t_eq "com2: every byte written to the transmit register" "" "$bad"
	t_hostcheck com2-contains "$msg" \
		"bytes written to com2/regs offset 0 reach the host COM2 file"

	refuse "width=8 on an io region" EINVAL \
		wr "$C" "io com8 0x2f8 8 width=8"
	refuse "mmap of a pio region" ENODEV mmap-peek "$S/data" 0 8
}

# --- A range another driver owns: readable, rw only with force.
w_busy() {
	kbd=$(sed -n 's/^ *\([0-9a-f]*\)-[0-9a-f]* : keyboard$/\1/p' \
		/proc/ioports | head -n 1)
	t_check "/proc/ioports has a keyboard port" [ -n "$kbd" ] || return
	kp=$(hex "0x$kbd")
	t_check "io kbd $kp 1 (busy range, read-only) works" \
		ok_wr "$C" "io kbd $kp 1"
	t_eq "regions: kbd is read-only and busy" "kbd pio 0x1 $kp ro,busy" \
		"$(grep '^kbd ' "$M/regions")"
	t_match "kbd/regs reads one byte" '^00000000: [0-9a-f]{2}$' \
		"$(cat "$M/kbd/regs" 2>&1)"
	refuse "io rw over a busy range without force" EBUSY \
		wr "$C" "io kbdrw $kp 1 rw"
	t_match "last_error: the range is busy" 'busy' "$(cat "$M/last_error")"
	# CONFIG_IO_STRICT_DEVMEM is off in this guest: force is allowed.
	t_check "io kbdf $kp 1 rw force works (no CONFIG_IO_STRICT_DEVMEM)" \
		ok_wr "$C" "io kbdf $kp 1 rw force"
	t_eq "regions: kbdf is rw, forced and busy" \
		"kbdf pio 0x1 $kp rw,forced,busy" "$(grep '^kbdf ' "$M/regions")"
}

w_edu
w_ram
w_hpet
w_com2
w_busy

# --- Clean up: free what this script created, whatever failed above.
for n in edupg edu hpet com2 kbd kbdf kbdrw com8 ram; do
	grep -q "^$n " "$M/regions" || continue
	t_check "free $n" ok_wr "$C" "free $n"
done
t_eq "regions is back to its state before this script (empty)" \
	"$regions_at_start" "$(cat "$M/regions")"
if [ -n "$edu_enabled_here" ]; then
	echo 0 >"$edu/enable"
fi
