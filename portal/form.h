/*
 * form.h - application/x-www-form-urlencoded bodies (the portal's POST
 * forms). libmicrohttpd parses the request line, headers, query string
 * and cookies; this is the one piece of request input read here, so it is
 * small, bounded and fuzzed (tests/fuzz/fuzz_portal_form.c).
 *
 * Input is (pointer, length), never assumed NUL-terminated. No
 * libmicrohttpd; never logs.
 */
#ifndef PHI_PORTAL_FORM_H
#define PHI_PORTAL_FORM_H

#include <stddef.h>

/* Find field `name` in body and write its decoded value ('+' is a blank,
 * %XX a byte) into out (NUL-terminated). Returns 1 when found, 0 when
 * absent, -1 when the value does not fit in outlen-1 bytes or holds a NUL
 * or a bad escape (out is then ""). The first occurrence wins. */
int form_get(const unsigned char *body, size_t len, const char *name, char *out, size_t outlen);

#endif
