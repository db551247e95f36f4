/*
 * conf.c - load, check, share and swap the configuration.
 *
 * Loading: every key starts at its table default, then each `key = value`
 * line of the file is parsed by the key's function. Problems are reported as
 * `FILE:LINE: problem` and loading goes on, so one run shows them all; any
 * problem makes conf_load fail as a whole. List values may name a file
 * (`@file`, one entry per line, `#` comments), resolved like every relative
 * path against the config file's directory.
 *
 * Sharing: a loaded config is immutable; users hold a reference
 * (conf_acquire/conf_release, atomic). The current config is one pointer
 * behind a mutex held only to copy it and bump its count, never during a
 * scan. Reload builds a complete new config first and swaps only on success.
 *
 * Never logs (the caller does, from `errs`); never prints key contents.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "conf.h"
#include "phi/finding.h"
#include "phi/status.h"
#include "policy.h"
#include "qcrypt.h"

struct conf_parse {
	struct conf *c;          /* borrowed: the config being built */
	const char *file;        /* borrowed: file being read, for messages */
	unsigned line;           /* line in `file` (0 = not in a file) */
	FILE *errs;              /* borrowed, may be NULL */
	int nerr;
	unsigned first_engine_line; /* first line that set an engine key */
	unsigned *seen;          /* owned: line that set each key (conf_keys order), 0 = default */
};

#define LINE_MAX_BYTES 65536 /* a longer config line is an error, not a realloc loop */

void conf_error(struct conf_parse *p, const char *fmt, ...)
{
	va_list ap;

	p->nerr++;
	if (!p->errs)
		return;
	fprintf(p->errs, "%s:%u: ", p->file, p->line);
	va_start(ap, fmt);
	vfprintf(p->errs, fmt, ap);
	va_end(ap);
	fputc('\n', p->errs);
}

/* Copy at most 64 bytes of s for a message, printable ASCII only. */
static const char *printable(const char *s, char *out, size_t outlen)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < outlen && i < 64; i++)
		out[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	out[i] = 0;
	return out;
}

static void *field(struct conf *c, const struct conf_key *k)
{
	return (char *)c + k->off;
}

static void list_free(struct conf_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static int list_add(struct conf_list *l, const char *s)
{
	char **nv;
	char *d = strdup(s);

	if (!d)
		return -1;
	if (l->n >= SIZE_MAX / sizeof *nv - 1 ||
	    !(nv = realloc(l->v, (l->n + 1) * sizeof *nv))) {
		free(d);
		return -1;
	}
	l->v = nv;
	l->v[l->n++] = d;
	return 0;
}

static int set_string(struct conf_parse *p, const struct conf_key *k, const char *val)
{
	char **f = field(p->c, k);
	char *d = strdup(val);

	if (!d) {
		conf_error(p, "%s: out of memory", k->name);
		return -1;
	}
	free(*f);
	*f = d;
	return 0;
}

int conf_parse_str(struct conf_parse *p, const struct conf_key *k, const char *val)
{
	return set_string(p, k, val);
}

static int valid_port(const char *s, size_t n)
{
	unsigned long v = 0;
	size_t i;

	if (n == 0 || n > 5)
		return 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return 0;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	return v >= 1 && v <= 65535;
}

int conf_parse_socket(struct conf_parse *p, const struct conf_key *k, const char *val)
{
	const char *rest, *at;

	if (!*val) {
		if (strcmp(k->name, "socket") == 0) {
			conf_error(p, "socket: must not be empty");
			return -1;
		}
		return set_string(p, k, val);
	}
	if (strncmp(val, "unix:", 5) == 0 || strncmp(val, "local:", 6) == 0) {
		rest = strchr(val, ':') + 1;
		if (rest[0] != '/') {
			conf_error(p, "%s: unix socket path must be absolute", k->name);
			return -1;
		}
	} else if (strncmp(val, "inet:", 5) == 0 || strncmp(val, "inet6:", 6) == 0) {
		rest = strchr(val, ':') + 1;
		at = strchr(rest, '@');
		if (!valid_port(rest, at ? (size_t)(at - rest) : strlen(rest)) || (at && !at[1])) {
			conf_error(p, "%s: expected inet:PORT@HOST or inet6:PORT@HOST", k->name);
			return -1;
		}
	} else if (val[0] != '/') {
		conf_error(p, "%s: expected unix:/path, inet:PORT@HOST or inet6:PORT@HOST", k->name);
		return -1;
	}
	return set_string(p, k, val);
}

/* Resolve `val` against the config directory; malloc'd result or NULL. */
static char *resolve(const struct conf *c, const char *val)
{
	char *r;
	size_t n;

	if (val[0] == '/' || !c->dir)
		return strdup(val);
	n = strlen(c->dir) + strlen(val) + 2;
	if (!(r = malloc(n)))
		return NULL;
	snprintf(r, n, "%s/%s", c->dir, val);
	return r;
}

int conf_parse_path(struct conf_parse *p, const struct conf_key *k, const char *val)
{
	char **f = field(p->c, k);
	char *r;
	struct stat st;

	if (!*val)
		return set_string(p, k, val);
	if (!(r = resolve(p->c, val))) {
		conf_error(p, "%s: out of memory", k->name);
		return -1;
	}
	if (k->type == CONF_T_FILE || k->type == CONF_T_DIR) {
		if (stat(r, &st) != 0) {
			conf_error(p, "%s: %s: %s", k->name, r, strerror(errno));
			free(r);
			return -1;
		}
		if (k->type == CONF_T_FILE && !S_ISREG(st.st_mode)) {
			conf_error(p, "%s: %s: not a regular file", k->name, r);
			free(r);
			return -1;
		}
		if (k->type == CONF_T_DIR && !S_ISDIR(st.st_mode)) {
			conf_error(p, "%s: %s: not a directory", k->name, r);
			free(r);
			return -1;
		}
	}
	free(*f);
	*f = r;
	return 0;
}

int conf_parse_keyfile(struct conf_parse *p, const struct conf_key *k, const char *val)
{
	int portal = strcmp(k->name, "portal_key_file") == 0;
	unsigned char *key = portal ? p->c->portal_key : p->c->quarantine_key;
	int *have = portal ? &p->c->have_portal_key : &p->c->have_quarantine_key;
	char why[600], **f;

	*have = 0;
	if (conf_parse_path(p, k, val) != 0)
		return -1;
	f = field(p->c, k);
	if (!**f)
		return 0;
	/* The daemon refuses to start on a key others could read. */
	if (qcrypt_load_key(*f, key, why, sizeof why) != 0) {
		conf_error(p, "%s: %s", k->name, why);
		return -1;
	}
	*have = 1;
	return 0;
}

int conf_parse_url(struct conf_parse *p, const struct conf_key *k, const char *val)
{
	if (*val) {
		if (strncmp(val, "https://", 8) != 0 && strncmp(val, "http://", 7) != 0) {
			conf_error(p, "%s: must start with https:// or http://", k->name);
			return -1;
		}
		if (!strstr(val, "{id}") || !strstr(val, "{token}")) {
			conf_error(p, "%s: must contain {id} and {token}", k->name);
			return -1;
		}
	}
	return set_string(p, k, val);
}

int conf_domain_normalise(char *d)
{
	size_t n, i, start = 0;

	if (d[0] == '@')
		start = 1;
	else if (d[0] == '*' && d[1] == '.')
		start = 2;
	while (d[start] == '.')
		start++;
	if (start)
		memmove(d, d + start, strlen(d + start) + 1);
	n = strlen(d);
	while (n > 0 && d[n - 1] == '.')
		d[--n] = 0;
	if (n == 0 || n > 253)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)d[i];

		if (isalnum(ch) || ch == '-' || ch == '_')
			d[i] = (char)tolower(ch);
		else if (ch == '.' && d[i + 1] != '.')
			continue;
		else
			return -1;
	}
	return 0;
}

/* Split `s` on commas and white space; call add(tok) for each token.
 * `s` is modified. Returns the number of failed adds. */
static int each_token(char *s, int (*add)(struct conf_parse *, const struct conf_key *, struct conf_list *, char *),
                      struct conf_parse *p, const struct conf_key *k, struct conf_list *l)
{
	char *save = NULL, *tok;
	int bad = 0;

	for (tok = strtok_r(s, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save))
		if (add(p, k, l, tok) != 0)
			bad++;
	return bad;
}

static int add_domain(struct conf_parse *p, const struct conf_key *k, struct conf_list *l, char *tok)
{
	char shown[80];

	printable(tok, shown, sizeof shown);
	if (conf_domain_normalise(tok) != 0) {
		conf_error(p, "%s: '%s' is not a domain", k->name, shown);
		return -1;
	}
	if (list_add(l, tok) != 0) {
		conf_error(p, "%s: out of memory", k->name);
		return -1;
	}
	return 0;
}

static int add_type(struct conf_parse *p, const struct conf_key *k, struct conf_list *l, char *tok)
{
	char shown[80];
	int t = phi_type_from_name(tok);

	printable(tok, shown, sizeof shown);
	if (t < 0) {
		conf_error(p, "%s: unknown finding type '%s'", k->name, shown);
		return -1;
	}
	if (t == PHI_T_CUSTOM) {
		conf_error(p, "%s: '%s': custom rules are switched off in the rules file", k->name, shown);
		return -1;
	}
	if (list_add(l, tok) != 0) {
		conf_error(p, "%s: out of memory", k->name);
		return -1;
	}
	return 0;
}

static char *read_line(FILE *f, int *toolong);

/* A list read from @file: one or more entries per line, `#` comments. */
static int list_from_file(struct conf_parse *p, const struct conf_key *k, struct conf_list *l,
                          const char *name,
                          int (*add)(struct conf_parse *, const struct conf_key *, struct conf_list *, char *))
{
	char *path, *line, *hash;
	FILE *f;
	const char *ofile = p->file;
	unsigned oline = p->line;
	int bad = 0, toolong;

	if (!*name) {
		conf_error(p, "%s: '@' without a file name", k->name);
		return -1;
	}
	if (!(path = resolve(p->c, name))) {
		conf_error(p, "%s: out of memory", k->name);
		return -1;
	}
	if (!(f = fopen(path, "r"))) {
		conf_error(p, "%s: cannot open @%s (%s): %s", k->name, name, path, strerror(errno));
		free(path);
		return -1;
	}
	p->file = path;
	p->line = 0;
	while ((line = read_line(f, &toolong)) != NULL) {
		p->line++;
		if (toolong) {
			conf_error(p, "%s: line too long", k->name);
			bad++;
		} else {
			if ((hash = strchr(line, '#')))
				*hash = 0;
			bad += each_token(line, add, p, k, l);
		}
		free(line);
	}
	if (ferror(f)) {
		conf_error(p, "%s: read error", k->name);
		bad++;
	}
	fclose(f);
	p->file = ofile;
	p->line = oline;
	free(path);
	return bad ? -1 : 0;
}

static int parse_list(struct conf_parse *p, const struct conf_key *k, const char *val,
                      int (*add)(struct conf_parse *, const struct conf_key *, struct conf_list *, char *))
{
	struct conf_list *f = field(p->c, k);
	struct conf_list l = { NULL, 0 };
	char *copy = strdup(val), *save = NULL, *tok;
	int bad = 0;

	if (!copy) {
		conf_error(p, "%s: out of memory", k->name);
		return -1;
	}
	for (tok = strtok_r(copy, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
		if (tok[0] == '@')
			bad += list_from_file(p, k, &l, tok + 1, add) != 0;
		else
			bad += add(p, k, &l, tok) != 0;
	}
	free(copy);
	/* Replace the previous value (the default) even after an error, so the
	 * failed config cannot be mistaken for a good one: it is discarded. */
	list_free(f);
	*f = l;
	return bad ? -1 : 0;
}

int conf_parse_domains(struct conf_parse *p, const struct conf_key *k, const char *val)
{
	return parse_list(p, k, val, add_domain);
}

int conf_parse_types(struct conf_parse *p, const struct conf_key *k, const char *val)
{
	return parse_list(p, k, val, add_type);
}

static int parse_number(struct conf_parse *p, const struct conf_key *k, const char *val,
                        int suffixes, unsigned long long *out)
{
	unsigned long long v = 0, mul = 1;
	const char *s = val;

	if (!isdigit((unsigned char)*s)) {
		conf_error(p, "%s: expected a number", k->name);
		return -1;
	}
	for (; isdigit((unsigned char)*s); s++) {
		if (v > (ULLONG_MAX - 9) / 10) {
			conf_error(p, "%s: number too large", k->name);
			return -1;
		}
		v = v * 10 + (unsigned long long)(*s - '0');
	}
	if (*s && suffixes) {
		switch (tolower((unsigned char)*s)) {
		case 'k': mul = 1024ull; break;
		case 'm': mul = 1024ull * 1024; break;
		case 'g': mul = 1024ull * 1024 * 1024; break;
		default:
			conf_error(p, "%s: unknown size suffix (use k, m or g)", k->name);
			return -1;
		}
		s++;
		if (tolower((unsigned char)*s) == 'b')
			s++;
	}
	if (*s) {
		conf_error(p, "%s: expected a number%s", k->name, suffixes ? " with optional k, m or g" : "");
		return -1;
	}
	if (v > ULLONG_MAX / mul) {
		conf_error(p, "%s: number too large", k->name);
		return -1;
	}
	v *= mul;
	if (v < k->min || v > k->max) {
		conf_error(p, "%s: %llu is out of range %llu..%llu", k->name, v, k->min, k->max);
		return -1;
	}
	*out = v;
	return 0;
}

int conf_parse_size(struct conf_parse *p, const struct conf_key *k, const char *val)
{
	unsigned long long v;

	if (parse_number(p, k, val, 1, &v) != 0)
		return -1;
	if (v > SIZE_MAX) {
		conf_error(p, "%s: number too large", k->name);
		return -1;
	}
	*(size_t *)field(p->c, k) = (size_t)v;
	return 0;
}

int conf_parse_uint(struct conf_parse *p, const struct conf_key *k, const char *val)
{
	unsigned long long v;

	if (parse_number(p, k, val, 0, &v) != 0)
		return -1;
	if (v > UINT_MAX) {
		conf_error(p, "%s: number too large", k->name);
		return -1;
	}
	*(unsigned *)field(p->c, k) = (unsigned)v;
	return 0;
}

int conf_parse_enum(struct conf_parse *p, const struct conf_key *k, const char *val)
{
	const struct conf_enum *e;
	char shown[80], choices[256];
	size_t used = 0;

	for (e = k->names; e->name; e++)
		if (strcasecmp(e->name, val) == 0) {
			*(int *)field(p->c, k) = e->value;
			return 0;
		}
	choices[0] = 0;
	for (e = k->names; e->name; e++) {
		int w = snprintf(choices + used, sizeof choices - used, "%s%s", used ? ", " : "", e->name);

		if (w < 0 || (size_t)w >= sizeof choices - used)
			break;
		used += (size_t)w;
	}
	conf_error(p, "%s: '%s' is not one of %s", k->name, printable(val, shown, sizeof shown), choices);
	return -1;
}

/* One line without its end, malloc'd; NULL at EOF. *toolong when over
 * LINE_MAX_BYTES (the rest of the line is consumed and dropped). */
static char *read_line(FILE *f, int *toolong)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, f);

	*toolong = 0;
	if (n < 0) {
		free(line);
		return NULL;
	}
	if (n > LINE_MAX_BYTES) {
		*toolong = 1;
		line[0] = 0;
		return line;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = 0;
	return line;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = 0;
	return s;
}

static const struct conf_key *key_find(const char *name, size_t *idx)
{
	size_t i;

	for (i = 0; i < conf_nkeys; i++)
		if (strcmp(conf_keys[i].name, name) == 0) {
			*idx = i;
			return &conf_keys[i];
		}
	return NULL;
}

static int is_engine_key(const struct conf_key *k)
{
	return k->off == offsetof(struct conf, terms_dir) || k->off == offsetof(struct conf, rules_file) ||
	       k->off == offsetof(struct conf, allowlist_file) || k->off == offsetof(struct conf, roster_file) ||
	       k->off == offsetof(struct conf, roster_key_file) ||
	       k->off == offsetof(struct conf, disabled_detectors);
}

static void parse_file(struct conf_parse *p, FILE *f)
{
	unsigned *seen = p->seen;
	char *line, *s, *eq, *key, *val, *hash, shown[80];
	const struct conf_key *k;
	size_t idx, n;
	int toolong;

	while ((line = read_line(f, &toolong)) != NULL) {
		p->line++;
		if (toolong) {
			conf_error(p, "line too long");
			goto next;
		}
		s = trim(line);
		if (!*s || *s == '#')
			goto next;
		if (!(eq = strchr(s, '='))) {
			conf_error(p, "expected 'key = value'");
			goto next;
		}
		*eq = 0;
		key = trim(s);
		val = eq + 1;
		/* An inline comment starts at a '#' that follows white space, so
		 * that "#" inside a value such as a URL fragment survives. */
		for (hash = val; (hash = strchr(hash, '#')) != NULL; hash++)
			if (hash == val || hash[-1] == ' ' || hash[-1] == '\t') {
				*hash = 0;
				break;
			}
		val = trim(val);
		n = strlen(val);
		if (n >= 2 && val[0] == '"' && val[n - 1] == '"') {
			val[n - 1] = 0;
			val++;
		}
		if (!*key) {
			conf_error(p, "missing key before '='");
			goto next;
		}
		if (!(k = key_find(key, &idx))) {
			conf_error(p, "unknown key '%s'", printable(key, shown, sizeof shown));
			goto next;
		}
		if (seen[idx]) {
			conf_error(p, "duplicate key '%s' (first set at line %u)", k->name, seen[idx]);
			goto next;
		}
		seen[idx] = p->line;
		if (is_engine_key(k) && !p->first_engine_line)
			p->first_engine_line = p->line;
		k->parse(p, k, val);
next:
		free(line);
	}
	if (ferror(f))
		conf_error(p, "read error");
}

/* The config line of the engine key whose file an error line names, or
 * the first engine key's line. */
static unsigned engine_line(struct conf_parse *p, const char *s, const char *e)
{
	size_t i;

	for (i = 0; p->seen && i < conf_nkeys; i++) {
		const struct conf_key *k = &conf_keys[i];
		const char *v;
		size_t n;

		if (!p->seen[i] || (k->type != CONF_T_FILE && k->type != CONF_T_DIR))
			continue;
		v = *(char **)field(p->c, k);
		n = strlen(v);
		if (n && (size_t)(e - s) >= n && memmem(s, (size_t)(e - s), v, n))
			return p->seen[i];
	}
	return p->line;
}

/* Engine errors are `FILE:LINE: problem` lines already; any other line is
 * put at the config line that named the engine's files. */
static void report_engine_errors(struct conf_parse *p, const char *err, int rc)
{
	const char *s = err, *e;
	int any = 0;

	while (*s) {
		const char *c;
		int located = 0;

		e = strchr(s, '\n');
		if (!e)
			e = s + strlen(s);
		c = memchr(s, ':', (size_t)(e - s));
		if (c && c > s && isdigit((unsigned char)c[1])) {
			const char *d = c + 1;

			while (d < e && isdigit((unsigned char)*d))
				d++;
			located = d < e && *d == ':';
		}
		if (e > s) {
			p->nerr++;
			any = 1;
			if (p->errs) {
				if (located)
					fprintf(p->errs, "%.*s\n", (int)(e - s), s);
				else
					fprintf(p->errs, "%s:%u: engine: %.*s\n", p->file, engine_line(p, s, e),
					        (int)(e - s), s);
			}
		}
		s = *e ? e + 1 : e;
	}
	if (!any)
		conf_error(p, "engine: %s", phi_strerror(rc));
}

static const char *nz(const char *s)
{
	return s && *s ? s : NULL;
}

static void build_engine(struct conf_parse *p)
{
	struct conf *c = p->c;
	struct phi_engine_opts o;
	char err[4096];
	size_t i;
	int rc;

	memset(&o, 0, sizeof o);
	o.terms_dir = nz(c->terms_dir);
	o.rules_file = nz(c->rules_file);
	o.allowlist_file = nz(c->allowlist_file);
	o.roster_file = nz(c->roster_file);
	o.roster_key_file = nz(c->roster_key_file);
	for (i = 0; i < c->disabled_detectors.n; i++) {
		int t = phi_type_from_name(c->disabled_detectors.v[i]);

		if (t >= 0 && t < PHI_T__COUNT)
			o.disabled_types[t / 32] |= 1u << (t % 32);
	}
	err[0] = 0;
	rc = phi_engine_new(&o, &c->engine, err, sizeof err);
	err[sizeof err - 1] = 0;
	if (rc != PHI_OK) {
		c->engine = NULL;
		p->line = p->first_engine_line;
		report_engine_errors(p, err, rc);
	}
}

/* A problem of the policy that needs the rest of the config, reported at
 * the rule's line of the policy file. */
static void policy_error(struct conf_parse *p, const struct policy_rule *r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void policy_error(struct conf_parse *p, const struct policy_rule *r, const char *fmt, ...)
{
	va_list ap;

	p->nerr++;
	if (!p->errs)
		return;
	fprintf(p->errs, "%s:%u: rule '%s': ", p->c->policy->source, r->line, r->name);
	va_start(ap, fmt);
	vfprintf(p->errs, fmt, ap);
	va_end(ap);
	fputc('\n', p->errs);
}

/* The policy: policy_file, or the built-in rules when it is empty. Loaded
 * even after other errors so that one -n run shows every problem; its
 * own problems are FILE:LINE lines of the policy file. Then what only the
 * config can tell: officer notices need privacy_officer, and a notice
 * template must exist in templates/ beside this file. */
static void load_policy(struct conf_parse *p)
{
	struct conf *c = p->c;
	size_t i;

	if (*c->policy_file)
		c->policy = policy_load(c->policy_file, c->dir, p->errs);
	else
		c->policy = policy_parse(policy_default_text, strlen(policy_default_text), "built-in", c->dir,
		                         p->errs);
	if (!c->policy) {
		p->nerr++;
		return;
	}
	for (i = 0; i < c->policy->n; i++) {
		const struct policy_rule *r = &c->policy->rule[i];

		if (r->notify_officer && !*c->privacy_officer)
			policy_error(p, r, "notify_officer = yes, but privacy_officer is not set in %s", p->file);
		if (r->notice) {
			struct stat st;
			size_t n = strlen(c->dir) + strlen(r->notice) + 12;
			char *t = malloc(n);

			if (!t) {
				policy_error(p, r, "out of memory");
				continue;
			}
			snprintf(t, n, "%s/templates/%s", c->dir, r->notice);
			if (stat(t, &st) != 0)
				policy_error(p, r, "notice template %s: %s", t, strerror(errno));
			else if (!S_ISREG(st.st_mode))
				policy_error(p, r, "notice template %s: not a regular file", t);
			free(t);
		}
	}
}

static void conf_free(struct conf *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < conf_nkeys; i++) {
		const struct conf_key *k = &conf_keys[i];

		switch (k->type) {
		case CONF_T_STR: case CONF_T_SOCKET: case CONF_T_PATH: case CONF_T_FILE: case CONF_T_DIR:
			free(*(char **)field(c, k));
			break;
		case CONF_T_DOMAINS: case CONF_T_TYPES:
			list_free(field(c, k));
			break;
		default:
			break;
		}
	}
	phi_engine_free(c->engine);
	policy_free(c->policy);
	qcrypt_wipe(c->quarantine_key, sizeof c->quarantine_key);
	qcrypt_wipe(c->portal_key, sizeof c->portal_key);
	free(c->path);
	free(c->dir);
	free(c);
}

int conf_load(const char *path, struct conf **out, FILE *errs)
{
	struct conf_parse p;
	struct conf *c;
	FILE *f;
	char *slash;
	size_t i;

	*out = NULL;
	memset(&p, 0, sizeof p);
	p.errs = errs;
	p.file = path;
	if (!(c = calloc(1, sizeof *c)) || !(c->path = strdup(path)) || !(c->dir = strdup(path))) {
		conf_error(&p, "out of memory");
		conf_free(c);
		return -1;
	}
	c->refs = 1;
	p.c = c;
	slash = strrchr(c->dir, '/');
	if (slash == c->dir)
		slash[1] = 0;
	else if (slash)
		*slash = 0;
	else
		strcpy(c->dir, ".");
	/* Resolved paths must survive the daemon's chdir("/"). */
	{
		char *abs = realpath(c->dir, NULL);

		if (abs) {
			free(c->dir);
			c->dir = abs;
		}
	}

	/* Defaults go through the same parsers; an error here is a bug in the
	 * table, reported against "(default)". */
	p.file = "(default)";
	for (i = 0; i < conf_nkeys; i++)
		conf_keys[i].parse(&p, &conf_keys[i], conf_keys[i].def);
	p.file = path;

	if (!(p.seen = calloc(conf_nkeys, sizeof *p.seen))) {
		conf_error(&p, "out of memory");
	} else if (!(f = fopen(path, "r"))) {
		conf_error(&p, "cannot open: %s", strerror(errno));
	} else {
		parse_file(&p, f);
		fclose(f);
		load_policy(&p);
	}
	if (p.nerr == 0)
		build_engine(&p);
	free(p.seen);
	if (p.nerr) {
		conf_free(c);
		return -1;
	}
	*out = c;
	return 0;
}

struct conf *conf_acquire(struct conf *c)
{
	if (c)
		__atomic_add_fetch(&c->refs, 1, __ATOMIC_RELAXED);
	return c;
}

void conf_release(struct conf *c)
{
	if (c && __atomic_sub_fetch(&c->refs, 1, __ATOMIC_ACQ_REL) == 0)
		conf_free(c);
}

static pthread_mutex_t current_lock = PTHREAD_MUTEX_INITIALIZER;
static struct conf *current; /* one reference owned by this pointer */

struct conf *conf_acquire_current(void)
{
	struct conf *c;

	pthread_mutex_lock(&current_lock);
	c = conf_acquire(current);
	pthread_mutex_unlock(&current_lock);
	return c;
}

void conf_set_current(struct conf *c)
{
	struct conf *old;

	pthread_mutex_lock(&current_lock);
	old = current;
	current = c;
	pthread_mutex_unlock(&current_lock);
	conf_release(old); /* outside the lock: freeing an engine takes time */
}

int conf_reload(const char *path, FILE *errs)
{
	struct conf *c;

	if (conf_load(path, &c, errs) != 0)
		return -1;
	conf_set_current(c);
	return 0;
}

static int list_equal(const struct conf_list *a, const struct conf_list *b)
{
	size_t i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]) != 0)
			return 0;
	return 1;
}

size_t conf_restart_keys(const struct conf *a, const struct conf *b, const char **names, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < conf_nkeys; i++) {
		const struct conf_key *k = &conf_keys[i];
		const void *fa = (const char *)a + k->off, *fb = (const char *)b + k->off;
		int same;

		if (k->reloadable)
			continue;
		switch (k->type) {
		case CONF_T_STR: case CONF_T_SOCKET: case CONF_T_PATH: case CONF_T_FILE: case CONF_T_DIR:
			same = strcmp(*(char *const *)fa, *(char *const *)fb) == 0;
			break;
		case CONF_T_DOMAINS: case CONF_T_TYPES:
			same = list_equal(fa, fb);
			break;
		case CONF_T_SIZE:
			same = *(const size_t *)fa == *(const size_t *)fb;
			break;
		case CONF_T_UINT:
			same = *(const unsigned *)fa == *(const unsigned *)fb;
			break;
		default:
			same = *(const int *)fa == *(const int *)fb;
			break;
		}
		if (!same) {
			if (n < max)
				names[n] = k->name;
			n++;
		}
	}
	return n;
}

const char *conf_mode_name(enum conf_mode m)
{
	return m == CONF_MODE_MONITOR ? "monitor" : "enforce";
}

const char *conf_on_error_name(enum conf_on_error e)
{
	switch (e) {
	case CONF_ON_ERROR_ACCEPT: return "accept";
	case CONF_ON_ERROR_REJECT: return "reject";
	default: return "tempfail";
	}
}
