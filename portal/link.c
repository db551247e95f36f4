/*
 * link.c - is this portal link good? The token (token.h) is parsed, its
 * message read from the store (sealed fields; GCM tag checked), the
 * recipient it names taken from the sealed list, its MAC checked for that
 * recipient in constant time, then its expiry, and the store markers
 * "revoked" (phictl portal revoke) and "lock-N" (too many wrong codes).
 * The MAC comes before the expiry so that an altered expiry reads as an
 * altered link (403), not an expired one.
 */
#include <stdio.h>
#include <string.h>
#include "portal.h"

struct qstore *portal_store(const struct conf *c)
{
	char why[QSTORE_WHY_MAX];

	if (!c->have_quarantine_key)
		return NULL;
	return qstore_dir_open(c->quarantine_dir, c->quarantine_key, why, sizeof why);
}

enum link_status link_open(const struct conf *c, const char *id, const char *tok, long long now, int want_msg,
                           struct link *l)
{
	struct qstore *q;
	enum link_status st = LINK_BAD;
	char lock[32];

	memset(l, 0, sizeof *l);
	if (!c->have_portal_key || !tok || !qstore_id_ok(id) || strlen(tok) >= TOKEN_MAX ||
	    token_portal_parse(tok, &l->t) != 0 || strcmp(l->t.id, id) != 0)
		return LINK_BAD;
	if (!(q = portal_store(c)))
		return LINK_ERROR;
	if (q->ops->get(q, id, want_msg, &l->it) != 0) {
		/* no entry (purged, deleted) or one that fails its tag check */
		st = q->ops->is_used(q, id, "revoked") == 1 ? LINK_REVOKED : LINK_GONE;
		goto fail_noitem;
	}
	if (strcmp(l->it.meta.action, "redirect") != 0 || l->t.rcpt >= l->it.nrcpt ||
	    !token_portal_check(c->portal_key, &l->t, l->it.rcpts[l->t.rcpt]))
		goto fail;
	if (l->t.expires < now) {
		st = LINK_EXPIRED;
		goto fail;
	}
	if (q->ops->is_used(q, id, "revoked") != 0) {
		st = LINK_REVOKED;
		goto fail;
	}
	snprintf(lock, sizeof lock, "lock-%u", l->t.rcpt);
	if (q->ops->is_used(q, id, lock) != 0) {
		st = LINK_LOCKED;
		goto fail;
	}
	l->rcpt = l->it.rcpts[l->t.rcpt];
	qstore_close(q);
	return LINK_OK;
fail:
	qstore_item_free(&l->it);
fail_noitem:
	qstore_close(q);
	memset(l, 0, sizeof *l);
	return st;
}

void link_close(struct link *l)
{
	if (!l)
		return;
	qstore_item_free(&l->it);
	memset(l, 0, sizeof *l);
}

int link_mark(const struct conf *c, const char *id, const char *what)
{
	struct qstore *q = portal_store(c);
	int rc;

	if (!q)
		return -1;
	rc = q->ops->mark_used(q, id, what);
	qstore_close(q);
	return rc;
}

enum MHD_Result link_refuse(struct preq *r, enum link_status s)
{
	switch (s) {
	case LINK_EXPIRED:
		return http_error(r, MHD_HTTP_GONE, "This link has expired",
		                  "The message behind this link is no longer available: its link has expired. "
		                  "If you still need it, ask the sender to send it again.");
	case LINK_REVOKED:
		return http_error(r, MHD_HTTP_GONE, "This link was withdrawn",
		                  "The sender has withdrawn this message, so it can no longer be opened.");
	case LINK_GONE:
		return http_error(r, MHD_HTTP_GONE, "This message is no longer available",
		                  "The message behind this link has been removed from the portal. "
		                  "If you still need it, ask the sender to send it again.");
	case LINK_LOCKED:
		return http_error(r, MHD_HTTP_TOO_MANY_REQUESTS, "This link is locked",
		                  "A wrong code was entered too many times, so this link is locked for your "
		                  "address. The sender has been told. Ask the sender to send the message again.");
	case LINK_ERROR:
		return http_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "The portal cannot open messages right now",
		                  "Something on our side is not working. Please try again in a few minutes.");
	case LINK_BAD:
	default:
		return http_error(r, MHD_HTTP_FORBIDDEN, "This link is not valid",
		                  "The link is incomplete or has been changed. Open it again from the e-mail "
		                  "you received, or copy the whole link into the address bar.");
	}
}
