/*
 * t_conf.c - the config loader: defaults, every key shipped, lists and
 * @file, every error path reported as FILE:LINE, reference counting and
 * the current-config swap.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>
#include "tap.h"
#include "conf.h"

static char dir[256];

static void put(const char *name, const char *text)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	f = fopen(p, "w");
	if (!f) {
		perror(p);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
}

/* Load `text` as dir/NAME; errors into errbuf. Returns conf_load's rc. */
static int load(const char *text, struct conf **c, char *errbuf, size_t errlen)
{
	char p[512], *buf = NULL;
	size_t len = 0;
	FILE *errs = open_memstream(&buf, &len);
	int rc;

	put("t.conf", text);
	snprintf(p, sizeof p, "%s/t.conf", dir);
	rc = conf_load(p, c, errs);
	fclose(errs);
	snprintf(errbuf, errlen, "%s", buf ? buf : "");
	free(buf);
	return rc;
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

struct bad_case {
	const char *name;
	const char *text;
	const char *want; /* substring of the error text, after "t.conf:LINE: " */
	int line;
};

static const struct bad_case bad[] = {
	{ "unknown key is an error", "frobnicate = 1\n", "unknown key 'frobnicate'", 1 },
	{ "line without = is an error", "# c\nmode enforce\n", "expected 'key = value'", 2 },
	{ "missing key before =", " = x\n", "missing key", 1 },
	{ "bad enum value", "mode = enforcing\n", "mode: 'enforcing' is not one of enforce, monitor", 1 },
	{ "bad on_error", "on_error = maybe\n", "on_error: 'maybe' is not one of", 1 },
	{ "bad number", "max_depth = ten\n", "max_depth: expected a number", 1 },
	{ "number with junk", "max_parts = 12x\n", "max_parts: expected a number", 1 },
	{ "number out of range", "max_depth = 0\n", "out of range", 1 },
	{ "number overflow", "max_findings = 99999999999999999999999\n", "too large", 1 },
	{ "bad size suffix", "max_message_bytes = 10t\n", "unknown size suffix", 1 },
	{ "size below minimum", "max_message_bytes = 10\n", "out of range", 1 },
	{ "duplicate key", "mode = enforce\n\nmode = monitor\n", "duplicate key 'mode' (first set at line 1)", 3 },
	{ "missing @file", "social_domains = @no_such_list\n", "cannot open @no_such_list", 1 },
	{ "@ without a name", "chat_domains = @\n", "'@' without a file name", 1 },
	{ "bad domain", "internal_domains = ex ample..org\n", "'ample..org' is not a domain", 1 },
	{ "missing rules_file", "rules_file = nope.rules\n", "rules_file: ", 1 },
	{ "missing terms_dir", "terms_dir = noterms\n", "terms_dir: ", 1 },
	{ "terms_dir not a directory", "terms_dir = t.conf\n", "not a directory", 1 },
	{ "roster_file is a directory", "roster_file = .\n", "not a regular file", 1 },
	{ "unknown detector type", "disabled_detectors = us_ssn, nonsense\n", "unknown finding type 'nonsense'", 1 },
	{ "custom type cannot be disabled here", "disabled_detectors = custom:x\n", "custom rules", 1 },
	{ "bad socket", "socket = tcp:25\n", "socket: expected", 1 },
	{ "empty socket", "socket =\n", "socket: must not be empty", 1 },
	{ "inet socket without port", "socket = inet:@localhost\n", "socket: expected inet", 1 },
	{ "relative unix socket", "socket = unix:rel.sock\n", "must be absolute", 1 },
	{ "portal_url scheme", "portal_url = ftp://x/{id}/{token}\n", "portal_url: must start with", 1 },
	{ "portal_url placeholders", "portal_url = https://portal/x\n", "must contain {id} and {token}", 1 },
	{ "bad facility", "syslog_facility = kern2\n", "syslog_facility: 'kern2'", 1 },
};

static void test_errors(void)
{
	char err[4096], want[512], name[160];
	struct conf *c;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int rc = load(bad[i].text, &c, err, sizeof err);

		snprintf(name, sizeof name, "%s: load fails", bad[i].name);
		T_EQ_INT(rc, -1, name);
		T_OK(c == NULL, "failed load gives no config");
		snprintf(want, sizeof want, "%s/t.conf:%d: ", dir, bad[i].line);
		snprintf(name, sizeof name, "%s: FILE:LINE prefix", bad[i].name);
		if (!T_OK(strncmp(err, want, strlen(want)) == 0, name))
			printf("#   got \"%s\"\n", err);
		snprintf(name, sizeof name, "%s: says why", bad[i].name);
		if (!T_OK(strstr(err, bad[i].want) != NULL, name))
			printf("#   got \"%s\", want \"%s\"\n", err, bad[i].want);
	}
}

static void test_all_errors_reported(void)
{
	char err[4096];
	struct conf *c;
	int rc = load("bogus = 1\nmode = x\nmax_depth = y\nok_line_missing_eq\n", &c, err, sizeof err);

	T_EQ_INT(rc, -1, "several errors: load fails");
	T_EQ_INT(count_lines(err), 4, "several errors: every one reported, one per line");
}

static void test_list_file_errors(void)
{
	char err[4096], want[512];
	struct conf *c;

	put("sub.list", "# header\ngood.example\nbad!domain\n");
	T_EQ_INT(load("social_domains = @sub.list\n", &c, err, sizeof err), -1, "bad entry in @file fails");
	snprintf(want, sizeof want, "%s/sub.list:3: social_domains: 'bad!domain' is not a domain", dir);
	if (!T_OK(strstr(err, want) != NULL, "bad entry in @file reported at the list file's line"))
		printf("#   got \"%s\"\n", err);
}

static void test_defaults(void)
{
	char err[4096];
	struct conf *c;
	struct phi_limits d;

	T_EQ_INT(load("", &c, err, sizeof err), 0, "empty file loads");
	if (!c)
		return;
	phi_limits_default(&d);
	T_EQ_STR(c->socket, "unix:/run/phimilter/phimilter.sock", "default socket");
	T_EQ_INT(c->mode, CONF_MODE_ENFORCE, "default mode enforce");
	T_EQ_INT(c->on_error, CONF_ON_ERROR_TEMPFAIL, "default on_error tempfail");
	T_EQ_INT(c->internal_domains.n, 1, "default internal_domains has one entry");
	T_EQ_STR(c->internal_domains.v[0], "example.org", "default internal domain example.org");
	T_EQ_INT(c->partner_domains.n, 0, "default partner_domains empty");
	T_EQ_STR(c->portal_url, "", "default portal_url empty");
	T_EQ_STR(c->secure_keyword, "[secure]", "default secure_keyword");
	T_EQ_STR(c->submission, "/usr/sbin/sendmail -t -i", "default submission");
	T_EQ_STR(c->portal_listen, "127.0.0.1:8025", "default portal_listen");
	T_EQ_STR(c->quarantine_dir, "/var/lib/phimilter/quarantine", "default quarantine_dir");
	T_EQ_STR(c->pid_file, "", "default pid_file empty");
	T_EQ_STR(c->user, "", "default user empty");
	T_EQ_INT(c->syslog_facility, LOG_MAIL, "default facility mail");
	T_EQ_INT(c->log_level, LOG_INFO, "default log level info");
	T_OK(memcmp(&c->limits, &d, sizeof d) == 0, "default limits equal phi_limits_default");
	T_EQ_INT(c->scan_max_request, 16 * 1024 * 1024, "default scan_max_request 16 MiB");
	T_OK(c->engine != NULL, "config owns an engine");
	conf_release(c);
}

static void test_values(void)
{
	char err[4096];
	struct conf *c;

	mkdir("/tmp/phi_t_conf_unused", 0700);
	put("soc.list", "# comment line\nFacebookMail.COM.   # trailing comment\n\n@reply.example, other.example\n");
	put("rules.txt", "");
	T_EQ_INT(load("# comment\n"
	              "mode = monitor   # inline comment\n"
	              "internal_domains = Example.ORG, *.hospital.example  .clinic.example.\n"
	              "social_domains = @soc.list\n"
	              "max_message_bytes = 2m\n"
	              "max_header_bytes = 64K\n"
	              "max_depth = 7\n"
	              "time_budget_ms = 0\n"
	              "on_error = reject\n"
	              "socket = inet:8891@127.0.0.1\n"
	              "portal_url = \"https://portal.example.org/m/{id}?t={token}#x\"\n"
	              "rules_file = rules.txt\n"
	              "pid_file = run/p.pid\n"
	              "disabled_detectors = ip_address url\n"
	              "log_level = debug\n"
	              "syslog_facility = local3\n",
	              &c, err, sizeof err), 0, "good config loads");
	if (!c) {
		printf("# %s", err);
		return;
	}
	T_EQ_INT(c->mode, CONF_MODE_MONITOR, "mode monitor, inline comment dropped");
	T_EQ_INT(c->internal_domains.n, 3, "inline list, comma and space separated");
	T_EQ_STR(c->internal_domains.v[0], "example.org", "domain lower-cased");
	T_EQ_STR(c->internal_domains.v[1], "hospital.example", "leading *. stripped");
	T_EQ_STR(c->internal_domains.v[2], "clinic.example", "leading and trailing dots stripped");
	T_EQ_INT(c->social_domains.n, 3, "@file: one or more entries per line, comments skipped");
	T_EQ_STR(c->social_domains.v[0], "facebookmail.com", "@file entry normalised");
	T_EQ_STR(c->social_domains.v[1], "reply.example", "@file entry: leading @ stripped");
	T_EQ_INT(c->limits.max_message_bytes, 2 * 1024 * 1024, "size suffix m");
	T_EQ_INT(c->limits.max_header_bytes, 64 * 1024, "size suffix K, case-insensitive");
	T_EQ_INT(c->limits.max_depth, 7, "unsigned value");
	T_EQ_INT(c->limits.time_budget_ms, 0, "zero allowed where the range says so");
	T_EQ_INT(c->on_error, CONF_ON_ERROR_REJECT, "on_error reject");
	T_EQ_STR(c->socket, "inet:8891@127.0.0.1", "inet socket");
	T_EQ_STR(c->portal_url, "https://portal.example.org/m/{id}?t={token}#x", "quotes stripped, # inside value kept");
	T_OK(strncmp(c->rules_file, dir, strlen(dir)) == 0 && strstr(c->rules_file, "/rules.txt"),
	     "relative file resolved against the config dir");
	T_OK(strncmp(c->pid_file, dir, strlen(dir)) == 0, "relative pid_file resolved against the config dir");
	T_EQ_INT(c->disabled_detectors.n, 2, "disabled_detectors list");
	T_EQ_INT(c->log_level, LOG_DEBUG, "log_level debug");
	T_EQ_INT(c->syslog_facility, LOG_LOCAL3, "facility local3");
	conf_release(c);
}

/* Every key of the table appears in the shipped conf/phimilter.conf, and
 * the shipped file loads. */
static void test_shipped(void)
{
	const char *top = getenv("PHI_TOP");
	char path[512], *text = NULL, err[8192];
	size_t i, cap = 0;
	FILE *f, *errs;
	ssize_t n;
	struct conf *c;
	char *ebuf = NULL;
	size_t elen = 0;

	snprintf(path, sizeof path, "%s/conf/phimilter.conf", top ? top : ".");
	if (!(f = fopen(path, "r"))) {
		snprintf(path, sizeof path, "../../conf/phimilter.conf");
		f = fopen(path, "r");
	}
	if (!T_OK(f != NULL, "shipped conf/phimilter.conf found (run from the tree or set PHI_TOP)"))
		return;
	n = getdelim(&text, &cap, 0, f);
	fclose(f);
	T_OK(n > 0, "shipped config read");
	for (i = 0; n > 0 && i < conf_nkeys; i++) {
		char pat1[96], pat2[96], name[128];

		snprintf(pat1, sizeof pat1, "\n#%s =", conf_keys[i].name);
		snprintf(pat2, sizeof pat2, "\n%s =", conf_keys[i].name);
		snprintf(name, sizeof name, "key %s is in the shipped config", conf_keys[i].name);
		T_OK(strstr(text, pat1) || strstr(text, pat2), name);
	}
	free(text);
	errs = open_memstream(&ebuf, &elen);
	T_EQ_INT(conf_load(path, &c, errs), 0, "shipped config loads");
	fclose(errs);
	snprintf(err, sizeof err, "%s", ebuf ? ebuf : "");
	free(ebuf);
	if (err[0])
		printf("# %s", err);
	if (c) {
		T_OK(c->social_domains.n >= 10, "shipped social_domains list is used");
		T_OK(c->chat_domains.n >= 3, "shipped chat_domains list is used");
		conf_release(c);
	}
}

static void test_refcount_and_swap(void)
{
	char err[1024];
	struct conf *a, *b, *cur;
	char p[512];

	T_EQ_INT(load("mode = monitor\n", &a, err, sizeof err), 0, "config A loads");
	T_OK(conf_acquire_current() == NULL, "no current config before one is set");
	conf_set_current(a);
	cur = conf_acquire_current();
	T_OK(cur == a, "current is A");
	T_EQ_INT(cur->refs, 2, "acquire adds a reference");

	/* A failed reload keeps A. */
	put("t.conf", "mode = bogus\n");
	snprintf(p, sizeof p, "%s/t.conf", dir);
	T_EQ_INT(conf_reload(p, NULL), -1, "bad reload fails");
	b = conf_acquire_current();
	T_OK(b == a, "bad reload keeps the running config");
	conf_release(b);

	put("t.conf", "mode = enforce\n");
	T_EQ_INT(conf_reload(p, NULL), 0, "good reload swaps");
	b = conf_acquire_current();
	T_OK(b != a && b->mode == CONF_MODE_ENFORCE, "new config is current");
	T_EQ_INT(cur->refs, 1, "old config lives on while an in-flight user holds it");
	T_EQ_INT(cur->mode, CONF_MODE_MONITOR, "in-flight user still sees its config");
	{
		const char *names[4];

		T_EQ_INT(conf_restart_keys(cur, b, names, 4), 0, "mode is reloadable: nothing waits for a restart");
	}
	put("t.conf", "mode = enforce\nsocket = inet:9999@localhost\nuser = nobody\n");
	{
		struct conf *d;
		const char *names[4];
		size_t n;

		T_EQ_INT(conf_load(p, &d, NULL), 0, "config with restart-only changes loads");
		n = d ? conf_restart_keys(b, d, names, 4) : 0;
		T_EQ_INT(n, 2, "socket and user changes wait for a restart");
		if (n == 2)
			T_OK(strcmp(names[0], "socket") == 0 && strcmp(names[1], "user") == 0, "restart keys named");
		conf_release(d);
	}
	conf_release(cur); /* frees A (ASan would catch a use after this) */
	conf_release(b);
	conf_set_current(NULL);
	conf_release(NULL);
	T_OK(conf_acquire(NULL) == NULL, "acquire NULL is NULL");
}

int main(void)
{
	snprintf(dir, sizeof dir, "/tmp/t_conf.%ld", (long)getpid());
	if (mkdir(dir, 0700) != 0) {
		perror(dir);
		return 1;
	}
	test_errors();
	test_all_errors_reported();
	test_list_file_errors();
	test_defaults();
	test_values();
	test_shipped();
	test_refcount_and_swap();
	{
		char cmd[300];

		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			printf("# could not remove %s\n", dir);
	}
	return tap_done();
}
