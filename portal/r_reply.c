/*
 * r_reply.c - POST /m/ID/reply: a secure reply from the recipient to the
 * original sender inside the organisation, for a verified session only
 * (CSRF token as every form). The reply goes through `submission` From
 * notice_from To the stored sender, with the recipient's address as
 * Reply-To (the sender knows whom they wrote to), Subject "Re: " + the
 * original subject, and a first line naming the portal reference. It
 * travels inward (to an internal sender), so it never leaves the
 * organisation in the clear. At most REPLIES_PER_SESSION per session.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "form.h"
#include "msgview.h"
#include "submit.h"
#include "portal.h"

#define REPLY_MAX 6000

static void header_safe(char *s)
{
	for (; *s; s++)
		if (*s == '\r' || *s == '\n')
			*s = ' ';
}

enum MHD_Result route_reply(struct preq *r, const char *id)
{
	const struct conf *c = r->c;
	struct session s;
	struct link l;
	enum MHD_Result rc;
	char csrf[SESSION_TOKEN_HEX + 2], date[64], why[256], *text, *to[1], *msg, subject[512];
	struct phi_buf m;
	struct msgview v;
	time_t t = time(NULL);
	struct tm tm;
	int ok, f;
	size_t i;

	r->route = "reply";
	if (route_verified(r, id, 1, &l, &rc) != 0) {
		portal_audit(c, "reply", id, NULL, "refused");
		return rc;
	}
	if (r->body_over || form_get(r->body.data, r->body.len, "csrf", csrf, sizeof csrf) != 1 ||
	    route_session(r, id, &s) != 0 || session_csrf_take(r->p->st, s.sid, id, csrf, r->now, &s) != 0) {
		link_close(&l);
		portal_audit(c, "reply", id, NULL, "refused: csrf");
		return http_error(r, MHD_HTTP_FORBIDDEN, "This form can no longer be used",
		                  "The form was already sent once, or it is out of date. Open the message again.");
	}
	if (!(text = malloc(REPLY_MAX + 1))) {
		link_close(&l);
		return http_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "The portal is busy", "Please try again in a minute.");
	}
	f = form_get(r->body.data, r->body.len, "reply", text, REPLY_MAX + 1);
	if (f != 1 || !text[strspn(text, " \t\r\n")]) {
		free(text);
		link_close(&l);
		return http_error(r, MHD_HTTP_BAD_REQUEST, "Your reply is empty or too long",
		                  "Write a reply of up to a few thousand characters, then send it. Use the back "
		                  "button and open the message again.");
	}
	subject[0] = 0;
	if (msgview_parse(l.it.msg, l.it.msglen, &v) == 0) {
		snprintf(subject, sizeof subject, "%s", v.subject);
		msgview_free(&v);
	}
	header_safe(subject);
	gmtime_r(&t, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	phi_buf_init(&m, 0);
	{
		char head[2048];
		char rcpt[600];

		snprintf(rcpt, sizeof rcpt, "%s", l.rcpt);
		header_safe(rcpt);
		snprintf(head, sizeof head,
		         "From: %s\r\nTo: <%s>\r\nReply-To: <%s>\r\nSubject: Re: %s\r\nDate: %s\r\n"
		         "Auto-Submitted: auto-generated\r\nMIME-Version: 1.0\r\n"
		         "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
		         "Reply through the secure portal from the recipient of your message\r\n"
		         "(reference %s):\r\n\r\n",
		         c->notice_from, l.it.sender, rcpt, subject, date,
		         l.it.meta.incident[0] ? l.it.meta.incident : l.it.meta.id);
		phi_buf_append(&m, head, strlen(head));
	}
	/* the text with CRLF line ends, and no line that is a lone "." */
	for (i = 0; text[i]; i++) {
		if (text[i] == '\r')
			continue;
		if (text[i] == '\n')
			phi_buf_append(&m, "\r\n", 2);
		else
			phi_buf_putc(&m, (unsigned char)text[i]);
	}
	phi_buf_append(&m, "\r\n", 2);
	phi_buf_putc(&m, 0);
	msg = (char *)m.data;
	to[0] = l.it.sender;
	ok = msg && l.it.sender[0] &&
	     submit_message(c->submission, c->notice_from, to, 1, (unsigned char *)msg, strlen(msg), why, sizeof why) == 0;
	qcrypt_wipe(text, REPLY_MAX + 1);
	free(text);
	qcrypt_wipe(m.data, m.len);
	phi_buf_free(&m);
	portal_audit(c, "reply", id, l.rcpt, ok ? "sent" : "failed: submission");
	link_close(&l);
	if (!ok)
		return http_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "Your reply could not be sent",
		                  "Please try again in a few minutes.");
	return http_error(r, MHD_HTTP_OK, "Your reply was sent",
	                  "The sender will receive it by e-mail inside their organisation. You can close this page.");
}
