/*
 * d_phone.c - telephone and fax numbers.
 *
 * NANP (docs/IDENTIFIERS.md section 10): (NNN) NNN-NNNN, NNN-NNN-NNNN,
 * NNN.NNN.NNNN, NNN NNN NNNN, with an optional +1 / 1- in front; area code
 * 2-9, second digit not 9, not N11, not 37X/96X; exchange 2-9 and not N11.
 * Ten bare digits count only with a phone word near. 555-01XX numbers are
 * fictional and reported low. International numbers ("+44 20 7946 0958",
 * 8-15 digits after '+') are reported low, as are Chinese mobile numbers
 * (11 digits 1[3-9]...). "fax", "f:" just before make it a fax. A contact
 * type: never makes a message pii by itself.
 */
#include <string.h>
#include "det.h"

static int nanp_ok(const char *d)
{
	int a0 = d[0] - '0', a1 = d[1] - '0', a2 = d[2] - '0', e0 = d[3] - '0', e1 = d[4] - '0',
	    e2 = d[5] - '0';

	if (a0 < 2 || a1 == 9 || (a1 == 1 && a2 == 1))
		return 0;
	if ((a0 == 3 && a1 == 7) || (a0 == 9 && a1 == 6))
		return 0;
	if (e0 < 2 || (e1 == 1 && e2 == 1))
		return 0;
	return 1;
}

static void report(struct det_seg *ds, size_t a, size_t b, enum phi_confidence c, const char *why)
{
	const struct kw_hit *f = ctx_before(ds, a, 24, K_FAX);
	const struct kw_hit *p = ctx_before(ds, a, 24, K_PHONE);
	int fax = f && (!p || p->end < f->end);

	det_add(ds, fax ? PHI_T_FAX : PHI_T_PHONE, c, a, b - a, fax ? "+fax" : why);
}

void d_phone_num(struct det_seg *ds, const struct numrun *r)
{
	char d[48];
	int g = 0, g1 = -1, nd;
	size_t a, b;
	enum phi_confidence c = PHI_CONF_MEDIUM;

	if (r->ng >= 1 && r->ng <= 4 && !r->paren && r->plus) {
		/* international: +CC groups */
		int k;
		nd = num_digits(ds, r, 0, r->ng - 1, d, sizeof d);
		for (k = 1; k < r->ng; k++)
			if (r->sep[k] != ' ' && r->sep[k] != '-' && r->sep[k] != '.')
				nd = -1;
		if (d[0] == '1' && nd == 11 && nanp_ok(d + 1)) {
			report(ds, r->start, r->end, PHI_CONF_MEDIUM, "nanp");
			return;
		}
		if (nd >= 8 && nd <= 15 && num_isolated(ds, r, 0, r->ng - 1)) {
			report(ds, r->start, r->end, PHI_CONF_LOW, "international");
			return;
		}
	}
	if (r->plus && r->ng >= 5 && r->gl[0] <= 3) {
		int k, ok = 1;
		for (k = 1; k < r->ng; k++)
			if (r->sep[k] != ' ')
				ok = 0;
		nd = num_digits(ds, r, 0, r->ng - 1, d, sizeof d);
		if (ok && nd >= 8 && nd <= 15) {
			report(ds, r->start, r->end, PHI_CONF_LOW, "international");
			return;
		}
	}
	for (g = 0; g < r->ng; g++) {
		int lead = 0;
		g1 = -1;
		if (r->gl[g] == 1 && r->gs[g] < ds->n && ds->t[r->gs[g]] == '1' && g + 3 < r->ng)
			lead = 1; /* 1-800-555-0100, +1 415 ... */
		if (g + lead >= r->ng)
			break;
		if (r->gl[g + lead] == 3 && g + lead + 2 < r->ng && r->gl[g + lead + 1] == 3 &&
		    r->gl[g + lead + 2] == 4) {
			char s1 = r->sep[g + lead + 1], s2 = r->sep[g + lead + 2];
			if ((s1 == ')' && (s2 == '-' || s2 == '.' || s2 == ' ')) ||
			    (s1 == s2 && (s1 == '-' || s1 == '.' || s1 == ' ')))
				g1 = g + lead + 2;
		} else if (!lead && r->gl[g] == 10) {
			g1 = g;
		} else if (!lead && r->gl[g] == 11 && ds->t[r->gs[g]] == '1' && ds->t[r->gs[g] + 1] >= '3') {
			if (num_isolated(ds, r, g, g)) {
				report(ds, r->gs[g], r->gs[g] + 11, PHI_CONF_LOW, "mobile");
				return;
			}
			continue;
		}
		if (g1 < 0)
			continue;
		if (!num_isolated(ds, r, g, g1) && !(g == 0 && r->paren))
			continue;
		nd = num_digits(ds, r, g + lead, g1, d, sizeof d);
		if (nd != 10 || !nanp_ok(d))
			continue;
		a = (g == 0) ? r->start : r->gs[g];
		b = r->gs[g1] + r->gl[g1];
		if (g1 == g) { /* ten bare digits */
			if (!(ctx_near(ds, a, b, 30, 0) & (K_PHONE | K_FAX)))
				continue;
			c = PHI_CONF_MEDIUM;
		} else if (d[3] == '5' && d[4] == '5' && d[5] == '5' && d[6] == '0' && d[7] == '1') {
			c = PHI_CONF_LOW; /* 555-0100..0199: fictional */
		}
		report(ds, a, b, c, "nanp");
		return;
	}
}
