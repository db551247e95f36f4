/*
 * portal.h - phiportal's shared pieces: the process context, one request,
 * the response helpers (http.c), the link check (link.c), notices and
 * audit records (notify.c), and the routes (one file per page: r_*.c).
 *
 * URL layout (every link and form in the pages is relative, so the portal
 * works under any prefix a reverse proxy gives it):
 *   GET  /m/ID?t=TOKEN   landing page (portal_url = https://HOST/m/{id}?t={token})
 *   POST /m/ID/code      mail a one-time code, then the code form
 *   POST /m/ID/verify    check the code; 303 to view
 *   GET  /m/ID/view      the message (verified session only)
 *   GET  /m/ID/a/K       attachment K, the original bytes
 *   POST /m/ID/reply     a secure reply to the sender
 *   GET  .../portal.css  the stylesheet
 * Requests carry no e-mail address; the recipient is the one the token
 * was issued for (its index in the sealed recipient list).
 */
#ifndef PHI_PORTAL_H
#define PHI_PORTAL_H

#include <stddef.h>
#include <microhttpd.h>
#include "phi/buf.h"
#include "conf.h"
#include "qstore.h"
#include "session.h"
#include "token.h"

#define PORTAL_BODY_MAX 8192        /* largest POST body: our forms are tiny */
#define PORTAL_CONN_MEMORY (32 * 1024) /* per connection: request line + headers */

struct portal {
	const char *conf_path;              /* borrowed from argv */
	unsigned char code_key[QCRYPT_KEY_LEN]; /* random per process: code hashes */
	struct session_table *st;           /* owned */
};

struct preq {
	struct MHD_Connection *conn;        /* borrowed from libmicrohttpd */
	struct portal *p;                   /* borrowed */
	struct conf *c;                     /* owned reference for this request */
	const char *method, *url;           /* borrowed from libmicrohttpd */
	struct phi_buf body;                /* owned: POST body, at most PORTAL_BODY_MAX */
	int body_over;                      /* the body was larger */
	char addr[RATE_ADDR_MAX];           /* client address (from the proxy when on loopback) */
	int secure;                         /* the visitor reached us over TLS */
	long long now;
	unsigned status;                    /* what was answered (for the log line) */
	const char *route;                  /* static name for the log line */
};

/* ---- http.c: responses. Each returns libmicrohttpd's result. ---- */

/* A full page: the layout template around content_html (already safe
 * HTML), title escaped, security headers, optional Set-Cookie. */
enum MHD_Result http_page(struct preq *r, unsigned status, const char *title, const char *content_html,
                          const char *set_cookie);
/* A plain page that says what went wrong (text escaped). */
enum MHD_Result http_error(struct preq *r, unsigned status, const char *title, const char *text);
/* Bytes with a content type; with filename, as a download
 * (Content-Disposition: attachment). */
enum MHD_Result http_bytes(struct preq *r, unsigned status, const void *data, size_t len, const char *ctype,
                           const char *filename);
/* 303 See Other to a relative location. */
enum MHD_Result http_redirect(struct preq *r, const char *location, const char *set_cookie);

/* ---- page.c: templates ---- */

struct page_var {
	const char *name;                   /* placeholder {name} */
	const char *val;                    /* NULL prints nothing */
	int raw;                            /* 1: val is HTML already; 0: escaped */
};

/* Append s (n bytes) HTML-escaped (& < > " ' and control characters). */
void page_escape(struct phi_buf *o, const char *s, size_t n);
/* Render template file NAME of the config's portal_templates directory
 * with vars into out. 0, or -1 when it cannot be read. */
int page_render(const struct conf *c, const char *name, const struct page_var *v, size_t nv, struct phi_buf *out);

/* ---- link.c: is this link good? ---- */

enum link_status {
	LINK_OK = 0,
	LINK_BAD,       /* altered, malformed, not ours: 403 */
	LINK_EXPIRED,   /* 410 */
	LINK_REVOKED,   /* 410 */
	LINK_GONE,      /* purged or deleted: 410 */
	LINK_LOCKED,    /* too many wrong codes: 429 */
	LINK_ERROR      /* the store could not be read: 503 */
};

struct link {
	struct token t;
	struct qstore_item it;              /* owned: sealed fields (and the message when asked) */
	const char *rcpt;                   /* borrowed from it: the link's recipient */
};

/* Check token `tok` for message `id` at `now` against the store; with
 * want_msg the message bytes are read too. LINK_OK fills *l (free it with
 * link_close); anything else leaves nothing to free. */
enum link_status link_open(const struct conf *c, const char *id, const char *tok, long long now, int want_msg,
                           struct link *l);
void link_close(struct link *l);
/* The page for a refused link. */
enum MHD_Result link_refuse(struct preq *r, enum link_status s);
/* Store markers: "lock-N" after too many wrong codes, "opened-N" on the
 * first open (returns 1 the first time), "revoked" for the message. */
int link_mark(const struct conf *c, const char *id, const char *what);
/* The store of the configuration (qstore_close it), or NULL. */
struct qstore *portal_store(const struct conf *c);

/* ---- notify.c: audit records and notices to the sender ---- */

/* One audit record {"kind":"portal","event":...,"quarantine_id":...,
 * "recipient":KEYED-HASH,"result":...}; no PHI. */
void portal_audit(const struct conf *c, const char *event, const char *id, const char *rcpt, const char *result);
/* Tell the sender of entry `it` that `what` happened to recipient n's
 * link ("opened", "locked", "expired unread"); no PHI in the notice. */
void portal_notify_sender(const struct conf *c, const struct qstore_item *it, unsigned n, const char *what);
/* Retention purge and expiry notices; returns entries deleted. */
int portal_purge(const struct conf *c, long long now);

/* ---- routes (r_*.c) ---- */
enum MHD_Result route_landing(struct preq *r, const char *id);
enum MHD_Result route_send_code(struct preq *r, const char *id);
enum MHD_Result route_verify(struct preq *r, const char *id);
enum MHD_Result route_message(struct preq *r, const char *id);
enum MHD_Result route_download(struct preq *r, const char *id, const char *which);
enum MHD_Result route_reply(struct preq *r, const char *id);
enum MHD_Result route_css(struct preq *r);

/* Shared by the routes (r_code.c): the session of this request for id
 * (cookie), 0 or -1. */
int route_session(struct preq *r, const char *id, struct session *s);
/* A verified session of this message and a good link (r_message.c): 0
 * with *l filled (link_close it), or -1 with a refusal queued in *rc. */
int route_verified(struct preq *r, const char *id, int want_msg, struct link *l, enum MHD_Result *rc);
/* The help contact to show. */
const char *portal_help(const struct conf *c);
/* Expiry as "1 December 2026, 18:55 UTC". */
void portal_time(long long t, char *out, size_t len);

#endif
