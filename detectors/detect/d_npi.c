/*
 * d_npi.c - National Provider Identifiers (docs/IDENTIFIERS.md section 2):
 * ten digits starting 1 or 2 whose Luhn check over "80840" + the number
 * holds, bare or written 1234-567-893 / 1234 567 893. With an NPI label
 * near: high; else low (a provider id is context, never PHI by itself).
 */
#include "det.h"

void d_npi_num(struct det_seg *ds, const struct numrun *r)
{
	char d[16];
	int g;

	for (g = 0; g < r->ng; g++) {
		int g1 = -1;
		size_t a, b;
		int kw;

		if (r->gl[g] == 10)
			g1 = g;
		else if (g + 2 < r->ng && r->gl[g] == 4 && r->gl[g + 1] == 3 && r->gl[g + 2] == 3 &&
		         r->sep[g + 1] == r->sep[g + 2] && (r->sep[g + 1] == '-' || r->sep[g + 1] == ' '))
			g1 = g + 2;
		if (g1 < 0 || !num_isolated(ds, r, g, g1))
			continue;
		if (num_digits(ds, r, g, g1, d, sizeof d) != 10 || !cs_npi(d))
			continue;
		a = r->gs[g];
		b = r->gs[g1] + r->gl[g1];
		kw = (ctx_near(ds, a, b, 40, 10) & K_NPI) != 0;
		det_add(ds, PHI_T_NPI, kw ? PHI_CONF_HIGH : PHI_CONF_LOW, a, b - a, kw ? "+npi luhn" : "luhn");
		g = g1;
	}
}
