/*
 * test_live_shell_history.c - shell_history against perl applying
 * osquery's own two regular expressions to the history files of every
 * account `getent -s files passwd` lists, at the same moment.
 *
 * So that the comparison is not empty on a host where nobody has a
 * shell history, the test writes a fixture .sh_history (bash and zsh
 * lines) into the running user's home when that file does not exist,
 * and removes it afterwards.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "strbuf.h"
#include "testutil.h"

/* Per account (absolute home only): the five files, then the sorted
 * .bash_sessions/NAME.history; lines split at "\n" only, a final line
 * without "\n" kept. */
static const char perl_script[] =
    "perl -e '"
    "sub t { my $t = shift; $t =~ s/^0+(?=\\d)//;"
    "  return (length($t) > 19 || (length($t) == 19 && $t gt \"9223372036854775807\"))"
    "  ? \"NULL\" : $t }"
    "while (my $l = <STDIN>) { chomp $l; my @f = split(/:/, $l, -1);"
    "  next if @f < 7 || $f[0] eq \"\" || $f[0] =~ /^[+-]/;"
    "  my ($uid, $h) = ($f[2], $f[5]); next unless $h =~ m{^/};"
    "  my $b = $h; $b .= \"/\" unless $b =~ m{/$};"
    "  my @files = map { $b . $_ } qw(.bash_history .zsh_history .zhistory .history"
    "    .sh_history);"
    "  push @files, sort glob(\"${b}.bash_sessions/*.history\") if -d \"${b}.bash_sessions\";"
    "  for my $file (@files) { open(my $fh, \"<\", $file) or next; next if -d $file;"
    "    local $/; my $c = <$fh>; close $fh; next unless defined $c && length $c;"
    "    my @lines = split(/\\n/, $c, -1); pop @lines if $c =~ /\\n$/;"
    "    my $stamp;"
    "    for my $x (@lines) {"
    "      if (!defined $stamp && $x =~ /^#([0-9]+)$/) { $stamp = $1; next }"
    "      if (defined $stamp) { print \"$uid|\", t($stamp), \"|$x|$file\\n\"; undef $stamp }"
    "      elsif ($x =~ /^: {0,10}([0-9]{1,11}):[0-9]+;([^\\r]*)$/) {"
    "        print \"$uid|\", t($1), \"|$2|$file\\n\" }"
    "      else { print \"$uid|0|$x|$file\\n\" } } } }"
    "'";

static const char fixture[] = "#1700000000\nls -l\n: 1700000001:3;zsh style\nplain\n";

static void matches_perl(void **state)
{
	struct engine *eng = test_engine(NULL);
	struct strbuf cmd = STRBUF_INIT, path = STRBUF_INIT;
	struct passwd *pw = getpwuid(getuid());
	char *expected, *got;
	int fd = -1;

	(void)state;
	if (pw && pw->pw_dir && pw->pw_dir[0] == '/') {
		strbuf_addf(&path, "%s/.sh_history", pw->pw_dir);
		fd = open(path.buf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0) {
			assert_int_equal(write(fd, fixture, sizeof(fixture) - 1),
			                 (ssize_t)(sizeof(fixture) - 1));
			close(fd);
		}
	}
	strbuf_addf(&cmd, "getent -s files passwd | %s", perl_script);
	expected = test_run(cmd.buf);
	got = test_query_text(eng, "SELECT uid, time, command, history_file FROM shell_history");
	if (fd >= 0)
		unlink(path.buf);
	if (strcmp(expected, got) != 0)
		fail_msg("shell_history differs\n--- expected (perl)\n%s--- spoor\n%s", expected,
		         got);
	/* the fixture, when written, is among the rows */
	if (fd >= 0)
		assert_non_null(strstr(got, "|1700000001|zsh style|"));
	free(expected);
	free(got);
	strbuf_release(&cmd);
	strbuf_release(&path);
	engine_free(eng);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(matches_perl),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
