/*
 * d_kv.c - identifiers known by their label: "MRN: 4471023", "Member ID
 * W123456789", "routing number 021000021", "account # 41491267196",
 * "license no. D1234567", "UDI (01)0088...".
 *
 * After a label hit, up to three filler words ("no", "number", "id", "#",
 * "is") and punctuation are skipped, then one value token is read and
 * checked for the family's shape: MRN 5-12 alphanumerics with at least four
 * digits; plan ids 6-20 with at least three digits; accounts 6-17 digits;
 * routing numbers 9 digits with the ABA check; licences and device ids
 * alphanumerics with digits. A policy or group number is only a health plan
 * id with health words near (else car insurance and conference groups would
 * count); an account number is a bank's (medium) only with bank words
 * near (bank, checking, savings, routing, direct deposit), and low near
 * invoice/order words or without either. An "account" with a patient label near is the
 * patient's account: an MRN.
 */
#include <string.h>
#include "det.h"

static int filler(const unsigned char *t, size_t a, size_t b)
{
	static const char *const w[] = { "no", "nbr", "num", "number", "numbers", "id", "is", "was",
		                         "of", "the", "on", "file", "ending", "in", "for", "ident",
		                         "identifier", "code", "nr", "reg", "registration", "card", "and" };
	char buf[16];
	size_t i, n = b - a;

	if (n >= sizeof buf)
		return 0;
	for (i = 0; i < n; i++)
		buf[i] = (char)(t[a + i] >= 'A' && t[a + i] <= 'Z' ? t[a + i] + 32 : t[a + i]);
	buf[n] = 0;
	for (i = 0; i < sizeof w / sizeof w[0]; i++)
		if (w[i][0] == buf[0] && !strcmp(buf, w[i]))
			return 1;
	return 0;
}

/* Find the value after a label ending at `e`: sets [*va, *vb). */
static int value_after(const struct det_seg *ds, size_t e, size_t *va, size_t *vb)
{
	const unsigned char *t = ds->t;
	size_t n = ds->n, i = e, lim = e + 32, words = 0, nl = 0;

	if (lim > n)
		lim = n;
	for (;;) {
		while (i < lim && !IS_ALNUM(t[i])) {
			unsigned char c = t[i];
			if (c == '\n' && ++nl > 1)
				return 0;
			if (!(IS_SPACE(c) || c == ':' || c == '#' || c == '.' || c == '=' || c == '-' ||
			      c == '(' || c == ')' || c == '\'' || c == '"' || c == '*' || c == '|'))
				return 0;
			i++;
		}
		if (i >= lim)
			return 0;
		{
			size_t j = i;
			int dig = 0;
			while (j < n && (IS_ALNUM(t[j]) || ((t[j] == '-' || t[j] == '/') && j + 1 < n && IS_ALNUM(t[j + 1])))) {
				if (IS_DIGIT(t[j]))
					dig = 1;
				j++;
			}
			if (!dig && words < 3 && filler(t, i, j)) {
				words++;
				i = j;
				continue;
			}
			*va = i;
			*vb = j;
			return 1;
		}
	}
}

static void counts(const unsigned char *t, size_t a, size_t b, size_t *dig, size_t *alpha, size_t *other)
{
	*dig = *alpha = *other = 0;
	for (; a < b; a++) {
		if (IS_DIGIT(t[a]))
			(*dig)++;
		else if (IS_ALPHA(t[a]))
			(*alpha)++;
		else
			(*other)++;
	}
}

/* 1 when the label of hit h starts with the lower-case words w. */
static int label_is(const unsigned char *t, const struct kw_hit *h, const char *w)
{
	size_t n = strlen(w), i;

	if (h->end - h->start < n)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = t[h->start + i];
		if (w[i] == ' ' ? IS_ALNUM(c) : (unsigned char)(c | 0x20) != (unsigned char)w[i])
			return 0;
	}
	return 1;
}

/* A reference word in [lo, hi) other than "claim" (an insurance claim is
 * where member ids belong). */
static int plan_neg(const struct det_seg *ds, size_t lo, size_t hi)
{
	size_t i;

	for (i = ctx_first_hit(ds, lo); i < ds->nhits && ds->hits[i].start < hi; i++)
		if ((ds->hits[i].cats & K_NEG) && !label_is(ds->t, &ds->hits[i], "claim"))
			return 1;
	return 0;
}

static void one(struct det_seg *ds, const struct kw_hit *h)
{
	const unsigned char *t = ds->t;
	size_t va, vb, dig, alpha, other, len;
	uint32_t c = h->cats;
	int neg, health, biz;

	if (!value_after(ds, h->end, &va, &vb))
		return;
	len = vb - va;
	counts(t, va, vb, &dig, &alpha, &other);
	/* an account on an invoice or an order is the customer's, not a bank's */
	neg = (ctx_near(ds, h->start, vb, 120, 60) & K_NEG) != 0;
	health = det_health_near(ds, va, vb);
	/* remit-to details of an invoice or a vendor are a business's account */
	biz = (c & (K_ROUTING | K_ACCT)) && (ctx_near(ds, h->start, vb, 400, 200) & K_BIZ) != 0;
	if (c & K_MRN) {
		/* "Unit No." is Meditech's record number, and an apartment's or a
		 * ward's number too: only with a patient, a name or a birth date
		 * label near, or health words */
		if (label_is(t, h, "unit") && !ds->clinical &&
		    !(ctx_near(ds, h->start, vb, 200, 200) & (K_PATIENT | K_NAMELBL | K_DOB | K_HEALTH)))
			return;
		/* a NANP phone number after the label ("Hospital number 617-555-0142"
		 * is the switchboard): 3-3-4 digits split by '-', '.' */
		if (dig == 10 && len == 12 && alpha == 0 && (t[va + 3] == '-' || t[va + 3] == '.') &&
		    t[va + 7] == t[va + 3])
			return;
		if (dig >= 4 && dig + alpha >= 5 && dig + alpha <= 12 && other <= 2)
			det_add(ds, PHI_T_MRN, PHI_CONF_HIGH, va, len, "+mrn");
		return;
	}
	if (c & K_ROUTING) {
		char d[16];
		if (dig == 9 && alpha == 0 && other == 0) {
			memcpy(d, t + va, 9);
			d[9] = 0;
			if (cs_aba(d))
				det_add(ds, PHI_T_ACCOUNT_NUMBER, biz ? PHI_CONF_LOW : PHI_CONF_HIGH, va, len,
				        biz ? "+routing aba -business" : "+routing aba");
		}
		return;
	}
	if (c & K_ACCT) {
		if (alpha == 0 && dig >= 6 && dig <= 17 && other <= 3) {
			if (ctx_before(ds, h->start, 24, K_PATIENT) || (ctx_near(ds, h->start, h->end, 0, 0) & K_PATIENT))
				det_add(ds, PHI_T_MRN, PHI_CONF_MEDIUM, va, len, "+patient account");
			/* a reference word near does not make a "checking/savings/bank
			 * account" label someone's customer number */
			else if ((neg && !(c & K_BANK)) || biz)
				det_add(ds, PHI_T_ACCOUNT_NUMBER, PHI_CONF_LOW, va, len,
				        biz ? "+account -business" : "+account -reference");
			else if (ctx_near(ds, h->start, vb, 120, 60) & (K_BANK | K_ROUTING))
				det_add(ds, PHI_T_ACCOUNT_NUMBER, health ? PHI_CONF_HIGH : PHI_CONF_MEDIUM, va, len,
				        "+bank account");
			else /* a web shop's or a mailing list's account */
				det_add(ds, PHI_T_ACCOUNT_NUMBER, PHI_CONF_LOW, va, len, "+account");
		}
		return;
	}
	if (c & K_PLAN) {
		/* a group number is the employer's plan, not a person: it counts only
		 * with a person named or identified near */
		int group = (t[h->start] | 0x20) == 'g' &&
		            !(ctx_near(ds, h->start, vb, 200, 200) & (K_PATIENT | K_NAMELBL | K_DOB | K_MRN | K_SSN));
		/* labels that only a health plan uses: an identifier of a person even
		 * without health words (CONTRACTS.md: a health plan number is pii) */
		int planlbl = label_is(t, h, "medicaid") || label_is(t, h, "insurance") ||
		              label_is(t, h, "health plan") || label_is(t, h, "subscriber") ||
		              label_is(t, h, "insured") || label_is(t, h, "beneficiary");
		/* only a reference word on the label's own line: a claim or an order
		 * further up does not make the member id someone else's number */
		int pneg = plan_neg(ds, h->start > 40 ? h->start - 40 : 0, vb + 30);
		enum phi_confidence pc = group || pneg ? PHI_CONF_LOW
		                         : health    ? PHI_CONF_HIGH
		                         : planlbl   ? PHI_CONF_MEDIUM
		                                     : PHI_CONF_LOW;
		if (dig >= 3 && dig + alpha >= 6 && dig + alpha <= 20 && other <= 3)
			det_add(ds, PHI_T_HEALTH_PLAN_ID, pc, va, len,
			        group ? "+group id" : health ? "+member id +health" : planlbl ? "+plan label" : "+member id");
		return;
	}
	if (c & K_LICENSE) {
		if (dig >= 4 && dig + alpha >= 5 && dig + alpha <= 15 && other <= 2)
			det_add(ds, PHI_T_LICENSE_NUMBER, PHI_CONF_MEDIUM, va, len, "+license");
		return;
	}
	if (c & K_DEVICE) {
		if (dig >= 3 && dig + alpha >= 6 && len <= 40)
			det_add(ds, PHI_T_DEVICE_ID, health ? PHI_CONF_MEDIUM : PHI_CONF_LOW, va, len, "+device");
		return;
	}
}

void d_kv_hits(struct det_seg *ds)
{
	const uint32_t want = K_MRN | K_ROUTING | K_ACCT | K_PLAN | K_LICENSE | K_DEVICE;
	size_t i;

	if (!(ds->allcats & want))
		return;
	for (i = 0; i < ds->nhits; i++)
		if (ds->hits[i].cats & want)
			one(ds, &ds->hits[i]);
}
