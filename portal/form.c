/*
 * form.c - urlencoded form fields (see form.h).
 */
#include <string.h>
#include "form.h"

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode p[0..n) into out; -1 on overflow, NUL or bad escape. */
static int decode(const unsigned char *p, size_t n, char *out, size_t outlen)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		int c = p[i];

		if (c == '+')
			c = ' ';
		else if (c == '%') {
			int h, l;

			if (n - i < 3) /* "%X" or "%" at the end */
				return -1;
			h = hexval(p[i + 1]);
			l = hexval(p[i + 2]);
			if (h < 0 || l < 0)
				return -1;
			c = h * 16 + l;
			i += 2;
		}
		if (c == 0 || o + 1 >= outlen)
			return -1;
		out[o++] = (char)c;
	}
	out[o] = 0;
	return 0;
}

int form_get(const unsigned char *body, size_t len, const char *name, char *out, size_t outlen)
{
	size_t nl = strlen(name), i = 0;

	if (outlen == 0)
		return -1;
	out[0] = 0;
	while (i < len) {
		size_t j = i, eq;

		while (j < len && body[j] != '&')
			j++;
		/* field body[i..j): NAME=VALUE (names are compared undecoded:
		 * ours are plain words) */
		eq = i;
		while (eq < j && body[eq] != '=')
			eq++;
		if (eq - i == nl && memcmp(body + i, name, nl) == 0) {
			size_t vs = eq < j ? eq + 1 : j;

			if (decode(body + vs, j - vs, out, outlen) != 0) {
				out[0] = 0;
				return -1;
			}
			return 1;
		}
		i = j + 1;
	}
	return 0;
}
