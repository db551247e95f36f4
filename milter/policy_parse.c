/*
 * policy_parse.c - policy text (syntax in policy.h) -> struct policy.
 *
 * One pass, line by line. Every problem is written as "NAME:LINE: problem"
 * and parsing goes on, so an admin sees all of them in one `phimilter -n`;
 * any problem makes the result NULL (a half-read policy must never run:
 * a dropped reject rule would let PHI out).
 *
 * Limits, so a hostile or broken file cannot exhaust the daemon: the text
 * (and each @file) at most POLICY_MAX_BYTES, a line at most
 * POLICY_MAX_LINE, POLICY_MAX_RULES rules, MAX_GROUPS groups, MAX_LIST
 * entries in one list and MAX_TOTAL expanded address entries in the whole
 * policy (group:NAME copies a group into each list that names it).
 *
 * Messages quote what the admin wrote (names, keys, bad values), cut to 64
 * printable bytes; a policy file holds no patient data, and nothing here
 * logs.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "policy.h"

#define POLICY_MAX_BYTES (1024u * 1024u) /* a policy or @file larger than this is refused */
#define MAX_GROUPS 1000
#define MAX_LIST 10000      /* entries in one list (group, sender, recipient, subject) */
#define MAX_TOTAL 100000    /* address entries in the whole policy, groups expanded */
#define MAX_DESCRIPTION 200 /* shown in a 550 reply line, which must stay short */
#define MAX_TAG_SUBJECT 100
#define MAX_ADDR 320        /* 64 local part + @ + 253 domain, with room */

struct group {
	char name[POLICY_NAME_MAX];
	struct policy_addrs a;
};

enum key_id {
	K_DEST, K_VERDICT, K_UNSCANNABLE, K_TYPES, K_ALL_TYPES, K_MIN_CONFIDENCE, K_SENDER,
	K_RECIPIENT, K_SUBJECT, K_ATTACHMENT, K_SECURE, K_ACTION, K_DESCRIPTION, K_MONITOR,
	K_NOTIFY_SENDER, K_NOTIFY_OFFICER, K_NOTICE, K_TAG_SUBJECT, K__COUNT
};

static const char *const key_names[K__COUNT] = {
	"dest", "verdict", "unscannable", "types", "all_types", "min_confidence", "sender",
	"recipient", "subject", "attachment", "secure", "action", "description", "monitor",
	"notify_sender", "notify_officer", "notice", "tag_subject"
};

struct pstate {
	const char *name;        /* borrowed: for messages */
	const char *dir;         /* borrowed: resolves @file */
	FILE *errs;              /* borrowed, may be NULL */
	int nerr;
	struct policy *p;        /* owned until returned */
	struct group *groups;    /* owned */
	size_t ngroups;
	struct policy_rule *cur; /* the open rule block (in p->rule, or &spare), or NULL */
	struct policy_rule spare;/* rules past POLICY_MAX_RULES are parsed here and dropped */
	unsigned keyline[K__COUNT]; /* line of each key in the open rule, 0 = not given */
	size_t total;            /* address entries so far (MAX_TOTAL) */
	int total_reported;
	int rules_reported;
};

/* ---- messages ---------------------------------------------------------- */

static void perr(struct pstate *st, const char *file, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void perr(struct pstate *st, const char *file, unsigned line, const char *fmt, ...)
{
	va_list ap;

	st->nerr++;
	if (!st->errs)
		return;
	fprintf(st->errs, "%s:%u: ", file, line);
	va_start(ap, fmt);
	vfprintf(st->errs, fmt, ap);
	va_end(ap);
	fputc('\n', st->errs);
}

/* At most 64 bytes of s for a message, printable ASCII only. */
static const char *shown(const char *s, char out[80])
{
	size_t i;

	for (i = 0; s[i] && i < 64; i++)
		out[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	out[i] = 0;
	return out;
}

/* ---- address lists ------------------------------------------------------ */

static void addrs_free(struct policy_addrs *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* Append a copy of s. 0, -1 out of memory, -2 the list is full. */
static int addrs_add(struct policy_addrs *l, const char *s)
{
	char **nv, *d;

	if (l->n >= MAX_LIST)
		return -2;
	if (!(d = strdup(s)))
		return -1;
	/* Grow in powers of two: a 10 000-entry group should not realloc 10 000 times. */
	if ((l->n & (l->n - 1)) == 0) {
		size_t cap = l->n ? l->n * 2 : 4;

		if (!(nv = realloc(l->v, cap * sizeof *nv))) {
			free(d);
			return -1;
		}
		l->v = nv;
	}
	l->v[l->n++] = d;
	return 0;
}

static void rule_free(struct policy_rule *r)
{
	free(r->description);
	free(r->notice);
	free(r->tag_subject);
	addrs_free(&r->senders);
	addrs_free(&r->recipients);
	addrs_free(&r->subject_words);
	memset(r, 0, sizeof *r);
}

void policy_free(struct policy *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->n; i++)
		rule_free(&p->rule[i]);
	free(p->rule);
	free(p->source);
	free(p);
}

/* ---- small lexing helpers ------------------------------------------------ */

static int is_blank(int c)
{
	return c == ' ' || c == '\t';
}

static char *trim(char *s)
{
	char *e;

	while (is_blank(*s))
		s++;
	e = s + strlen(s);
	while (e > s && is_blank(e[-1]))
		*--e = 0;
	return s;
}

/* Cut a comment: '#' at the start or after white space, outside quotes
 * (so "Patient #1" in a quoted description survives). */
static void cut_comment(char *s)
{
	int q = 0;
	char *c;

	for (c = s; *c; c++) {
		if (*c == '"')
			q = !q;
		else if (*c == '#' && !q && (c == s || is_blank(c[-1]))) {
			*c = 0;
			return;
		}
	}
}

/* Next token of a list: separated by commas and white space; "..." is one
 * token with the quotes removed. Returns NULL at the end; *bad = 1 on an
 * unterminated quote (the rest of the value is dropped). */
static char *next_token(char **sp, int *bad)
{
	char *s = *sp, *tok;

	*bad = 0;
	while (*s == ',' || is_blank(*s))
		s++;
	if (!*s) {
		*sp = s;
		return NULL;
	}
	if (*s == '"') {
		tok = ++s;
		while (*s && *s != '"')
			s++;
		if (!*s) {
			*bad = 1;
			*sp = s;
			return NULL;
		}
		*s++ = 0;
		*sp = s;
		return tok;
	}
	tok = s;
	while (*s && *s != ',' && !is_blank(*s))
		s++;
	if (*s)
		*s++ = 0;
	*sp = s;
	return tok;
}

/* A name of a rule or group: 1..POLICY_NAME_MAX-1 of A-Z a-z 0-9 _ - . */
static int check_name(struct pstate *st, unsigned line, const char *what, const char *name)
{
	char sh[80];
	size_t i, n = strlen(name);

	if (n == 0) {
		perr(st, st->name, line, "%s: missing NAME", what);
		return -1;
	}
	if (n >= POLICY_NAME_MAX) {
		perr(st, st->name, line, "%s name '%s...': too long (at most %d characters)", what,
		     shown(name, sh), POLICY_NAME_MAX - 1);
		return -1;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		if (!(c < 0x80 && isalnum(c)) && c != '_' && c != '-' && c != '.') {
			perr(st, st->name, line, "%s name '%s': only A-Z a-z 0-9 _ - . are allowed", what,
			     shown(name, sh));
			return -1;
		}
	}
	return 0;
}

/* ---- entries: addresses, domains, groups, @file -------------------------- */

static const struct group *group_find(const struct pstate *st, const char *name)
{
	size_t i;

	for (i = 0; i < st->ngroups; i++)
		if (strcmp(st->groups[i].name, name) == 0)
			return &st->groups[i];
	return NULL;
}

/* Add one normalised entry, counting it against MAX_LIST and MAX_TOTAL.
 * Returns 0, or -1 after reporting (a full list is reported once). */
static int add_entry(struct pstate *st, const char *file, unsigned line, const char *key,
                     struct policy_addrs *l, const char *e, int *full)
{
	int rc;

	if (*full)
		return -1;
	if (st->total >= MAX_TOTAL) {
		if (!st->total_reported)
			perr(st, file, line, "%s: the policy holds more than %d address entries (groups counted "
			     "each time they are used)", key, MAX_TOTAL);
		st->total_reported = 1;
		*full = 1;
		return -1;
	}
	rc = addrs_add(l, e);
	if (rc == -2) {
		perr(st, file, line, "%s: more than %d entries in one list", key, MAX_LIST);
		*full = 1;
		return -1;
	}
	if (rc != 0) {
		perr(st, file, line, "%s: out of memory", key);
		*full = 1;
		return -1;
	}
	st->total++;
	return 0;
}

/* Normalise an address or domain entry into out (lower case). 0, or -1
 * with why set. */
static int normalise_entry(const char *tok, char out[MAX_ADDR + 1], const char **why)
{
	const char *at = strchr(tok, '@');
	size_t n = strlen(tok), i;

	if (n > MAX_ADDR) {
		*why = "too long";
		return -1;
	}
	memcpy(out, tok, n + 1);
	if (at && at != tok) {
		size_t lp = (size_t)(at - tok);

		if (strchr(at + 1, '@')) {
			*why = "more than one '@'";
			return -1;
		}
		if (lp > 64) {
			*why = "local part longer than 64 characters";
			return -1;
		}
		for (i = 0; i < lp; i++) {
			unsigned char c = (unsigned char)out[i];

			if (c <= 0x20 || c >= 0x7f || strchr("<>()[]\\,;:\"", c)) {
				*why = "not an address (user@domain)";
				return -1;
			}
			out[i] = (char)tolower(c);
		}
		if (conf_domain_normalise(out + lp + 1) != 0 || out[lp + 1] == 0) {
			*why = "bad domain after '@'";
			return -1;
		}
		return 0;
	}
	/* "@domain" or "domain": conf_domain_normalise drops the '@'. */
	if (conf_domain_normalise(out) != 0) {
		*why = "not a domain or user@domain";
		return -1;
	}
	return 0;
}

static int read_text(const char *path, char **buf, size_t *len, const char **why);
static int add_file(struct pstate *st, unsigned line, const char *key, struct policy_addrs *l,
                    const char *fname, int *full);

/* One ENTRY token into l: group:NAME, an address or a domain; in a group
 * line (allow_file) also @file. Reports at file:line. */
static int add_token(struct pstate *st, const char *file, unsigned line, const char *key,
                     struct policy_addrs *l, const char *tok, int allow_file, int *full)
{
	char norm[MAX_ADDR + 1], sh[80];
	const char *why = NULL;

	if (strncmp(tok, "group:", 6) == 0) {
		const struct group *g = group_find(st, tok + 6);
		size_t i;

		if (!g) {
			perr(st, file, line, "%s: unknown group '%s' (a group must be defined above its use)", key,
			     shown(tok + 6, sh));
			return -1;
		}
		for (i = 0; i < g->a.n; i++)
			if (add_entry(st, file, line, key, l, g->a.v[i], full) != 0)
				return -1;
		return 0;
	}
	if (allow_file && tok[0] == '@')
		return add_file(st, line, key, l, tok + 1, full);
	if (normalise_entry(tok, norm, &why) != 0) {
		perr(st, file, line, "%s: '%s': %s", key, shown(tok, sh), why);
		return -1;
	}
	return add_entry(st, file, line, key, l, norm, full);
}

/* @file: entries one a line (commas and blanks separate too), '#'
 * comments; "@domain" there is a domain. Problems are reported at the
 * file's own lines. */
static int add_file(struct pstate *st, unsigned line, const char *key, struct policy_addrs *l,
                    const char *fname, int *full)
{
	char *path, *buf = NULL, *s, *end, sh[80];
	const char *why;
	size_t len, n;
	unsigned fl = 0;
	int bad = 0;

	if (!*fname) {
		perr(st, st->name, line, "%s: '@' without a file name", key);
		return -1;
	}
	n = strlen(st->dir) + strlen(fname) + 2;
	if (!(path = malloc(n))) {
		perr(st, st->name, line, "%s: out of memory", key);
		return -1;
	}
	if (fname[0] == '/')
		snprintf(path, n, "%s", fname);
	else
		snprintf(path, n, "%s/%s", st->dir, fname);
	if (read_text(path, &buf, &len, &why) != 0) {
		perr(st, st->name, line, "%s: @%s (%s): %s", key, shown(fname, sh), path, why);
		free(path);
		return -1;
	}
	for (s = buf; s < buf + len && !*full; s = end + 1) {
		char *tok, *rest;
		size_t ln;
		int q;

		fl++;
		end = memchr(s, '\n', (size_t)(buf + len - s));
		if (!end)
			end = buf + len; /* the NUL read_text put there */
		ln = (size_t)(end - s);
		if (ln > 0 && s[ln - 1] == '\r')
			ln--;
		if (memchr(s, 0, ln)) {
			perr(st, path, fl, "%s: NUL byte", key);
			bad++;
			continue;
		}
		s[ln] = 0;
		if (ln > POLICY_MAX_LINE) {
			perr(st, path, fl, "%s: line longer than %d bytes", key, POLICY_MAX_LINE);
			bad++;
			continue;
		}
		cut_comment(s);
		rest = s;
		while ((tok = next_token(&rest, &q)) != NULL)
			bad += add_token(st, path, fl, key, l, tok, 0, full) != 0;
		if (q) {
			perr(st, path, fl, "%s: unterminated quote", key);
			bad++;
		}
	}
	free(buf);
	free(path);
	return bad || *full ? -1 : 0;
}

/* A list of ENTRY tokens (sender, recipient, group). */
static int parse_entries(struct pstate *st, unsigned line, const char *key, struct policy_addrs *l, char *val,
                         int allow_file)
{
	char *tok;
	int q, bad = 0, full = 0, any = 0;

	while ((tok = next_token(&val, &q)) != NULL && !full) {
		any = 1;
		bad += add_token(st, st->name, line, key, l, tok, allow_file, &full) != 0;
	}
	if (q) {
		perr(st, st->name, line, "%s: unterminated quote", key);
		bad++;
	} else if (!any) {
		perr(st, st->name, line, "%s: no entry (user@domain, domain, group:NAME%s)", key,
		     allow_file ? ", @file" : "");
		bad++;
	}
	return bad ? -1 : 0;
}

/* ---- rule keys ---------------------------------------------------------- */

struct name_bit {
	const char *name;
	unsigned bit;
	int alias; /* accepted, not listed in messages (true, on, false, off) */
};

static const struct name_bit dest_names[] = {
	{ "internal", 1u << DEST_INTERNAL, 0 }, { "partner", 1u << DEST_PARTNER, 0 },
	{ "external", 1u << DEST_EXTERNAL, 0 }, { "social", 1u << DEST_SOCIAL, 0 },
	{ "chat", 1u << DEST_CHAT, 0 }, { NULL, 0, 0 }
};
static const struct name_bit verdict_names[] = {
	{ "clean", POLICY_V_CLEAN, 0 }, { "pii", POLICY_V_PII, 0 }, { "phi", POLICY_V_PHI, 0 },
	{ "unscanned", POLICY_V_UNSCANNED, 0 }, { NULL, 0, 0 }
};
static const struct name_bit attach_names[] = {
	{ "image", POLICY_A_IMAGE, 0 }, { "pdf", POLICY_A_PDF, 0 }, { "office", POLICY_A_OFFICE, 0 },
	{ "archive", POLICY_A_ARCHIVE, 0 }, { "clinical", POLICY_A_CLINICAL, 0 }, { "audio", POLICY_A_AUDIO, 0 },
	{ "video", POLICY_A_VIDEO, 0 }, { "text", POLICY_A_TEXT, 0 }, { "binary", POLICY_A_BINARY, 0 },
	{ "any", POLICY_A_ANY, 0 }, { NULL, 0, 0 }
};
static const struct name_bit conf_names[] = {
	{ "low", PHI_CONF_LOW, 0 }, { "medium", PHI_CONF_MEDIUM, 0 }, { "high", PHI_CONF_HIGH, 0 }, { NULL, 0, 0 }
};
static const struct name_bit action_names[] = {
	{ "accept", POLICY_ACCEPT, 0 }, { "tag", POLICY_TAG, 0 }, { "redirect", POLICY_REDIRECT, 0 },
	{ "quarantine", POLICY_QUARANTINE, 0 }, { "reject", POLICY_REJECT, 0 },
	{ "block", POLICY__COUNT, 0 }, /* POLICY_REJECT + block, below */
	{ NULL, 0, 0 }
};
static const struct name_bit bool_names[] = {
	{ "yes", POLICY_YES, 0 }, { "true", POLICY_YES, 1 }, { "on", POLICY_YES, 1 },
	{ "no", POLICY_NO, 0 }, { "false", POLICY_NO, 1 }, { "off", POLICY_NO, 1 }, { NULL, 0, 0 }
};
static const struct name_bit notify_names[] = {
	{ "yes", POLICY_YES, 0 }, { "true", POLICY_YES, 1 }, { "on", POLICY_YES, 1 },
	{ "no", POLICY_NO, 0 }, { "false", POLICY_NO, 1 }, { "off", POLICY_NO, 1 },
	{ "default", POLICY_ANY, 0 }, { NULL, 0, 0 }
};

/* "a, b or c" for messages (aliases left out). */
static const char *choices(const struct name_bit *t, char *out, size_t outlen)
{
	const struct name_bit *e;
	size_t used = 0, n = 0, i = 0;

	out[0] = 0;
	for (e = t; e->name; e++)
		n += !e->alias;
	for (e = t; e->name; e++) {
		int w;

		if (e->alias)
			continue;
		i++;
		w = snprintf(out + used, outlen - used, "%s%s", i == 1 ? "" : i == n ? " or " : ", ", e->name);
		if (w < 0 || (size_t)w >= outlen - used)
			break;
		used += (size_t)w;
	}
	return out;
}

static int lookup(const struct name_bit *t, const char *s, unsigned *bit)
{
	for (; t->name; t++)
		if (strcasecmp(t->name, s) == 0) {
			*bit = t->bit;
			return 0;
		}
	return -1;
}

/* A list of names from t, OR-ed into *mask. */
static int parse_names(struct pstate *st, unsigned line, const char *key, char *val, const struct name_bit *t,
                       unsigned *mask)
{
	char *tok, sh[80], ch[256];
	unsigned bit;
	int q, bad = 0, any = 0;

	while ((tok = next_token(&val, &q)) != NULL) {
		any = 1;
		if (lookup(t, tok, &bit) != 0) {
			perr(st, st->name, line, "%s: '%s' is not one of %s", key, shown(tok, sh), choices(t, ch, sizeof ch));
			bad++;
		} else {
			*mask |= bit;
		}
	}
	if (q) {
		perr(st, st->name, line, "%s: unterminated quote", key);
		bad++;
	} else if (!any && !bad) {
		perr(st, st->name, line, "%s: no value (one or more of %s)", key, choices(t, ch, sizeof ch));
		bad++;
	}
	return bad ? -1 : 0;
}

/* Exactly one name from t. */
static int parse_one(struct pstate *st, unsigned line, const char *key, char *val, const struct name_bit *t,
                     unsigned *out)
{
	char *tok, *extra, sh[80], ch[256];
	int q;

	tok = next_token(&val, &q);
	extra = tok ? next_token(&val, &q) : NULL;
	if (!tok || extra || q) {
		perr(st, st->name, line, "%s: want one of %s", key, choices(t, ch, sizeof ch));
		return -1;
	}
	if (lookup(t, tok, out) != 0) {
		perr(st, st->name, line, "%s: '%s' is not one of %s", key, shown(tok, sh), choices(t, ch, sizeof ch));
		return -1;
	}
	return 0;
}

static int parse_types(struct pstate *st, unsigned line, const char *key, char *val, unsigned long long *mask)
{
	char *tok, sh[80];
	int q, bad = 0, any = 0;

	while ((tok = next_token(&val, &q)) != NULL) {
		int t = phi_type_from_name(tok);

		any = 1;
		if (t == PHI_T_CUSTOM && (strncmp(tok, "custom:", 7) != 0 || !tok[7])) {
			perr(st, st->name, line, "%s: '%s': write custom:NAME, NAME as in the rules file", key,
			     shown(tok, sh));
			bad++;
		} else if (t < 0 || t >= PHI_T__COUNT) {
			char known[1024];
			size_t used = 0;
			int i;

			known[0] = 0;
			for (i = 0; i < PHI_T_CUSTOM; i++) { /* custom is last, listed by hand */
				int w = snprintf(known + used, sizeof known - used, "%s, ", phi_type_name((enum phi_type)i));

				if (w < 0 || (size_t)w >= sizeof known - used)
					break;
				used += (size_t)w;
			}
			perr(st, st->name, line, "%s: unknown finding type '%s' (known: %scustom:NAME)", key,
			     shown(tok, sh), known);
			bad++;
		} else {
			*mask |= 1ull << t;
		}
	}
	if (q) {
		perr(st, st->name, line, "%s: unterminated quote", key);
		bad++;
	} else if (!any && !bad) {
		perr(st, st->name, line, "%s: no finding type given", key);
		bad++;
	}
	return bad ? -1 : 0;
}

/* A text value: the whole value, "..." removed. Malloc'd into *out. */
static int parse_text(struct pstate *st, unsigned line, const char *key, char *val, size_t max, char **out)
{
	size_t n = strlen(val);

	if (n > 0 && val[0] == '"') {
		if (n < 2 || val[n - 1] != '"') {
			perr(st, st->name, line, "%s: unterminated quote", key);
			return -1;
		}
		val[n - 1] = 0;
		val++;
		n -= 2;
	}
	if (n == 0) {
		perr(st, st->name, line, "%s: empty", key);
		return -1;
	}
	if (n > max) {
		perr(st, st->name, line, "%s: longer than %zu bytes", key, max);
		return -1;
	}
	free(*out);
	if (!(*out = strdup(val))) {
		perr(st, st->name, line, "%s: out of memory", key);
		return -1;
	}
	return 0;
}

/* notice = FILE: a plain file name inside templates/ (conf.c checks that
 * it exists); no path, so a policy cannot make phimilter read elsewhere. */
static int parse_notice(struct pstate *st, unsigned line, char *val, char **out)
{
	char *tok, *extra, sh[80];
	const char *c;
	int q;

	tok = next_token(&val, &q);
	extra = tok ? next_token(&val, &q) : NULL;
	if (!tok || extra || q) {
		perr(st, st->name, line, "notice: want one template file name");
		return -1;
	}
	if (strchr(tok, '/') || strstr(tok, "..")) {
		perr(st, st->name, line, "notice: '%s': a file name in templates/, without '/' or '..'",
		     shown(tok, sh));
		return -1;
	}
	for (c = tok; *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c == 0x7f) {
			perr(st, st->name, line, "notice: control character in the file name");
			return -1;
		}
	if (strlen(tok) > 255) {
		perr(st, st->name, line, "notice: file name longer than 255 bytes");
		return -1;
	}
	free(*out);
	if (!(*out = strdup(tok))) {
		perr(st, st->name, line, "notice: out of memory");
		return -1;
	}
	return 0;
}

static void parse_key(struct pstate *st, unsigned line, enum key_id k, char *val)
{
	struct policy_rule *r = st->cur;
	unsigned v = 0;
	const char *key = key_names[k];

	switch (k) {
	case K_DEST: parse_names(st, line, key, val, dest_names, &r->dest_mask); break;
	case K_VERDICT: parse_names(st, line, key, val, verdict_names, &r->verdict_mask); break;
	case K_ATTACHMENT: parse_names(st, line, key, val, attach_names, &r->attach_mask); break;
	case K_TYPES: parse_types(st, line, key, val, &r->types_any); break;
	case K_ALL_TYPES: parse_types(st, line, key, val, &r->types_all); break;
	case K_UNSCANNABLE:
		if (parse_one(st, line, key, val, bool_names, &v) == 0)
			r->unscannable = (enum policy_tri)v;
		break;
	case K_SECURE:
		if (parse_one(st, line, key, val, bool_names, &v) == 0)
			r->secure = (enum policy_tri)v;
		break;
	case K_MIN_CONFIDENCE:
		if (parse_one(st, line, key, val, conf_names, &v) == 0)
			r->min_confidence = (int)v;
		break;
	case K_SENDER: parse_entries(st, line, key, &r->senders, val, 0); break;
	case K_RECIPIENT: parse_entries(st, line, key, &r->recipients, val, 0); break;
	case K_SUBJECT: {
		char *tok;
		int q, full = 0, any = 0;

		while ((tok = next_token(&val, &q)) != NULL && !full) {
			any = 1;
			if (!*tok)
				perr(st, st->name, line, "subject: empty word (\"\")");
			else if (addrs_add(&r->subject_words, tok) != 0) {
				perr(st, st->name, line, "subject: more than %d words, or out of memory", MAX_LIST);
				full = 1;
			}
		}
		if (q)
			perr(st, st->name, line, "subject: unterminated quote");
		else if (!any)
			perr(st, st->name, line, "subject: no word given");
		break;
	}
	case K_ACTION:
		if (parse_one(st, line, key, val, action_names, &v) == 0) {
			r->block = v == POLICY__COUNT;
			r->action = r->block ? POLICY_REJECT : (enum policy_action)v;
		}
		break;
	case K_DESCRIPTION: parse_text(st, line, key, val, MAX_DESCRIPTION, &r->description); break;
	case K_TAG_SUBJECT: parse_text(st, line, key, val, MAX_TAG_SUBJECT, &r->tag_subject); break;
	case K_MONITOR:
		if (parse_one(st, line, key, val, bool_names, &v) == 0)
			r->monitor = v == POLICY_YES;
		break;
	case K_NOTIFY_OFFICER:
		if (parse_one(st, line, key, val, bool_names, &v) == 0)
			r->notify_officer = v == POLICY_YES;
		break;
	case K_NOTIFY_SENDER:
		if (parse_one(st, line, key, val, notify_names, &v) == 0)
			r->notify_sender = (enum policy_tri)v;
		break;
	case K_NOTICE: parse_notice(st, line, val, &r->notice); break;
	case K__COUNT: break;
	}
}

/* ---- blocks --------------------------------------------------------------- */

/* Close the open rule block: action required, description defaults. */
static void end_rule(struct pstate *st)
{
	struct policy_rule *r = st->cur;
	char ch[256];

	if (!r)
		return;
	st->cur = NULL;
	if (!st->keyline[K_ACTION])
		perr(st, st->name, r->line, "rule '%s': missing 'action = ...' (one of %s)", r->name,
		     choices(action_names, ch, sizeof ch));
	if (!r->description && !(r->description = strdup(r->name)))
		perr(st, st->name, r->line, "rule '%s': out of memory", r->name);
	if (r == &st->spare)
		rule_free(r);
}

static void start_rule(struct pstate *st, unsigned line, char *rest)
{
	struct policy *p = st->p;
	struct policy_rule *r;
	char *name = trim(rest), sh[80];
	size_t i;

	end_rule(st);
	memset(st->keyline, 0, sizeof st->keyline);
	if (strpbrk(name, " \t=")) {
		perr(st, st->name, line, "expected 'rule NAME' alone on its line");
		name[strcspn(name, " \t=")] = 0;
	}
	if (check_name(st, line, "rule", name) != 0)
		name = "";
	for (i = 0; *name && i < p->n; i++)
		if (strcmp(p->rule[i].name, name) == 0) {
			perr(st, st->name, line, "duplicate rule name '%s' (first at line %u)", shown(name, sh),
			     p->rule[i].line);
			break;
		}
	if (p->n >= POLICY_MAX_RULES) {
		if (!st->rules_reported)
			perr(st, st->name, line, "more than %d rules", POLICY_MAX_RULES);
		st->rules_reported = 1;
		r = &st->spare;
	} else {
		/* Grow in powers of two; pointers into p->rule are only taken
		 * for the open rule, which is re-pointed here. */
		if ((p->n & (p->n - 1)) == 0) {
			size_t cap = p->n ? p->n * 2 : 8;
			struct policy_rule *nr = realloc(p->rule, cap * sizeof *nr);

			if (!nr) {
				perr(st, st->name, line, "out of memory");
				r = &st->spare;
				goto fill;
			}
			p->rule = nr;
		}
		r = &p->rule[p->n++];
	}
fill:
	memset(r, 0, sizeof *r);
	snprintf(r->name, sizeof r->name, "%s", name);
	r->line = line;
	st->cur = r;
}

static void group_line(struct pstate *st, unsigned line, char *rest)
{
	struct group *g, *ng;
	char *eq = strchr(rest, '='), *name, sh[80];
	int bad = 0;

	end_rule(st);
	if (!eq) {
		perr(st, st->name, line, "expected 'group NAME = ENTRY, ...'");
		return;
	}
	*eq = 0;
	name = trim(rest);
	if (strpbrk(name, " \t")) {
		perr(st, st->name, line, "expected 'group NAME = ENTRY, ...'");
		return;
	}
	if (check_name(st, line, "group", name) != 0)
		bad = 1;
	else if (group_find(st, name)) {
		perr(st, st->name, line, "duplicate group name '%s'", shown(name, sh));
		bad = 1;
	}
	if (st->ngroups >= MAX_GROUPS) {
		perr(st, st->name, line, "more than %d groups", MAX_GROUPS);
		return;
	}
	if (!(ng = realloc(st->groups, (st->ngroups + 1) * sizeof *ng))) {
		perr(st, st->name, line, "out of memory");
		return;
	}
	st->groups = ng;
	g = &st->groups[st->ngroups];
	memset(g, 0, sizeof *g);
	parse_entries(st, line, "group", &g->a, eq + 1, 1);
	if (bad) {
		addrs_free(&g->a);
		return;
	}
	snprintf(g->name, sizeof g->name, "%s", name);
	st->ngroups++;
}

static void key_line(struct pstate *st, unsigned line, char *s)
{
	char *eq = strchr(s, '='), *key, *val, sh[80];
	int k;

	if (!eq) {
		perr(st, st->name, line, "expected 'rule NAME', 'group NAME = ...' or 'KEY = VALUE'");
		return;
	}
	*eq = 0;
	key = trim(s);
	val = trim(eq + 1);
	for (k = 0; k < K__COUNT; k++)
		if (strcmp(key, key_names[k]) == 0)
			break;
	if (k == K__COUNT) {
		char known[512];
		size_t used = 0;
		int i;

		known[0] = 0;
		for (i = 0; i < K__COUNT; i++) {
			int w = snprintf(known + used, sizeof known - used, "%s%s", i ? ", " : "", key_names[i]);

			if (w < 0 || (size_t)w >= sizeof known - used)
				break;
			used += (size_t)w;
		}
		if (!*key)
			perr(st, st->name, line, "missing key before '='");
		else
			perr(st, st->name, line, "unknown key '%s' (known: %s)", shown(key, sh), known);
		return;
	}
	if (!st->cur) {
		perr(st, st->name, line, "'%s = ...' outside a rule (start one with 'rule NAME')", key_names[k]);
		return;
	}
	if (st->keyline[k]) {
		perr(st, st->name, line, "rule '%s': duplicate key '%s' (first at line %u)", st->cur->name,
		     key_names[k], st->keyline[k]);
		return;
	}
	st->keyline[k] = line;
	parse_key(st, line, (enum key_id)k, val);
}

/* Is s "WORD" followed by a blank or the end? Returns what follows. */
static char *keyword(char *s, const char *word)
{
	size_t n = strlen(word);

	if (strncmp(s, word, n) == 0 && (s[n] == 0 || is_blank(s[n])))
		return s + n;
	return NULL;
}

static void one_line(struct pstate *st, unsigned line, char *s)
{
	char *rest;
	const char *c;

	for (c = s; *c; c++)
		if (((unsigned char)*c < 0x20 && *c != '\t') || *c == 0x7f) {
			perr(st, st->name, line, "control character (byte 0x%02x)", (unsigned char)*c);
			return;
		}
	cut_comment(s);
	s = trim(s);
	if (!*s)
		return;
	/* "rule" and "group" are no keys, so a line starting with either is
	 * that kind of block (and its function says what is wrong with it). */
	if ((rest = keyword(s, "rule")) != NULL)
		start_rule(st, line, rest);
	else if ((rest = keyword(s, "group")) != NULL)
		group_line(st, line, rest);
	else
		key_line(st, line, s);
}

/* ---- entry points -------------------------------------------------------- */

struct policy *policy_parse(const char *text, size_t len, const char *name, const char *dir, FILE *errs)
{
	struct pstate st;
	struct policy *p;
	char *buf;
	size_t off = 0, i;
	unsigned line = 0;

	memset(&st, 0, sizeof st);
	st.name = name ? name : "built-in";
	st.dir = dir ? dir : ".";
	st.errs = errs;
	if (!(p = calloc(1, sizeof *p)) || !(p->source = strdup(st.name)) ||
	    !(buf = malloc(POLICY_MAX_LINE + 1))) {
		perr(&st, st.name, 0, "out of memory");
		policy_free(p);
		return NULL;
	}
	st.p = p;
	if (len > POLICY_MAX_BYTES) {
		perr(&st, st.name, 0, "larger than %u bytes (1 MiB)", POLICY_MAX_BYTES);
		len = 0;
	}
	/* A UTF-8 byte order mark, as Windows editors write it, is no text. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		off = 3;
	while (off < len) {
		const char *s = text + off, *nl = memchr(s, '\n', len - off);
		size_t n = nl ? (size_t)(nl - s) : len - off;

		off += n + (nl ? 1 : 0);
		line++;
		if (n > 0 && s[n - 1] == '\r')
			n--;
		if (memchr(s, 0, n)) {
			perr(&st, st.name, line, "NUL byte");
			continue;
		}
		if (n > POLICY_MAX_LINE) {
			perr(&st, st.name, line, "line longer than %d bytes", POLICY_MAX_LINE);
			continue;
		}
		memcpy(buf, s, n);
		buf[n] = 0;
		one_line(&st, line, buf);
	}
	end_rule(&st);
	free(buf);
	for (i = 0; i < st.ngroups; i++)
		addrs_free(&st.groups[i].a);
	free(st.groups);
	if (st.nerr) {
		policy_free(p);
		return NULL;
	}
	return p;
}

/* Read a whole regular file of at most POLICY_MAX_BYTES. 0 and a malloc'd
 * *buf (NUL-terminated, *len without it), or -1 with *why. */
static int read_text(const char *path, char **buf, size_t *len, const char **why)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	char *b;
	size_t n;

	*buf = NULL;
	*len = 0;
	if (!f) {
		*why = strerror(errno);
		return -1;
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		*why = "not a regular file";
		fclose(f);
		return -1;
	}
	if (st.st_size > (off_t)POLICY_MAX_BYTES) {
		*why = "larger than 1 MiB";
		fclose(f);
		return -1;
	}
	/* One byte more than allowed, so a file that grew since fstat shows. */
	if (!(b = malloc(POLICY_MAX_BYTES + 2))) {
		*why = "out of memory";
		fclose(f);
		return -1;
	}
	n = fread(b, 1, POLICY_MAX_BYTES + 1, f);
	if (ferror(f)) {
		*why = "read error";
		free(b);
		fclose(f);
		return -1;
	}
	fclose(f);
	if (n > POLICY_MAX_BYTES) {
		*why = "larger than 1 MiB";
		free(b);
		return -1;
	}
	b[n] = 0;
	*buf = b;
	*len = n;
	return 0;
}

struct policy *policy_load(const char *path, const char *dir, FILE *errs)
{
	struct policy *p;
	const char *why = NULL;
	char *buf;
	size_t len;

	if (read_text(path, &buf, &len, &why) != 0) {
		if (errs)
			fprintf(errs, "%s:0: cannot read the policy: %s\n", path, why);
		return NULL;
	}
	p = policy_parse(buf, len, path, dir, errs);
	free(buf);
	return p;
}
