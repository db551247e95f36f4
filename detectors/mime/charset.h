/*
 * charset.h - any charset to UTF-8 (iconv), for MIME parts, RFC 2047 words
 * and extractors that learn their own encoding (XML declarations, RTF).
 */
#ifndef PHI_CHARSET_H
#define PHI_CHARSET_H

#include <stddef.h>
#include "phi/buf.h"

/* Convert n bytes in charset `cs` to UTF-8, appended to out. cs NULL or
 * unknown: guess (BOM -> UTF-16/32/8; valid UTF-8 stays; UTF-16 without BOM
 * by its NUL pattern; else windows-1252). Invalid sequences become U+FFFD.
 * Returns PHI_OK, PHI_ELIMIT (out's max reached; what fitted is kept) or
 * PHI_ENOMEM. */
int charset_to_utf8(const char *cs, const unsigned char *p, size_t n, struct phi_buf *out);

/* 1 when p[0..n) is valid UTF-8. */
int charset_is_utf8(const unsigned char *p, size_t n);

#endif
