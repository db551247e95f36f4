/*
 * r_code.c - POST /m/ID/code (mail a one-time code to the link's
 * recipient, then show the code form) and POST /m/ID/verify (check it).
 *
 * Both need the session cookie of this message and the form's current
 * CSRF token (single use: a replayed form is refused). The link is
 * checked again on every request, so a revoke or a lock takes effect at
 * once. Wrong codes count per link and recipient, not per session, so a
 * fresh session does not reset them, and in the store (the counter
 * "wrong-N", see session.h), so a restart does not either; at
 * portal_attempts the link is locked in the store and the sender is told.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "form.h"
#include "log.h"
#include "submit.h"
#include "portal.h"

int route_session(struct preq *r, const char *id, struct session *s)
{
	char name[64];
	const char *sid;

	if (session_cookie_name(id, name, sizeof name) != 0 ||
	    !(sid = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name)))
		return -1;
	return session_get(r->p->st, sid, id, r->now, s);
}

/* Session, then CSRF: 0 with the session (and its new CSRF token) in *s,
 * or a refusal page already queued in *rc. */
static int form_session(struct preq *r, const char *id, struct session *s, enum MHD_Result *rc)
{
	char csrf[SESSION_TOKEN_HEX + 2];

	if (route_session(r, id, s) != 0) {
		*rc = http_error(r, MHD_HTTP_FORBIDDEN, "Your session has ended",
		                 "This page has been open too long, or your browser did not keep our cookie. "
		                 "Open the link from your e-mail again.");
		return -1;
	}
	if (r->body_over || form_get(r->body.data, r->body.len, "csrf", csrf, sizeof csrf) != 1 ||
	    session_csrf_take(r->p->st, s->sid, id, csrf, r->now, s) != 0) {
		*rc = http_error(r, MHD_HTTP_FORBIDDEN, "This form can no longer be used",
		                 "The form was already sent once, or it is out of date. "
		                 "Open the link from your e-mail again.");
		return -1;
	}
	return 0;
}

static enum MHD_Result code_form(struct preq *r, const struct session *s, unsigned status, const char *notice,
                                 const char *notice_class)
{
	const struct conf *c = r->c;
	struct phi_buf b, n;
	char ttl[16];
	enum MHD_Result rc;

	snprintf(ttl, sizeof ttl, "%u", c->portal_code_ttl / 60);
	phi_buf_init(&n, 0);
	if (notice && *notice) {
		phi_buf_append(&n, "<p class=\"", 10);
		page_escape(&n, notice_class, strlen(notice_class));
		phi_buf_append(&n, "\" role=\"alert\">", 15);
		page_escape(&n, notice, strlen(notice));
		phi_buf_append(&n, "</p>", 4);
	}
	phi_buf_putc(&n, 0);
	{
		struct page_var v[] = {
			{ "csrf", s->csrf, 0 }, { "ttl", ttl, 0 }, { "notice", (const char *)n.data, 1 },
			{ "org", c->portal_org_name, 0 },
		};

		phi_buf_init(&b, 0);
		if (page_render(c, "code.html", v, sizeof v / sizeof v[0], &b) != 0) {
			phi_buf_free(&b);
			phi_buf_free(&n);
			return http_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "The portal is not set up completely",
			                  "A page template is missing. Please tell the sender.");
		}
	}
	phi_buf_putc(&b, 0);
	rc = http_page(r, status, "Enter your code", (const char *)b.data, NULL);
	phi_buf_free(&b);
	phi_buf_free(&n);
	return rc;
}

enum MHD_Result route_send_code(struct preq *r, const char *id)
{
	const struct conf *c = r->c;
	struct session s;
	struct link l;
	enum link_status st;
	enum MHD_Result rc;
	char code[CODE_DIGITS + 1], why[256], *msg, *to[1];
	unsigned char h[CODE_HASH_LEN];
	int sent;

	r->route = "send-code";
	if (form_session(r, id, &s, &rc) != 0) {
		portal_audit(c, "code request", id, NULL, "refused: session or csrf");
		return rc;
	}
	if ((st = link_open(c, id, s.token, r->now, 0, &l)) != LINK_OK) {
		portal_audit(c, "code request", id, NULL, "refused: link");
		return link_refuse(r, st);
	}
	if (code_new(code) != 0 || code_hash(r->p->code_key, id, l.t.rcpt, code, h) != 0) {
		link_close(&l);
		return http_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "The portal is busy", "Please try again in a minute.");
	}
	if (session_code_set(r->p->st, id, l.t.rcpt, h, r->now, r->now + c->portal_code_ttl) != 0) {
		portal_audit(c, "code request", id, l.rcpt, "refused: too many codes");
		link_close(&l);
		qcrypt_wipe(code, sizeof code);
		return http_error(r, MHD_HTTP_TOO_MANY_REQUESTS, "Too many codes were asked for",
		                  "Several codes have been sent for this link in the last hour. "
		                  "Use the newest code you received, or try again in an hour.");
	}
	msg = code_message(c->notice_from, l.rcpt, code, c->portal_code_ttl / 60, c->portal_org_name);
	qcrypt_wipe(code, sizeof code);
	to[0] = (char *)l.rcpt;
	sent = msg && submit_message(c->submission, c->notice_from, to, 1, (unsigned char *)msg, strlen(msg), why,
	                             sizeof why) == 0;
	if (msg) {
		qcrypt_wipe(msg, strlen(msg));
		free(msg);
	}
	portal_audit(c, "code request", id, l.rcpt, sent ? "sent" : "failed: submission");
	link_close(&l);
	if (!sent)
		return http_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "The code could not be sent",
		                  "We could not send the e-mail with your code just now. Please try again in a few "
		                  "minutes.");
	session_set_state(r->p->st, s.sid, SESSION_CODE_SENT, 0);
	return code_form(r, &s, MHD_HTTP_OK, "We have sent a code to your e-mail address.", "info");
}

enum MHD_Result route_verify(struct preq *r, const char *id)
{
	const struct conf *c = r->c;
	struct session s;
	struct link l;
	enum link_status st;
	enum MHD_Result rc;
	char typed[64], mark[32], left_s[128];
	unsigned left;
	int f;
	struct qstore *q;
	enum code_store note = CODE_STORE_OK;
	enum code_result cr;

	r->route = "verify";
	if (form_session(r, id, &s, &rc) != 0) {
		portal_audit(c, "code check", id, NULL, "refused: session or csrf");
		return rc;
	}
	if ((st = link_open(c, id, s.token, r->now, 0, &l)) != LINK_OK) {
		portal_audit(c, "code check", id, NULL, "refused: link");
		return link_refuse(r, st);
	}
	f = form_get(r->body.data, r->body.len, "code", typed, sizeof typed);
	if (f != 1 || !typed[0]) {
		link_close(&l);
		return code_form(r, &s, MHD_HTTP_BAD_REQUEST, "Please type the code from the e-mail.", "error");
	}
	if (!(q = portal_store(c))) {
		link_close(&l);
		return link_refuse(r, LINK_ERROR);
	}
	cr = session_code_check(r->p->st, r->p->code_key, id, l.t.rcpt, typed, r->now, c->portal_attempts, &left, q,
	                        &note);
	if (note == CODE_STORE_CORRUPT)
		LOG_AT(LOG_ERR, "phiportal: wrong-code count of %s recipient %u is corrupt, taken as the limit: %s", id,
		       l.t.rcpt, q->why);
	else if (note == CODE_STORE_ERROR)
		LOG_AT(LOG_ERR, "phiportal: wrong-code count of %s recipient %u: %s", id, l.t.rcpt, q->why);
	qstore_close(q);
	switch (cr) {
	case CODE_ERROR:
		portal_audit(c, "code check", id, l.rcpt, "refused: store");
		link_close(&l);
		return link_refuse(r, LINK_ERROR);
	case CODE_OK:
		session_set_state(r->p->st, s.sid, SESSION_VERIFIED, r->now + c->portal_session_ttl);
		portal_audit(c, "code check", id, l.rcpt, "ok");
		snprintf(mark, sizeof mark, "opened-%u", l.t.rcpt);
		if (link_mark(c, id, mark) == 0)
			portal_notify_sender(c, &l.it, l.t.rcpt, "opened");
		link_close(&l);
		return http_redirect(r, "view", NULL);
	case CODE_WRONG:
		portal_audit(c, "code check", id, l.rcpt, "failure");
		link_close(&l);
		snprintf(left_s, sizeof left_s, "That code is not right. You can try %u more time%s.", left,
		         left == 1 ? "" : "s");
		return code_form(r, &s, MHD_HTTP_FORBIDDEN, left_s, "error");
	case CODE_LOCKED:
		snprintf(mark, sizeof mark, "lock-%u", l.t.rcpt);
		if (link_mark(c, id, mark) == 0)
			portal_notify_sender(c, &l.it, l.t.rcpt, "locked");
		portal_audit(c, "code check", id, l.rcpt, "failure: locked");
		link_close(&l);
		session_drop(r->p->st, s.sid);
		return link_refuse(r, LINK_LOCKED);
	case CODE_NONE:
	default:
		portal_audit(c, "code check", id, l.rcpt, "refused: no live code");
		link_close(&l);
		return code_form(r, &s, MHD_HTTP_FORBIDDEN,
		                 "This code has expired or was already used. Ask for a new code below.", "error");
	}
}
