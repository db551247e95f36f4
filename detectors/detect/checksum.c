/*
 * checksum.c - check digits of docs/IDENTIFIERS.md: Luhn (cards), NPI (Luhn
 * over "80840" + the number), DEA (odd + 2 x even positions), ABA routing
 * (weights 3 7 1) and VIN (49 CFR 565 transliteration, mod 11). Inputs are
 * validated strings of the right length; each returns 1 when the check holds.
 * A mod-10 check passes one random string in ten: callers still need shape
 * and context.
 */
#include <string.h>
#include "det.h"

int cs_luhn(const char *d, size_t n)
{
	unsigned sum = 0, dbl = 0;
	size_t i;

	if (n == 0)
		return 0;
	for (i = n; i-- > 0;) {
		unsigned v;
		if (d[i] < '0' || d[i] > '9')
			return 0;
		v = (unsigned)(d[i] - '0');
		if (dbl) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum += v;
		dbl ^= 1;
	}
	return sum % 10 == 0;
}

int cs_npi(const char *d)
{
	char buf[16];

	if (strlen(d) != 10 || (d[0] != '1' && d[0] != '2'))
		return 0;
	memcpy(buf, "80840", 5);
	memcpy(buf + 5, d, 10);
	return cs_luhn(buf, 15);
}

int cs_dea(const char *s)
{
	unsigned sum, i, v[7];

	if (strlen(s) != 9 || !IS_ALPHA(s[0]) || !(IS_ALPHA(s[1]) || s[1] == '9'))
		return 0;
	for (i = 0; i < 7; i++) {
		if (!IS_DIGIT(s[2 + i]))
			return 0;
		v[i] = (unsigned)(s[2 + i] - '0');
	}
	sum = v[0] + v[2] + v[4] + 2 * (v[1] + v[3] + v[5]);
	return sum % 10 == v[6];
}

int cs_aba(const char *d)
{
	static const unsigned w[9] = { 3, 7, 1, 3, 7, 1, 3, 7, 1 };
	unsigned sum = 0, i, pre;

	if (strlen(d) != 9)
		return 0;
	for (i = 0; i < 9; i++) {
		if (!IS_DIGIT(d[i]))
			return 0;
		sum += w[i] * (unsigned)(d[i] - '0');
	}
	pre = (unsigned)(d[0] - '0') * 10 + (unsigned)(d[1] - '0');
	if (!(pre <= 12 || (pre >= 21 && pre <= 32) || (pre >= 61 && pre <= 72) || pre == 80))
		return 0;
	return sum % 10 == 0;
}

static int vin_value(char c)
{
	static const char *const tr = "A1B2C3D4E5F6G7H8J1K2L3M4N5P7R9S2T3U4V5W6X7Y8Z9";
	const char *p;

	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		c = (char)(c - 32);
	for (p = tr; *p; p += 2)
		if (*p == c)
			return p[1] - '0';
	return -1; /* I, O, Q and anything else */
}

int cs_vin(const char *s)
{
	static const int w[17] = { 8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2 };
	int sum = 0, i, r;
	char want;

	if (strlen(s) != 17)
		return 0;
	for (i = 0; i < 17; i++) {
		int v = vin_value(s[i]);
		if (v < 0)
			return 0;
		sum += v * w[i];
	}
	r = sum % 11;
	want = r == 10 ? 'X' : (char)('0' + r);
	return s[8] == want || (want == 'X' && s[8] == 'x');
}
