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
	&file_spec,
	&hash_spec,
	&suid_bin_spec,
	&extended_attributes_spec,
	&magic_spec,
	/* batch sockets: */
	&process_open_sockets_spec,
	&listening_ports_spec,
	&process_open_files_spec,
	&process_open_pipes_spec,
	/* batch etc: */
	&etc_hosts_spec,
	&etc_services_spec,
	&etc_protocols_spec,
	&dns_resolvers_spec,
	&authorized_keys_spec,
	&known_hosts_spec,
	&user_ssh_keys_spec,
	&ssh_configs_spec,
	&crontab_spec,
	&shadow_spec,
	&sudoers_spec,
	&last_spec,
	&logged_in_users_spec,
	/* batch kernel: */
	&kernel_modules_spec,
	&system_controls_spec,
	&mounts_spec,
	&process_envs_spec,
	&process_memory_map_spec,
	&process_namespaces_spec,
	&cpu_info_spec,
	&ulimit_info_spec,
	&shared_memory_spec,
	/* batch packages: */
	&python_packages_spec,
	&npm_packages_spec,
	&yum_sources_spec,
	&deb_packages_spec,
	&deb_package_files_spec,
	&apt_sources_spec,
	/* batch network: */
	&arp_cache_spec,
	&interface_addresses_spec,
	&interface_details_spec,
	&interface_ipv6_spec,
	&routes_spec,
	/* batch persist: */
	&shell_history_spec,
	&startup_items_spec,
	/* batch hw2: */
	&certificates_spec,
	&block_devices_spec,
};

const size_t spoor_table_specs_count = ARRAY_SIZE(spoor_table_specs);
