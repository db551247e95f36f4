/*
 * d_ssn.c - US Social Security numbers (docs/IDENTIFIERS.md section 1).
 *
 * AAA-GG-SSSS with one separator, '-' or ' ', used twice; or nine bare
 * digits, only when an SSN label ("SSN", "social security", "ss#", "soc
 * sec") stands just before. Never issued: area 000, 666, 900-999; group 00;
 * serial 0000; the public 078-05-1120 and 219-09-9999; the test values
 * 123-45-6789, all-same digits and groups of one repeated digit (111-22-3333). Confidence: a label makes it high;
 * without one, health words near make a dashed one medium, else it is low
 * (order, confirmation and voucher numbers share the shape).
 */
#include <string.h>
#include "det.h"

int ssn_valid(const char *d)
{
	int area, i, same = 1;

	if (strlen(d) != 9)
		return 0;
	for (i = 0; i < 9; i++) {
		if (!IS_DIGIT(d[i]))
			return 0;
		if (d[i] != d[0])
			same = 0;
	}
	if (same)
		return 0;
	area = (d[0] - '0') * 100 + (d[1] - '0') * 10 + (d[2] - '0');
	if (area == 0 || area == 666 || area >= 900)
		return 0;
	if (d[3] == '0' && d[4] == '0')
		return 0;
	if (memcmp(d + 5, "0000", 4) == 0)
		return 0;
	if (!strcmp(d, "078051120") || !strcmp(d, "219099999") || !strcmp(d, "123456789"))
		return 0;
	/* 111-22-3333: every group one repeated digit, a typed example */
	if (d[1] == d[0] && d[2] == d[0] && d[4] == d[3] && d[6] == d[5] && d[7] == d[5] && d[8] == d[5])
		return 0;
	return 1;
}

static int ssn_label(const struct det_seg *ds, size_t a, size_t b)
{
	return ctx_before(ds, a, 48, K_SSN) != NULL || (ctx_near(ds, a, b, 0, 24) & K_SSN);
}

static void report(struct det_seg *ds, size_t a, size_t b, int shape)
{
	int kw = ssn_label(ds, a, b);
	int neg = (ctx_near(ds, a, b, 48, 16) & K_NEG) != 0;
	int health = det_health_near(ds, a, b);
	enum phi_confidence c;
	const char *why;

	if (shape == 0) { /* dashes */
		c = kw ? PHI_CONF_HIGH : neg ? PHI_CONF_LOW : health ? PHI_CONF_MEDIUM : PHI_CONF_LOW;
	} else if (shape == 1) { /* spaces */
		c = kw ? PHI_CONF_HIGH : neg ? PHI_CONF_LOW : health ? PHI_CONF_MEDIUM : PHI_CONF_LOW;
	} else { /* bare: label required */
		if (!kw)
			return;
		c = neg ? PHI_CONF_MEDIUM : PHI_CONF_HIGH;
	}
	why = kw ? (health ? "+ssn +health" : "+ssn") : neg ? "-reference" : health ? "+health" : "shape";
	det_add(ds, PHI_T_US_SSN, c, a, b - a, why);
}

void d_ssn_num(struct det_seg *ds, const struct numrun *r)
{
	char d[16];
	int g;

	for (g = 0; g < r->ng; g++) {
		if (g + 2 < r->ng && r->gl[g] == 3 && r->gl[g + 1] == 2 && r->gl[g + 2] == 4 &&
		    r->sep[g + 1] == r->sep[g + 2] && (r->sep[g + 1] == '-' || r->sep[g + 1] == ' ') &&
		    num_isolated(ds, r, g, g + 2)) {
			int sp = r->sep[g + 1] == ' ';
			if (sp && ((g > 0 && r->sep[g] == ' ') || (g + 3 < r->ng && r->sep[g + 3] == ' ')))
				continue;
			if (num_digits(ds, r, g, g + 2, d, sizeof d) == 9 && ssn_valid(d))
				report(ds, r->gs[g], r->gs[g + 2] + r->gl[g + 2], sp);
			continue;
		}
		if (r->gl[g] == 9 && num_isolated(ds, r, g, g) &&
		    !(g > 0 && r->sep[g] == ' ' && r->gl[g - 1] <= 4) &&
		    num_digits(ds, r, g, g, d, sizeof d) == 9 && ssn_valid(d))
			report(ds, r->gs[g], r->gs[g] + 9, 2);
	}
}
