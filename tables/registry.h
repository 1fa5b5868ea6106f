/*
 * registry.h - every table spoor serves. To add a table: write its spec
 * and generator in the family's file under tables/, declare the spec
 * here, and list it in registry.c.
 */
#ifndef SPOOR_TABLES_REGISTRY_H
#define SPOOR_TABLES_REGISTRY_H

#include <stddef.h>

#include "table_spec.h"

/* tables/processes.c */
extern const struct table_spec processes_spec;
/* tables/users.c */
extern const struct table_spec users_spec;
extern const struct table_spec groups_spec;
extern const struct table_spec user_groups_spec;
/* tables/host.c */
extern const struct table_spec system_info_spec;
extern const struct table_spec os_version_spec;
extern const struct table_spec kernel_info_spec;
/* tables/resources.c */
extern const struct table_spec uptime_spec;
extern const struct table_spec load_average_spec;
extern const struct table_spec memory_info_spec;
extern const struct table_spec cpu_time_spec;
/* tables/time.c */
extern const struct table_spec time_spec;
/* tables/osquery.c */
extern const struct table_spec osquery_info_spec;
extern const struct table_spec osquery_flags_spec;
/* tables/files.c */
extern const struct table_spec file_spec;
extern const struct table_spec hash_spec;
extern const struct table_spec suid_bin_spec;
extern const struct table_spec extended_attributes_spec;
extern const struct table_spec magic_spec;
/* tables/sockets.c */
extern const struct table_spec process_open_sockets_spec;
extern const struct table_spec listening_ports_spec;
/* tables/process_fds.c */
extern const struct table_spec process_open_files_spec;
extern const struct table_spec process_open_pipes_spec;
/* tables/etc_files.c */
extern const struct table_spec etc_hosts_spec;
extern const struct table_spec etc_services_spec;
extern const struct table_spec etc_protocols_spec;
extern const struct table_spec dns_resolvers_spec;
/* tables/ssh.c */
extern const struct table_spec authorized_keys_spec;
extern const struct table_spec known_hosts_spec;
extern const struct table_spec user_ssh_keys_spec;
extern const struct table_spec ssh_configs_spec;
/* tables/cron.c */
extern const struct table_spec crontab_spec;
/* tables/accounts.c */
extern const struct table_spec shadow_spec;
extern const struct table_spec sudoers_spec;
extern const struct table_spec last_spec;
extern const struct table_spec logged_in_users_spec;
/* tables/kernel.c */
extern const struct table_spec kernel_modules_spec;
extern const struct table_spec system_controls_spec;
extern const struct table_spec mounts_spec;
/* tables/process_details.c */
extern const struct table_spec process_envs_spec;
extern const struct table_spec process_memory_map_spec;
extern const struct table_spec process_namespaces_spec;
/* tables/hardware.c */
extern const struct table_spec cpu_info_spec;
extern const struct table_spec ulimit_info_spec;
extern const struct table_spec shared_memory_spec;
/* tables/language_packages.c */
extern const struct table_spec python_packages_spec;
extern const struct table_spec npm_packages_spec;
/* tables/yum.c */
extern const struct table_spec yum_sources_spec;
/* tables/deb.c */
extern const struct table_spec deb_packages_spec;
extern const struct table_spec deb_package_files_spec;
extern const struct table_spec apt_sources_spec;
extern const struct table_spec arp_cache_spec;
extern const struct table_spec interface_addresses_spec;
extern const struct table_spec interface_details_spec;
extern const struct table_spec interface_ipv6_spec;
extern const struct table_spec routes_spec;
/* tables/shell_history.c */
extern const struct table_spec shell_history_spec;
/* tables/startup_items.c */
extern const struct table_spec startup_items_spec;
/* tables/certificates.c */
extern const struct table_spec certificates_spec;
/* tables/block_devices.c */
extern const struct table_spec block_devices_spec;
/* tables/devices.c */
extern const struct table_spec pci_devices_spec;
extern const struct table_spec usb_devices_spec;
/* tables/md.c */
extern const struct table_spec md_devices_spec;
extern const struct table_spec md_drives_spec;
extern const struct table_spec md_personalities_spec;
/* tables/mac.c */
extern const struct table_spec selinux_settings_spec;
extern const struct table_spec apparmor_profiles_spec;
/* tables/cpu_features.c */
extern const struct table_spec cpuid_spec;
extern const struct table_spec platform_info_spec;
/* tables/curl.c */
extern const struct table_spec curl_spec;
extern const struct table_spec curl_certificate_spec;
/* tables/smbios_tables.c */
extern const struct table_spec smbios_tables_spec;
extern const struct table_spec memory_arrays_spec;
extern const struct table_spec memory_devices_spec;
extern const struct table_spec oem_strings_spec;
/* tables/augeas.c */
extern const struct table_spec augeas_spec;
/* tables/iptables.c */
extern const struct table_spec iptables_spec;

extern const struct table_spec *const spoor_table_specs[];
extern const size_t spoor_table_specs_count;

#endif
