#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Bad input, table driven: every row is one system call (wr: one write or
# pwrite; rd: one pread; mmap-peek: one mmap) that memscope must refuse
# with the errno of the table in Documentation/misc-devices/memscope.rst.
# A row passes only if the call fails with exactly that errno, `regions`
# is unchanged, and `last_error` holds a new reason (before each row a
# known refusal - "free" of a missing region - sets it to a marker); a
# row may also give an ERE the new last_error must match, where the errno
# alone would not tell which check refused.
#
# Fixtures: bedu (edu BAR0, 0x100 bytes, width 4, rw), bcom (COM2 ports
# 0x2f8-0x2ff, width 1, rw) and bro (the HPET, read-only). Rows that would
# create a region if wrongly accepted point at the HPET, where a stray
# read-only window does no harm; a region a row creates is freed again.
#
# Elsewhere than x86 (the arm64 boot) there is no HPET and no COM2: the
# rows that need them or x86's 64 KiB port space are skipped and counted,
# the others run unchanged (bedu is edu on virt's PCIe host).
# shellcheck source=scripts/guest/lib.sh
. /lib/guest/lib.sh

M=/sys/kernel/debug/memscope
C=$M/control

# trim VAR: strip blanks and tabs around $VAR, without a subshell.
trim() {
	eval "_t=\$$1"
	while :; do
		case $_t in
		[' 	']*) _t=${_t#?} ;;
		*) break ;;
		esac
	done
	while :; do
		case $_t in
		*[' 	']) _t=${_t%?} ;;
		*) break ;;
		esac
	done
	eval "$1=\$_t"
}

# expand INPUT: "@pad:N:TEXT" is TEXT padded with blanks to N bytes (a
# length the table cannot show); anything else is itself.
expand() {
	case $1 in
	@pad:*)
		_r=${1#@pad:}
		_n=${_r%%:*}
		_s=${_r#*:}
		while [ ${#_s} -lt "$_n" ]; do
			_s="$_s "
		done
		printf '%s' "$_s"
		;;
	*)
		printf '%s' "$1"
		;;
	esac
}

# row FILE OP INPUT: the one system call of a table row.
row() {
	case $2 in
	w)	wr -e "$M/$1" "$3" ;;
	wv:*)	wr -v "${2#wv:}" -e "$M/$1" "$3" ;;
	pw:*)	wr -o "${2#pw:}" -x "$M/$1" "$3" ;;
	pr:*)	rd -o "${2#pr:}" -n "$3" "$M/$1" ;;
	mmap)	mmap-peek "$M/$1" 0 "$3" ;;
	mmap-rw) mmap-peek "$M/$1" 0 "$3" rw ;;
	*)	echo "bad table operation '$2'"; return 2 ;;
	esac
}

marker=0
# bad DESC ERRNO ERE CMD [ARG...]: CMD fails with ERRNO, leaves `regions`
# alone and records a reason in last_error (matching ERE unless empty).
bad() {
	_desc=$1
	_want=$2
	_ere=$3
	shift 3
	marker=$((marker + 1))
	wr "$C" "free zz-marker-$marker" >/dev/null
	_mark=$(cat "$M/last_error")
	_before=$(cat "$M/regions")
	_out=$("$@" 2>&1 </dev/null)
	_rc=$?
	_after=$(cat "$M/regions")
	_why=$(cat "$M/last_error")
	_got=$(t_errname "$_out")
	if [ $_rc = 0 ]; then
		t_fail "$_desc" "succeeded, expected $_want: $_out"
	elif [ "$_got" != "$_want" ]; then
		t_fail "$_desc" "expected $_want, got ${_got:-no errno}: $_out" \
			"last_error: $_why"
	elif [ "$_before" != "$_after" ]; then
		t_fail "$_desc" "regions changed; before:" "$_before" "after:" \
			"$_after"
	elif [ "$_why" = "$_mark" ] || [ -z "$_why" ]; then
		t_fail "$_desc" "last_error was not updated: '$_why'"
	elif [ -n "$_ere" ] && ! printf '%s\n' "$_why" | grep -Eq -- "$_ere"; then
		t_fail "$_desc" "last_error: '$_why'" "does not match: $_ere"
	else
		t_pass "$_desc"
	fi
	# A wrongly accepted row must not leak into the next one.
	if [ "$_before" != "$_after" ]; then
		printf '%s\n' "$_after" | while read -r _n _; do
			printf '%s\n' "$_before" | grep -q "^$_n " ||
				wr "$C" "free $_n" >/dev/null
		done
	fi
}

if ! grep -q '^memscope ' /proc/modules || [ ! -e "$C" ]; then
	t_skip "15-bad-input" "memscope is not loaded"
	return 0
fi
regions_at_start=$(cat "$M/regions")
case $(uname -m) in
x86_64|i?86) x86=1 ;;
*) x86= ;;
esac
# What only x86 has: the HPET (and bro over it), COM2 (bcom), port space
# of 64 KiB; a row naming any of these runs only there.
x86_only='0x?fed|bro|bcom|0x2f8|^io |[|] *io |0xfff8'
skipped=0

edu=$(t_find_edu)
bar0=
edu_enabled_here=
if [ -n "$edu" ]; then
	read -r start _ <"$edu/resource"
	bar0=$(printf '0x%x' $((start)))
	if [ "$(cat "$edu/enable")" != 1 ]; then
		echo 1 >"$edu/enable" && edu_enabled_here=1
	fi
fi
t_check "fixture: edu (1234:11e8) and its BAR0 found" [ -n "$bar0" ] &&
	t_check "fixture: map bedu $bar0 0x100 rw force" \
		ok_wr "$C" "map bedu $bar0 0x100 rw force"
if [ -n "$x86" ]; then
	t_check "fixture: io bcom 0x2f8 8 rw" ok_wr "$C" "io bcom 0x2f8 8 rw"
	t_check "fixture: map bro 0xfed00000 0x400 (read-only)" \
		ok_wr "$C" "map bro 0xfed00000 0x400"
fi

# FILE: under memscope/. OP: w (one write of INPUT, wr -e escapes: \n \t
# \xHH), pw:OFF (one pwrite of the hex bytes INPUT at OFF), pr:OFF (one
# pread of INPUT bytes at OFF), wv:N (one writev of INPUT, wr -e escapes,
# in two segments split after byte N), mmap / mmap-rw (a read-only / read-write
# shared mmap of INPUT bytes at 0). An optional sixth field is an ERE for
# last_error.
rows=0
while IFS='|' read -r file op input want why; do
	trim file
	case $file in
	''|'#'*) continue ;;
	esac
	trim op
	trim input
	trim want
	ere=
	case $why in
	*'|'*)
		ere=${why#*|}
		why=${why%%|*}
		;;
	esac
	trim why
	trim ere
	if [ -z "$x86" ] &&
	   printf '%s|%s\n' "$file" "$input" | grep -Eq "$x86_only"; then
		skipped=$((skipped + 1))
		continue
	fi
	rows=$((rows + 1))
	bad "$file $op '$input' -> $want: $why" "$want" "$ere" \
		row "$file" "$op" "$(expand "$input")"
done <<'EOF'
# FILE     | OP       | INPUT                                       | ERRNO  | why
# --- control: words
control    | w        | frobnicate bedu                             | EINVAL | unknown verb
control    | w        | MAP x 0xfed00000 0x400                      | EINVAL | verbs are lower case
control    | w        | \n                                          | EINVAL | empty command
control    | w        | map                                         | EINVAL | map without arguments
control    | w        | map x 0xfed00000                            | EINVAL | map without a size
control    | w        | map x\x01 0xfed00000 0x400                  | EINVAL | control character
control    | w        | map x 0xfed00000 0x400 rw wc force width=4 a b | EINVAL | ten words
control    | w        | @pad:256:map long 0xfed00000 0x400          | EINVAL | command of 256 bytes (max 255) | 1 to 255 bytes
# --- control: names
control    | w        | map X 0xfed00000 0x400                      | EINVAL | upper-case name
control    | w        | map a.b 0xfed00000 0x400                    | EINVAL | '.' in a name
control    | w        | map a/b 0xfed00000 0x400                    | EINVAL | '/' in a name
control    | w        | map control 0xfed00000 0x400                | EINVAL | reserved name
control    | w        | map regions 0xfed00000 0x400                | EINVAL | reserved name
control    | w        | map layout 0xfed00000 0x400                 | EINVAL | reserved name
control    | w        | map last_error 0xfed00000 0x400             | EINVAL | reserved name
control    | w        | map devices 0xfed00000 0x400                | EINVAL | reserved name
control    | w        | alloc x-bar0 kmalloc 64                     | EINVAL | kept for a device's BAR
control    | w        | map abcdefghijklmnopqrstuvwxyz012345 0xfed00000 0x400 | EINVAL | 32-byte name (max 31) | bad region name
# --- control: numbers
control    | w        | map x 0x10000000000000000 0x400             | ERANGE | 2^64 overflows
control    | w        | map x 18446744073709551616 0x400            | ERANGE | 2^64 overflows, decimal
control    | w        | map x 0xfed00000 17179869184G               | ERANGE | 2^34 G overflows after the suffix
control    | w        | map x 0xfed00000 0x40000000000000K          | ERANGE | 2^54 K overflows after the suffix
control    | w        | map x 0xfed00000 123456789012345678901234567890123 | ERANGE | 33-digit number | too long
control    | w        | map x 0fed00000 0x400                       | EINVAL | leading zero (not octal)
control    | w        | map x 0xfed00000 0400                       | EINVAL | leading zero in the size
control    | w        | map x 0xfed00000 0                          | EINVAL | size 0
control    | w        | map x 0xfed00000 0K                         | EINVAL | size 0 with a suffix
control    | w        | map x 0xfed00000 -0x400                     | EINVAL | negative size
control    | w        | map x 0xfed00000 0x400T                     | EINVAL | unknown suffix
control    | w        | map x 0xfed00000 0x400KK                    | EINVAL | two suffixes
control    | w        | map x 0xfed00000 0x400junk                  | EINVAL | trailing garbage in a number
control    | w        | map x 0xfed00000junk 0x400                  | EINVAL | trailing garbage in an address
# --- control: options, widths, ranges
control    | w        | map x 0xfed00000 0x400 fast                 | EINVAL | unknown option
control    | w        | map x 0xfed00000 0x400 RW                   | EINVAL | options are lower case
control    | w        | map x 0xfed00000 0x400 rw rw                | EINVAL | repeated option
control    | w        | map x 0xfed00000 0x400 width=4 width=4      | EINVAL | repeated width
control    | w        | map x 0xfed00000 0x400 width=3              | EINVAL | width 3
control    | w        | map x 0xfed00000 0x400 width=16             | EINVAL | width 16
control    | w        | map x 0xfed00000 0x400 width=               | EINVAL | empty width
control    | w        | map x 0xfed00002 0x400                      | EINVAL | address not a multiple of width 4
control    | w        | map x 0xfed00000 0x3fe                      | EINVAL | size not a multiple of width 4
control    | w        | map x 0xfffffffffffff000 0x2000             | ERANGE | range wraps past 2^64 | wraps
control    | w        | io x 0x2f8 8 width=8                        | EINVAL | width 8 on a port range
control    | w        | io x 0x2f8 8 wc                             | EINVAL | wc is for memory only
control    | w        | io x 0xfff8 0x10                            | ERANGE | range beyond port space | beyond port space
control    | w        | io x 0x10000 1                              | ERANGE | port beyond port space
# --- control: names that exist or do not
control    | w        | map bedu 0xfed00000 0x400                   | EEXIST | duplicate name | already exists
control    | w        | io bedu 0x2f8 8                             | EEXIST | duplicate name, other kind
control    | w        | alloc bcom kmalloc 4K                       | EEXIST | duplicate name, memory kind
control    | w        | free nosuch                                 | ENOENT | free of a missing region
control    | w        | free                                        | EINVAL | free without a name
control    | w        | free bedu now                               | EINVAL | trailing word after free NAME
control    | w        | sync bedu cpu                               | EINVAL | sync of a region that is not a stream buffer
control    | w        | sync nosuch cpu                             | ENOENT | sync of a missing region
control    | w        | sync bedu gpu                               | EINVAL | sync to neither cpu nor device
# --- control: one write(2) is one complete command
control    | w        | free nosuch\0free bro                       | EINVAL | a NUL byte cuts nothing short | NUL byte
control    | w        | free nosuch\nfree bro                       | EINVAL | two commands in one write | more than one line
control    | w        | free nosuch\n\n                             | EINVAL | a second, empty line | more than one line
control    | wv:22    | map wv 0xfed00000 0x400 rw                  | EBUSY  | writev is one command, not two pieces (the first would map wv read-only) | rw needs force
bedu/regs  | wv:7     | 0x4 0x123456789                             | ERANGE | writev to regs is one line (its first piece alone would write 0x1) | does not fit
# --- control: windows beyond the CPU's physical addresses, port 0
control    | w        | map top 0xfffffffffffff000 0x1000           | ERANGE | the last page below 2^64 | beyond the CPU
control    | w        | map top 0x10000000000000 0x1000             | ERANGE | at 2^52 | beyond the CPU
control    | w        | io p0 0 1                                   | ERANGE | port 0: its ioport_map cookie is a bad access | port 0
control    | w        | io p0 0 8                                   | ERANGE | ports 0-7 | port 0
# --- control: /dev/mem's policy and the limits
control    | w        | map hw 0xfed00000 0x400 rw                  | EBUSY  | rw on the HPET (described, busy with bro) without force | rw needs force
control    | w        | map big 0x100000000 1G                      | E2BIG  | a window over max_window without force | max_window
control    | w        | map big 0x8000000000 64G force              | ENOMEM | force lifts max_window, not the window's 128 MiB of page tables | page tables
control    | w        | alloc big vmalloc 1G                        | ENOSPC | over max_kind_bytes | max_kind_bytes
control    | w        | alloc big kmalloc 1G                        | ENOSPC | over max_kind_bytes, before kmalloc's own cap | max_kind_bytes
# --- control: devices (0000:00:00.0, the host bridge, is never bound)
control    | w        | dmamask 0000:00:00.0 32                     | ENODEV | dmamask of a device not bound to memscope | no such device bound
control    | w        | dmamask 0000:00:00.0 7                      | ERANGE | mask below 8 bits
control    | w        | dmamask 0000:00:00.0 65                     | ERANGE | mask above 64 bits
control    | w        | dmamask 0000:00:00.0 32 x                   | EINVAL | trailing garbage
control    | w        | dma buf 0000:00:00.0 coherent 4K            | ENODEV | coherent buffer of an unbound device
control    | w        | dma buf 0000:00:00.0 stream 4K to-device    | ENODEV | stream buffer of an unbound device
control    | w        | dma buf 0000:00:00.0 stream 4K sideways     | EINVAL | unknown direction
control    | w        | dma buf 0000:00:00.0/x coherent 4K          | EINVAL | '/' in a device name
control    | w        | alloc buf heap 4K                           | EINVAL | unknown allocator
control    | w        | alloc buf vmalloc 0                         | EINVAL | allocation of size 0
# --- regs (bedu: width 4, 0x100 bytes; bcom: width 1, 8 bytes)
bedu/regs  | w        | hello                                       | EINVAL | garbage, no value
bedu/regs  | w        | 0x4                                         | EINVAL | missing value
bedu/regs  | w        | 0x4\x20                                     | EINVAL | empty value after the blank
bedu/regs  | w        | \x200x4 0x1                                 | EINVAL | leading blank: empty offset
bedu/regs  | w        | 0x4 0x1 0x2                                 | EINVAL | three words
bedu/regs  | w        | 0x4 zz                                      | EINVAL | value is not a number
bedu/regs  | w        | zz 0x1                                      | EINVAL | offset is not a number
bedu/regs  | w        | 04 0x1                                      | EINVAL | leading zero in the offset
bedu/regs  | w        | 0x4 012                                     | EINVAL | leading zero in the value
bedu/regs  | w        | 0x4 1K                                      | EINVAL | no suffixes in regs
bedu/regs  | w        | 0x4 0x100000000                             | ERANGE | value wider than width 4 | does not fit in 4 bytes
bedu/regs  | w        | 0x4 0x10000000000000000                     | ERANGE | value beyond 64 bits
bedu/regs  | w        | 0x2 0x1                                     | EINVAL | misaligned offset
bedu/regs  | w        | 0x100 0x1                                   | EINVAL | offset at the end
bedu/regs  | w        | 0xfffffffffffffffc 0x1                      | EINVAL | offset far past the end
bedu/regs  | w        | @pad:64:0x4 0x1                             | EINVAL | line of 64 bytes | 1 to 63 bytes
bcom/regs  | w        | 0x7 0x100                                   | ERANGE | value wider than width 1 | does not fit in 1 bytes
bcom/regs  | w        | 0x8 0x1                                     | EINVAL | past the end of 8 ports
bro/regs   | w        | 0x0 0x0                                     | EPERM  | write to a read-only window | read-only
bedu/regs  | w        | 0x4 0x1\0                                   | EINVAL | a NUL byte in a regs line | NUL byte
bedu/regs  | w        | 0x4 0x1\n0x8 0x2                            | EINVAL | two regs lines in one write | more than one line
# --- width
bedu/width | w        | 3                                           | EINVAL | width 3
bedu/width | w        | 16                                          | EINVAL | width 16
bedu/width | w        | x                                           | EINVAL | not a number
bedu/width | w        | 0                                           | EINVAL | width 0
bedu/width | w        | -4                                          | EINVAL | negative width
bedu/width | w        | 4294967300                                  | ERANGE | beyond unsigned int
bcom/width | w        | 8                                           | EINVAL | width 8 on a pio region | not supported by pio
# --- ops: a program is parsed whole; an error anywhere runs nothing
bedu/ops   | w        | r 0\nbogus 4\n                                | EINVAL | unknown operation, named by line | line 2: unknown operation
bedu/ops   | w        | R 0                                         | EINVAL | operations are lower case
bedu/ops   | w        | r                                           | EINVAL | r without an offset | want 'r OFF'
bedu/ops   | w        | w 0x4                                       | EINVAL | w without a value
bedu/ops   | w        | poll 0 1 1                                  | EINVAL | poll without a timeout
bedu/ops   | w        | w 4 1 2 3 4 5 6                             | EINVAL | too many words
bedu/ops   | w        | r 2                                         | EINVAL | misaligned offset | not a multiple of width 4
bedu/ops   | w        | r 0x100                                     | EINVAL | offset at the end | past the end
bedu/ops   | w        | r 0xfffffffffffffffc                        | EINVAL | offset far past the end | past the end
bedu/ops   | w        | r 04                                        | EINVAL | leading zero | leading zero
bedu/ops   | w        | w 0x4 0x100000000                           | ERANGE | value wider than width 4 | does not fit in 4 bytes
bedu/ops   | w        | rmw 0x4 0x100000000 0                       | ERANGE | mask wider than width 4 | mask
bedu/ops   | w        | rmw 0x4 0xf 0x10                            | EINVAL | rmw value outside its mask | outside mask
bedu/ops   | w        | poll 0x4 0x1 0x2 100                        | EINVAL | poll value outside its mask | outside mask
bedu/ops   | w        | poll 0x4 1 1 0                              | EINVAL | poll timeout 0 would be forever | at least 1 us
bedu/ops   | w        | poll 0x4 1 1 10000001                       | ERANGE | poll timeout over 10 s
bedu/ops   | w        | poll 0x4 1 1 100 101                        | ERANGE | poll interval over its timeout
bedu/ops   | w        | poll 0x4 1 1 100 0                          | EINVAL | poll interval 0 | at least 1 us
bedu/ops   | w        | delay 1000001                               | ERANGE | delay over 1 s
bedu/ops   | w        | poll 0x4 1 1 6000000\npoll 0x4 1 1 5000000  | E2BIG  | polls adding up to over 10 s | add up to
bedu/ops   | w        | r 0\ndry\n                                  | EINVAL | dry after an operation | first line
bedu/ops   | w        | # nothing\n\n                               | EINVAL | a program without an operation | no operation
bedu/ops   | w        | r 0\x01\n                                   | EINVAL | control character | control character
bedu/ops   | w        | r 0\nw 0x4 1\0\n                             | EINVAL | a NUL byte cuts nothing short | NUL byte
bedu/ops   | w        | @pad:4097:r 0                               | EINVAL | program of 4097 bytes (max 4096) | 1 to 4096 bytes
bedu/ops   | w        | poll 0 0xffffffff 0 1000                    | ETIMEDOUT | edu's ID never reads 0 | line 1: poll timed out, last value 0x10000ed
bcom/ops   | w        | w 0x8 1                                     | EINVAL | past the end of 8 ports | past the end
bcom/ops   | w        | w 0x7 0x100                                 | ERANGE | value wider than width 1 | does not fit in 1 bytes
bro/ops    | w        | r 0\nw 0x10 0\n                              | EPERM  | a program that writes a read-only window | read-only
bro/ops    | w        | dry\nrmw 0x10 1 1\n                          | EPERM  | a dry run passes the same gate | read-only
# --- data
bedu/data  | pw:0x100 | 00000000                                    | ENOSPC | pwrite at the end
bedu/data  | pw:0x1000 | 00000000                                   | ENOSPC | pwrite far past the end
bcom/data  | pw:8     | 00                                          | ENOSPC | pwrite past the 8 ports
bedu/data  | pw:2     | 00000000                                    | EINVAL | misaligned pwrite on an io region
bedu/data  | pw:4     | 000000                                      | EINVAL | pwrite length not a multiple of the width
bedu/data  | pr:2     | 4                                           | EINVAL | misaligned pread on an io region
bedu/data  | pr:0     | 3                                           | EINVAL | pread length not a multiple of the width
bro/data   | pw:0     | 00000000                                    | EPERM  | pwrite to a read-only window | read-only
bcom/data  | mmap     | 8                                           | ENODEV | mmap of port space | cannot be mapped
bedu/data  | mmap-rw  | 16                                          | EINVAL | mmap of a window that is not page aligned | page-aligned
EOF
t_diag "15-bad-input: $rows table rows ($skipped need x86 and were skipped here)"

# A window straddling the CPU's physical address limit (MAXPHYADDR): its
# second page would oops on the first read; refused like any range
# beyond iomem_resource.
bits=$(sed -n 's/.*address sizes[^0-9]*\([0-9]*\) bits physical.*/\1/p' /proc/cpuinfo | head -n 1)
if [ -z "$x86" ]; then
	# No address sizes in /proc/cpuinfo: the limit a refusal names (the
	# CPU's PARange on arm64), then a window straddling it.
	wr "$C" "map top 0x10000000000000 0x1000" >/dev/null 2>&1
	end=$(sed -n 's/.*(up to \(0x[0-9a-f]*\))$/\1/p' "$M/last_error")
	if [ -n "$end" ]; then
		edge=$(printf '0x%x' $((end + 1 - 4096)))
		bad "map edge $edge 0x2000 straddling the last physical address $end -> ERANGE" \
			ERANGE 'beyond the CPU' wr "$C" "map edge $edge 0x2000"
	else
		t_fail "map top names the CPU's last physical address" \
			"$(cat "$M/last_error")"
	fi
elif [ -n "$bits" ]; then
	edge=$(printf '0x%x' $(((1 << bits) - 4096)))
	bad "map edge $edge 0x2000 straddling ${bits}-bit MAXPHYADDR -> ERANGE" \
		ERANGE 'beyond the CPU' wr "$C" "map edge $edge 0x2000"
else
	t_fail "address sizes in /proc/cpuinfo" "$(grep -m1 'address sizes' /proc/cpuinfo)"
fi

# A command split over two write(2) calls never runs in pieces: after a
# write without a newline the descriptor refuses the rest of the stream,
# whether the first piece was accepted or not.
# (dd writes to its inherited stdout, fd 3, and names a failed write.)
exec 3>"$C"
printf 'free nosuch' >&3 2>/dev/null
bad "control: a write continuing one without a newline -> EINVAL" EINVAL \
	'continues one without a newline' sh -c 'printf " bro\n" | dd bs=64 >&3'
exec 3>&-
exec 3>"$M/bedu/regs"
printf '0x4 0x1' >&3
bad "regs: a value split over two writes -> EINVAL" EINVAL \
	'continues one without a newline' sh -c 'printf "234\n" | dd bs=64 >&3'
exec 3>&-

# regs is read once, in order: a read at another offset (io_uring's
# explicit offsets get past nonseekable_open) is ESPIPE, not a replay.
if command -v uring-read >/dev/null; then
	bad "regs: an io_uring read at offset 40 of a fresh open -> ESPIPE" \
		ESPIPE 'in order from the start' uring-read "$M/bedu/regs" 40 64
	t_match "regs: an io_uring read at offset 0 works" '^00000000: 010000ed' \
		"$(uring-read "$M/bedu/regs" 0 64)"
else
	t_fail "uring-read helper is in the initramfs"
fi

# data: a zero-length write at the end is 0, not ENOSPC.
t_eq "data: a zero-length pwrite at the end returns 0" OK \
	"$(wr -o 0x100 -x "$M/bedu/data" '')"

# State-dependent refusals, same rules.
exec 3<"$M/bedu/info"
bad "bedu/width '4' while bedu/info is open -> EBUSY" EBUSY 'other files' \
	wr "$M/bedu/width" 4
bad "free bedu while bedu/info is open -> EBUSY" EBUSY 'is open \(1\)' \
	wr "$C" "free bedu"
exec 3<&-

# The limits are the limits: one byte less is accepted.
t_check "a 255-byte command is accepted (map long over edu, blank padded)" \
	ok_wr "$C" "$(expand "@pad:255:map long $bar0 0x100")" &&
	t_check "free long" ok_wr "$C" "free long"
t_check "a 63-byte regs line is accepted (edu liveness, blank padded)" \
	ok_wr "$M/bedu/regs" "$(expand '@pad:63:0x4 0x1')"

# last_error is per session: a refusal in another session (another user,
# a script started with setsid) does not overwrite this one's reason.
wr "$C" "free why-mine" >/dev/null 2>&1
setsid sh -c "echo 'free why-theirs' >$C" 2>/dev/null
t_match "last_error: this session reads its own reason, not another's" \
	"'why-mine'" "$(cat "$M/last_error")"
t_match "last_error: the other session reads its own reason" "'why-other'" \
	"$(setsid sh -c "echo 'free why-other' >$C; cat $M/last_error" 2>/dev/null)"
t_match "last_error: this session's reason outlives the other's refusals" \
	"'why-mine'" "$(cat "$M/last_error")"

for n in bedu bcom bro long; do
	grep -q "^$n " "$M/regions" || continue
	t_check "free $n" ok_wr "$C" "free $n"
done
t_eq "regions is back to its state before this script" \
	"$regions_at_start" "$(cat "$M/regions")"
if [ -n "$edu_enabled_here" ]; then
	echo 0 >"$edu/enable"
fi
