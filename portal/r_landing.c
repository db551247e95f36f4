/*
 * r_landing.c - GET /m/ID?t=TOKEN: the page a recipient's link opens. It
 * names the organisation and the expiry and offers one button (a POST
 * form with a CSRF token) that mails a one-time code. A new session is
 * started here, bound to this message and this recipient's link.
 */
#include <stdio.h>
#include <string.h>
#include "portal.h"

enum MHD_Result route_landing(struct preq *r, const char *id)
{
	const struct conf *c = r->c;
	const char *tok = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "t");
	struct link l;
	struct session s;
	enum link_status st;
	char expires[64], cookie[256], name[64];
	struct phi_buf b;
	enum MHD_Result rc;

	r->route = "landing";
	if ((st = link_open(c, id, tok, r->now, 0, &l)) != LINK_OK) {
		portal_audit(c, "view landing", id, NULL, st == LINK_BAD ? "refused: bad link" : "refused");
		return link_refuse(r, st);
	}
	if (session_new(r->p->st, id, l.t.rcpt, tok, r->now, (long long)c->portal_code_ttl + c->portal_session_ttl,
	                &s) != 0 ||
	    session_cookie_name(id, name, sizeof name) != 0 ||
	    session_cookie(cookie, sizeof cookie, name, s.sid, (long long)c->portal_code_ttl + c->portal_session_ttl,
	                   r->secure) != 0) {
		link_close(&l);
		return http_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "The portal is busy",
		                  "Please try again in a minute.");
	}
	portal_time(l.t.expires, expires, sizeof expires);
	{
		struct page_var v[] = {
			{ "org", c->portal_org_name, 0 }, { "expires", expires, 0 }, { "csrf", s.csrf, 0 }, { "id", id, 0 },
		};

		phi_buf_init(&b, 0);
		if (page_render(c, "landing.html", v, sizeof v / sizeof v[0], &b) != 0) {
			phi_buf_free(&b);
			link_close(&l);
			return http_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "The portal is not set up completely",
			                  "A page template is missing. Please tell the sender.");
		}
	}
	phi_buf_putc(&b, 0);
	portal_audit(c, "view landing", id, l.rcpt, "ok");
	link_close(&l);
	rc = http_page(r, MHD_HTTP_OK, "You have a secure message", (const char *)b.data, cookie);
	phi_buf_free(&b);
	return rc;
}
