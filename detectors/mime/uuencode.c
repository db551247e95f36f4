/*
 * uuencode.c - uuencoded blocks inside text bodies (see mime.h).
 *
 * Old mailers and some scanners' exports still paste files as
 * "begin 644 name" ... "end". A block is recognised only when the begin
 * line has an octal mode and a name, and the next line is a plausible
 * encoded line; it ends at "end", at the first line that is not encoded,
 * or at the end of the text. Every loop is bounded by the input. Never logs.
 */
#include <string.h>
#include "memfind.h"
#include "mime.h"
#include "phi/status.h"

/* Next line [*ls, *le) starting at i; returns the index after its LF. */
static size_t next_line(const unsigned char *p, size_t n, size_t i, size_t *ls, size_t *le)
{
	const unsigned char *nl = memchr(p + i, '\n', n - i);
	size_t e = nl ? (size_t)(nl - p) : n;

	*ls = i;
	*le = e;
	if (e > i && p[e - 1] == '\r')
		(*le)--;
	return nl ? e + 1 : n;
}

/* An encoded line: first char gives the byte count, the rest is in ` ..` `. */
static int uu_line(const unsigned char *p, size_t ls, size_t le)
{
	size_t len, need, j;

	if (le <= ls)
		return 0;
	len = (size_t)((p[ls] - 32) & 63);
	if (p[ls] < 32 || p[ls] > 96)
		return 0;
	need = (len + 2) / 3 * 4;
	if (le - ls - 1 < need)
		return 0;
	for (j = ls + 1; j < le; j++)
		if (p[j] < 32 || p[j] > 96)
			return 0;
	return 1;
}

int uuencode_find(const unsigned char *p, size_t n, size_t from, size_t *bstart,
                  size_t *bend, const unsigned char **name, size_t *namelen)
{
	size_t i = from, ls, le, nx, j, k, m;

	while (i < n) {
		const unsigned char *b = memfind(p + i, n - i, "begin ", 6);
		if (!b)
			return 0;
		k = (size_t)(b - p);
		i = k + 6;
		if (k > 0 && p[k - 1] != '\n')
			continue;
		nx = next_line(p, n, k, &ls, &le);
		/* "begin" SP mode(3-4 octal) SP name */
		j = ls + 6;
		m = j;
		while (j < le && p[j] >= '0' && p[j] <= '7')
			j++;
		if (j - m < 3 || j - m > 4 || j >= le || p[j] != ' ')
			continue;
		j++;
		if (j >= le)
			continue;
		*name = p + j;
		*namelen = le - j;
		{
			size_t ls2, le2;
			next_line(p, n, nx, &ls2, &le2);
			if (nx >= n || !uu_line(p, ls2, le2))
				continue;
		}
		*bstart = k;
		/* Walk the encoded lines up to "end". */
		while (nx < n) {
			size_t after = next_line(p, n, nx, &ls, &le);
			if (le - ls == 3 && memcmp(p + ls, "end", 3) == 0) {
				nx = after;
				break;
			}
			if (!uu_line(p, ls, le) && !(le - ls == 1 && p[ls] == '`') && le != ls)
				break;
			nx = after;
		}
		*bend = nx;
		return 1;
	}
	return 0;
}

int uuencode_decode(const unsigned char *p, size_t n, struct phi_buf *out)
{
	size_t i, ls, le, j, len;
	int rc;

	i = next_line(p, n, 0, &ls, &le); /* the begin line */
	while (i < n) {
		i = next_line(p, n, i, &ls, &le);
		if (le - ls == 3 && memcmp(p + ls, "end", 3) == 0)
			break;
		if (!uu_line(p, ls, le))
			continue;
		len = (size_t)((p[ls] - 32) & 63);
		for (j = ls + 1; len > 0 && j + 3 < le; j += 4) {
			unsigned char c0 = (p[j] - 32) & 63, c1 = (p[j + 1] - 32) & 63;
			unsigned char c2 = (p[j + 2] - 32) & 63, c3 = (p[j + 3] - 32) & 63;
			unsigned char o[3];
			size_t k = len < 3 ? len : 3;
			o[0] = (unsigned char)(c0 << 2 | c1 >> 4);
			o[1] = (unsigned char)(c1 << 4 | c2 >> 2);
			o[2] = (unsigned char)(c2 << 6 | c3);
			if ((rc = phi_buf_append(out, o, k)) != PHI_OK)
				return rc;
			len -= k;
		}
	}
	return PHI_OK;
}
