/*
 * ctl_report.c - phictl report [-c CONFIG] [--since DATE] [--json]:
 * counts from the audit log (audit_log) per rule, finding type, action and
 * sender domain, over the decision records at or after DATE
 * (YYYY-MM-DD or a full ISO time; compared as text, the records' times
 * are UTC ISO 8601). The log holds no PHI, so neither does the report.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "conf.h"
#include "ctl.h"
#include "ctl_conf.h"

#define MAX_KEYS 512

struct tally {
	char name[MAX_KEYS][96];
	unsigned long n[MAX_KEYS];
	size_t len;
};

static void bump(struct tally *t, const char *name, size_t nlen, unsigned long by)
{
	size_t i;

	if (nlen >= sizeof t->name[0])
		nlen = sizeof t->name[0] - 1;
	for (i = 0; i < t->len; i++)
		if (strlen(t->name[i]) == nlen && strncmp(t->name[i], name, nlen) == 0) {
			t->n[i] += by;
			return;
		}
	if (t->len == MAX_KEYS)
		return;
	memcpy(t->name[t->len], name, nlen);
	t->name[t->len][nlen] = 0;
	t->n[t->len++] = by;
}

/* The string value of "key":"..." in a record (our own writer: no escapes
 * inside the fields counted here). */
static const char *str_field(const char *line, const char *key, size_t *len)
{
	char pat[64];
	const char *p, *e;

	snprintf(pat, sizeof pat, "\"%s\":\"", key);
	if (!(p = strstr(line, pat)))
		return NULL;
	p += strlen(pat);
	if (!(e = strchr(p, '"')))
		return NULL;
	*len = (size_t)(e - p);
	return p;
}

static void types(struct tally *t, const char *line)
{
	const char *p = strstr(line, "\"types\":{"), *e;

	if (!p)
		return;
	p += 9;
	e = strchr(p, '}');
	while (p && e && p < e) {
		const char *q, *colon;

		if (*p != '"')
			break;
		q = strchr(p + 1, '"');
		if (!q || q > e || q[1] != ':')
			break;
		colon = q + 1;
		bump(t, p + 1, (size_t)(q - p - 1), strtoul(colon + 1, NULL, 10));
		p = strchr(colon, ',');
		if (p && p < e)
			p++;
		else
			break;
	}
}

static void print_tally(const char *title, const struct tally *t, int json, int *first)
{
	size_t i;

	if (json) {
		printf("%s\"%s\":{", *first ? "" : ",", title);
		for (i = 0; i < t->len; i++)
			printf("%s\"%s\":%lu", i ? "," : "", t->name[i], t->n[i]);
		printf("}");
		*first = 0;
		return;
	}
	printf("%s:\n", title);
	for (i = 0; i < t->len; i++)
		printf("  %-40s %lu\n", t->name[i], t->n[i]);
	if (!t->len)
		printf("  (none)\n");
}

int ctl_report(int argc, char **argv)
{
	static struct tally rules, tys, actions, domains;
	const char *path = NULL, *since = NULL;
	struct conf *c = NULL;
	unsigned long total = 0;
	char line[8192];
	int i, json = 0, first = 1;
	FILE *f;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			path = argv[++i];
		else if (strcmp(argv[i], "--since") == 0 && i + 1 < argc)
			since = argv[++i];
		else if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else {
			fprintf(stderr, "usage: phictl report [-c CONFIG] [--since DATE] [--json]\n");
			return 2;
		}
	}
	if (!path)
		path = ctl_default_conf();
	if (!path || conf_load(path, &c, stderr) != 0)
		return 2;
	if (!c->audit_log[0]) {
		fprintf(stderr, "phictl: audit_log is not set in the configuration\n");
		conf_release(c);
		return 2;
	}
	if (!(f = fopen(c->audit_log, "r"))) {
		perror(c->audit_log);
		conf_release(c);
		return 2;
	}
	while (fgets(line, sizeof line, f)) {
		const char *v;
		size_t n;

		if (!strstr(line, "\"kind\":\"decision\""))
			continue;
		if (since && (!(v = str_field(line, "time", &n)) || strncmp(v, since, n < strlen(since) ? n : strlen(since)) < 0))
			continue;
		total++;
		if ((v = str_field(line, "rule", &n)))
			bump(&rules, v, n, 1);
		if ((v = str_field(line, "action", &n)))
			bump(&actions, v, n, 1);
		if ((v = str_field(line, "sender_domain", &n)))
			bump(&domains, v, n, 1);
		types(&tys, line);
	}
	fclose(f);
	if (json)
		printf("{\"decisions\":%lu,", total);
	else
		printf("decisions: %lu%s%s\n", total, since ? " since " : "", since ? since : "");
	print_tally("rules", &rules, json, &first);
	print_tally("types", &tys, json, &first);
	print_tally("actions", &actions, json, &first);
	print_tally("sender_domains", &domains, json, &first);
	if (json)
		printf("}\n");
	conf_release(c);
	return 0;
}
