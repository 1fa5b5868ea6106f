#!/usr/bin/env python3
"""Turns bench/out/*.json (hyperfine exports) and the /usr/bin/time -v
outputs into the markdown tables of docs/benchmarks.md: medians in ms and
ratios against the peer measured in the same run."""
import json
import os
import re
import statistics
import sys

out, nprocs, nsmall = sys.argv[1], sys.argv[2], sys.argv[3]


def load(name):
    """Pools the runs of every round of one comparison; returns
    [(command, median ms)] in the order the commands were given."""
    stem = name[:-len('.json')]
    times, order = {}, []
    for fn in sorted(os.listdir(out)):
        if not (fn.startswith(stem + '_r') and fn.endswith('.json')):
            continue
        with open(os.path.join(out, fn)) as f:
            for r in json.load(f)['results']:
                if r['command'] not in times:
                    times[r['command']] = []
                    order.append(r['command'])
                times[r['command']].extend(r['times'])
    return [(c, statistics.median(times[c]) * 1000.0) for c in order]


def short(cmd):
    cmd = re.sub(r'^\S*/spoor', 'spoor', cmd)
    cmd = re.sub(r'^\S*/floor_procs', 'floor_procs', cmd)
    cmd = re.sub(r'IN \([0-9,]+\)', 'IN (10 pids)', cmd)
    cmd = re.sub(r'floor_procs( \d+)+', 'floor_procs <10 pids>', cmd)
    return cmd if len(cmd) < 90 else cmd[:87] + '...'


def table(title, rows, peer_idx):
    peer = rows[peer_idx][1]
    print('\n### %s\n' % title)
    print('| command | median (ms) | ratio to `%s` |' % short(rows[peer_idx][0])[:40])
    print('|---|---:|---:|')
    for cmd, med in rows:
        print('| `%s` | %.2f | %.2fx |' % (short(cmd), med, med / peer))


def maxrss(name):
    with open(os.path.join(out, name)) as f:
        m = re.search(r'Maximum resident set size \(kbytes\): (\d+)', f.read())
    return int(m.group(1)) if m else -1


print('Processes on the machine: %s (with the extra sleepers), %s after. Medians of all runs '
      'pooled over the rounds.' % (nprocs, nsmall))
table('SELECT pid, name FROM processes vs ps -e -o pid,comm (%s processes)' % nprocs,
      load('pid_name.json'), 1)
table('SELECT * FROM processes vs the floor and ps (%s processes)' % nprocs,
      load('select_star.json'), 1)
loaded = load('in10_loaded.json')
idle = load('in10_idle.json')
print('\n### WHERE pid IN (10 pids): %s vs %s processes\n' % (nprocs, nsmall))
print('| command | median (ms), %s procs | median (ms), %s procs | ratio |' % (nprocs, nsmall))
print('|---|---:|---:|---:|')
for (cmd, a), (_, b) in zip(loaded, idle):
    print('| `%s` | %.2f | %.2f | %.2fx |' % (short(cmd), a, b, a / b))
table('SELECT * FROM processes WHERE pid = 1 (whole process)', load('pid1.json'), 1)
s, p = maxrss('rss_spoor.txt'), maxrss('rss_ps.txt')
print('\n### Peak RSS, SELECT * FROM processes (%s processes)\n' % nprocs)
print('| command | max RSS (KiB) | ratio to ps |')
print('|---|---:|---:|')
print('| `spoor --json "SELECT * FROM processes"` | %d | %.2fx |' % (s, s / p))
print('| `ps -e -o <nearest fields>` | %d | 1.00x |' % p)
