/*
 * ctl_quarantine.c - phictl quarantine list|show|release|delete|purge and
 * phictl portal verify|fetch: the admin side of the quarantine store
 * (qstore.h) and of the signed tokens (token.h).
 *
 *   phictl quarantine [-c CONFIG] list [--json] [--action A] [--rule R] [--since DAYS]
 *   phictl quarantine [-c CONFIG] show ID          metadata, then the decrypted message
 *   phictl quarantine [-c CONFIG] release ID       re-inject through `submission` once
 *   phictl quarantine [-c CONFIG] delete ID
 *   phictl quarantine [-c CONFIG] purge --older-than DAYS
 *   phictl portal [-c CONFIG] verify URL|TOKEN     exit 0 valid, 1 invalid/altered/expired
 *   phictl portal [-c CONFIG] fetch ID --token T --recipient ADDR
 *
 * Every admin action is written to the audit log with the user who ran it
 * (getuid -> name). Listing shows public metadata only; show, release and
 * fetch decrypt, and the GCM tag is checked on every read. Exit: 0 done,
 * 1 not found / invalid / refused, 2 usage or configuration error.
 */
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include "audit.h"
#include "conf.h"
#include "ctl.h"
#include "ctl_conf.h"
#include "qstore.h"
#include "submit.h"
#include "token.h"

#define RELEASE_TTL (24 * 3600) /* a release token not used within a day is void */

static const char *who(void)
{
	static char name[64];
	struct passwd *pw = getpwuid(getuid());

	if (pw && pw->pw_name)
		snprintf(name, sizeof name, "%s", pw->pw_name);
	else
		snprintf(name, sizeof name, "uid%lu", (unsigned long)getuid());
	return name;
}

static void audit_admin(const struct conf *c, const char *cmd, const char *id, const char *result)
{
	struct audit_rec r;

	audit_begin(&r, "admin");
	audit_str(&r, "user", who());
	audit_str(&r, "command", cmd);
	audit_str(&r, "quarantine_id", id);
	audit_str(&r, "result", result);
	if (audit_write(c->audit_log, &r) != 0)
		fprintf(stderr, "phictl: warning: audit_log %s could not be written\n", c->audit_log);
}

/* -c CONFIG before the verb; returns the index of the verb or -1. */
static int load(int argc, char **argv, struct conf **c)
{
	const char *path = NULL;
	int i = 1;

	*c = NULL;
	if (i + 1 < argc && strcmp(argv[i], "-c") == 0) {
		path = argv[i + 1];
		i += 2;
	}
	if (i >= argc)
		return -1;
	if (!path)
		path = ctl_default_conf();
	if (!path) {
		fprintf(stderr, "phictl: no configuration found (use -c)\n");
		return -2;
	}
	if (conf_load(path, c, stderr) != 0)
		return -2;
	return i;
}

static struct qstore *store(const struct conf *c)
{
	char why[QSTORE_WHY_MAX];
	struct qstore *q;

	if (!c->have_quarantine_key) {
		fprintf(stderr, "phictl: quarantine_key_file is not set in the configuration\n");
		return NULL;
	}
	if (!(q = qstore_dir_open(c->quarantine_dir, c->quarantine_key, why, sizeof why)))
		fprintf(stderr, "phictl: %s\n", why);
	return q;
}

static void json_str(FILE *o, const char *s)
{
	putc('"', o);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(o, "\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			fprintf(o, "\\u%04x", ch);
		else
			putc(ch, o);
	}
	putc('"', o);
}

static void iso(long long t, char *out, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* "us_ssn:1,mrn:2" as a JSON array of names and an object of counts. */
static void json_types(FILE *o, const char *types)
{
	const char *s = types;
	int first = 1;

	fputs("\"types\":[", o);
	while (*s && strcmp(s, "-") != 0) {
		size_t n = strcspn(s, ":,");

		fprintf(o, "%s\"%.*s\"", first ? "" : ",", (int)n, s);
		first = 0;
		s += n;
		s += strcspn(s, ",");
		if (*s == ',')
			s++;
	}
	fputs("]", o);
}

struct list_opts {
	int json;
	const char *action, *rule;  /* filters, NULL = any */
	long long since;            /* only entries stored at or after, 0 = any */
};

static int list_cb(const struct qstore_meta *m, void *arg)
{
	const struct list_opts *lo = arg;
	char t[32], e[32];

	if ((lo->action && strcmp(lo->action, m->action) != 0) || (lo->rule && strcmp(lo->rule, m->rule) != 0) ||
	    m->time < lo->since)
		return 0;
	iso(m->time, t, sizeof t);
	if (lo->json) {
		printf("{\"id\":");
		json_str(stdout, m->id);
		printf(",\"time\":\"%s\",\"rule\":", t);
		json_str(stdout, m->rule);
		printf(",\"action\":");
		json_str(stdout, m->action);
		printf(",");
		json_types(stdout, m->types);
		printf(",\"counts\":");
		json_str(stdout, m->types);
		printf(",\"queue_id\":");
		json_str(stdout, m->queue_id);
		printf(",\"incident\":");
		json_str(stdout, m->incident);
		printf(",\"sender_domain\":");
		json_str(stdout, m->sender_domain);
		printf(",\"recipients\":%u,\"size\":%zu", m->nrcpt, m->size);
		if (m->expires) {
			iso(m->expires, e, sizeof e);
			printf(",\"expires\":\"%s\"", e);
		}
		printf("}\n");
	} else
		printf("%s  %s  %-10s %-28s %s  %s  rcpts=%u size=%zu\n", m->id, t, m->action, m->rule, m->types,
		       m->sender_domain, m->nrcpt, m->size);
	return 0;
}

static int release(struct conf *c, struct qstore *q, const char *id)
{
	struct qstore_item it;
	char tok[TOKEN_MAX], why[256], *hdr;
	unsigned char *msg;
	size_t hl, len;
	int used, rc;

	if (q->ops->get(q, id, 1, &it) != 0) {
		fprintf(stderr, "phictl: %s\n", q->why);
		audit_admin(c, "quarantine release", id, "not found or unreadable");
		return 1;
	}
	if ((used = q->ops->is_used(q, id, "release")) != 0) {
		fprintf(stderr, "phictl: %s was already released (a release passes once)\n", id);
		audit_admin(c, "quarantine release", id, "refused: already released");
		qstore_item_free(&it);
		return 1;
	}
	if (token_release_make(c->quarantine_key, id, (long long)time(NULL) + RELEASE_TTL, tok, sizeof tok) != 0 ||
	    !(hdr = malloc(strlen(tok) + 32))) {
		qstore_item_free(&it);
		return 2;
	}
	hl = (size_t)sprintf(hdr, "X-PHI-Release: %s\r\n", tok);
	len = hl + it.msglen;
	if (!(msg = malloc(len))) {
		free(hdr);
		qstore_item_free(&it);
		return 2;
	}
	memcpy(msg, hdr, hl);
	memcpy(msg + hl, it.msg, it.msglen);
	rc = submit_message(c->submission, it.sender, it.rcpts, it.nrcpt, msg, len, why, sizeof why);
	qcrypt_wipe(msg, len);
	free(msg);
	free(hdr);
	qstore_item_free(&it);
	if (rc != 0) {
		fprintf(stderr, "phictl: release of %s failed: %s\n", id, why);
		audit_admin(c, "quarantine release", id, "failed: submission");
		return 2;
	}
	printf("released %s\n", id);
	audit_admin(c, "quarantine release", id, "ok");
	return 0;
}

static int show(struct conf *c, struct qstore *q, const char *id)
{
	struct qstore_item it;
	char t[32];
	size_t i;

	if (q->ops->get(q, id, 1, &it) != 0) {
		fprintf(stderr, "phictl: %s\n", q->why);
		audit_admin(c, "quarantine show", id, "not found or unreadable");
		return 1;
	}
	iso(it.meta.time, t, sizeof t);
	printf("id: %s\ntime: %s\nqueue_id: %s\nincident: %s\nrule: %s\naction: %s\ntypes: %s\nsender: %s\n",
	       it.meta.id, t, it.meta.queue_id, it.meta.incident, it.meta.rule, it.meta.action, it.meta.types,
	       it.sender);
	for (i = 0; i < it.nrcpt; i++)
		printf("recipient: %s\n", it.rcpts[i]);
	printf("subject: %s\nreleased: %s\n\n", it.subject, q->ops->is_used(q, id, "release") == 1 ? "yes" : "no");
	fwrite(it.msg, 1, it.msglen, stdout);
	qstore_item_free(&it);
	audit_admin(c, "quarantine show", id, "ok");
	return 0;
}

struct purge {
	long long before;
	struct qstore *q;
	struct conf *c;
	int n;
};

static int purge_cb(const struct qstore_meta *m, void *arg)
{
	struct purge *p = arg;

	if (m->time < p->before && p->q->ops->del(p->q, m->id) == 0) {
		audit_admin(p->c, "quarantine purge", m->id, "deleted");
		p->n++;
	}
	return 0;
}

int ctl_quarantine(int argc, char **argv)
{
	struct conf *c;
	struct qstore *q;
	int i = load(argc, argv, &c), rc = 2;
	const char *verb;

	signal(SIGPIPE, SIG_IGN);
	if (i == -1) {
		fprintf(stderr, "usage: phictl quarantine [-c CONFIG] list [--json] [--action A] [--rule R] [--since DAYS] | show ID | release ID | delete ID"
		                " | purge --older-than DAYS\n");
		return 2;
	}
	if (i < 0)
		return 2;
	verb = argv[i];
	if (!(q = store(c))) {
		conf_release(c);
		return 2;
	}
	if (strcmp(verb, "list") == 0) {
		struct list_opts lo = { 0, NULL, NULL, 0 };
		int k, bad = 0;

		for (k = i + 1; k < argc; k++) {
			if (strcmp(argv[k], "--json") == 0)
				lo.json = 1;
			else if (strcmp(argv[k], "--action") == 0 && k + 1 < argc)
				lo.action = argv[++k];
			else if (strcmp(argv[k], "--rule") == 0 && k + 1 < argc)
				lo.rule = argv[++k];
			else if (strcmp(argv[k], "--since") == 0 && k + 1 < argc)
				lo.since = (long long)time(NULL) - strtoll(argv[++k], NULL, 10) * 86400;
			else {
				fprintf(stderr, "phictl quarantine list: unknown option %s\n", argv[k]);
				bad = 1;
			}
		}
		rc = bad ? 2 : q->ops->list(q, list_cb, &lo) < 0 ? 2 : 0;
	} else if (strcmp(verb, "show") == 0 && i + 1 < argc)
		rc = show(c, q, argv[i + 1]);
	else if (strcmp(verb, "release") == 0 && i + 1 < argc)
		rc = release(c, q, argv[i + 1]);
	else if (strcmp(verb, "delete") == 0 && i + 1 < argc) {
		rc = q->ops->del(q, argv[i + 1]) == 0 ? 0 : 1;
		if (rc)
			fprintf(stderr, "phictl: %s\n", q->why);
		audit_admin(c, "quarantine delete", argv[i + 1], rc ? "not found" : "ok");
	} else if (strcmp(verb, "purge") == 0 && i + 2 < argc && strcmp(argv[i + 1], "--older-than") == 0) {
		char *end;
		long days = strtol(argv[i + 2], &end, 10);
		struct purge p = { 0, q, c, 0 };

		if (*end || days < 0) {
			fprintf(stderr, "phictl: --older-than wants a number of days\n");
		} else {
			p.before = (long long)time(NULL) - (long long)days * 86400;
			rc = q->ops->list(q, purge_cb, &p) < 0 ? 2 : 0;
			printf("purged %d\n", p.n);
		}
	} else
		fprintf(stderr, "phictl quarantine: unknown or incomplete command '%s'\n", verb);
	qstore_close(q);
	conf_release(c);
	return rc;
}

/* Check a portal token against the store; on success *it holds the entry
 * (with the message when want_msg). 0 valid, 1 invalid. */
static int portal_check(const struct conf *c, struct qstore *q, const struct token *t, const char *rcpt,
                        int want_msg, struct qstore_item *it)
{
	const char *r;

	if (t->expires < (long long)time(NULL))
		return 1;
	if (q->ops->get(q, t->id, want_msg, it) != 0)
		return 1;
	if (strcmp(it->meta.action, "redirect") != 0 || t->rcpt >= it->nrcpt)
		goto bad;
	r = it->rcpts[t->rcpt];
	if (rcpt && strcasecmp(rcpt, r) != 0)
		goto bad;
	if (!token_portal_check(c->portal_key, t, r))
		goto bad;
	return 0;
bad:
	qstore_item_free(it);
	return 1;
}

int ctl_portal(int argc, char **argv)
{
	struct conf *c;
	struct qstore *q;
	struct qstore_item it;
	struct token t;
	int i = load(argc, argv, &c), rc = 2;

	signal(SIGPIPE, SIG_IGN);
	if (i == -1 || (i >= 0 && i + 1 >= argc)) {
		fprintf(stderr, "usage: phictl portal [-c CONFIG] verify URL|TOKEN\n"
		                "       phictl portal [-c CONFIG] fetch ID --token T --recipient ADDR\n");
		if (i >= 0)
			conf_release(c);
		return 2;
	}
	if (i < 0)
		return 2;
	if (!c->have_portal_key) {
		fprintf(stderr, "phictl: portal_key_file is not set in the configuration\n");
		conf_release(c);
		return 2;
	}
	if (!(q = store(c))) {
		conf_release(c);
		return 2;
	}
	if (strcmp(argv[i], "verify") == 0) {
		rc = 1;
		if (token_portal_parse(argv[i + 1], &t) == 0 && portal_check(c, q, &t, NULL, 0, &it) == 0) {
			rc = 0;
			qstore_item_free(&it);
		}
		printf("%s\n", rc == 0 ? "valid" : "invalid");
	} else if (strcmp(argv[i], "fetch") == 0) {
		const char *id = argv[i + 1], *tok = NULL, *rcpt = NULL;
		int k;

		for (k = i + 2; k + 1 < argc; k += 2) {
			if (strcmp(argv[k], "--token") == 0)
				tok = argv[k + 1];
			else if (strcmp(argv[k], "--recipient") == 0)
				rcpt = argv[k + 1];
		}
		if (!tok || !rcpt) {
			fprintf(stderr, "phictl portal fetch: need --token T --recipient ADDR\n");
		} else if (token_portal_parse(tok, &t) != 0 || strcmp(t.id, id) != 0 ||
		           portal_check(c, q, &t, rcpt, 1, &it) != 0) {
			fprintf(stderr, "phictl: the token is invalid, altered or expired\n");
			audit_admin(c, "portal fetch", qstore_id_ok(id) ? id : "-", "refused");
			rc = 1;
		} else {
			rc = fwrite(it.msg, 1, it.msglen, stdout) == it.msglen && fflush(stdout) == 0 ? 0 : 2;
			qstore_item_free(&it);
			audit_admin(c, "portal fetch", id, "ok");
		}
	} else
		fprintf(stderr, "phictl portal: unknown command '%s'\n", argv[i]);
	qstore_close(q);
	conf_release(c);
	return rc;
}
