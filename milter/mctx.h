/*
 * mctx.h - per-connection and per-message state of the milter.
 *
 * One struct mctx per SMTP connection (libmilter's private data). A message
 * starts at MAIL FROM (mctx_begin, which takes a config reference so the
 * whole message is judged under one config even if a reload happens) and
 * ends at end-of-message or abort (mctx_end, which wipes the bytes and
 * drops the reference). Several messages may follow on one connection.
 *
 * The message is reassembled as the scanner wants it: "Name: value\r\n" per
 * header, "\r\n", then the body chunks. The buffer stops storing at
 * limits.max_message_bytes but keeps counting (`size`), and `truncated`
 * tells the caller to mark the scan (phi_scan_mark_truncated).
 * No libmilter here: mlfi.c is the only caller of smfi_*; tests drive this.
 * Never logs.
 */
#ifndef PHI_MCTX_H
#define PHI_MCTX_H

#include <stddef.h>
#include "phi/buf.h"
#include "conf.h"

#define MCTX_MAX_RCPTS 5000 /* more are counted (and judged external), not stored */
#define MCTX_ADDR_MAX 512   /* longest stored envelope address */
#define MCTX_THREAD_MAX 4096 /* bytes of thread_refs kept */

enum mctx_own_header {      /* our headers, counted so forged copies can be removed */
	MCTX_H_SCANNED, MCTX_H_VERDICT, MCTX_H_FINDINGS, MCTX_H_RELEASE, MCTX_H_NOTICE, MCTX_H__COUNT
};

enum mctx_hdr_count {      /* headers a portal rewrite changes or removes */
	MCTX_HC_SUBJECT, MCTX_HC_CONTENT_TYPE, MCTX_HC_CTE, MCTX_HC_THREAD_TOPIC, MCTX_HC__COUNT
};

/* Header name for a mctx_hdr_count index. */
const char *mctx_hc_name(int i);

struct mctx {
	struct conf *conf;       /* reference held from mctx_begin to mctx_end, or NULL */
	char client_addr[64];    /* cleaned {client_addr}, for logs */
	char queue_id[40];       /* cleaned {i}, for logs ("-" until known) */
	int authenticated;       /* {auth_authen} was set */
	char *sender;            /* owned envelope sender, or NULL */
	char **rcpts;            /* owned array of owned envelope recipients */
	size_t nrcpt, caprcpt;
	size_t rcpt_dropped;     /* recipients past MCTX_MAX_RCPTS or too long */
	struct phi_buf msg;      /* the reassembled message, max = max_message_bytes */
	size_t size;             /* bytes offered (stored or not); saturates at SIZE_MAX */
	int truncated;           /* some bytes were not stored */
	int in_body;             /* the header/body separator has been written */
	unsigned own_headers[MCTX_H__COUNT]; /* X-PHI-* headers that arrived with the message */
	unsigned messages;       /* messages begun on this connection */
	char *subject;           /* owned copy of the first Subject value, or NULL (PHI: never logged) */
	char *message_id;        /* owned copy of the first Message-ID value, or NULL (hashed for audit) */
	char *thread_refs;       /* owned: In-Reply-To, References and List-* values joined by
	                            spaces (cut at MCTX_THREAD_MAX), or NULL: which thread or
	                            list a reply goes to (social-network notification replies) */
	char release[200];       /* first X-PHI-Release value ("" = none), checked at end of message */
	char notice[200];        /* first X-PHI-Notice value ("" = none): our own notices */
	unsigned hdr_count[MCTX_HC__COUNT]; /* how many of each rewritten header arrived */
	size_t charged;          /* bytes of this message counted in the process-wide total */
};

/* mctx_add_* return this when the process-wide max_inflight_bytes budget
 * would be exceeded (the message should get on_error). */
#define MCTX_EBUDGET -2

/* A new, empty context; NULL when out of memory. */
struct mctx *mctx_new(void);

/* End any message (mctx_end) and free the context. NULL is fine. */
void mctx_free(struct mctx *m);

/* Start a message under config `c`: ends any previous one, then takes over
 * the caller's reference to `c`. */
void mctx_begin(struct mctx *m, struct conf *c);

/* Forget the message: wipe and free the bytes, sender and recipients, and
 * release the config. Connection data (client_addr) stays. */
void mctx_end(struct mctx *m);

/* Envelope. Addresses are copied (cut at MCTX_ADDR_MAX). Return 0, or -1
 * when out of memory. A recipient past MCTX_MAX_RCPTS is only counted. */
int mctx_set_sender(struct mctx *m, const char *addr);
int mctx_add_rcpt(struct mctx *m, const char *addr);

/* Append "name: value\r\n". Returns 0, -1 when out of memory, or
 * MCTX_EBUDGET (nothing more is stored for this message). */
int mctx_add_header(struct mctx *m, const char *name, const char *value);

/* Append the blank line that ends the header (once). */
int mctx_end_headers(struct mctx *m);

/* Append body bytes (borrowed, copied). Returns 0, -1 (out of memory) or
 * MCTX_EBUDGET. */
int mctx_add_body(struct mctx *m, const unsigned char *p, size_t n);

/* Message bytes held by every context of the process right now. */
size_t mctx_inflight_bytes(void);

/* Which of our own header names `name` is, or -1. */
int mctx_own_header(const char *name);

#endif
