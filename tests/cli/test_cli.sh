#!/bin/sh
# Command-line behaviour of the real spoor binary: output modes, exit
# status, errors on stderr, stdin input, meta commands, read-only refusals.
# usage: test_cli.sh path/to/spoor
set -u
SPOOR=$1
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect_out NAME EXPECTED_STDOUT -- ARGS... (exit 0 required)
expect_out() {
	name=$1; want=$2; shift 3
	got=$("$SPOOR" "$@" 2>"$tmp/err"); st=$?
	if [ $st -ne 0 ]; then bad "$name: exit $st, stderr: $(cat "$tmp/err")"; return; fi
	if [ "$got" != "$want" ]; then bad "$name: got [$got] want [$want]"; return; fi
	ok
}

# expect_err NAME STDERR_SUBSTRING -- ARGS... (non-zero exit required)
expect_err() {
	name=$1; want=$2; shift 3
	"$SPOOR" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null; st=$?
	if [ $st -eq 0 ]; then bad "$name: exit 0, expected failure"; return; fi
	if ! grep -qF -- "$want" "$tmp/err"; then bad "$name: stderr [$(cat "$tmp/err")] lacks [$want]"; return; fi
	ok
}

expect_out json-array '[
  {"a":"1","b":"x"}
]' -- --json "select 'x' as b, 1 as a"
expect_out json-integers '[
  {"a":"-9223372036854775808","b":"0","c":"9223372036854775807","d":"-7","e":"1.5","f":""}
]' -- --json "select -9223372036854775808 as a, 0 as b, 9223372036854775807 as c, -7 as d, 1.5 as e, NULL as f"
expect_out json-empty '[

]' -- --json "select 1 as a where 0"
expect_out csv 'a,b
1,"x,y"' -- --csv "select 1 as a, 'x,y' as b"
expect_out list 'a|b
1|' -- --list "select 1 as a, NULL as b"
expect_out list-noheader '1|2' -- --list --header=false "select 1, 2"
expect_out line '  a = 1
bcd = 2' -- --line "select 1 as a, 2 as bcd"
expect_out pretty '+---+------+
| a | b    |
+---+------+
| 1 | héé  |
| 2 | 日本 |
+---+------+' -- "select 1 as a, 'héé' as b union all select 2, '日本'"
expect_out dqs-fallback 'x' -- --list --header=false 'select "x"'
expect_out positional-join '3' -- --list --header=false select 1 + 2

# SQL and meta commands on stdin
got=$(printf '.mode list\n.headers off\nselect 40\n+ 2;\n' | "$SPOOR" 2>&1)
[ "$got" = "42" ] && ok || bad "stdin multi-line: [$got]"
got=$(printf 'select 1;\nselect nope;\nselect 2;\n' | "$SPOOR" --list --header=false 2>"$tmp/err"); st=$?
[ "$got" = "1
2" ] && [ $st -ne 0 ] && grep -q 'no such column: nope' "$tmp/err" && ok || bad "stdin error continues: [$got] st=$st"
printf 'select 7;\n' > "$tmp/q.sql"
got=$(printf '.read %s\n' "$tmp/q.sql" | "$SPOOR" --list --header=false 2>&1)
[ "$got" = "7" ] && ok || bad ".read: [$got]"
got=$(printf '.tables upt\n' | "$SPOOR" 2>&1)
[ "$got" = "  => uptime" ] && ok || bad ".tables prefix: [$got]"
got=$(printf '.schema uptime\n' | "$SPOOR" 2>&1)
[ "$got" = 'CREATE TABLE uptime(`days` INTEGER, `hours` INTEGER, `minutes` INTEGER, `seconds` INTEGER, `total_seconds` BIGINT, PRIMARY KEY (`days`, `hours`, `minutes`, `seconds`, `total_seconds`)) WITHOUT ROWID;' ] && ok || bad ".schema: [$got]"
got=$(printf '.bogus\n' | "$SPOOR" 2>&1); st=$?
echo "$got" | grep -q 'unknown command' && [ $st -ne 0 ] && ok || bad ".bogus: [$got] st=$st"

# errors: message on stderr, non-zero exit
expect_err syntax 'syntax error' -- "selec 1"
expect_err unknown-table 'no such table: nosuchtable' -- "select * from nosuchtable"
expect_err unknown-flag 'unknown flag --jsn (did you mean --json?)' -- --jsn "select 1"
expect_err bad-bool 'takes true or false' -- --header=maybe "select 1"
expect_err bad-sysroot 'cannot open root' -- --sysroot=/nonexistent/dir "select 1"

# read-only by construction
expect_err attach 'read-only: ATTACH is not allowed' -- "attach database '$tmp/x.db' as x"
[ ! -e "$tmp/x.db" ] && ok || bad "attach created a file"
expect_err create 'read-only: CREATE TABLE is not allowed' -- "create table t(a)"
expect_err create-temp 'read-only: CREATE TABLE is not allowed' -- "create temp table t(a)"
expect_err create-view 'read-only: CREATE VIEW is not allowed' -- "create view v as select 1"
expect_err load-ext 'load_extension() is not allowed' -- "select load_extension('/tmp/x.so')"
expect_err pragma-write 'PRAGMA journal_mode is not allowed' -- "pragma journal_mode = wal"
expect_err pragma-file 'PRAGMA temp_store_directory is not allowed' -- "pragma temp_store_directory = '$tmp'"
expect_err vacuum-into 'read-only' -- "vacuum into '$tmp/v.db'"
[ ! -e "$tmp/v.db" ] && ok || bad "vacuum into created a file"
expect_err insert 'read-only' -- "insert into uptime values (1,2,3,4,5)"
expect_out pragma-read-ok '5' -- --list --header=false "select count(*) from pragma_table_info('uptime')"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
