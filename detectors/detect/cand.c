/*
 * cand.c - the candidate pass: one walk over a segment's text that finds the
 * places worth validating and hands them to the d_*.c validators.
 *
 *   digit runs      groups of digits joined by one '-', ' ', '.', '/' or "(NNN) "
 *                   ("078-05-1120", "(415) 555-0132", "4111 1111 1111 1111")
 *   mixed tokens    letters and digits together, with inner '-' or '.'
 *                   ("1EG4-TE5-MK73", "E11.9", "AB1234563", VINs)
 *   '@' ':' '.'     e-mail addresses, IPv6, URLs and bare domains
 *
 * Text between candidates costs one table look-up per byte. Validators get
 * the run or token and decide; nothing is allocated here.
 */
#include <string.h>
#include "det.h"

int num_digits(const struct det_seg *ds, const struct numrun *r, int g0, int g1, char *out,
               size_t cap)
{
	size_t k = 0;
	int g;

	for (g = g0; g <= g1; g++) {
		if (k + r->gl[g] + 1 > cap)
			return -1;
		memcpy(out + k, ds->t + r->gs[g], r->gl[g]);
		k += r->gl[g];
	}
	out[k] = 0;
	return (int)k;
}

int num_isolated(const struct det_seg *ds, const struct numrun *r, int g0, int g1)
{
	const unsigned char *t = ds->t;
	size_t a = r->gs[g0], b = r->gs[g1] + r->gl[g1];

	if (g0 > 0 && r->sep[g0] != ' ')
		return 0;
	if (g1 + 1 < r->ng && r->sep[g1 + 1] != ' ')
		return 0;
	/* glued to letters, or to more digits behind a separator the run did not take */
	if (a > 0 && IS_ALNUM(t[a - 1]))
		return 0;
	if (b < ds->n && IS_ALNUM(t[b]))
		return 0;
	if (b + 1 < ds->n && (t[b] == '-' || t[b] == '/' || t[b] == '.') && IS_ALNUM(t[b + 1]))
		return 0;
	if (a >= 2 && (t[a - 1] == '-' || t[a - 1] == '/' || (t[a - 1] == '.' && g0 == 0)) &&
	    IS_ALNUM(t[a - 2]))
		return 0;
	return 1;
}

/* Parse the digit run starting at i (a digit not preceded by a digit). */
static size_t num_parse(const struct det_seg *ds, size_t i, struct numrun *r)
{
	const unsigned char *t = ds->t;
	size_t n = ds->n, j = i;

	memset(r, 0, sizeof *r);
	r->start = i;
	if (i > 0 && t[i - 1] == '(') {
		r->paren = 1;
		r->start = i - 1;
	}
	if (r->start > 0 && t[r->start - 1] == '+') {
		r->plus = 1;
		r->start--;
	} else if (r->start > 1 && t[r->start - 1] == ' ' && t[r->start - 2] == '+') {
		r->plus = 1; /* "+ 1 415 ..." is rare; accept "+" one space before */
	}
	for (;;) {
		size_t gs = j;
		while (j < n && IS_DIGIT(t[j]))
			j++;
		if (r->ng < NUM_MAXG) {
			r->gs[r->ng] = gs;
			r->gl[r->ng] = (unsigned char)(j - gs > 200 ? 200 : j - gs);
			r->ng++;
		}
		if (j - gs > 40 || r->ng >= NUM_MAXG)
			break;
		if (r->paren && r->ng == 1) {
			if (j < n && t[j] == ')') {
				size_t k = j + 1;
				if (k < n && t[k] == ' ')
					k++;
				if (k < n && IS_DIGIT(t[k])) {
					r->sep[r->ng] = ')';
					j = k;
					continue;
				}
			}
			r->paren = 0;
		}
		if (j + 1 < n && (t[j] == '-' || t[j] == ' ' || t[j] == '.' || t[j] == '/') &&
		    IS_DIGIT(t[j + 1])) {
			r->sep[r->ng] = (char)t[j];
			j++;
			continue;
		}
		break;
	}
	r->end = j;
	return j;
}

static void token_checks(struct det_seg *ds, size_t a, size_t b, int has_digit, int has_alpha,
                         int has_dot, size_t *resume)
{
	if (has_digit && has_alpha) {
		d_ids_token(ds, a, b);
		d_codes_token(ds, a, b);
	}
	const unsigned char *t = ds->t;

	if (has_alpha && has_dot)
		d_url_at(ds, a, resume);
	else if (b - a >= 4 && b - a <= 5 && b + 2 < ds->n && t[b] == ':' && t[b + 1] == '/' &&
	         (t[a] | 0x20) == 'h')
		d_url_at(ds, a, resume);
}

void cand_scan(struct det_seg *ds)
{
	const unsigned char *t = ds->t;
	size_t n = ds->n, num_until = 0, resume = 0, ci;

	for (ci = 0; ci < ds->ncands; ci++) {
		size_t i = ds->cands[ci].a, j, r;
		uint32_t kind = ds->cands[ci].kind;
		unsigned char c = t[i], fl = 0;
		int has_dot = 0;

		if (i < resume)
			continue;
		if (kind == CT_AT) {
			r = i + 1;
			d_email_at(ds, i, &r);
			resume = r;
			continue;
		}
		if (kind == CT_COLON) {
			r = i + 1;
			d_ip6_at(ds, i, &r);
			resume = r;
			continue;
		}
		/* a token: alnum with inner single '-' or '.'; the one pass measured its first run */
		j = ds->cands[ci].b;
		fl = (unsigned char)ds->cands[ci].cls;
		for (;;) {
			while (j < n && (det_cls[t[j]] & (DC_DIGIT | DC_ALPHA)))
				fl |= det_cls[t[j++]];
			if (j + 1 < n && (t[j] == '-' || t[j] == '.') && IS_ALNUM(t[j + 1])) {
				if (t[j] == '.')
					has_dot = 1;
				j++;
				continue;
			}
			break;
		}
		r = j;
		if (IS_DIGIT(c) && i >= num_until && !(i > 0 && IS_ALNUM(t[i - 1]))) {
			struct numrun nr;
			int g, total = 0;
			num_until = num_parse(ds, i, &nr);
			for (g = 0; g < nr.ng; g++)
				total += nr.gl[g];
			/* "3", "2024", "10.5": nothing here has fewer than five digits
			 * except a dotted quad */
			if (total >= 5 || nr.ng >= 4) {
				d_ssn_num(ds, &nr);
				d_phone_num(ds, &nr);
				d_card_num(ds, &nr);
				d_npi_num(ds, &nr);
				d_ip4_num(ds, &nr);
				d_codes_num(ds, &nr);
				d_zip_num(ds, &nr);
			}
		}
		token_checks(ds, i, j, (fl & DC_DIGIT) != 0, (fl & DC_ALPHA) != 0, has_dot, &r);
		if (j < n && t[j] == ':' && j + 1 < n && (t[j + 1] == ':' || IS_HEX(t[j + 1]))) {
			size_t r2 = j + 1;
			d_ip6_at(ds, j, &r2);
			if (r2 > r)
				r = r2;
		}
		resume = r;
	}
}
