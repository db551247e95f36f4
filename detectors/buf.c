/*
 * buf.c - growable byte buffer with a hard maximum (see phi/buf.h).
 *
 * Growth doubles, checked for overflow, and never passes `max`; a request
 * past it fails without changing the buffer, so the caller can record the
 * limit and stop. Freed contents are wiped first: buffers hold message text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include "phi/buf.h"
#include "phi/status.h"

void phi_buf_init(struct phi_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max ? max : SIZE_MAX - 1;
}

int phi_buf_reserve(struct phi_buf *b, size_t extra)
{
	size_t need, ncap;
	unsigned char *nd;

	if (extra > b->max || b->len > b->max - extra)
		return PHI_ELIMIT;
	need = b->len + extra;
	if (need <= b->cap && b->data)
		return PHI_OK;
	ncap = b->cap ? b->cap : 64;
	while (ncap < need)
		ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
	if (ncap > b->max)
		ncap = b->max;
	/* Not realloc: the old block held message text and must be wiped
	 * before it goes back to the allocator. */
	nd = malloc(ncap + 1);
	if (!nd)
		return PHI_ENOMEM;
	if (b->data) {
		memcpy(nd, b->data, b->len);
		OPENSSL_cleanse(b->data, b->cap + 1);
		free(b->data);
	}
	b->data = nd;
	b->cap = ncap;
	b->data[b->len] = 0;
	return PHI_OK;
}

int phi_buf_append(struct phi_buf *b, const void *p, size_t n)
{
	int rc;

	if (n == 0)
		return b->data ? PHI_OK : phi_buf_reserve(b, 0);
	/* Room already there (cap never passes max): no call, no checks. The
	 * PDF and HTML extractors append millions of short strings. */
	if (b->data && n <= b->cap - b->len) {
		memcpy(b->data + b->len, p, n);
		b->len += n;
		b->data[b->len] = 0;
		return PHI_OK;
	}
	if ((rc = phi_buf_reserve(b, n)) != PHI_OK)
		return rc;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = 0;
	return PHI_OK;
}

int phi_buf_putc(struct phi_buf *b, unsigned char c)
{
	if (b->data && b->len < b->cap) {
		b->data[b->len++] = c;
		b->data[b->len] = 0;
		return PHI_OK;
	}
	return phi_buf_append(b, &c, 1);
}

void phi_buf_reset(struct phi_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = 0;
}

void phi_buf_free(struct phi_buf *b)
{
	if (b->data) {
		OPENSSL_cleanse(b->data, b->cap + 1);
		free(b->data);
	}
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}
