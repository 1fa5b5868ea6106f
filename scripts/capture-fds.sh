#!/bin/sh
# capture-fds.sh - copy what process_open_files and process_open_pipes read
# for some pids into a tree spoor can replay (spoor --sysroot DIR, or
# test_engine(DIR) in a golden test).
#
#   scripts/capture-fds.sh DIR PID...
#
# For each pid: proc/PID/fd/N become symlinks with the same link texts
# ("/etc/passwd", "pipe:[1234]", "socket:[5678]", "/tmp/x (deleted)"),
# proc/PID/fdinfo/N are copied byte for byte, and proc/PID/ns/net becomes a
# symlink with the same text. FIFOs the descriptors refer to cannot live in
# git: their paths are listed in DIR/fifos.txt, for the test to mkfifo in a
# copy of the tree. A descriptor closed during the copy is left out.
set -eu

if [ $# -lt 2 ]; then
	echo "usage: $0 DIR PID..." >&2
	exit 2
fi
dir=$1
shift
mkdir -p "$dir/proc"
: >"$dir/fifos.txt"

for pid in "$@"; do
	case $pid in
	*[!0-9]* | '')
		echo "capture-fds: not a pid: $pid" >&2
		exit 2
		;;
	esac
	src=/proc/$pid
	dst=$dir/proc/$pid
	if [ ! -d "$src/fd" ]; then
		echo "capture-fds: no process $pid" >&2
		exit 1
	fi
	mkdir -p "$dst/fd" "$dst/fdinfo" "$dst/ns"
	if target=$(readlink "$src/ns/net" 2>/dev/null); then
		ln -sfn "$target" "$dst/ns/net"
	fi
	for f in "$src"/fd/*; do
		n=${f##*/}
		target=$(readlink "$f" 2>/dev/null) || continue
		ln -sfn "$target" "$dst/fd/$n"
		cat "$src/fdinfo/$n" >"$dst/fdinfo/$n" 2>/dev/null || rm -f "$dst/fdinfo/$n"
		if [ -p "$f" ]; then
			case $target in
			/*) echo "${target% (deleted)}" >>"$dir/fifos.txt" ;;
			esac
		fi
	done
done
sort -u -o "$dir/fifos.txt" "$dir/fifos.txt"
