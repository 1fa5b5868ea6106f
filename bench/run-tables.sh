#!/bin/sh
# Benchmarks of the issue 3 tables against the tool an analyst would use
# instead, measured in the same run (hyperfine; GNU time for peak RSS).
#
#   sh bench/run-tables.sh      (after `make`)
#
# Results: bench/out/tables_*.json and bench/out/tables-report.md.
set -eu
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
SPOOR=$(pwd)/$BUILD/spoor
OUT=bench/out
RUNS=${RUNS:-10}
ROUNDS=${ROUNDS:-3}
mkdir -p "$OUT"
command -v hyperfine >/dev/null || { echo "bench: hyperfine missing (make deps)"; exit 1; }

HF="hyperfine -N --warmup 2 --runs $RUNS --style basic"
hf() {
	name=$1
	shift
	r=1
	while [ $r -le "$ROUNDS" ]; do
		$HF --export-json "$OUT/tables_${name}_r$r.json" "$@" >/dev/null
		r=$((r + 1))
	done
	echo "bench: $name done"
}

big=$(mktemp /tmp/spoor-bench-XXXXXX)
trap 'rm -f "$big"' EXIT INT TERM
head -c $((256 << 20)) /dev/urandom > "$big"

hf file_tree \
	"$SPOOR --list --header=false \"SELECT path, size FROM file WHERE path LIKE '/usr/%%'\"" \
	"find /usr -mindepth 1 -printf '%p %s\n'"
hf hash_256m \
	"$SPOOR --list --header=false \"SELECT sha256 FROM hash WHERE path = '$big'\"" \
	"sha256sum $big"
hf sockets \
	"$SPOOR --list --header=false 'SELECT * FROM process_open_sockets'" \
	"ss -tanpu"
hf listening \
	"$SPOOR --list --header=false 'SELECT * FROM listening_ports'" \
	"ss -ltnpu"
hf deb \
	"$SPOOR --list --header=false 'SELECT name, version, arch, status, size, source FROM deb_packages'" \
	"dpkg-query -W -f=\${Package}|\${Version}|\${Architecture}|\${Status}|\${Installed-Size}|\${Source}\n"
hf users \
	"$SPOOR --list --header=false 'SELECT * FROM users'" \
	"getent passwd"

/usr/bin/time -v "$SPOOR" --list "SELECT path, size FROM file WHERE path LIKE '/usr/%%'" \
	>/dev/null 2>"$OUT/tables_rss_file.txt"
/usr/bin/time -v find /usr -mindepth 1 -printf '%p %s\n' >/dev/null 2>"$OUT/tables_rss_find.txt"

python3 - "$OUT" <<'PY' | tee "$OUT/tables-report.md"
import json, os, re, statistics, sys
out = sys.argv[1]
def load(stem):
    times, order = {}, []
    for fn in sorted(os.listdir(out)):
        if fn.startswith('tables_%s_r' % stem) and fn.endswith('.json'):
            for r in json.load(open(os.path.join(out, fn)))['results']:
                if r['command'] not in times:
                    times[r['command']] = []
                    order.append(r['command'])
                times[r['command']].extend(r['times'])
    return [(c, statistics.median(times[c]) * 1000) for c in order]
def short(c):
    c = re.sub(r'^\S*/spoor', 'spoor', c)
    return re.sub(r'/tmp/spoor-bench-\w+', '<256 MiB file>', c).replace('|', '\\|')
print('| query | spoor median (ms) | peer | peer median (ms) | ratio |')
print('|---|---:|---|---:|---:|')
for stem in ['file_tree', 'hash_256m', 'sockets', 'listening', 'deb', 'users']:
    (a, ta), (b, tb) = load(stem)
    print('| `%s` | %.1f | `%s` | %.1f | %.2fx |' % (short(a), ta, short(b)[:60], tb, ta / tb))
def rss(f):
    m = re.search(r'Maximum resident set size \(kbytes\): (\d+)', open(os.path.join(out, f)).read())
    return int(m.group(1))
print('\nPeak RSS, file LIKE \'/usr/%%%%\' (path, size): spoor %d KiB, find %d KiB' %
      (rss('tables_rss_file.txt'), rss('tables_rss_find.txt')))
PY
