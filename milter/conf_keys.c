/*
 * conf_keys.c - the one table of configuration keys.
 *
 * Each row: name, type, default (in config syntax, parsed by the same
 * function as a value from the file), parse function, destination field,
 * bounds, names for enums, and whether a reload applies it. The loader,
 * `phimilter -n` and the t_conf test (every key is in conf/phimilter.conf)
 * all read this table; there is no second list of keys anywhere.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include "conf.h"
#include "metrics_http.h"

#define F(field) offsetof(struct conf, field)
#define L(field) offsetof(struct conf, limits) + offsetof(struct phi_limits, field)

static const struct conf_enum mode_names[] = {
	{ "enforce", CONF_MODE_ENFORCE }, { "monitor", CONF_MODE_MONITOR }, { NULL, 0 }
};
static const struct conf_enum on_error_names[] = {
	{ "tempfail", CONF_ON_ERROR_TEMPFAIL }, { "accept", CONF_ON_ERROR_ACCEPT },
	{ "reject", CONF_ON_ERROR_REJECT }, { NULL, 0 }
};
static const struct conf_enum facility_names[] = {
	{ "mail", LOG_MAIL }, { "daemon", LOG_DAEMON }, { "user", LOG_USER },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 },
	{ "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 }, { NULL, 0 }
};
static const struct conf_enum level_names[] = {
	{ "err", LOG_ERR }, { "error", LOG_ERR }, { "warning", LOG_WARNING },
	{ "notice", LOG_NOTICE }, { "info", LOG_INFO }, { "debug", LOG_DEBUG }, { NULL, 0 }
};

static const struct conf_enum qmethod_names[] = {
	{ "store", CONF_QM_STORE }, { "mta-hold", CONF_QM_MTA_HOLD }, { NULL, 0 }
};
static const struct conf_enum blocked_names[] = {
	{ "reject", CONF_BLOCK_REJECT }, { "quarantine", CONF_BLOCK_QUARANTINE }, { NULL, 0 }
};

static const struct conf_enum cookie_names[] = {
	{ "auto", CONF_COOKIE_AUTO }, { "yes", CONF_COOKIE_YES }, { "no", CONF_COOKIE_NO }, { NULL, 0 }
};

/* A duration: a number with an optional s, m, h or d suffix, stored in
 * seconds as an unsigned (the row's min/max are seconds). */
static int parse_duration(struct conf_parse *p, const struct conf_key *k, const char *val)
{
	char num[32];
	size_t n = strlen(val);
	unsigned long long mul = 1, v;
	char *end;

	if (n > 0 && strchr("smhd", val[n - 1])) {
		mul = val[n - 1] == 'm' ? 60 : val[n - 1] == 'h' ? 3600 : val[n - 1] == 'd' ? 86400 : 1;
		n--;
	}
	if (n == 0 || n >= sizeof num) {
		conf_error(p, "%s: want a duration such as 900, 15m, 2h or 30d", k->name);
		return -1;
	}
	memcpy(num, val, n);
	num[n] = 0;
	v = strtoull(num, &end, 10);
	if (*end || num[0] == '-' || v > 0xffffffffull / mul) {
		conf_error(p, "%s: want a duration such as 900, 15m, 2h or 30d", k->name);
		return -1;
	}
	snprintf(num, sizeof num, "%llu", v * mul);
	return conf_parse_uint(p, k, num);
}

/* An address (privacy_officer): empty, or user@domain with a real domain,
 * because phimilter mails it and a typo would lose every officer notice. */
static int parse_address(struct conf_parse *p, const struct conf_key *k, const char *val)
{
	char dom[256];
	const char *at = strrchr(val, '@'), *c;

	if (*val) {
		for (c = val; *c; c++)
			if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f || strchr("<>()[],;:\\\"", *c)) {
				conf_error(p, "%s: want one address user@domain (no name, no <>)", k->name);
				return -1;
			}
		if (!at || at == val || strlen(at + 1) >= sizeof dom || strchr(val, '@') != at) {
			conf_error(p, "%s: want one address user@domain", k->name);
			return -1;
		}
		strcpy(dom, at + 1);
		if (conf_domain_normalise(dom) != 0) {
			conf_error(p, "%s: bad domain after '@'", k->name);
			return -1;
		}
	}
	return conf_parse_str(p, k, val);
}

/* metrics_listen: empty, or a numeric ADDR:PORT / [ADDR]:PORT with a
 * port other than 0 (metrics_http.c binds exactly that). */
static int parse_metrics_listen(struct conf_parse *p, const struct conf_key *k, const char *val)
{
	struct sockaddr_storage ss;
	socklen_t sl;

	if (*val && (metrics_http_parse_addr(val, &ss, &sl) != 0 || metrics_http_port_of(&ss) == 0)) {
		conf_error(p, "%s: want a numeric ADDR:PORT such as 127.0.0.1:9725 or [::1]:9725 (port 1-65535), not '%s'",
		           k->name, val);
		return -1;
	}
	return conf_parse_str(p, k, val);
}

static const struct conf_enum sender_notice_names[] = {
	{ "internal", CONF_SN_INTERNAL }, { "all", CONF_SN_ALL }, { "none", CONF_SN_NONE }, { NULL, 0 }
};

#define KB 1024ull
#define MB (1024ull * 1024)
#define GB (1024ull * 1024 * 1024)

const struct conf_key conf_keys[] = {
	/* CONTRACTS.md keys */
	{ "socket", CONF_T_SOCKET, "unix:/run/phimilter/phimilter.sock", conf_parse_socket, F(socket), 0, 0, NULL, 0 },
	{ "mode", CONF_T_ENUM, "enforce", conf_parse_enum, F(mode), 0, 0, mode_names, 1 },
	{ "internal_domains", CONF_T_DOMAINS, "example.org", conf_parse_domains, F(internal_domains), 0, 0, NULL, 1 },
	{ "partner_domains", CONF_T_DOMAINS, "", conf_parse_domains, F(partner_domains), 0, 0, NULL, 1 },
	{ "social_domains", CONF_T_DOMAINS, "", conf_parse_domains, F(social_domains), 0, 0, NULL, 1 },
	{ "chat_domains", CONF_T_DOMAINS, "", conf_parse_domains, F(chat_domains), 0, 0, NULL, 1 },
	{ "quarantine_dir", CONF_T_PATH, "/var/lib/phimilter/quarantine", conf_parse_path, F(quarantine_dir), 0, 0, NULL, 1 },
	{ "on_error", CONF_T_ENUM, "tempfail", conf_parse_enum, F(on_error), 0, 0, on_error_names, 1 },
	{ "portal_url", CONF_T_STR, "", conf_parse_url, F(portal_url), 0, 0, NULL, 1 },
	{ "secure_keyword", CONF_T_STR, "[secure]", conf_parse_str, F(secure_keyword), 0, 0, NULL, 1 },
	{ "submission", CONF_T_STR, "/usr/sbin/sendmail -t -i", conf_parse_str, F(submission), 0, 0, NULL, 1 },
	{ "scan_socket", CONF_T_SOCKET, "", conf_parse_socket, F(scan_socket), 0, 0, NULL, 0 },
	{ "portal_listen", CONF_T_STR, "127.0.0.1:8025", conf_parse_str, F(portal_listen), 0, 0, NULL, 0 },
	{ "scan_max_request", CONF_T_SIZE, "16m", conf_parse_size, F(scan_max_request), 1 * KB, 1 * GB, NULL, 1 },
	{ "scan_socket_timeout", CONF_T_UINT, "120", conf_parse_uint, F(scan_socket_timeout), 1, 86400, NULL, 1 },

	/* quarantine, portal, audit (issue 5) */
	{ "quarantine_key_file", CONF_T_FILE, "", conf_parse_keyfile, F(quarantine_key_file), 0, 0, NULL, 1 },
	{ "quarantine_method", CONF_T_ENUM, "store", conf_parse_enum, F(quarantine_method), 0, 0, qmethod_names, 1 },
	{ "blocked_action", CONF_T_ENUM, "reject", conf_parse_enum, F(blocked_action), 0, 0, blocked_names, 1 },
	{ "portal_key_file", CONF_T_FILE, "", conf_parse_keyfile, F(portal_key_file), 0, 0, NULL, 1 },
	{ "portal_link_days", CONF_T_UINT, "14", conf_parse_uint, F(portal_link_days), 1, 3650, NULL, 1 },
	{ "audit_log", CONF_T_PATH, "", conf_parse_path, F(audit_log), 0, 0, NULL, 1 },
	{ "sender_notice", CONF_T_ENUM, "internal", conf_parse_enum, F(sender_notice), 0, 0, sender_notice_names, 1 },
	{ "policy_file", CONF_T_FILE, "", conf_parse_path, F(policy_file), 0, 0, NULL, 1 },
	{ "privacy_officer", CONF_T_STR, "", parse_address, F(privacy_officer), 0, 0, NULL, 1 },
	{ "notice_from", CONF_T_STR, "phimilter-noreply@example.org", conf_parse_str, F(notice_from), 0, 0, NULL, 1 },

	/* phiportal (issue 10) */
	{ "portal_code_ttl", CONF_T_UINT, "15m", parse_duration, F(portal_code_ttl), 60, 86400, NULL, 1 },
	{ "portal_attempts", CONF_T_UINT, "5", conf_parse_uint, F(portal_attempts), 1, 100, NULL, 1 },
	{ "portal_retention", CONF_T_UINT, "30d", parse_duration, F(portal_retention), 3600, 3650ull * 86400, NULL, 1 },
	{ "portal_session_ttl", CONF_T_UINT, "15m", parse_duration, F(portal_session_ttl), 60, 86400, NULL, 1 },
	{ "portal_rate_limit", CONF_T_UINT, "60", conf_parse_uint, F(portal_rate_limit), 5, 100000, NULL, 1 },
	{ "portal_secure_cookie", CONF_T_ENUM, "auto", conf_parse_enum, F(portal_secure_cookie), 0, 0, cookie_names, 1 },
	{ "portal_org_name", CONF_T_STR, "Example Hospital", conf_parse_str, F(portal_org_name), 0, 0, NULL, 1 },
	{ "portal_help_contact", CONF_T_STR, "", conf_parse_str, F(portal_help_contact), 0, 0, NULL, 1 },
	{ "portal_templates", CONF_T_PATH, "portal", conf_parse_path, F(portal_templates), 0, 0, NULL, 1 },

	/* daemon */
	{ "pid_file", CONF_T_PATH, "", conf_parse_path, F(pid_file), 0, 0, NULL, 0 },
	{ "metrics_file", CONF_T_PATH, "", conf_parse_path, F(metrics_file), 0, 0, NULL, 1 },
	{ "metrics_interval", CONF_T_UINT, "10", conf_parse_uint, F(metrics_interval), 1, 3600, NULL, 1 },
	{ "metrics_listen", CONF_T_STR, "", parse_metrics_listen, F(metrics_listen), 0, 0, NULL, 0 },
	{ "syslog_facility", CONF_T_ENUM, "mail", conf_parse_enum, F(syslog_facility), 0, 0, facility_names, 0 },
	{ "log_level", CONF_T_ENUM, "info", conf_parse_enum, F(log_level), 0, 0, level_names, 1 },
	{ "max_scans", CONF_T_UINT, "32", conf_parse_uint, F(max_scans), 1, 100000, NULL, 1 },
	{ "max_inflight_bytes", CONF_T_SIZE, "1g", conf_parse_size, F(max_inflight_bytes), 1 * MB, 1024 * GB, NULL, 1 },
	{ "user", CONF_T_STR, "", conf_parse_str, F(user), 0, 0, NULL, 0 },
	{ "privacy_contact", CONF_T_STR, "the privacy office", conf_parse_str, F(privacy_contact), 0, 0, NULL, 1 },

	/* struct phi_limits */
	{ "max_message_bytes", CONF_T_SIZE, "50m", conf_parse_size, L(max_message_bytes), 1 * KB, 2 * GB, NULL, 1 },
	{ "max_header_bytes", CONF_T_SIZE, "256k", conf_parse_size, L(max_header_bytes), 1 * KB, 64 * MB, NULL, 1 },
	{ "max_decoded_bytes", CONF_T_SIZE, "64m", conf_parse_size, L(max_decoded_bytes), 1 * KB, 4 * GB, NULL, 1 },
	{ "max_depth", CONF_T_UINT, "20", conf_parse_uint, L(max_depth), 1, 1000, NULL, 1 },
	{ "max_parts", CONF_T_UINT, "2000", conf_parse_uint, L(max_parts), 1, 1000000, NULL, 1 },
	{ "max_entry_bytes", CONF_T_SIZE, "32m", conf_parse_size, L(max_entry_bytes), 1 * KB, 4 * GB, NULL, 1 },
	{ "max_ratio", CONF_T_UINT, "200", conf_parse_uint, L(max_ratio), 1, 100000, NULL, 1 },
	{ "max_pdf_objects", CONF_T_UINT, "20000", conf_parse_uint, L(max_pdf_objects), 1, 10000000, NULL, 1 },
	{ "max_findings", CONF_T_UINT, "1000", conf_parse_uint, L(max_findings), 1, 1000000, NULL, 1 },
	{ "time_budget_ms", CONF_T_UINT, "10000", conf_parse_uint, L(time_budget_ms), 0, 3600000, NULL, 1 },

	/* engine (struct phi_engine_opts) */
	{ "terms_dir", CONF_T_DIR, "", conf_parse_path, F(terms_dir), 0, 0, NULL, 1 },
	{ "rules_file", CONF_T_FILE, "", conf_parse_path, F(rules_file), 0, 0, NULL, 1 },
	{ "allowlist_file", CONF_T_FILE, "", conf_parse_path, F(allowlist_file), 0, 0, NULL, 1 },
	{ "roster_file", CONF_T_FILE, "", conf_parse_path, F(roster_file), 0, 0, NULL, 1 },
	{ "roster_key_file", CONF_T_FILE, "", conf_parse_path, F(roster_key_file), 0, 0, NULL, 1 },
	{ "disabled_detectors", CONF_T_TYPES, "", conf_parse_types, F(disabled_detectors), 0, 0, NULL, 1 },
};

const size_t conf_nkeys = sizeof conf_keys / sizeof conf_keys[0];
