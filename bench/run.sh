#!/bin/sh
# Reproduces the numbers in docs/benchmarks.md.
#
#   make bench            (or: sh bench/run.sh after `make`)
#
# Tools: hyperfine (Debian package), GNU time (/usr/bin/time -v), ps.
# It starts EXTRA (default 2000) sleeping processes, measures, then kills
# them and measures the pid-constrained queries again to show their cost
# does not depend on the number of processes. Results: bench/out/*.json
# (hyperfine exports) and bench/out/report.md (medians and ratios).
set -eu
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
SPOOR=$(pwd)/$BUILD/spoor
FLOOR=$(pwd)/$BUILD/bench/floor_procs
OUT=bench/out
RUNS=${RUNS:-10}
ROUNDS=${ROUNDS:-5}
EXTRA=${EXTRA:-2000}
mkdir -p "$OUT"

command -v hyperfine >/dev/null || { echo "bench: hyperfine missing (make deps)"; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: GNU time missing (make deps)"; exit 1; }
[ -x "$SPOOR" ] && [ -x "$FLOOR" ] || { echo "bench: build first (make)"; exit 1; }

pids=""
cleanup() { [ -n "$pids" ] && kill $pids 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

i=0
while [ $i -lt "$EXTRA" ]; do
	sleep 100000 &
	pids="$pids $!"
	i=$((i + 1))
done
sleep 1
nprocs=$(ls -d /proc/[0-9]* | wc -l)
ten=$(echo $pids | tr ' ' '\n' | head -10 | tr '\n' ',' | sed 's/,$//')
ten_sp=$(echo "$ten" | tr ',' ' ')
echo "bench: $nprocs processes on the machine, $EXTRA of them extra sleepers"

HF="hyperfine -N --warmup 3 --runs $RUNS --style basic"

# hf NAME CMD...: ROUNDS rounds of hyperfine over the same commands, so
# the peers alternate and slow drift on the machine hits both alike;
# report.py pools the runs of all rounds.
hf() {
	name=$1
	shift
	r=1
	while [ $r -le "$ROUNDS" ]; do
		$HF --export-json "$OUT/${name}_r$r.json" "$@" >/dev/null
		r=$((r + 1))
	done
	echo "bench: $name done"
}
PS_ALL="ps -e -o pid,comm,args,state,uid,gid,euid,egid,suid,sgid,rss,vsz,cputime,lstart,ppid,pgid,nlwp,ni,cgroup"

hf pid_name \
	"$SPOOR --list --header=false 'SELECT pid, name FROM processes'" \
	"ps -e -o pid,comm"

hf select_star \
	"$SPOOR --json 'SELECT * FROM processes'" \
	"$FLOOR" \
	"$PS_ALL"

hf in10_loaded \
	"$SPOOR --list --header=false 'SELECT pid, name FROM processes WHERE pid IN ($ten)'" \
	"$SPOOR --json 'SELECT * FROM processes WHERE pid IN ($ten)'" \
	"$FLOOR $ten_sp"

hf pid1 \
	"$SPOOR --json 'SELECT * FROM processes WHERE pid = 1'" \
	"ps -p 1 -o pid,comm,args,state,uid,gid,rss,vsz,ppid"

# peak RSS of the full query, and of ps for the same work
/usr/bin/time -v "$SPOOR" --json 'SELECT * FROM processes' >/dev/null 2>"$OUT/rss_spoor.txt"
/usr/bin/time -v $PS_ALL >/dev/null 2>"$OUT/rss_ps.txt"

# the same pid-constrained queries with the extra processes gone
keep=$(echo $pids | tr ' ' '\n' | head -10 | tr '\n' ' ')
kill $(echo $pids | tr ' ' '\n' | tail -n +11) 2>/dev/null || true
pids=$keep
sleep 1
nsmall=$(ls -d /proc/[0-9]* | wc -l)
echo "bench: $nsmall processes after killing the extra sleepers"
hf in10_idle \
	"$SPOOR --list --header=false 'SELECT pid, name FROM processes WHERE pid IN ($ten)'" \
	"$SPOOR --json 'SELECT * FROM processes WHERE pid IN ($ten)'" \
	"$FLOOR $ten_sp"

python3 bench/report.py "$OUT" "$nprocs" "$nsmall" | tee "$OUT/report.md"
