/*
 * conf.h - the phimilter configuration: one immutable, reference-counted
 * object per loaded file, and the "current" one that reload swaps.
 *
 * conf_load() reads `key = value` lines (see conf/phimilter.conf), checks
 * every value and every file named, builds the detector engine, and writes
 * each problem to `errs` as `FILE:LINE: problem`. It goes on after an error
 * so that all of them are reported. A struct conf is never modified after
 * conf_load returns: threads read it without locks while they hold a
 * reference. The key table (conf_keys.c) drives loading, defaults and -n.
 *
 * Never logs and never prints a sensitive value (key files are only named).
 * Related: conf_keys.c (the table), conf.c (loader, reference counting, swap).
 */
#ifndef PHI_CONF_H
#define PHI_CONF_H

#include <stdio.h>
#include <stddef.h>
#include "phi/engine.h"
#include "phi/limits.h"

enum conf_mode {
	CONF_MODE_ENFORCE = 0, /* decide and act */
	CONF_MODE_MONITOR = 1  /* decide and log, never block: headers only */
};

enum conf_quarantine_method {
	CONF_QM_STORE = 0,   /* encrypted copy in quarantine_dir, the MTA discards its copy */
	CONF_QM_MTA_HOLD = 1 /* smfi_quarantine: the MTA's hold queue */
};

enum conf_blocked_action {
	CONF_BLOCK_REJECT = 0,    /* 550 5.7.1 */
	CONF_BLOCK_QUARANTINE = 1 /* hold for the privacy officer */
};

enum conf_secure_cookie {
	CONF_COOKIE_AUTO = 0, /* Secure when the proxy says X-Forwarded-Proto: https */
	CONF_COOKIE_YES = 1,
	CONF_COOKIE_NO = 2
};

enum conf_sender_notice {
	CONF_SN_INTERNAL = 0, /* senders in internal_domains */
	CONF_SN_ALL = 1,
	CONF_SN_NONE = 2
};

enum conf_on_error {
	CONF_ON_ERROR_TEMPFAIL = 0, /* 451 4.7.1: the MTA keeps the message and retries */
	CONF_ON_ERROR_ACCEPT = 1,   /* let it through unscanned (logged) */
	CONF_ON_ERROR_REJECT = 2    /* 550 5.7.1 */
};

/* A list of strings (domains are lower case, without leading '@' or '.',
 * without trailing dots). */
struct conf_list {
	char **v;   /* owned array of owned strings */
	size_t n;
};

struct conf {
	/* Where it came from. */
	char *path;                 /* owned: the config file as given */
	char *dir;                  /* owned: its directory (relative paths resolve here) */

	/* CONTRACTS.md keys. Strings are owned, never NULL ("" = not set). */
	char *socket;               /* libmilter socket spec: unix:/path, inet:PORT@HOST, inet6:... */
	enum conf_mode mode;        /* enforce | monitor */
	struct conf_list internal_domains; /* the organisation's domains (and subdomains) */
	struct conf_list partner_domains;  /* BAA partners */
	struct conf_list social_domains;   /* social-network reply / post-by-mail domains */
	struct conf_list chat_domains;     /* chat-channel e-mail gateways */
	char *quarantine_dir;       /* absolute path of the quarantine store (not checked) */
	enum conf_on_error on_error;/* what an internal error or timeout answers */
	char *portal_url;           /* link template with {id} and {token}; "" = no portal */
	char *secure_keyword;       /* subject keyword for portal delivery, e.g. "[secure]" */
	char *submission;           /* smtp:HOST:PORT or a command reading the message on stdin */
	char *scan_socket;          /* scan socket for gateways; "" = off */
	char *portal_listen;        /* ADDR:PORT of phiportal */
	size_t scan_max_request;    /* largest scan-socket request, bytes */

	/* Quarantine, portal and audit (issue 5; qstore.h, token.h, audit.h). */
	char *quarantine_key_file;  /* 32-byte store key file; "" = no store */
	char *portal_key_file;      /* 32-byte HMAC key file for portal links; "" = no links */
	int quarantine_method;      /* CONF_QM_STORE | CONF_QM_MTA_HOLD */
	int blocked_action;         /* CONF_BLOCK_REJECT | CONF_BLOCK_QUARANTINE: the default
	                               table's "reject" rows */
	unsigned portal_link_days;  /* portal links expire after this many days */
	char *audit_log;            /* JSON-lines audit file, absolute; "" = none */
	char *notice_from;          /* From: of the mail phimilter makes */
	int sender_notice;          /* CONF_SN_*: who gets the full notice mail on a reject */
	unsigned char quarantine_key[32]; /* loaded from quarantine_key_file (wiped at free) */
	unsigned char portal_key[32];     /* loaded from portal_key_file (wiped at free) */
	int have_quarantine_key, have_portal_key;
	unsigned scan_socket_timeout; /* seconds a scan-socket client may stay silent
	                                 (idle, or in the middle of a request) */

	/* phiportal (issue 10; portal/). Durations in seconds. */
	unsigned portal_code_ttl;   /* a one-time code is valid this long */
	unsigned portal_attempts;   /* wrong codes that lock a link for its recipient */
	unsigned portal_retention;  /* redirected messages are purged this long after storing */
	unsigned portal_session_ttl;/* a verified session lasts this long */
	unsigned portal_rate_limit; /* requests per minute per client address */
	int portal_secure_cookie;   /* CONF_COOKIE_AUTO | _YES | _NO */
	char *portal_org_name;      /* shown on every portal page */
	char *portal_help_contact;  /* who recipients may ask; "" = privacy_contact */
	char *portal_templates;     /* absolute: directory of the portal's HTML templates */

	/* Daemon. */
	char *pid_file;             /* absolute path, "" = none */
	char *metrics_file;         /* Prometheus text written every metrics_interval; "" = none */
	unsigned metrics_interval;  /* seconds between metrics_file writes */
	char *metrics_listen;       /* ADDR:PORT or [ADDR]:PORT serving /metrics over HTTP; "" = off */
	int syslog_facility;        /* LOG_MAIL, LOG_DAEMON, LOG_LOCAL0.. (syslog.h values) */
	int log_level;              /* LOG_ERR .. LOG_DEBUG (syslog.h values) */
	unsigned max_scans;         /* concurrent scans; over it a message gets on_error */
	size_t max_inflight_bytes;  /* message bytes held by all connections together;
	                               over it a message gets on_error (tempfail) */
	char *user;                 /* run as this user after opening the socket; "" = do not drop */
	char *privacy_contact;      /* who senders should call, shown in rejections */
	char *privacy_officer;      /* address that rules with notify_officer notify; "" = none */

	/* Policy (policy.h). */
	char *policy_file;          /* absolute, "" = the built-in rules */
	struct policy *policy;      /* owned: parsed policy_file (or the built-in text); never
	                               NULL in a loaded config */

	/* Scanning. */
	struct phi_limits limits;   /* every cap on untrusted input (max_message_bytes ...) */
	char *terms_dir;            /* absolute, "" = none; checked to exist */
	char *rules_file;           /* absolute, "" = none; checked to exist */
	char *allowlist_file;       /* absolute, "" = none; checked to exist */
	char *roster_file;          /* absolute, "" = none; checked to exist */
	char *roster_key_file;      /* absolute, "" = none; checked to exist; never read here */
	struct conf_list disabled_detectors; /* finding type names switched off */
	struct phi_engine *engine;  /* owned: built from the keys above by phi_engine_new */

	int refs;                   /* private: reference count (atomic); use acquire/release */
};

/* Load and check `path`. On success returns 0 and sets *out to a new config
 * holding one reference (the caller's; give it back with conf_release).
 * On any problem returns -1, sets *out to NULL and has written every problem
 * to `errs` (may be NULL) as "FILE:LINE: problem\n" lines. */
int conf_load(const char *path, struct conf **out, FILE *errs);

/* Take another reference to `c` (NULL is fine); returns c. */
struct conf *conf_acquire(struct conf *c);

/* Drop a reference; the last one frees the config and its engine. NULL is fine. */
void conf_release(struct conf *c);

/* The current config with a new reference for the caller, or NULL when none
 * has been set. Takes the swap mutex for a moment only. */
struct conf *conf_acquire_current(void);

/* Make `c` current. Takes over the caller's reference to `c`; drops the
 * reference the previous current config had (it is freed once its last
 * user releases it). c may be NULL (at shutdown). */
void conf_set_current(struct conf *c);

/* Reload: conf_load(path) and, only when that succeeded, conf_set_current.
 * Returns 0 when swapped, -1 when the old config stays (problems on errs). */
int conf_reload(const char *path, FILE *errs);

/* Keys marked not reloadable whose value differs between `a` and `b`:
 * writes up to `max` key names (static strings) to names[], returns how
 * many differ. Used by reload to say what waits for a restart. */
size_t conf_restart_keys(const struct conf *a, const struct conf *b, const char **names, size_t max);

/* Names for logs: "enforce"/"monitor", "tempfail"/"accept"/"reject". */
const char *conf_mode_name(enum conf_mode m);
const char *conf_on_error_name(enum conf_on_error e);

/* ---- the key table (conf_keys.c), used by conf.c, tests and -n ---- */

enum conf_type {
	CONF_T_STR,     /* free string */
	CONF_T_SOCKET,  /* libmilter socket spec */
	CONF_T_PATH,    /* path, relative to the config dir; not checked */
	CONF_T_FILE,    /* path of an existing regular file, or empty */
	CONF_T_DIR,     /* path of an existing directory, or empty */
	CONF_T_DOMAINS, /* list of domains, inline or @file */
	CONF_T_TYPES,   /* list of finding type names */
	CONF_T_SIZE,    /* size_t with optional k/m/g suffix (1024-based) */
	CONF_T_UINT,    /* unsigned */
	CONF_T_ENUM     /* int chosen from a name table */
};

struct conf_enum {
	const char *name;
	int value;
};

struct conf_parse; /* loader state (conf.c) */

struct conf_key {
	const char *name;          /* as spelled in conf/phimilter.conf */
	enum conf_type type;
	const char *def;           /* default, in config syntax; parsed like a value */
	/* Parse `val` into the field at `off`; report problems with conf_error. */
	int (*parse)(struct conf_parse *p, const struct conf_key *k, const char *val);
	size_t off;                /* offsetof(struct conf, field) */
	unsigned long long min, max; /* for numbers */
	const struct conf_enum *names; /* for CONF_T_ENUM, NULL-terminated */
	int reloadable;            /* 0: a change takes effect only at restart */
};

extern const struct conf_key conf_keys[];
extern const size_t conf_nkeys;

/* Report a problem at the current FILE:LINE of the loader (printf format). */
void conf_error(struct conf_parse *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Parse functions for the key table (conf.c). */
int conf_parse_str(struct conf_parse *p, const struct conf_key *k, const char *val);
int conf_parse_socket(struct conf_parse *p, const struct conf_key *k, const char *val);
int conf_parse_path(struct conf_parse *p, const struct conf_key *k, const char *val);
int conf_parse_domains(struct conf_parse *p, const struct conf_key *k, const char *val);
int conf_parse_types(struct conf_parse *p, const struct conf_key *k, const char *val);
int conf_parse_size(struct conf_parse *p, const struct conf_key *k, const char *val);
int conf_parse_uint(struct conf_parse *p, const struct conf_key *k, const char *val);
int conf_parse_enum(struct conf_parse *p, const struct conf_key *k, const char *val);
int conf_parse_url(struct conf_parse *p, const struct conf_key *k, const char *val);
/* A key file (quarantine_key_file, portal_key_file): a path like
 * CONF_T_FILE, then qcrypt_load_key's checks (32 bytes, 0600, no link);
 * the key is loaded into the conf. */
int conf_parse_keyfile(struct conf_parse *p, const struct conf_key *k, const char *val);

/* Domain helpers shared with dest.c: normalise a domain in place (lower
 * case; strip leading '@', '*.' and '.', trailing dots). Returns 0, or -1
 * when it is empty or holds characters a domain cannot have. */
int conf_domain_normalise(char *d);

#endif
