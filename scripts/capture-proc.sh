#!/bin/sh
# capture-proc.sh - copy what the processes table reads for some pids into
# a tree spoor can replay (spoor --sysroot DIR, or test_engine(DIR) in a
# golden test).
#
#   scripts/capture-proc.sh DIR PID...
#
# For each pid: proc/PID/{stat,status,cmdline,io,cgroup} are copied byte
# for byte, and proc/PID/{exe,cwd,root} become symlinks with the same
# targets (spoor reads only the link text). When the exe target exists on
# this host, an empty file stands in for it under DIR, so on_disk replays
# as 1. Also copied once: proc/stat (btime) and proc/uptime.
#
# What cannot be read is left out, as the table treats a missing file:
# io of another user's process without root, the exe of a kernel thread.
# A pid that exits during the copy is reported and its directory removed.
set -eu

if [ $# -lt 2 ]; then
	echo "usage: $0 DIR PID..." >&2
	exit 2
fi
dir=$1
shift
mkdir -p "$dir/proc"
cat /proc/stat >"$dir/proc/stat"
cat /proc/uptime >"$dir/proc/uptime"

for pid in "$@"; do
	case $pid in
	*[!0-9]* | '')
		echo "capture-proc: not a pid: $pid" >&2
		exit 2
		;;
	esac
	src=/proc/$pid
	dst=$dir/proc/$pid
	if [ ! -d "$src" ]; then
		echo "capture-proc: no process $pid" >&2
		exit 1
	fi
	mkdir -p "$dst"
	for f in stat status cmdline io cgroup; do
		# /proc files report size 0: cat, not cp
		cat "$src/$f" >"$dst/$f" 2>/dev/null || rm -f "$dst/$f"
	done
	for l in exe cwd root; do
		rm -f "$dst/$l"
		if target=$(readlink "$src/$l" 2>/dev/null); then
			ln -s "$target" "$dst/$l"
			if [ "$l" = exe ] && [ -f "$target" ]; then
				mkdir -p "$dir$(dirname "$target")"
				: >"$dir$target"
			fi
		fi
	done
	if [ ! -d "$src" ] || [ ! -s "$dst/stat" ]; then
		echo "capture-proc: process $pid exited during the copy" >&2
		rm -rf "$dst"
	fi
done
