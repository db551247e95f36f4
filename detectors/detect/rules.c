/*
 * rules.c - admin PCRE2 rules (custom:NAME findings) and allowlists.
 *
 * Rules file (conf/rules/example.rules documents it), one rule a line:
 *     NAME  CONFIDENCE  [context=w1,w2]  [needs-context]  [as=TYPE]  /REGEX/FLAGS
 * NAME is [A-Za-z0-9_.-]{1,47}; CONFIDENCE high, medium or low; the regex
 * runs from the first '/' to the last '/' of the line (no escaping needed);
 * FLAGS: i caseless, x extended, s dotall, m multiline. A context word
 * within RULE_CONTEXT bytes of a match raises the confidence one step;
 * with needs-context a match without one is dropped. as=TYPE reports a
 * vocabulary type (e.g. as=mrn for a local MRN format) instead of
 * custom:NAME. '#' starts a comment line.
 *
 * Allowlist file: `TYPE VALUE` a line (phone 617-555-0100); values are
 * compared normalised: digits only for numeric types, lower-case letters
 * and digits for identifiers, case-folded words for the rest.
 *
 * Patterns are compiled (and JIT-compiled) once and shared read-only by all
 * threads, as is the match context holding the match, depth and heap
 * limits; match data is made per scan. A rule that hits a limit makes the
 * part unscannable with the rule's name. Errors: "FILE:LINE: problem", one
 * per line, all of them. Never logs; never copies matched text.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pcre2.h>
#include "ext.h"

#define RULE_MAX 1000
#define RULE_LINE 4096
#define RULE_CONTEXT 80
#define RULE_CTX_WORDS 16
#define ALLOW_MAX 100000
#define ALLOW_VALUE 256
#define MATCH_LIMIT 1000000u
#define DEPTH_LIMIT 10000u
#define HEAP_LIMIT_KB 20000u

struct rule {
	char name[PHI_CUSTOM_MAX];
	enum phi_confidence conf;
	int as;                          /* enum phi_type, PHI_T_CUSTOM by default */
	int needs_context;
	char *ctx[RULE_CTX_WORDS];       /* owned, lower case */
	size_t nctx;
	pcre2_code *re;                  /* owned */
};

struct rules {
	struct rule *r;                  /* owned array */
	size_t nr;
	pcre2_match_context *mctx;       /* owned; read-only once loaded */
	char **allow;                    /* owned, sorted: "NN\x1f<normalised value>" */
	size_t nallow;
};

/* ---------- error text ---------- */

struct errbuf {
	char *p;
	size_t cap, len;
	int count;
};

static void eprintf(struct errbuf *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void eprintf(struct errbuf *e, const char *fmt, ...)
{
	va_list ap;
	int n;

	e->count++;
	if (!e->p || e->cap == 0 || e->len + 1 >= e->cap)
		return;
	if (e->len) {
		e->p[e->len++] = '\n';
		e->p[e->len] = 0;
	}
	va_start(ap, fmt);
	n = vsnprintf(e->p + e->len, e->cap - e->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		e->len += (size_t)n < e->cap - e->len ? (size_t)n : e->cap - e->len - 1;
}

/* ---------- normalisation for allowlists ---------- */

enum vnorm { VN_DIGITS, VN_ALNUM, VN_TEXT };

static enum vnorm type_norm(int t)
{
	switch (t) {
	case PHI_T_US_SSN: case PHI_T_PHONE: case PHI_T_FAX: case PHI_T_NPI:
	case PHI_T_ZIP_CODE: case PHI_T_CREDIT_CARD:
		return VN_DIGITS;
	case PHI_T_MRN: case PHI_T_DEA_NUMBER: case PHI_T_MEDICARE_MBI: case PHI_T_HEALTH_PLAN_ID:
	case PHI_T_ACCOUNT_NUMBER: case PHI_T_LICENSE_NUMBER: case PHI_T_VEHICLE_ID:
	case PHI_T_DEVICE_ID: case PHI_T_NDC: case PHI_T_ICD10: case PHI_T_ICD9: case PHI_T_CPT:
		return VN_ALNUM;
	default:
		return VN_TEXT;
	}
}

/* "<t>\x1f<normalised>" into out; returns its length, 0 when empty or too long. */
static size_t allow_key(int t, const unsigned char *v, size_t n, char *out, size_t cap)
{
	enum vnorm how = type_norm(t);
	size_t i, o;
	int space = 0;

	if (cap < 8)
		return 0;
	o = (size_t)snprintf(out, cap, "%02d\x1f", t);
	for (i = 0; i < n; i++) {
		unsigned char c = v[i];
		int digit = c >= '0' && c <= '9', alpha = (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
		char put;

		if (how == VN_DIGITS && !digit)
			continue;
		if (how == VN_ALNUM && !digit && !alpha)
			continue;
		if (how == VN_TEXT && !digit && !alpha && c < 0x80 && c != '@' && c != '.' &&
		    c != '_' && c != '+' && c != '-' && c != '/' && c != ':') {
			space = 1; /* blanks and punctuation: one separator */
			continue;
		}
		if (how == VN_TEXT && (c == '.' || c == '-') && !(o > 3)) {
			continue;
		}
		put = (char)(alpha ? (c | 0x20) : c);
		if (space && o > 3) {
			if (o + 1 >= cap)
				return 0;
			out[o++] = ' ';
		}
		space = 0;
		if (o + 1 >= cap)
			return 0;
		out[o++] = put;
	}
	/* text: a trailing dot ("Main St.") is punctuation */
	while (how == VN_TEXT && o > 3 && (out[o - 1] == '.' || out[o - 1] == '-'))
		o--;
	/* phone and fax: +1 / 1 country code dropped */
	if ((t == PHI_T_PHONE || t == PHI_T_FAX) && o - 3 == 11 && out[3] == '1') {
		memmove(out + 3, out + 4, 10);
		o--;
	}
	out[o] = 0;
	return o > 3 ? o : 0;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ---------- line reading ---------- */

/* One line into buf (NUL-terminated, CR LF stripped); 1, 0 at EOF, -1 too long. */
static int read_line(FILE *f, char *buf, size_t cap)
{
	size_t n;

	if (!fgets(buf, (int)cap, f))
		return 0;
	n = strlen(buf);
	if (n == cap - 1 && buf[n - 1] != '\n') {
		int ch;
		while ((ch = getc(f)) != EOF && ch != '\n')
			;
		return -1;
	}
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = 0;
	return 1;
}

static char *skip_blank(char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* ---------- allowlist ---------- */

static int load_allow(struct rules *rs, const char *path, struct errbuf *e)
{
	char line[RULE_LINE], key[ALLOW_VALUE + 8];
	unsigned lineno = 0;
	size_t cap = 0;
	FILE *f;
	int r;

	f = fopen(path, "r");
	if (!f) {
		eprintf(e, "%s: cannot open: %s", path, strerror(errno));
		return PHI_ECONFIG;
	}
	while ((r = read_line(f, line, sizeof line)) != 0) {
		char *p, *type, *val;
		int t;
		size_t kn;

		lineno++;
		if (r < 0) {
			eprintf(e, "%s:%u: line too long", path, lineno);
			continue;
		}
		p = skip_blank(line);
		if (*p == 0 || *p == '#')
			continue;
		type = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (*p)
			*p++ = 0;
		val = skip_blank(p);
		t = phi_type_from_name(type);
		if (t < 0) {
			eprintf(e, "%s:%u: unknown finding type \"%.40s\"", path, lineno, type);
			continue;
		}
		if (*val == 0) {
			eprintf(e, "%s:%u: %s: no value", path, lineno, type);
			continue;
		}
		if (strlen(val) > ALLOW_VALUE) {
			eprintf(e, "%s:%u: value longer than %d bytes", path, lineno, ALLOW_VALUE);
			continue;
		}
		kn = allow_key(t, (const unsigned char *)val, strlen(val), key, sizeof key);
		if (kn == 0) {
			eprintf(e, "%s:%u: %s: value has nothing to compare (e.g. no digits)", path,
			        lineno, type);
			continue;
		}
		if (rs->nallow >= ALLOW_MAX) {
			eprintf(e, "%s:%u: more than %d allowlist entries", path, lineno, ALLOW_MAX);
			break;
		}
		if (rs->nallow == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			char **na = realloc(rs->allow, ncap * sizeof *na);
			if (!na)
				goto nomem;
			rs->allow = na;
			cap = ncap;
		}
		if (!(rs->allow[rs->nallow] = strdup(key)))
			goto nomem;
		rs->nallow++;
	}
	fclose(f);
	if (rs->nallow)
		qsort(rs->allow, rs->nallow, sizeof *rs->allow, str_cmp);
	return PHI_OK;
nomem:
	fclose(f);
	eprintf(e, "%s:%u: out of memory", path, lineno);
	return PHI_ENOMEM;
}

int rules_allowed(const struct rules *r, enum phi_type t, const unsigned char *v, size_t n)
{
	char key[ALLOW_VALUE + 8];
	const char *kp = key;
	size_t lo, hi;

	if (!r || r->nallow == 0 || n > ALLOW_VALUE)
		return 0;
	if (allow_key((int)t, v, n, key, sizeof key) == 0)
		return 0;
	lo = 0;
	hi = r->nallow;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(r->allow[mid], kp);
		if (c == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* ---------- rules ---------- */

static void rule_clear(struct rule *ru)
{
	size_t i;

	for (i = 0; i < ru->nctx; i++)
		free(ru->ctx[i]);
	pcre2_code_free(ru->re);
	memset(ru, 0, sizeof *ru);
}

static int valid_name(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n >= PHI_CUSTOM_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '.'))
			return 0;
	}
	return 1;
}

static int parse_context(struct rule *ru, char *list, const char *path, unsigned lineno,
                         struct errbuf *e)
{
	char *w, *save = NULL;

	for (w = strtok_r(list, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		char *q;
		if (*w == 0)
			continue;
		if (ru->nctx >= RULE_CTX_WORDS) {
			eprintf(e, "%s:%u: more than %d context words", path, lineno, RULE_CTX_WORDS);
			return -1;
		}
		for (q = w; *q; q++)
			if (*q >= 'A' && *q <= 'Z')
				*q = (char)(*q | 0x20);
		if (!(ru->ctx[ru->nctx] = strdup(w))) {
			eprintf(e, "%s:%u: out of memory", path, lineno);
			return -1;
		}
		ru->nctx++;
	}
	return 0;
}

/* Parse and compile one rule line; 0, or -1 with the error recorded. */
static int parse_rule(struct rule *ru, char *line, const char *path, unsigned lineno,
                      struct errbuf *e)
{
	char *p = line, *tok, *re_start, *re_end, *fl;
	uint32_t opts = PCRE2_UTF | PCRE2_NEVER_BACKSLASH_C;
	PCRE2_SIZE erroff;
	int errcode;

	memset(ru, 0, sizeof *ru);
	ru->as = PHI_T_CUSTOM;
	/* NAME */
	tok = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	if (*p)
		*p++ = 0;
	if (!valid_name(tok)) {
		eprintf(e, "%s:%u: rule name must be 1-%d of A-Z a-z 0-9 _ - .", path, lineno,
		        PHI_CUSTOM_MAX - 1);
		return -1;
	}
	snprintf(ru->name, sizeof ru->name, "%s", tok);
	/* CONFIDENCE */
	p = skip_blank(p);
	tok = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	if (*p)
		*p++ = 0;
	if (strcmp(tok, "high") == 0)
		ru->conf = PHI_CONF_HIGH;
	else if (strcmp(tok, "medium") == 0)
		ru->conf = PHI_CONF_MEDIUM;
	else if (strcmp(tok, "low") == 0)
		ru->conf = PHI_CONF_LOW;
	else {
		eprintf(e, "%s:%u: rule %s: confidence must be high, medium or low", path, lineno,
		        ru->name);
		return -1;
	}
	/* options up to the pattern */
	for (;;) {
		p = skip_blank(p);
		if (*p == '/' || *p == 0)
			break;
		tok = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (*p)
			*p++ = 0;
		if (strncmp(tok, "context=", 8) == 0) {
			if (parse_context(ru, tok + 8, path, lineno, e) < 0)
				goto fail;
		} else if (strcmp(tok, "needs-context") == 0) {
			ru->needs_context = 1;
		} else if (strncmp(tok, "as=", 3) == 0) {
			int t = phi_type_from_name(tok + 3);
			if (t < 0 || t == PHI_T_UNSCANNABLE) {
				eprintf(e, "%s:%u: rule %s: unknown finding type \"%.40s\"", path, lineno,
				        ru->name, tok + 3);
				goto fail;
			}
			ru->as = t;
		} else {
			eprintf(e, "%s:%u: rule %s: unknown option \"%.40s\" (or no /pattern/)",
			        path, lineno, ru->name, tok);
			goto fail;
		}
	}
	if (ru->needs_context && ru->nctx == 0) {
		eprintf(e, "%s:%u: rule %s: needs-context without context=words", path, lineno,
		        ru->name);
		goto fail;
	}
	if (*p != '/') {
		eprintf(e, "%s:%u: rule %s: no /pattern/", path, lineno, ru->name);
		goto fail;
	}
	re_start = p + 1;
	re_end = strrchr(re_start, '/');
	if (!re_end) {
		eprintf(e, "%s:%u: rule %s: pattern has no closing /", path, lineno, ru->name);
		goto fail;
	}
	for (fl = re_end + 1; *fl && *fl != ' ' && *fl != '\t'; fl++) {
		switch (*fl) {
		case 'i': opts |= PCRE2_CASELESS; break;
		case 'x': opts |= PCRE2_EXTENDED; break;
		case 's': opts |= PCRE2_DOTALL; break;
		case 'm': opts |= PCRE2_MULTILINE; break;
		default:
			eprintf(e, "%s:%u: rule %s: unknown flag '%c' (i x s m)", path, lineno, ru->name,
			        *fl);
			goto fail;
		}
	}
	if (*skip_blank(fl)) {
		eprintf(e, "%s:%u: rule %s: text after the pattern flags", path, lineno, ru->name);
		goto fail;
	}
	if (re_end == re_start) {
		eprintf(e, "%s:%u: rule %s: empty pattern", path, lineno, ru->name);
		goto fail;
	}
	ru->re = pcre2_compile((PCRE2_SPTR)re_start, (PCRE2_SIZE)(re_end - re_start), opts, &errcode,
	                       &erroff, NULL);
	if (!ru->re) {
		PCRE2_UCHAR msg[160];
		pcre2_get_error_message(errcode, msg, sizeof msg);
		eprintf(e, "%s:%u: rule %s: bad pattern (%s at offset %zu)", path, lineno, ru->name,
		        (const char *)msg, (size_t)erroff);
		goto fail;
	}
	(void)pcre2_jit_compile(ru->re, PCRE2_JIT_COMPLETE); /* falls back to the interpreter */
	return 0;
fail:
	rule_clear(ru);
	return -1;
}

static int load_rules(struct rules *rs, const char *path, struct errbuf *e)
{
	char line[RULE_LINE];
	unsigned lineno = 0;
	size_t cap = 0, i;
	FILE *f;
	int r;

	f = fopen(path, "r");
	if (!f) {
		eprintf(e, "%s: cannot open: %s", path, strerror(errno));
		return PHI_ECONFIG;
	}
	while ((r = read_line(f, line, sizeof line)) != 0) {
		char *p;
		struct rule ru;

		lineno++;
		if (r < 0) {
			eprintf(e, "%s:%u: line too long (over %d bytes)", path, lineno, RULE_LINE - 2);
			continue;
		}
		p = skip_blank(line);
		if (*p == 0 || *p == '#')
			continue;
		if (parse_rule(&ru, p, path, lineno, e) < 0)
			continue;
		for (i = 0; i < rs->nr; i++)
			if (strcmp(rs->r[i].name, ru.name) == 0)
				break;
		if (i < rs->nr) {
			eprintf(e, "%s:%u: rule %s defined twice", path, lineno, ru.name);
			rule_clear(&ru);
			continue;
		}
		if (rs->nr >= RULE_MAX) {
			eprintf(e, "%s:%u: more than %d rules", path, lineno, RULE_MAX);
			rule_clear(&ru);
			break;
		}
		if (rs->nr == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct rule *nr = realloc(rs->r, ncap * sizeof *nr);
			if (!nr) {
				rule_clear(&ru);
				fclose(f);
				eprintf(e, "%s:%u: out of memory", path, lineno);
				return PHI_ENOMEM;
			}
			rs->r = nr;
			cap = ncap;
		}
		rs->r[rs->nr++] = ru;
	}
	fclose(f);
	return PHI_OK;
}

int rules_load(const char *rules_file, const char *allowlist_file, struct rules **out, char *err,
               size_t errlen)
{
	struct errbuf e = { err, errlen, 0, 0 };
	struct rules *rs;
	int rc = PHI_OK;

	*out = NULL;
	if (err && errlen)
		err[0] = 0;
	if ((!rules_file || !*rules_file) && (!allowlist_file || !*allowlist_file))
		return PHI_OK;
	rs = calloc(1, sizeof *rs);
	if (!rs)
		return PHI_ENOMEM;
	rs->mctx = pcre2_match_context_create(NULL);
	if (!rs->mctx) {
		free(rs);
		return PHI_ENOMEM;
	}
	pcre2_set_match_limit(rs->mctx, MATCH_LIMIT);
	pcre2_set_depth_limit(rs->mctx, DEPTH_LIMIT);
	pcre2_set_heap_limit(rs->mctx, HEAP_LIMIT_KB);
	if (rules_file && *rules_file)
		rc = load_rules(rs, rules_file, &e);
	if (rc == PHI_OK && allowlist_file && *allowlist_file)
		rc = load_allow(rs, allowlist_file, &e);
	if (rc == PHI_OK && e.count)
		rc = PHI_ECONFIG;
	if (rc != PHI_OK) {
		rules_free(rs);
		return rc;
	}
	*out = rs;
	return PHI_OK;
}

void rules_free(struct rules *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->nr; i++)
		rule_clear(&r->r[i]);
	free(r->r);
	for (i = 0; i < r->nallow; i++)
		free(r->allow[i]);
	free(r->allow);
	pcre2_match_context_free(r->mctx);
	free(r);
}

static int is_word_byte(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c >= 0x80;
}

/* A context word (lower case) as a whole word in p[0..n), ignoring case. */
static int has_word(const unsigned char *p, size_t n, const char *w)
{
	size_t wl = strlen(w), i, j;

	if (wl == 0 || wl > n)
		return 0;
	for (i = 0; i + wl <= n; i++) {
		for (j = 0; j < wl; j++) {
			unsigned char c = p[i + j];
			if (c >= 'A' && c <= 'Z')
				c |= 0x20;
			if (c != (unsigned char)w[j])
				break;
		}
		if (j == wl && (i == 0 || !is_word_byte(p[i - 1])) &&
		    (i + wl == n || !is_word_byte(p[i + wl])))
			return 1;
	}
	return 0;
}

static int near_context(const struct rule *ru, const struct phi_segment *sg, size_t start,
                        size_t end)
{
	size_t from = start > RULE_CONTEXT ? start - RULE_CONTEXT : 0;
	size_t to = sg->len - end > RULE_CONTEXT ? end + RULE_CONTEXT : sg->len;
	size_t i;

	for (i = 0; i < ru->nctx; i++)
		if (has_word(sg->text + from, start - from, ru->ctx[i]) ||
		    has_word(sg->text + end, to - end, ru->ctx[i]))
			return 1;
	return 0;
}

static int report(const struct rules *rs, const struct rule *ru, struct phi_scan *s,
                  const struct phi_segment *sg, size_t start, size_t end)
{
	enum phi_confidence c = ru->conf;
	char why[PHI_WHY_MAX];
	int ctx = 0;

	if (ru->nctx)
		ctx = near_context(ru, sg, start, end);
	if (ru->needs_context && !ctx)
		return PHI_OK;
	if (rules_allowed(rs, (enum phi_type)ru->as, sg->text + start, end - start))
		return PHI_OK;
	if (ctx && c < PHI_CONF_HIGH)
		c = (enum phi_confidence)(c + 1);
	snprintf(why, sizeof why, "rule %s%s", ru->name, ctx ? " +context" : "");
	if (ru->as == PHI_T_CUSTOM)
		return finding_add_custom(s, sg, ru->name, c, start, end - start, why);
	return finding_add(s, sg, (enum phi_type)ru->as, c, start, end - start, why);
}

/* Every match of one rule in one segment. */
static int run_rule(const struct rules *rs, const struct rule *ru, pcre2_match_data *md,
                    struct phi_scan *s, const struct phi_segment *sg)
{
	PCRE2_SIZE start = 0, *ov;
	uint32_t mopts = 0; /* the first call checks UTF-8, the rest need not */
	unsigned loops = 0;
	int rc;

	while (start <= sg->len) {
		rc = pcre2_match(ru->re, (PCRE2_SPTR)sg->text, sg->len, start, mopts, md, rs->mctx);
		if (rc == PCRE2_ERROR_NOMATCH)
			return PHI_OK;
		if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
		    rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT) {
			char why[PHI_WHY_MAX];
			snprintf(why, sizeof why, "limit rule %s", ru->name);
			finding_add_part(s, sg->part, PHI_T_UNSCANNABLE, PHI_CONF_HIGH, why);
			return PHI_OK;
		}
		if (rc < 0)
			return PHI_OK; /* e.g. bad UTF-8: nothing this rule can do */
		mopts = PCRE2_NO_UTF_CHECK;
		ov = pcre2_get_ovector_pointer(md);
		if (ov[0] > ov[1] || ov[1] > sg->len)
			return PHI_OK; /* \K games */
		if (ov[1] > ov[0]) {
			rc = report(rs, ru, s, sg, ov[0], ov[1]);
			if (rc != PHI_OK)
				return rc;
			start = ov[1];
		} else {
			/* empty match: step over one UTF-8 character */
			start = ov[1] + 1;
			while (start < sg->len && (sg->text[start] & 0xC0) == 0x80)
				start++;
		}
		if ((++loops & 255) == 0 && doc_budget(&s->doc) != PHI_OK)
			return PHI_ETIME;
	}
	return PHI_OK;
}

int rules_scan(const struct rules *r, struct phi_scan *s)
{
	pcre2_match_data **md;
	size_t i, j;
	int rc = PHI_OK;

	if (!r || r->nr == 0)
		return PHI_OK;
	md = calloc(r->nr, sizeof *md);
	if (!md)
		return PHI_ENOMEM;
	for (j = 0; j < r->nr; j++)
		if (!(md[j] = pcre2_match_data_create_from_pattern(r->r[j].re, NULL))) {
			rc = PHI_ENOMEM;
			goto out;
		}
	for (i = 0; i < s->doc.nsegs && rc == PHI_OK; i++) {
		const struct phi_segment *sg = &s->doc.segs[i];
		for (j = 0; j < r->nr && rc == PHI_OK; j++)
			rc = run_rule(r, &r->r[j], md[j], s, sg);
		if (rc == PHI_OK && doc_budget(&s->doc) != PHI_OK)
			rc = PHI_ETIME;
	}
out:
	for (j = 0; j < r->nr; j++)
		pcre2_match_data_free(md[j]);
	free(md);
	if (rc == PHI_ELIMIT || rc == PHI_ETIME)
		rc = PHI_OK; /* findings full / time spent: already recorded */
	return rc;
}
