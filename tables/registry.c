/*
 * registry.c - the list of every table spec the agent serves.
 */
#include "registry.h"
#include "banned.h"

const struct table_spec *const spoor_table_specs[] = {
	&processes_spec,
	&users_spec,
	&groups_spec,
	&user_groups_spec,
	&system_info_spec,
	&os_version_spec,
	&kernel_info_spec,
	&uptime_spec,
	&load_average_spec,
	&memory_info_spec,
	&cpu_time_spec,
	&time_spec,
	&osquery_info_spec,
	&osquery_flags_spec,
	/* batch files: */
	/* batch sockets: */
	/* batch etc: */
	/* batch kernel: */
	/* batch packages: */
	/* batch network: */
};

const size_t spoor_table_specs_count = ARRAY_SIZE(spoor_table_specs);
