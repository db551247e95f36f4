/*
 * d_ids.c - identifiers written as one letters-and-digits token:
 * Medicare MBI, legacy HICN, DEA numbers, VINs, driver's licence shapes.
 *
 *   MBI   11 characters C A AN N A AN N A A N N (letters without S L O I B
 *         Z), dashes 4-3-4 optional, any case (docs/IDENTIFIERS.md 4): the
 *         layout is strong (1 in 10,000 random strings) but queue ids and
 *         part numbers are many: high with "Medicare"/"MBI" or health words
 *         near, else low.
 *   HICN  a valid SSN + 1-2 character BIC, only with a Medicare/HICN label
 *         -> health_plan_id.
 *   DEA   2 letters + 7 digits with the check digit; a provider id: low,
 *         high with "DEA".
 *   VIN   17 characters without I O Q, check digit in position 9.
 *   licence  one letter + 7-8 digits (a common state format): low, medium
 *         with a licence label.
 */
#include <string.h>
#include "det.h"

static int mbi_letter(unsigned char c)
{
	c = (unsigned char)(c >= 'a' && c <= 'z' ? c - 32 : c);
	return c >= 'A' && c <= 'Z' && !strchr("SLOIBZ", c);
}

/* Strip '-' from [a, b) into out; returns the length or -1. */
static int squeeze(const unsigned char *t, size_t a, size_t b, char *out, size_t cap)
{
	size_t k = 0;

	for (; a < b; a++) {
		if (t[a] == '-')
			continue;
		if (k + 1 >= cap)
			return -1;
		out[k++] = (char)t[a];
	}
	out[k] = 0;
	return (int)k;
}

static int mbi_valid(const char *s)
{
	/* C A AN N A AN N A A N N */
	static const char lay[] = "CAMNAMNAANN";
	int i;

	if (strlen(s) != 11)
		return 0;
	for (i = 0; i < 11; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (lay[i]) {
		case 'C': if (c < '1' || c > '9') return 0; break;
		case 'N': if (!IS_DIGIT(c)) return 0; break;
		case 'A': if (!mbi_letter(c)) return 0; break;
		default: if (!IS_DIGIT(c) && !mbi_letter(c)) return 0; break;
		}
	}
	return 1;
}

static int has_lower(const char *s)
{
	for (; *s; s++)
		if (*s >= 'a' && *s <= 'z')
			return 1;
	return 0;
}

static int bic_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > 2 || !IS_UPPER(s[0]))
		return 0;
	return n == 1 || IS_DIGIT(s[1]) || IS_UPPER(s[1]);
}

void d_ids_token(struct det_seg *ds, size_t a, size_t b)
{
	const unsigned char *t = ds->t;
	char s[40];
	int n = squeeze(t, a, b, s, sizeof s);
	uint32_t near;

	if (n < 9 || n > 17)
		return;
	if (n == 11 && mbi_valid(s)) {
		/* dashes, if any, at the card's places: 1EG4-TE5-MK73 */
		if (b - a == 13 && !(t[a + 4] == '-' && t[a + 8] == '-'))
			return;
		near = ctx_near(ds, a, b, 60, 20);
		if (near & K_MBI)
			det_add(ds, PHI_T_MEDICARE_MBI, PHI_CONF_HIGH, a, b - a, "+medicare layout");
		else if (near & K_NEG) /* an order, tracking or confirmation code */
			det_add(ds, PHI_T_MEDICARE_MBI, PHI_CONF_LOW, a, b - a, "layout -reference");
		else if (has_lower(s))
			det_add(ds, PHI_T_MEDICARE_MBI, PHI_CONF_LOW, a, b - a, "layout");
		else if (det_health_near(ds, a, b))
			det_add(ds, PHI_T_MEDICARE_MBI, PHI_CONF_HIGH, a, b - a, "layout +health");
		else
			det_add(ds, PHI_T_MEDICARE_MBI, PHI_CONF_LOW, a, b - a, "layout");
		return;
	}
	/* HICN: nine digits and the BIC, the SSN part written with its dashes too */
	if ((n == 10 || n == 11) &&
	    (b - a == (size_t)n || (b - a == (size_t)n + 2 && t[a + 3] == '-' && t[a + 6] == '-'))) {
		char ssn[10];
		int k, dig = 1;
		for (k = 0; k < 9; k++)
			if (!IS_DIGIT(s[k]))
				dig = 0;
		if (dig && bic_ok(s + 9)) {
			memcpy(ssn, s, 9);
			ssn[9] = 0;
			near = ctx_near(ds, a, b, 60, 20);
			if (ssn_valid(ssn) && (near & (K_HICN | K_MBI)))
				det_add(ds, PHI_T_HEALTH_PLAN_ID, PHI_CONF_HIGH, a, b - a, "+hicn");
			return;
		}
	}
	if (n == 9 && b - a == 9 && IS_UPPER(s[0]) && (IS_UPPER(s[1]) || s[1] == '9') && cs_dea(s)) {
		near = ctx_near(ds, a, b, 40, 10);
		det_add(ds, PHI_T_DEA_NUMBER, (near & K_DEA) ? PHI_CONF_HIGH : PHI_CONF_LOW, a, b - a,
		        (near & K_DEA) ? "+dea check" : "check");
		return;
	}
	if (n == 17 && b - a == 17) {
		int k, dig = 0, alpha = 0;
		for (k = 0; k < 17; k++) {
			if (IS_DIGIT(s[k]))
				dig++;
			else
				alpha++;
		}
		if (dig >= 5 && alpha >= 2 && cs_vin(s)) {
			near = ctx_near(ds, a, b, 40, 10);
			det_add(ds, PHI_T_VEHICLE_ID, (near & K_VIN) ? PHI_CONF_HIGH : PHI_CONF_MEDIUM, a, b - a,
			        (near & K_VIN) ? "+vin check" : "check");
		}
		return;
	}
	if ((n == 8 || n == 9) && b - a == (size_t)n && IS_UPPER(s[0])) {
		int k, ok = 1;
		for (k = 1; k < n; k++)
			if (!IS_DIGIT(s[k]))
				ok = 0;
		if (ok) {
			near = ctx_near(ds, a, b, 40, 10);
			if (!(near & K_NEG))
				det_add(ds, PHI_T_LICENSE_NUMBER, (near & K_LICENSE) ? PHI_CONF_MEDIUM : PHI_CONF_LOW,
				        a, b - a, (near & K_LICENSE) ? "+license" : "shape");
		}
	}
}
