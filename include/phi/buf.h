/*
 * buf.h - a growable byte buffer that carries its own maximum.
 *
 * Every buffer that holds untrusted bytes is a phi_buf: an append past
 * `max` fails with PHI_ELIMIT instead of growing, so a missing check
 * elsewhere cannot turn into unbounded memory. The data is always kept
 * NUL-terminated (one spare byte) for the convenience of callers that log
 * lengths or hand it to PCRE2, but lengths are authoritative.
 */
#ifndef PHI_BUF_H
#define PHI_BUF_H

#include <stddef.h>

struct phi_buf {
	unsigned char *data; /* owned; NULL until the first append */
	size_t len;          /* bytes in use */
	size_t cap;          /* bytes allocated (excluding the spare NUL) */
	size_t max;          /* hard ceiling for len; 0 means SIZE_MAX */
};

/* Initialise an empty buffer that may hold at most `max` bytes. */
void phi_buf_init(struct phi_buf *b, size_t max);

/* Append n bytes. Returns PHI_OK, PHI_ELIMIT (nothing appended) or PHI_ENOMEM. */
int phi_buf_append(struct phi_buf *b, const void *p, size_t n);

/* Append one byte. Same returns as phi_buf_append. */
int phi_buf_putc(struct phi_buf *b, unsigned char c);

/* Make room for at least `extra` more bytes without changing len. */
int phi_buf_reserve(struct phi_buf *b, size_t extra);

/* Forget the contents but keep the allocation. */
void phi_buf_reset(struct phi_buf *b);

/* Wipe (OPENSSL_cleanse) and free the contents; the buffer may be reused
 * after phi_buf_init. Accepts a zeroed or already freed buffer. */
void phi_buf_free(struct phi_buf *b);

#endif
