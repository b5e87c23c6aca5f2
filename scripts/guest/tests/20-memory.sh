#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Kernel memory regions: every allocator filled and read back through
# `data`, the mappable kinds through a user mapping too (both ways), the
# unmappable ones refused, page runs, the layout picture, and memscope's
# counters back to zero.
# shellcheck source=scripts/guest/lib.sh
. /lib/guest/lib.sh

M=/sys/kernel/debug/memscope

# hexpat N SEED: N bytes of a recognisable pattern, as hex.
hexpat() {
	awk -v n="$1" -v s="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%02x", (s + i * 7) % 256 }'
}

for spec in kmalloc:100 kzalloc:3000 vmalloc:20000 vzalloc:8192 pages:16384 slab:96; do
	kind=${spec%:*}
	size=${spec#*:}
	name=m-$kind
	t_check "alloc $kind $size" wr $M/control "alloc $name $kind $size" || continue
	pat=$(hexpat "$size" 3)
	t_eq "$kind: data write of $size bytes" OK "$(wr -x $M/$name/data "$pat")"
	t_eq "$kind: data reads back what was written" "$pat" \
		"$(rd -n "$size" $M/$name/data)"
	t_eq "$kind: data read at the end is EOF" "" "$(rd -o "$size" -n 16 $M/$name/data)"
	t_errno "$kind: data write past the end is ENOSPC" ENOSPC \
		wr -o $((size + 1)) $M/$name/data x
	case $kind in
	vmalloc|vzalloc|pages)
		t_eq "$kind: user mmap reads what data wrote" "$(rd -n 4096 $M/$name/data)" \
			"$(mmap-peek $M/$name/data 0 4096)"
		t_eq "$kind: a store through the mapping" OK \
			"$(mmap-peek $M/$name/data 0 4096 w c3)"
		t_eq "$kind: data reads what the mapping stored" \
			"$(awk 'BEGIN { for (i = 0; i < 4096; i++) printf "c3" }')" \
			"$(rd -n 4096 $M/$name/data)"
		t_match "$kind: info says it can be mapped" '^mmap: yes$' "$(cat $M/$name/info)"
		;;
	*)
		out=$(mmap-peek $M/$name/data 0 4096 2>&1)
		t_eq "$kind: mmap is refused with ENODEV" ENODEV "$(t_errname "$out")"
		t_match "$kind: last_error says why" 'cannot be mapped' "$(cat $M/last_error)"
		;;
	esac
done

info=$(cat $M/m-pages/info)
t_match "pages: one run of frames" '^runs: 1$' "$info"
t_match "pages: contiguous" '^contiguous: yes$' "$info"
t_match "pages: the run is 4 pages" '^pfn 0x[0-9a-f]+-0x[0-9a-f]+ \(4 pages\)$' "$info"
t_match "kmalloc: real size is the kmalloc bucket (128)" '^real-size: 128$' \
	"$(cat $M/m-kmalloc/info)"
t_match "slab: its own cache" '^cache: memscope-96$' "$(cat $M/m-slab/info)"
t_check "slab: the cache is in /proc/slabinfo or sysfs" \
	sh -c 'grep -q "^memscope-96 " /proc/slabinfo 2>/dev/null || [ -d /sys/kernel/slab/memscope-96 ]'
t_match "vmalloc: frames listed as runs" '^pfn 0x' "$(cat $M/m-vmalloc/info)"

# layout: every region in the range the kernel placed it in.
layout=$(cat $M/layout)
direct=$(printf '%s\n' "$layout" | sed -n '/^|  direct map/,/^|  vmalloc/p')
vmal=$(printf '%s\n' "$layout" | sed -n '/^|  vmalloc\/ioremap/,/^|  modules/p')
phys=$(printf '%s\n' "$layout" | sed -n '/^physical memory/,/^device windows/p')
for r in m-kmalloc m-kzalloc m-pages m-slab; do
	t_match "layout: $r in the direct map" "^\|  \|  $r " "$direct"
	t_match "layout: $r in System RAM" "^\|  \|  $r " "$phys"
done
for r in m-vmalloc m-vzalloc; do
	t_match "layout: $r in the vmalloc area" "^\|  \|  $r " "$vmal"
done
t_match "layout: kernel addresses are real with kptr_restrict=1" \
	'direct map +fff[0-9a-f]{13}-' "$layout"

# Free while mapped: EBUSY, then fine once unmapped.
rm -f /tmp/go20 && mkfifo /tmp/go20
mmap-peek $M/m-vmalloc/data 0 4096 hold /tmp/go20 >/tmp/peek20.out 2>&1 &
peek=$!
if t_wait_for /tmp/peek20.out '^mapped$'; then
	t_match "layout: the reader's own mapping is not shown to others" \
		'none: mmap' "$(cat $M/layout)"
	t_errno "free while mapped is EBUSY" EBUSY wr $M/control "free m-vmalloc"
	t_match "info counts the mapping" '^mappings: 1$' "$(cat $M/m-vmalloc/info)"
	echo >/tmp/go20
	wait $peek
	t_eq "the mapping still read the buffer after the refused free" 0 $?
else
	t_fail "mmap-peek mapped the vmalloc region" "$(cat /tmp/peek20.out)"
	kill $peek 2>/dev/null
fi
t_check "free succeeds after munmap" wr $M/control "free m-vmalloc"

# Twenty regions: layout stays one line per region.
i=0
while [ $i -lt 20 ]; do
	wr $M/control "alloc many$i kmalloc $((64 + i * 64))" >/dev/null
	i=$((i + 1))
done
t_eq "layout: twenty kmalloc regions, each on one line" 20 \
	"$(cat $M/layout | sed -n '/^kernel virtual/,/^physical memory/p' | grep -c '|  |  many[0-9]* ')"
i=0
while [ $i -lt 20 ]; do
	wr $M/control "free many$i" >/dev/null
	i=$((i + 1))
done

# kmalloc does not clear memory, but memscope never shows old heap data:
# never-written bytes read as POISON_INUSE (0x5a), kzalloc's as zeroes.
t_check "alloc kp kmalloc 256" wr $M/control "alloc kp kmalloc 256"
t_eq "kmalloc: never-written bytes read as 0x5a, not old heap data" \
	"$(awk 'BEGIN { for (i = 0; i < 256; i++) printf "5a" }')" \
	"$(rd -n 256 $M/kp/data)"
t_match "kmalloc: info names the poison" '^poison: 0x5a$' "$(cat $M/kp/info)"
wr $M/control "free kp" >/dev/null

# Limits (module parameters), checked before anything is allocated.
P=/sys/module/memscope/parameters
budget=$(cat $P/max_kind_bytes)
t_match "max_kind_bytes defaults to a sixteenth of RAM" '^[1-9][0-9]+$' "$budget"
t_errno "a vmalloc region over max_kind_bytes is ENOSPC" ENOSPC \
	wr $M/control "alloc big vmalloc $((budget + 4096))"
t_match "last_error names the limit" 'max_kind_bytes' "$(cat $M/last_error)"
t_errno "pages over max_kind_bytes is ENOSPC too" ENOSPC \
	wr $M/control "alloc big pages $((budget + 4096))"
t_errno "a window over max_window without force is E2BIG" E2BIG \
	wr $M/control "map big 0x100000000 1G"
t_eq "nothing was created by the refusals" "" "$(grep '^big ' $M/regions)"
n=$(grep -vc ' bar ' $M/regions)
old=$(cat $P/max_regions)
echo "$n" >$P/max_regions
t_errno "max_regions ($n) reached: the next region is ENOSPC" ENOSPC \
	wr $M/control "alloc one kmalloc 64"
echo "$old" >$P/max_regions
t_check "with max_regions restored the region can be made" \
	wr $M/control "alloc one kmalloc 64"
wr $M/control "free one" >/dev/null
# Sixteen sizes at most: m-slab's 96 is one of them until it is freed.
t_check "free m-slab" wr $M/control "free m-slab"
i=0
while [ $i -lt 16 ]; do
	wr $M/control "alloc sl$i slab $((200 + i * 8))" >/dev/null ||
		t_fail "alloc sl$i slab $((200 + i * 8))"
	i=$((i + 1))
done
t_errno "a 17th distinct slab size is ENOSPC" ENOSPC \
	wr $M/control "alloc sl16 slab 400"
t_check "an existing size still works" wr $M/control "alloc sl16 slab 200"
i=0
while [ $i -le 16 ]; do
	wr $M/control "free sl$i" >/dev/null
	i=$((i + 1))
done

for r in m-kmalloc m-kzalloc m-vzalloc m-pages; do
	wr $M/control "free $r" >/dev/null || t_fail "free $r"
done
t_eq "every memory region freed" "" "$(cat $M/regions)"
t_eq "layout: memscope holds nothing" "" \
	"$(sed -n '/^memscope holds/,$p' $M/layout | grep -E 'objects [1-9]|bytes [1-9]|mappings [1-9]')"
t_check "the slab cache went with its last object" \
	sh -c '! grep -q "^memscope-96 " /proc/slabinfo 2>/dev/null && [ ! -d /sys/kernel/slab/memscope-96 ]'
