/*
 * test_live_augeas.c - the augeas table against augtool on this host, at
 * the same moment: every node under /files/etc/hosts with its value, as
 * `augtool print /files/etc/hosts` lists them (the file node itself,
 * which osquery's /files/etc/hosts//\* pattern leaves out, excepted).
 * Needs augeas-tools and augeas-lenses.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "strbuf.h"
#include "testutil.h"

static void hosts_match_augtool(void **state)
{
	struct engine *eng = test_engine(NULL);
	struct test_rows rows;
	struct strbuf got = STRBUF_INIT;
	char *augtool;
	const char *expected;

	(void)state;
	/* augtool prints depth first, aug_match lists level by level:
	 * compare both in byte order of the node */
	augtool = test_run("augtool -S -I /usr/share/augeas/lenses/dist "
			   "print /files/etc/hosts | LC_ALL=C sort");
	test_query_ok(eng,
		      "SELECT node, value, path FROM augeas WHERE path = '/etc/hosts' "
		      "ORDER BY node",
		      &rows);
	/* augtool: node, or node = "value" when the node has a value */
	for (size_t r = 0; r < rows.nrows; r++) {
		const char *value = test_get(&rows, r, "value");

		assert_string_equal(test_get(&rows, r, "path"), "/etc/hosts");
		strbuf_addstr(&got, test_get(&rows, r, "node"));
		if (value && *value)
			strbuf_addf(&got, " = \"%s\"", value);
		strbuf_addch(&got, '\n');
	}
	expected = augtool;
	if (strncmp(expected, "/files/etc/hosts\n", 17) == 0)
		expected += 17;
	assert_true(rows.nrows > 0);
	if (strcmp(expected, got.buf) != 0)
		fail_msg("augeas differs\n--- augtool\n%s--- spoor\n%s", expected, got.buf);
	test_rows_free(&rows);
	strbuf_release(&got);
	free(augtool);
	engine_free(eng);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hosts_match_augtool),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
