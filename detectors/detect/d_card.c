/*
 * d_card.c - payment card numbers (docs/IDENTIFIERS.md section 6).
 *
 * 13-19 digits, bare or in groups of one separator (' ' or '-'), Luhn
 * valid, with a known issuer prefix (Visa 4, Mastercard 51-55 and
 * 2221-2720, Amex 34/37, Discover 6011/644-649/65, JCB 35, Diners 30/36/38,
 * Maestro 50/56-58/6x). A leading 1 (timestamps) is never a card. Card words
 * near ("card", "Visa", "exp", "charge") make it high; without them it is
 * low: one serial number in ten passes Luhn.
 */
#include <string.h>
#include "det.h"

static int issuer(const char *d, size_t n)
{
	int p2 = (d[0] - '0') * 10 + (d[1] - '0');
	int p4 = p2 * 100 + (d[2] - '0') * 10 + (d[3] - '0');
	int p3 = p4 / 10;

	if (d[0] == '4')
		return n == 13 || n == 16 || n == 19;
	if (p2 >= 51 && p2 <= 55)
		return n == 16;
	if (p4 >= 2221 && p4 <= 2720)
		return n == 16;
	if (p2 == 34 || p2 == 37)
		return n == 15;
	if (p4 == 6011 || (p3 >= 644 && p3 <= 649) || p2 == 65)
		return n >= 16;
	if (p2 == 35)
		return n >= 16;
	if (p2 == 30 || p2 == 36 || p2 == 38)
		return n >= 14;
	if (p2 == 50 || (p2 >= 56 && p2 <= 58) || (p2 >= 60 && p2 <= 69))
		return n >= 12; /* Maestro */
	return 0;
}

void d_card_num(struct det_seg *ds, const struct numrun *r)
{
	char d[48];
	int g0, g1, total = 0;

	for (g0 = 0; g0 < r->ng; g0++)
		total += r->gl[g0];
	if (total < 12)
		return;
	for (g0 = 0; g0 < r->ng; g0++) {
		for (g1 = g0; g1 < r->ng; g1++) {
			int nd, k, ok = 1;
			char sep = g1 > g0 ? r->sep[g0 + 1] : 0;
			size_t a, b;
			uint32_t near;
			enum phi_confidence c;

			if (g1 > g0 && r->sep[g1] != sep)
				break;
			if (sep && sep != ' ' && sep != '-')
				break;
			for (k = g0; k <= g1; k++)
				if (r->gl[k] > 19 || (g1 > g0 && (r->gl[k] < 3 || r->gl[k] > 6)))
					ok = 0;
			if (!ok)
				break;
			nd = num_digits(ds, r, g0, g1, d, sizeof d);
			if (nd < 0 || nd > 19)
				break;
			if (nd < 12 || !num_isolated(ds, r, g0, g1))
				continue;
			if (sep == ' ' && ((g0 > 0 && r->sep[g0] == ' ') || (g1 + 1 < r->ng && r->sep[g1 + 1] == ' ')))
				continue;
			if (d[0] == '1' || d[0] == '0' || !issuer(d, (size_t)nd) || !cs_luhn(d, (size_t)nd))
				continue;
			a = r->gs[g0];
			b = r->gs[g1] + r->gl[g1];
			near = ctx_near(ds, a, b, 60, 30);
			c = (near & K_CARD) ? PHI_CONF_HIGH : PHI_CONF_LOW;
			det_add(ds, PHI_T_CREDIT_CARD, c, a, b - a,
			        (near & K_CARD) ? "+card luhn" : (near & K_NEG) ? "luhn -reference" : "luhn");
			return;
		}
	}
}
