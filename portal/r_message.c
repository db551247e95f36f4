/*
 * r_message.c - GET /m/ID/view: the message, for a verified session only.
 * From, date and subject (id="subject"), the text body in id="body" (an
 * HTML body turned into plain text first; everything escaped, so markup in
 * a message is shown, never run), and each attachment as a download link
 * with class="attachment" whose text is its file name.
 */
#include <stdio.h>
#include <string.h>
#include "msgview.h"
#include "portal.h"

static void size_text(size_t n, char *out, size_t len)
{
	if (n < 1024)
		snprintf(out, len, "%zu bytes", n);
	else if (n < 1024 * 1024)
		snprintf(out, len, "%zu KB", (n + 512) / 1024);
	else
		snprintf(out, len, "%.1f MB", (double)n / (1024.0 * 1024.0));
}

/* A verified session of this message and a good link: 0, or a page queued. */
int route_verified(struct preq *r, const char *id, int want_msg, struct link *l, enum MHD_Result *rc)
{
	struct session s;
	enum link_status st;

	if (route_session(r, id, &s) != 0 || s.state != SESSION_VERIFIED) {
		*rc = http_error(r, MHD_HTTP_FORBIDDEN, "Please enter your code first",
		                 "To read this message, open the link from your e-mail again and enter the code "
		                 "we send you.");
		return -1;
	}
	if ((st = link_open(r->c, id, s.token, r->now, want_msg, l)) != LINK_OK) {
		*rc = link_refuse(r, st);
		return -1;
	}
	if (l->t.rcpt != s.n) {
		link_close(l);
		*rc = link_refuse(r, LINK_BAD);
		return -1;
	}
	return 0;
}

enum MHD_Result route_message(struct preq *r, const char *id)
{
	const struct conf *c = r->c;
	struct link l;
	struct session s;
	struct msgview v;
	struct phi_buf att, b;
	enum MHD_Result rc;
	char expires[64];
	size_t i;

	r->route = "message";
	if (route_verified(r, id, 1, &l, &rc) != 0) {
		portal_audit(c, "view message", id, NULL, "refused");
		return rc;
	}
	/* the reply form's CSRF token: the session's current one */
	if (route_session(r, id, &s) != 0)
		s.csrf[0] = 0;
	if (msgview_parse(l.it.msg, l.it.msglen, &v) != 0) {
		link_close(&l);
		return http_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "The portal is busy", "Please try again in a minute.");
	}
	phi_buf_init(&att, 0);
	if (v.natt) {
		phi_buf_append(&att, "<h2>Attachments</h2>\n<ul class=\"attachments\">\n", 46);
		for (i = 0; i < v.natt; i++) {
			char href[32], sz[32];

			snprintf(href, sizeof href, "a/%zu", i);
			size_text(v.att[i].data.len, sz, sizeof sz);
			phi_buf_append(&att, "<li><a class=\"attachment\" href=\"", 32);
			phi_buf_append(&att, href, strlen(href));
			phi_buf_append(&att, "\" download>", 11);
			page_escape(&att, v.att[i].name, strlen(v.att[i].name));
			phi_buf_append(&att, "</a> <span class=\"size\">(", 25);
			phi_buf_append(&att, sz, strlen(sz));
			phi_buf_append(&att, ")</span></li>\n", 14);
		}
		phi_buf_append(&att, "</ul>\n", 6);
	}
	phi_buf_putc(&att, 0);
	phi_buf_putc(&v.text, 0);
	portal_time(l.t.expires, expires, sizeof expires);
	{
		struct page_var pv[] = {
			{ "subject", v.subject[0] ? v.subject : "(no subject)", 0 },
			{ "from", v.from, 0 },
			{ "date", v.date, 0 },
			{ "body", v.text.data ? (const char *)v.text.data : "", 0 },
			{ "note", v.text_from_html ? "This message was written as a web page; it is shown here as plain text." : "", 0 },
			{ "attachments", (const char *)att.data, 1 },
			{ "expires", expires, 0 },
			{ "csrf", s.csrf, 0 },
			{ "keep", v.natt ? "Save the attachments you need; afterwards the link stops working."
			                 : "Afterwards the link stops working.", 0 },
			{ "org", c->portal_org_name, 0 },
		};

		phi_buf_init(&b, 0);
		if (page_render(c, "message.html", pv, sizeof pv / sizeof pv[0], &b) != 0) {
			phi_buf_free(&b);
			phi_buf_free(&att);
			msgview_free(&v);
			link_close(&l);
			return http_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "The portal is not set up completely",
			                  "A page template is missing. Please tell the sender.");
		}
	}
	phi_buf_putc(&b, 0);
	portal_audit(c, "view message", id, l.rcpt, "ok");
	rc = http_page(r, MHD_HTTP_OK, "Your secure message", (const char *)b.data, NULL);
	qcrypt_wipe(b.data, b.len);
	phi_buf_free(&b);
	phi_buf_free(&att);
	msgview_free(&v);
	link_close(&l);
	return rc;
}
