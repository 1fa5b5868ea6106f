/*
 * registry.c - the list of every table spec the agent serves.
 */
#include "registry.h"
#include "banned.h"

const struct table_spec *const spoor_table_specs[] = {
	/* tables/processes.c */
	&processes_spec,
	/* tables/users.c */
	&users_spec,
	&groups_spec,
	&user_groups_spec,
	/* tables/host.c */
	&system_info_spec,
	&os_version_spec,
	&kernel_info_spec,
	/* tables/resources.c */
	&uptime_spec,
	&load_average_spec,
	&memory_info_spec,
	&cpu_time_spec,
	/* tables/time.c */
	&time_spec,
	/* tables/osquery.c */
	&osquery_info_spec,
	&osquery_flags_spec,
	/* tables/files.c */
	&file_spec,
	&hash_spec,
	&suid_bin_spec,
	&extended_attributes_spec,
	&magic_spec,
	/* tables/sockets.c */
	&process_open_sockets_spec,
	&listening_ports_spec,
	/* tables/process_fds.c */
	&process_open_files_spec,
	&process_open_pipes_spec,
	/* tables/etc_files.c */
	&etc_hosts_spec,
	&etc_services_spec,
	&etc_protocols_spec,
	&dns_resolvers_spec,
	/* tables/ssh.c */
	&authorized_keys_spec,
	&known_hosts_spec,
	&user_ssh_keys_spec,
	&ssh_configs_spec,
	/* tables/cron.c */
	&crontab_spec,
	/* tables/accounts.c */
	&shadow_spec,
	&sudoers_spec,
	&last_spec,
	&logged_in_users_spec,
	/* tables/kernel.c */
	&kernel_modules_spec,
	&system_controls_spec,
	&mounts_spec,
	/* tables/process_details.c */
	&process_envs_spec,
	&process_memory_map_spec,
	&process_namespaces_spec,
	/* tables/hardware.c */
	&cpu_info_spec,
	&ulimit_info_spec,
	&shared_memory_spec,
	/* tables/language_packages.c */
	&python_packages_spec,
	&npm_packages_spec,
	/* tables/yum.c */
	&yum_sources_spec,
	/* tables/deb.c */
	&deb_packages_spec,
	&deb_package_files_spec,
	&apt_sources_spec,
	&arp_cache_spec,
	&interface_addresses_spec,
	&interface_details_spec,
	&interface_ipv6_spec,
	&routes_spec,
	/* tables/shell_history.c */
	&shell_history_spec,
	/* tables/startup_items.c */
	&startup_items_spec,
	/* tables/certificates.c */
	&certificates_spec,
	/* tables/block_devices.c */
	&block_devices_spec,
	/* tables/devices.c */
	&pci_devices_spec,
	&usb_devices_spec,
	/* tables/md.c */
	&md_devices_spec,
	&md_drives_spec,
	&md_personalities_spec,
	/* tables/mac.c */
	&selinux_settings_spec,
	&apparmor_profiles_spec,
	/* tables/cpu_features.c */
	&cpuid_spec,
	&platform_info_spec,
	/* tables/curl.c */
	&curl_spec,
	&curl_certificate_spec,
	/* tables/smbios_tables.c */
	&smbios_tables_spec,
	&memory_arrays_spec,
	&memory_devices_spec,
	&oem_strings_spec,
	/* tables/augeas.c */
	&augeas_spec,
	/* tables/iptables.c */
	&iptables_spec,
};

const size_t spoor_table_specs_count = ARRAY_SIZE(spoor_table_specs);
