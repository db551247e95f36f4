/*
 * notify.c - what the portal tells others: audit records (audit.h; no
 * PHI, the recipient as a keyed hash), notices to the sender (first open,
 * a locked link, expiry unread: the reference and what happened, never
 * the subject, the recipient's address or any content), and the
 * retention purge of redirected messages.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "audit.h"
#include "log.h"
#include "submit.h"
#include "portal.h"

/* The recipient as 16 hex digits of HMAC-SHA256 under the portal key:
 * the same address gives the same value across records, but the address
 * cannot be read back (or guessed without the key). */
static void rcpt_hash(const struct conf *c, const char *rcpt, char out[17])
{
	unsigned char mac[QCRYPT_MAC_LEN];
	char lower[600], hex[2 * QCRYPT_MAC_LEN + 1];
	const char *parts[2];
	size_t i;

	if (!rcpt || !*rcpt || !c->have_portal_key) {
		snprintf(out, 17, "-");
		return;
	}
	for (i = 0; rcpt[i] && i + 1 < sizeof lower; i++)
		lower[i] = (char)tolower((unsigned char)rcpt[i]);
	lower[i] = 0;
	parts[0] = "audit-recipient";
	parts[1] = lower;
	if (qcrypt_mac(c->portal_key, parts, 2, mac) != 0) {
		snprintf(out, 17, "-");
		return;
	}
	qcrypt_hex(mac, sizeof mac, hex);
	memcpy(out, hex, 16);
	out[16] = 0;
}

void portal_audit(const struct conf *c, const char *event, const char *id, const char *rcpt, const char *result)
{
	struct audit_rec r;
	char h[17];

	rcpt_hash(c, rcpt, h);
	audit_begin(&r, "portal");
	audit_str(&r, "event", event);
	audit_str(&r, "quarantine_id", id && qstore_id_ok(id) ? id : "-");
	audit_str(&r, "recipient", h);
	audit_str(&r, "result", result);
	if (audit_write(c->audit_log, &r) != 0)
		LOG_AT(LOG_WARNING, "phiportal: audit_log could not be written");
}

void portal_notify_sender(const struct conf *c, const struct qstore_item *it, unsigned n, const char *what)
{
	char date[64], why[256], *to[1], sent[64];
	time_t t = time(NULL);
	struct tm tm;
	size_t cap = 4096;
	char *msg;
	int w;

	if (!it->sender || !*it->sender || !(msg = malloc(cap)))
		return;
	gmtime_r(&t, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	portal_time(it->meta.time, sent, sizeof sent);
	/* what: "opened", "locked" or "not opened" */
	w = snprintf(msg, cap,
	             "From: %s\r\nTo: <%s>\r\nSubject: Secure portal: %s\r\nDate: %s\r\n"
	             "Auto-Submitted: auto-generated\r\nMIME-Version: 1.0\r\n"
	             "Content-Type: text/plain; charset=utf-8\r\n\r\n"
	             "The message you sent on %s through the secure portal (reference %s)\r\n"
	             "%s recipient %u of %zu%s\r\n\r\n"
	             "This notice says nothing about the message's content.\r\n",
	             c->notice_from, it->sender,
	             strcmp(what, "locked") == 0 ? "a link was locked"
	             : strcmp(what, "opened") == 0 ? "your message was opened" : "your message was not opened",
	             date, sent, it->meta.incident[0] ? it->meta.incident : it->meta.id,
	             strcmp(what, "locked") == 0 ? "could not be opened by"
	             : strcmp(what, "opened") == 0 ? "was opened for the first time by" : "was not opened by",
	             n + 1, it->nrcpt,
	             strcmp(what, "locked") == 0
	                     ? ": too many wrong codes were\r\nentered, so that link is locked. If the recipient "
	                       "still needs the message,\r\nsend it again."
	             : strcmp(what, "opened") == 0 ? "."
	                                           : " before its link expired.\r\nIf the recipient still needs it, send it again.");
	if (w < 0 || (size_t)w >= cap) {
		free(msg);
		return;
	}
	to[0] = it->sender;
	if (submit_message(c->submission, c->notice_from, to, 1, (unsigned char *)msg, strlen(msg), why,
	                   sizeof why) != 0)
		LOG_AT(LOG_WARNING, "phiportal: notice to the sender of %s not sent: %s", it->meta.id, why);
	free(msg);
}

struct purge {
	const struct conf *c;
	struct qstore *q;
	long long now;
	int deleted;
};

static int purge_cb(const struct qstore_meta *m, void *arg)
{
	struct purge *p = arg;
	const struct conf *c = p->c;
	char mark[32];
	unsigned k;

	if (strcmp(m->action, "redirect") != 0)
		return 0;
	if (m->time + (long long)c->portal_retention < p->now) {
		if (p->q->ops->del(p->q, m->id) == 0) {
			portal_audit(c, "purge", m->id, NULL, "deleted");
			p->deleted++;
		}
		return 0;
	}
	/* expired unread: tell the sender once */
	if (m->expires && m->expires < p->now && p->q->ops->is_used(p->q, m->id, "expnotice") == 0) {
		int opened = 0;
		struct qstore_item it;

		for (k = 0; k < m->nrcpt && k < 1000; k++) {
			snprintf(mark, sizeof mark, "opened-%u", k);
			if (p->q->ops->is_used(p->q, m->id, mark) == 1)
				opened++;
		}
		if (p->q->ops->mark_used(p->q, m->id, "expnotice") == 0 && opened < (int)m->nrcpt &&
		    p->q->ops->get(p->q, m->id, 0, &it) == 0) {
			for (k = 0; k < it.nrcpt; k++) {
				snprintf(mark, sizeof mark, "opened-%u", k);
				if (p->q->ops->is_used(p->q, m->id, mark) == 0)
					portal_notify_sender(c, &it, k, "not opened");
			}
			portal_audit(c, "expired unread", m->id, NULL, "sender told");
			qstore_item_free(&it);
		}
	}
	return 0;
}

/* Is there any entry at all? qstore_dir's list hands qsort a NULL array
 * when the store is empty (undefined behaviour that UBSan stops on), so
 * the purge does not list an empty store. Only names are read here. */
static int store_has_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int any = 0;

	if (!d)
		return 0;
	while (!any && (e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);

		any = e->d_name[0] != '.' && l > 5 && strcmp(e->d_name + l - 5, ".meta") == 0;
	}
	closedir(d);
	return any;
}

int portal_purge(const struct conf *c, long long now)
{
	char why[QSTORE_WHY_MAX];
	struct purge p = { c, NULL, now, 0 };

	if (!c->have_quarantine_key || !store_has_entries(c->quarantine_dir) || !(p.q = qstore_dir_open(c->quarantine_dir, c->quarantine_key, why, sizeof why)))
		return 0;
	p.q->ops->list(p.q, purge_cb, &p);
	qstore_close(p.q);
	return p.deleted;
}
