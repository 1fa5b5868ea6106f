/*
 * test_live_devices.c - pci_devices and usb_devices against pciutils and
 * usbutils on this host, at the same moment:
 *   - pci_devices against `lspci -mm -n -D`: slot, class and subclass,
 *     vendor and device ids, subsystem ids (lspci prints "" for a
 *     subsystem vendor of 0000 or ffff), in slot order;
 *   - pci_devices vendor names against `lspci -mm -D` (both read pci.ids);
 *   - usb_devices against `lsusb`: bus, device number, vendor and product
 *     ids. A host without USB (no /sys/bus/usb) gives no rows on both
 *     sides; lsusb exits 1 there, which the test accepts.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "testutil.h"

static void assert_same(const char *what, const char *expected, const char *got)
{
	if (strcmp(expected, got) != 0)
		fail_msg("%s differs\n--- expected (independent tool)\n%s--- spoor\n%s", what,
		         expected, got);
}

static void pci_ids_match_lspci(void **state)
{
	struct engine *eng = test_engine(NULL);
	char *lspci, *got;

	(void)state;
	/* slot "CCSS" "VVVV" "DDDD" [-rNN] [-pNN] "SV" "SD" */
	lspci = test_run("lspci -mm -n -D | awk -F'\"' "
	                 "'{ split($1, s, \" \"); print s[1] \"|\" $2 \"|\" $4 \"|\" $6 \"|\" $8 "
	                 "\"|\" $10 }' | LC_ALL=C sort");
	got = test_query_text(
	    eng, "SELECT pci_slot, substr(pci_class_id, 3) || substr(pci_subclass_id, 3), "
	         "substr(vendor_id, 3), substr(model_id, 3), "
	         "CASE WHEN subsystem_vendor_id IN ('0x0000', '0xffff') THEN '' "
	         "ELSE substr(subsystem_vendor_id, 3) END, "
	         "CASE WHEN subsystem_vendor_id IN ('0x0000', '0xffff') THEN '' "
	         "ELSE substr(subsystem_model_id, 3) END "
	         "FROM pci_devices ORDER BY pci_slot");
	assert_true(strlen(lspci) > 0);
	assert_same("pci_devices vs lspci -mm -n -D", lspci, got);
	free(lspci);
	free(got);
	engine_free(eng);
}

static void pci_vendor_names_match_lspci(void **state)
{
	struct engine *eng = test_engine(NULL);
	char *lspci, *got;

	(void)state;
	lspci = test_run("lspci -mm -D | awk -F'\"' "
	                 "'{ split($1, s, \" \"); print s[1] \"|\" $4 }' | LC_ALL=C sort");
	got = test_query_text(eng, "SELECT pci_slot, vendor FROM pci_devices ORDER BY pci_slot");
	assert_same("pci_devices vendor vs lspci -mm -D", lspci, got);
	free(lspci);
	free(got);
	engine_free(eng);
}

static void usb_match_lsusb(void **state)
{
	struct engine *eng = test_engine(NULL);
	char *lsusb, *got;

	(void)state;
	/* "Bus 001 Device 004: ID 0781:5567 SanDisk Corp. Cruzer Blade" */
	lsusb = test_run("{ lsusb 2>/dev/null || true; } | awk '{ sub(\":\", \"\", $4); "
	                 "split($6, id, \":\"); printf \"%d|%d|%s|%s\\n\", $2, $4, id[1], id[2] }' "
	                 "| sort -t'|' -k1,1n -k2,2n");
	got = test_query_text(eng, "SELECT usb_address, usb_port, vendor_id, model_id "
	                           "FROM usb_devices ORDER BY usb_address, usb_port");
	assert_same("usb_devices vs lsusb", lsusb, got);
	free(lsusb);
	free(got);
	engine_free(eng);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(pci_ids_match_lspci),
	    cmocka_unit_test(pci_vendor_names_match_lspci),
	    cmocka_unit_test(usb_match_lsusb),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
