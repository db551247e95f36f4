/*
 * http.c - every response phiportal sends goes through here, so every one
 * carries the same security headers: a Content-Security-Policy that allows
 * nothing but our own stylesheet and forms posting back to us, no framing,
 * no caching, no referrer, no content sniffing. Pages never contain
 * JavaScript. When the layout template cannot be read, a small built-in
 * page is used (the portal still answers in plain words).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "portal.h"

static const char CSP[] = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                          "base-uri 'none'; frame-ancestors 'none'";

static void headers(struct MHD_Response *resp, const char *ctype)
{
	MHD_add_response_header(resp, "Content-Type", ctype);
	MHD_add_response_header(resp, "Content-Security-Policy", CSP);
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "Pragma", "no-cache");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(resp, "Cross-Origin-Resource-Policy", "same-origin");
	MHD_add_response_header(resp, "Permissions-Policy", "camera=(), microphone=(), geolocation=()");
}

static enum MHD_Result queue(struct preq *r, unsigned status, struct MHD_Response *resp)
{
	enum MHD_Result rc;

	if (!resp)
		return MHD_NO;
	r->status = status;
	rc = MHD_queue_response(r->conn, status, resp);
	MHD_destroy_response(resp);
	return rc;
}

enum MHD_Result http_bytes(struct preq *r, unsigned status, const void *data, size_t len, const char *ctype,
                           const char *filename)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);

	if (!resp)
		return MHD_NO;
	headers(resp, ctype);
	if (filename) {
		/* RFC 6266: an ASCII fallback and the UTF-8 name percent-encoded */
		struct phi_buf d;
		const unsigned char *s;

		phi_buf_init(&d, 4096);
		phi_buf_append(&d, "attachment; filename=\"", 22);
		for (s = (const unsigned char *)filename; *s; s++)
			phi_buf_putc(&d, *s >= 0x20 && *s < 0x7f && *s != '"' && *s != '\\' && *s != '%' ? *s : '_');
		phi_buf_append(&d, "\"; filename*=UTF-8''", 20);
		for (s = (const unsigned char *)filename; *s; s++) {
			char h[4];

			if ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
			    strchr(".-_~", *s))
				phi_buf_putc(&d, *s);
			else {
				snprintf(h, sizeof h, "%%%02X", *s);
				phi_buf_append(&d, h, 3);
			}
		}
		phi_buf_putc(&d, 0);
		if (d.data)
			MHD_add_response_header(resp, "Content-Disposition", (const char *)d.data);
		phi_buf_free(&d);
	}
	return queue(r, status, resp);
}

const char *portal_help(const struct conf *c)
{
	return c->portal_help_contact[0] ? c->portal_help_contact : c->privacy_contact;
}

enum MHD_Result http_page(struct preq *r, unsigned status, const char *title, const char *content_html,
                          const char *set_cookie)
{
	struct phi_buf out;
	struct MHD_Response *resp;
	struct page_var v[] = {
		{ "title", title, 0 },
		{ "org", r->c ? r->c->portal_org_name : "", 0 },
		{ "help", r->c ? portal_help(r->c) : "", 0 },
		{ "content", content_html, 1 },
	};

	phi_buf_init(&out, 0);
	if (!r->c || page_render(r->c, "layout.html", v, sizeof v / sizeof v[0], &out) != 0) {
		phi_buf_reset(&out);
		phi_buf_append(&out, "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>", 62);
		page_escape(&out, title, strlen(title));
		phi_buf_append(&out, "</title><main>", 14);
		phi_buf_append(&out, content_html, strlen(content_html));
		phi_buf_append(&out, "</main></html>\n", 15);
	}
	resp = MHD_create_response_from_buffer(out.len, out.data ? out.data : (void *)"",
	                                       MHD_RESPMEM_MUST_COPY);
	phi_buf_free(&out);
	if (!resp)
		return MHD_NO;
	headers(resp, "text/html; charset=utf-8");
	if (set_cookie)
		MHD_add_response_header(resp, "Set-Cookie", set_cookie);
	return queue(r, status, resp);
}

enum MHD_Result http_error(struct preq *r, unsigned status, const char *title, const char *text)
{
	struct phi_buf b;
	enum MHD_Result rc;
	struct page_var v[] = { { "title", title, 0 }, { "text", text, 0 }, { "help", r->c ? portal_help(r->c) : "", 0 } };

	phi_buf_init(&b, 0);
	if (!r->c || page_render(r->c, "error.html", v, sizeof v / sizeof v[0], &b) != 0) {
		phi_buf_reset(&b);
		phi_buf_append(&b, "<h1>", 4);
		page_escape(&b, title, strlen(title));
		phi_buf_append(&b, "</h1><p>", 8);
		page_escape(&b, text, strlen(text));
		phi_buf_append(&b, "</p>", 4);
	}
	phi_buf_putc(&b, 0);
	rc = http_page(r, status, title, b.data ? (const char *)b.data : "", NULL);
	phi_buf_free(&b);
	return rc;
}

enum MHD_Result http_redirect(struct preq *r, const char *location, const char *set_cookie)
{
	static const char body[] = "<!doctype html><title>See other</title><p><a href=\"view\">Continue</a></p>\n";
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(sizeof body - 1, (void *)body, MHD_RESPMEM_PERSISTENT);

	if (!resp)
		return MHD_NO;
	headers(resp, "text/html; charset=utf-8");
	MHD_add_response_header(resp, "Location", location);
	if (set_cookie)
		MHD_add_response_header(resp, "Set-Cookie", set_cookie);
	return queue(r, MHD_HTTP_SEE_OTHER, resp);
}

void portal_time(long long t, char *out, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, len, "%-d %B %Y, %H:%M UTC", &tm);
}
