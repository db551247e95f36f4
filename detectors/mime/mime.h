/*
 * mime.h - internals of the MIME layer shared by its files (not installed).
 *
 *   mime_hdr.c     header fields: unfolding, RFC 2047 encoded words, the
 *                  Content-Type / Content-Disposition parameter parser with
 *                  RFC 2231 continuations and charsets
 *   cte_base64.c   tolerant base64 decoder
 *   cte_qp.c       tolerant quoted-printable decoder
 *   uuencode.c     begin/end blocks inside text
 *   mime_parse.c   the entity walker (mime_parse_message, scan.h)
 *
 * All functions take (pointer, length) input that need not be
 * NUL-terminated, append to a phi_buf whose max bounds the output, and
 * return PHI_OK, PHI_ELIMIT (what fitted is kept) or PHI_ENOMEM.
 */
#ifndef PHI_MIME_H
#define PHI_MIME_H

#include <stddef.h>
#include "phi/buf.h"

/* Decode base64: characters outside the alphabet (line breaks, junk) are
 * skipped; '=' ends the current quantum and decoding resumes after the
 * padding (so data hidden after a stray '=' is still read); a missing
 * padding is tolerated (a final lone sextet is dropped). */
int cte_base64_decode(const unsigned char *p, size_t n, struct phi_buf *out);

/* Decode quoted-printable: soft line breaks ("=" before the line end, with
 * optional trailing blanks), =XX in either case; a bad escape is kept as
 * is. Trailing blanks before a hard line break are dropped (RFC 2045). */
int cte_qp_decode(const unsigned char *p, size_t n, struct phi_buf *out);

/* RFC 2047 "Q" (underscore = space) decoding of one encoded-word text. */
int cte_qp_decode_q(const unsigned char *p, size_t n, struct phi_buf *out);

/* Unfold a raw header value (continuation line breaks removed, leading and
 * trailing blanks trimmed) and decode RFC 2047 encoded words, any charset,
 * adjacent words joined; raw 8-bit text is read as UTF-8 or guessed.
 * Appends UTF-8 to out. */
int mime_hdr_decode(const unsigned char *p, size_t n, struct phi_buf *out);

/* The same; raw 8-bit text that is not UTF-8 is read in `fallback` (the
 * message's Content-Type charset; NULL = guess). */
int mime_hdr_decode_cs(const unsigned char *p, size_t n, const char *fallback, struct phi_buf *out);

/* Unfold only (no decoding), appending to out. */
int mime_hdr_unfold(const unsigned char *p, size_t n, struct phi_buf *out);

/* The value "type/subtype" of a Content-Type, or the disposition type of a
 * Content-Disposition, lower case, into o (size osz, NUL-terminated; "" when
 * absent or malformed). `p` is the raw (folded) field value. */
void mime_hdr_token(const unsigned char *p, size_t n, char *o, size_t osz);

/* Parameter `want` (lower case, e.g. "boundary", "filename") of a
 * Content-Type / Content-Disposition value: quoted strings, RFC 2231
 * continuations (name*0, name*1*) and charset'lang'%XX values, and (not
 * standard, but common) RFC 2047 words inside a quoted value. Appends the
 * UTF-8 value to out. Returns 1 when found, 0 when not, or a PHI_E* code.
 * `raw` = 1 leaves the value undecoded (for boundary). */
int mime_hdr_param(const unsigned char *p, size_t n, const char *want, int raw,
                   struct phi_buf *out);

/* Find the next uuencoded block in p[0..n) starting the search at `from`:
 * a line "begin NNN name" followed by encoded lines and "end". On success
 * returns 1 and sets *bstart (start of the begin line), *bend (after the end
 * line or the last encoded line), and the file name (not NUL-terminated)
 * in *name / *namelen. Returns 0 when there is none. */
int uuencode_find(const unsigned char *p, size_t n, size_t from, size_t *bstart,
                  size_t *bend, const unsigned char **name, size_t *namelen);

/* Decode the block p[bstart..bend) found by uuencode_find into out. */
int uuencode_decode(const unsigned char *p, size_t n, struct phi_buf *out);

#endif
