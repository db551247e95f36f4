/*
 * d_codes.c - medical codes (health information, not identifiers):
 * ICD-10-CM, ICD-9-CM, CPT/HCPCS and NDC (docs/IDENTIFIERS.md sections 9, 11).
 *
 * Shapes alone match part numbers, ZIP codes and versions, so every code
 * needs a cue: "ICD", "diagnosis", "dx" near an ICD code (or a clinical
 * segment), "CPT", "procedure code", "HCPCS" near a CPT code, "NDC" near an
 * NDC; part/model/SKU words near a code reject it.
 */
#include "det.h"

static int icd10_shape(const unsigned char *t, size_t a, size_t b, int *dotted)
{
	size_t i, dot = 0, n = b - a;

	*dotted = 0;
	if (n < 3 || n > 8 || !IS_UPPER(t[a]) || !IS_DIGIT(t[a + 1]) || !IS_ALNUM(t[a + 2]))
		return 0;
	if (IS_ALPHA(t[a + 2]) && !IS_UPPER(t[a + 2]))
		return 0;
	for (i = a + 3; i < b; i++) {
		if (t[i] == '.') {
			if (i != a + 3 || dot)
				return 0;
			dot = i;
			continue;
		}
		if (!IS_DIGIT(t[i]) && !IS_UPPER(t[i]))
			return 0;
	}
	if (dot) {
		if (b - dot - 1 < 1 || b - dot - 1 > 4)
			return 0;
		*dotted = 1;
	} else if (n > 7) {
		return 0;
	}
	return 1;
}

void d_codes_token(struct det_seg *ds, size_t a, size_t b)
{
	const unsigned char *t = ds->t;
	uint32_t near;
	int dotted;

	if (icd10_shape(t, a, b, &dotted)) {
		near = ctx_near(ds, a, b, 60, 30);
		if (near & K_PARTNO)
			return;
		if ((near & K_ICD) || (dotted && ds->clinical)) {
			det_add(ds, PHI_T_ICD10, PHI_CONF_MEDIUM, a, b - a, (near & K_ICD) ? "+icd" : "clinical");
			return;
		}
		if (dotted && (near & K_CODE) && det_health_near(ds, a, b))
			det_add(ds, PHI_T_ICD10, PHI_CONF_LOW, a, b - a, "+code");
		return;
	}
	/* CPT Category II/III: 4 digits + F/T; HCPCS: letter + 4 digits */
	if (b - a == 5 && ((IS_DIGIT(t[a]) && IS_DIGIT(t[a + 1]) && IS_DIGIT(t[a + 2]) && IS_DIGIT(t[a + 3]) &&
	                    (t[a + 4] == 'F' || t[a + 4] == 'T')) ||
	                   (IS_UPPER(t[a]) && IS_DIGIT(t[a + 1]) && IS_DIGIT(t[a + 2]) && IS_DIGIT(t[a + 3]) &&
	                    IS_DIGIT(t[a + 4])))) {
		near = ctx_near(ds, a, b, 40, 20);
		if ((near & K_CPT) && !(near & K_PARTNO))
			det_add(ds, PHI_T_CPT, PHI_CONF_MEDIUM, a, b - a, "+cpt");
	}
}

void d_codes_num(struct det_seg *ds, const struct numrun *r)
{
	char d[32];
	uint32_t near;
	size_t a, b;

	if (r->ng == 1 && r->gl[0] == 5 && num_isolated(ds, r, 0, 0)) {
		a = r->gs[0];
		b = a + 5;
		near = ctx_near(ds, a, b, 40, 20);
		if ((near & K_CPT) && !(near & K_PARTNO))
			det_add(ds, PHI_T_CPT, PHI_CONF_MEDIUM, a, b - a, "+cpt");
		return;
	}
	if (r->ng == 2 && r->sep[1] == '.' && r->gl[0] == 3 && r->gl[1] <= 2 && num_isolated(ds, r, 0, 1)) {
		a = r->gs[0];
		b = r->gs[1] + r->gl[1];
		near = ctx_near(ds, a, b, 40, 20);
		if ((near & K_ICD) && !(near & K_PARTNO))
			det_add(ds, PHI_T_ICD9, PHI_CONF_MEDIUM, a, b - a, "+icd");
		return;
	}
	if (r->ng == 3 && r->sep[1] == '-' && r->sep[2] == '-' && num_isolated(ds, r, 0, 2)) {
		int l0 = r->gl[0], l1 = r->gl[1], l2 = r->gl[2];
		if ((l0 == 4 && l1 == 4 && l2 == 2) || (l0 == 5 && l1 == 3 && l2 == 2) ||
		    (l0 == 5 && l1 == 4 && (l2 == 1 || l2 == 2))) {
			a = r->gs[0];
			b = r->gs[2] + r->gl[2];
			near = ctx_near(ds, a, b, 40, 20);
			if (near & K_PARTNO)
				return;
			if (near & K_NDC)
				det_add(ds, PHI_T_NDC, PHI_CONF_MEDIUM, a, b - a, "+ndc");
			else if (ds->clinical || (near & K_HEALTH))
				det_add(ds, PHI_T_NDC, PHI_CONF_LOW, a, b - a, "shape");
		}
		return;
	}
	if (r->ng == 1 && r->gl[0] == 11 && num_isolated(ds, r, 0, 0) &&
	    num_digits(ds, r, 0, 0, d, sizeof d) == 11) {
		a = r->gs[0];
		near = ctx_near(ds, a, a + 11, 30, 10);
		if ((near & K_NDC) && !(near & K_PARTNO))
			det_add(ds, PHI_T_NDC, PHI_CONF_MEDIUM, a, 11, "+ndc");
	}
}
