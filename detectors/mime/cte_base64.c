/*
 * cte_base64.c - tolerant base64 decoding of MIME bodies and RFC 2047 "B" words.
 *
 * Mail in the wild has line breaks of every kind, stray junk and missing or
 * early padding. Anything outside the alphabet is skipped; a '=' completes
 * the current quantum, after which decoding resumes with a fresh one:
 * Python and many readers stop there, but a scanner must not let text hide
 * behind a stray '='. Output is bounded by out->max. Never logs.
 */
#include "mime.h"
#include "phi/status.h"

static const signed char B64[256] = {
	['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6, ['G'] = 7, ['H'] = 8,
	['I'] = 9, ['J'] = 10, ['K'] = 11, ['L'] = 12, ['M'] = 13, ['N'] = 14, ['O'] = 15,
	['P'] = 16, ['Q'] = 17, ['R'] = 18, ['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22,
	['W'] = 23, ['X'] = 24, ['Y'] = 25, ['Z'] = 26, ['a'] = 27, ['b'] = 28, ['c'] = 29,
	['d'] = 30, ['e'] = 31, ['f'] = 32, ['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36,
	['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40, ['o'] = 41, ['p'] = 42, ['q'] = 43,
	['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48, ['w'] = 49, ['x'] = 50,
	['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54, ['2'] = 55, ['3'] = 56, ['4'] = 57,
	['5'] = 58, ['6'] = 59, ['7'] = 60, ['8'] = 61, ['9'] = 62, ['+'] = 63, ['/'] = 64,
}; /* value + 1; 0 = not in the alphabet */

/* Emit the bytes of a partial quantum of q sextets (2 or 3). */
static int flush(unsigned long acc, int q, struct phi_buf *out)
{
	unsigned char b[3];

	if (q == 2) {
		b[0] = (unsigned char)(acc >> 4);
		return phi_buf_append(out, b, 1);
	}
	if (q == 3) {
		b[0] = (unsigned char)(acc >> 10);
		b[1] = (unsigned char)(acc >> 2);
		return phi_buf_append(out, b, 2);
	}
	return PHI_OK;
}

int cte_base64_decode(const unsigned char *p, size_t n, struct phi_buf *out)
{
	unsigned char chunk[4096];
	size_t i, k = 0;
	unsigned long acc = 0;
	int q = 0, rc;

	if ((rc = phi_buf_reserve(out, n / 4 * 3 < out->max ? n / 4 * 3 : 0)) == PHI_ENOMEM)
		return rc;
	for (i = 0; i < n; i++) {
		int v;
		/* Whole quanta of four alphabet bytes, the common case between
		 * line breaks: one table look-up each, no per-byte state. */
		while (q == 0 && n - i >= 4 && k <= sizeof chunk - 3) {
			int a = B64[p[i]], b = B64[p[i + 1]], c = B64[p[i + 2]], e = B64[p[i + 3]];
			unsigned long w;
			if (!a || !b || !c || !e)
				break;
			w = (unsigned long)(a - 1) << 18 | (unsigned long)(b - 1) << 12 |
			    (unsigned long)(c - 1) << 6 | (unsigned long)(e - 1);
			chunk[k++] = (unsigned char)(w >> 16);
			chunk[k++] = (unsigned char)(w >> 8);
			chunk[k++] = (unsigned char)w;
			i += 4;
			if (k > sizeof chunk - 3) {
				if ((rc = phi_buf_append(out, chunk, k)) != PHI_OK)
					return rc;
				k = 0;
			}
		}
		if (i >= n)
			break;
		v = B64[p[i]];
		if (v == 0) {
			if (p[i] == '=' && q > 0) {
				if ((rc = phi_buf_append(out, chunk, k)) != PHI_OK)
					return rc;
				k = 0;
				if ((rc = flush(acc, q, out)) != PHI_OK)
					return rc;
				q = 0;
				acc = 0;
			}
			continue;
		}
		acc = acc << 6 | (unsigned long)(v - 1);
		if (++q == 4) {
			chunk[k++] = (unsigned char)(acc >> 16);
			chunk[k++] = (unsigned char)(acc >> 8);
			chunk[k++] = (unsigned char)acc;
			q = 0;
			acc = 0;
			if (k > sizeof chunk - 3) {
				if ((rc = phi_buf_append(out, chunk, k)) != PHI_OK)
					return rc;
				k = 0;
			}
		}
	}
	if ((rc = phi_buf_append(out, chunk, k)) != PHI_OK)
		return rc;
	return flush(acc, q, out);
}
