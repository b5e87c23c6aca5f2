# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Test library of the memscope guest (busybox ash), sourced by /init and by
# every test script in /tests:
#
#	. /lib/guest/lib.sh
#
# Results are TAP lines on the console ("ok N - DESC", "not ok N - DESC",
# "ok N - DESC # SKIP REASON", "# detail"); N runs across all scripts of a
# boot, because the counters live in files under $T_DIR, not in a shell.
# Every t_* check returns 0 when it passed and 1 when it failed, so a test
# can skip what depends on it: t_check "map" wr ... || return. Do not use
# "set -e" in guest tests: a failed check must not end the script.
#
# Host-side checks: t_hostcheck prints a HOSTCHECK line that the host
# evaluates after the guest has exited (see scripts/guest/host-checks/).

T_DIR=${T_DIR:-/tmp/tap}

# Reset the counters; /init calls this once per boot.
t_init() {
	rm -rf "$T_DIR"
	mkdir -p "$T_DIR"
	for _c in n passed failed skipped; do
		echo 0 >"$T_DIR/$_c"
	done
	echo "TAP version 13"
}

t__get() {
	cat "$T_DIR/$1" 2>/dev/null || echo 0
}

t__bump() {
	[ -d "$T_DIR" ] || t_init >/dev/null
	echo $(($(t__get "$1") + 1)) >"$T_DIR/$1"
}

# TAP descriptions are one line and must not contain "#" (a directive).
t__desc() {
	printf '%s' "$*" | tr '\n#' ' _'
}

# Print every line of $1 as a TAP diagnostic.
t__detail() {
	printf '%s\n' "$1" | while IFS= read -r _l; do
		printf '#   %s\n' "$_l"
	done
}

# t_diag MESSAGE: a comment line in the TAP stream.
t_diag() {
	printf '# %s\n' "$*"
}

# t_pass DESC
t_pass() {
	t__bump n
	t__bump passed
	printf 'ok %s - %s\n' "$(t__get n)" "$(t__desc "$1")"
	return 0
}

# t_fail DESC [DETAIL...]: each DETAIL (may be multi-line) becomes "#" lines.
t_fail() {
	_desc=$1
	shift
	t__bump n
	t__bump failed
	printf 'not ok %s - %s\n' "$(t__get n)" "$(t__desc "$_desc")"
	for _d in "$@"; do
		[ -z "$_d" ] || t__detail "$_d"
	done
	return 1
}

# t_skip DESC [REASON]: counted as skipped, neither passed nor failed.
t_skip() {
	t__bump n
	t__bump skipped
	printf 'ok %s - %s # SKIP %s\n' "$(t__get n)" "$(t__desc "$1")" \
		"$(t__desc "${2:-}")"
	return 0
}

# t_check DESC CMD [ARG...]: pass if CMD exits 0; its output is shown on
# failure only.
t_check() {
	_desc=$1
	shift
	if _out=$("$@" 2>&1); then
		t_pass "$_desc"
	else
		t_fail "$_desc" "command: $*" "exit status: $?" "$_out"
	fi
}

# t_eq DESC EXPECTED ACTUAL: exact string comparison.
t_eq() {
	if [ "$2" = "$3" ]; then
		t_pass "$1"
	else
		t_fail "$1" "expected: '$2'" "actual:   '$3'"
	fi
}

# t_match DESC ERE STRING: STRING matches the extended regular expression.
t_match() {
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then
		t_pass "$1"
	else
		t_fail "$1" "pattern: $2" "actual:  '$3'"
	fi
}

# t_errname OUTPUT: the errno name a failed command reported, or nothing.
# The helpers (wr, rd, mmap-peek) print names (EINVAL, "open EPERM",
# "mmap: EPERM (1)", SIGBUS); busybox applets print strerror() text
# ("sh: write error: Invalid argument"), mapped back here.
t_errname() {
	_n=$(printf '%s\n' "$1" | tr -c 'A-Za-z0-9_' '\n' |
		grep -xE 'E[A-Z0-9]{2,}|SIGBUS|SIGSEGV' | head -n 1)
	if [ -n "$_n" ]; then
		echo "$_n"
		return
	fi
	case $1 in
	*"Invalid argument"*)		echo EINVAL ;;
	*"Numerical result out of range"*) echo ERANGE ;;
	*"Operation not permitted"*)	echo EPERM ;;
	*"Device or resource busy"*)	echo EBUSY ;;
	*"No space left on device"*)	echo ENOSPC ;;
	*"Input/output error"*)		echo EIO ;;
	*"No such device or address"*)	echo ENXIO ;;
	*"No such device"*)		echo ENODEV ;;
	*"No such file or directory"*)	echo ENOENT ;;
	*"File exists"*)		echo EEXIST ;;
	*"Cannot allocate memory"*)	echo ENOMEM ;;
	*"Operation not supported"*)	echo EOPNOTSUPP ;;
	*"Permission denied"*)		echo EACCES ;;
	*"Bad address"*)		echo EFAULT ;;
	*"Value too large for defined data type"*) echo EOVERFLOW ;;
	*"Resource temporarily unavailable"*) echo EAGAIN ;;
	*"Inappropriate ioctl for device"*) echo ENOTTY ;;
	*"Illegal seek"*)		echo ESPIPE ;;
	*"Bad file descriptor"*)	echo EBADF ;;
	*"Read-only file system"*)	echo EROFS ;;
	*"Unknown error 524"*)		echo ENOTSUPP ;;
	*"Unknown error 512"*)		echo ERESTARTSYS ;;
	esac
}

# t_errno DESC ERRNO_NAME CMD [ARG...]: CMD must fail, reporting exactly
# ERRNO_NAME. Typical: t_errno "map of RAM refused" EPERM \
#	wr /sys/kernel/debug/memscope/control "map x 0x1000 4096"
t_errno() {
	_desc=$1
	_want=$2
	shift 2
	if _out=$("$@" 2>&1); then
		t_fail "$_desc" "command: $*" "succeeded, expected $_want" "$_out"
		return
	fi
	_got=$(t_errname "$_out")
	if [ "$_got" = "$_want" ]; then
		t_pass "$_desc"
	else
		t_fail "$_desc" "command: $*" \
			"expected $_want, got ${_got:-no errno name}" "$_out"
	fi
}

# t_hostcheck CHECK ARG DESC: ask the host to run
# scripts/guest/host-checks/CHECK.sh ARG after the guest has exited (e.g.
# "com2-contains HEX"); it is counted as one test there. ARG is a single
# word ("-" when the check takes none).
t_hostcheck() {
	printf 'HOSTCHECK %s %s %s\n' "$1" "$2" "$(t__desc "$3")"
}

# t_wait_for FILE ERE [SECONDS]: not a check; poll until FILE has a line
# matching ERE (default limit 10 s), return 1 if it never does. The
# synchronisation with a background helper, e.g.
#	mkfifo /tmp/go
#	mmap-peek "$data" 0 4096 hold /tmp/go >/tmp/peek.out &
#	t_wait_for /tmp/peek.out '^mapped$' || t_fail "mmap-peek did not map"
#	... free or unbind while mapped ...
#	echo >/tmp/go; wait $!	# status 3: SIGBUS
# (test scripts run with stdin from /dev/null: "hold" needs SECONDS or a
# PATH there).
t_wait_for() {
	_i=0
	while ! grep -Eq -- "$2" "$1" 2>/dev/null; do
		[ $_i -lt $((${3:-10} * 10)) ] || return 1
		sleep 0.1
		_i=$((_i + 1))
	done
}

# t_find_edu: the sysfs directory of QEMU's edu device (PCI 1234:11e8),
# or nothing. busybox has no lspci.
t_find_edu() {
	for _d in /sys/bus/pci/devices/*; do
		if [ "$(cat "$_d/vendor")" = 0x1234 ] &&
		   [ "$(cat "$_d/device")" = 0x11e8 ]; then
			echo "$_d"
			return 0
		fi
	done
}

# t_bar_region DEV [N]: the region memscope names after BAR (or resource)
# N of a bound device: 0000:00:03.0 -> 00-03-0-bar0, 9020000.fw-cfg ->
# 9020000-fw-cfg-bar0.
t_bar_region() {
	echo "$(echo "${1#0000:}" | tr ':.' '--')-bar${2:-0}"
}

# t_hex TEXT: TEXT as one string of hex byte pairs.
t_hex() {
	printf '%s' "$1" | od -An -tx1 -v | tr -d ' \n'
}

# t_uart_send DIR HEX [PROGRAM]: write the bytes HEX to offset 0 of the
# region DIR (a UART's transmit register), one regs write per byte, each
# after the ops PROGRAM when one is given (a poll of a TX-ready flag).
# Returns 0 if every program and write worked.
t_uart_send() {
	_dir=$1
	_rest=$2
	_ok=0
	while [ -n "$_rest" ]; do
		if [ -n "${3:-}" ]; then
			wr -e "$_dir/ops" "$3" >/dev/null || _ok=1
		fi
		wr "$_dir/regs" "0x0 0x${_rest%"${_rest#??}"}" >/dev/null || _ok=1
		_rest=${_rest#??}
	done
	return $_ok
}

# ok_wr FILE STRING: one write(2) (wr) that must write every byte; prints
# what wr said otherwise.
ok_wr() {
	_o=$(wr "$@")
	[ "$_o" = OK ] && return 0
	echo "$_o"
	return 1
}

# t_counts: "passed=N failed=M skipped=K" for this boot so far.
t_counts() {
	printf 'passed=%s failed=%s skipped=%s\n' "$(t__get passed)" \
		"$(t__get failed)" "$(t__get skipped)"
}
