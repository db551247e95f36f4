/*
 * memfind.h - memmem for a short fixed needle in mail text.
 *
 * The extractors look for markers ("MSH|", "begin ", "<ClinicalDocument",
 * "\"resourceType\"") in every text part, where they are almost never
 * present. glibc memmem walks every byte of the haystack (about two
 * instructions per byte); memfind instead memchr()s (SIMD) for the needle's
 * least common byte in English mail and compares only where that byte
 * occurs, which for '|', '<' or '"' is a few times per kilobyte. Same
 * contract as memmem: the first occurrence, or NULL. Header only.
 */
#ifndef PHI_MEMFIND_H
#define PHI_MEMFIND_H

#include <stddef.h>
#include <string.h>

/* Rough frequency rank of a byte in mail text (higher = more common). */
static inline unsigned memfind_rank(unsigned char c)
{
	static const char common[] = " etaoinshrdlcumwfgypbvk\r\n.,";
	const char *q;

	if (c == 0)
		return 0;
	q = memchr(common, c, sizeof common - 1);
	if (q)
		return 100 - (unsigned)(q - common);
	if (c >= '0' && c <= '9')
		return 60;
	if ((c >= 'A' && c <= 'Z') || c == '-' || c == '\t')
		return 50;
	return 10;
}

static inline const unsigned char *memfind(const unsigned char *h, size_t n, const char *needle,
                                           size_t nl)
{
	const unsigned char *q, *end, *s;
	size_t r = 0, i;
	unsigned best = ~0u;

	if (nl == 0)
		return h;
	if (n < nl)
		return NULL;
	for (i = 0; i < nl; i++) {
		unsigned k = memfind_rank((unsigned char)needle[i]);
		if (k < best)
			best = k, r = i;
	}
	/* needle[r] of a match starting at s sits at s + r, s in [0, n - nl] */
	q = h + r;
	end = h + (n - nl) + r + 1;
	while (q < end && (q = memchr(q, (unsigned char)needle[r], (size_t)(end - q))) != NULL) {
		s = q - r;
		if (memcmp(s, needle, nl) == 0)
			return s;
		q++;
	}
	return NULL;
}

#endif
