/*
 * x_x12.c - ASC X12 EDI (HIPAA transactions: 837 claims, 834 enrollment,
 * 270/271 eligibility, 276/277 claim status, 835 remittance), as billing
 * staff send them to clearinghouses and payers.
 *
 * An interchange starts with the fixed ISA segment: "ISA", the element
 * separator (ISA's fourth byte), sixteen elements, the component separator
 * (ISA16) and the segment terminator right after it. Segments are split at
 * the terminator (line breaks around it are ignored), elements at the
 * separator. What is read, and where it goes:
 *   - NM1 of a person the transaction is about (IL subscriber/insured, QC
 *     patient, 03 dependent, 74 corrected insured): the name as
 *     PHI_F_PATIENT_NAME "FIRST MIDDLE LAST"; its identifier (NM108/NM109)
 *     as PHI_F_SSN when qualified 34, else written "Member ID: ..." for the
 *     detectors; the N3/N4 address and DMG birth date (D8) that follow it as
 *     PHI_F_ADDRESS and PHI_F_BIRTH_DATE; REF*SY (an SSN) as PHI_F_SSN;
 *   - HI diagnosis codes (ABK/ABF ICD-10, BK/BF ICD-9) written "Diagnosis
 *     codes: I50.9 E11.9", SV1/SV2 procedure codes "Procedure codes: ...",
 *     both PHI_F_CLINICAL;
 *   - every other segment as free text (elements joined by spaces), one
 *     segment of text per line, emitted together.
 * Bounded by the segment and element counts below and the decoded budget.
 * Never logs.
 */
#include <string.h>
#include "phi/buf.h"
#include "extract.h"

#define X12_SEG_MAX 200000u  /* segments read per interchange */
#define X12_EL_MAX 64u        /* elements kept per segment */
#define X12_NAME_MAX 256u

struct x12 {
	unsigned char es, cs, st; /* element, component separators, segment terminator */
};

/* The ISA header at p[i]: sets the separators; 1 when it is one. */
static int isa_at(const unsigned char *p, size_t n, size_t i, struct x12 *x)
{
	unsigned char es;
	size_t k, seps = 0;

	if (n - i < 20 || memcmp(p + i, "ISA", 3) != 0)
		return 0;
	es = p[i + 3];
	if (es < 0x21 || es > 0x7E || (es >= '0' && es <= '9') || (es >= 'A' && es <= 'Z') ||
	    (es >= 'a' && es <= 'z') || es == ' ')
		return 0;
	for (k = i + 3; k < n && k < i + 200; k++) {
		if (p[k] == es && ++seps == 16)
			break;
		if (p[k] == '\r' || p[k] == '\n')
			return 0;
	}
	if (seps != 16 || k + 2 >= n)
		return 0;
	x->es = es;
	x->cs = p[k + 1];
	x->st = p[k + 2];
	if (x->st == '\r' || x->st == '\n' || x->st == x->es || x->cs == x->es)
		x->st = x->st == x->es || x->cs == x->es ? 0 : '\n';
	return x->st != 0 && x->st != ' ';
}

int x_x12_sniff(const unsigned char *p, size_t n)
{
	struct x12 x;
	size_t i = 0;

	while (i < n && i < 256 && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	if (n - i >= 3 && p[i] == 0xEF && p[i + 1] == 0xBB && p[i + 2] == 0xBF)
		i += 3;
	return isa_at(p, n, i, &x);
}

/* Offset of an ISA header at a line start in p, or n. */
size_t x_x12_find(const unsigned char *p, size_t n)
{
	struct x12 x;
	const unsigned char *q = p;

	while ((q = memmem(q, n - (size_t)(q - p), "ISA", 3)) != NULL) {
		size_t i = (size_t)(q - p);
		if ((i == 0 || p[i - 1] == '\n' || p[i - 1] == '\r' || p[i - 1] == ' ' || p[i - 1] == '>') &&
		    isa_at(p, n, i, &x))
			return i;
		q++;
	}
	return n;
}

static int person_entity(const unsigned char *e, size_t n)
{
	return n == 2 && (!memcmp(e, "IL", 2) || !memcmp(e, "QC", 2) || !memcmp(e, "03", 2) ||
	                  !memcmp(e, "74", 2));
}

static int is(const unsigned char *s, size_t n, const char *w)
{
	return n == strlen(w) && memcmp(s, w, n) == 0;
}

/* Append s[0..n) and a separator to b unless empty. */
static int put(struct phi_buf *b, const unsigned char *s, size_t n, const char *sep)
{
	int rc;

	if (!n)
		return PHI_OK;
	if (b->len && (rc = phi_buf_append(b, sep, strlen(sep))) != PHI_OK)
		return rc;
	return phi_buf_append(b, s, n);
}

/* Bytes of s[0..n) before the first c. */
static size_t upto(const unsigned char *s, size_t n, unsigned char c)
{
	const unsigned char *q = memchr(s, c, n);

	return q ? (size_t)(q - s) : n;
}

/* A diagnosis code as written in text: a dot after the category (I509 -> I50.9). */
static int put_code(struct phi_buf *b, const unsigned char *s, size_t n)
{
	int rc;

	if (b->len && (rc = phi_buf_append(b, " ", 1)) != PHI_OK)
		return rc;
	if (n > 3 && memchr(s, '.', n) == NULL) {
		if ((rc = phi_buf_append(b, s, 3)) != PHI_OK || (rc = phi_buf_append(b, ".", 1)) != PHI_OK)
			return rc;
		return phi_buf_append(b, s + 3, n - 3);
	}
	return phi_buf_append(b, s, n);
}

int x_x12_extract(struct phi_doc *d, int part, const unsigned char *p, size_t n)
{
	struct x12 x;
	struct phi_buf rest, tmp;
	size_t i, start, nseg = 0, rest_off;
	int person = 0, rc = PHI_OK;

	start = x_x12_find(p, n);
	if (start == n || !isa_at(p, n, start, &x))
		return doc_add_text(d, part, PHI_F_NONE, NULL, p, n, 0);
	if (part >= 0 && (size_t)part < d->nparts)
		d->parts[part].format = PHI_FMT_X12;
	if (start > 0 && (rc = doc_add_text(d, part, PHI_F_NONE, NULL, p, start, 0)) != PHI_OK &&
	    rc != PHI_ELIMIT)
		return rc;
	phi_buf_init(&rest, d->lim.max_entry_bytes);
	phi_buf_init(&tmp, 64u * 1024);
	rest_off = start;
	for (i = start; i < n && rc == PHI_OK && nseg++ < X12_SEG_MAX;) {
		const unsigned char *el[X12_EL_MAX];
		size_t ell[X12_EL_MAX], ne = 0, s = i, e, k;

		if ((nseg & 1023) == 0 && (rc = doc_budget(d)) != PHI_OK)
			break;
		while (s < n && (p[s] == '\r' || p[s] == '\n' || p[s] == ' ' || p[s] == '\t'))
			s++;
		e = s;
		while (e < n && p[e] != x.st)
			e++;
		i = e + 1;
		k = e;
		while (k > s && (p[k - 1] == '\r' || p[k - 1] == '\n'))
			k--;
		if (k == s)
			continue;
		/* elements */
		el[0] = p + s;
		for (e = s; e < k; e++) {
			if (p[e] != x.es)
				continue;
			ell[ne] = (size_t)(p + e - el[ne]);
			if (++ne >= X12_EL_MAX)
				break;
			el[ne] = p + e + 1;
		}
		if (ne < X12_EL_MAX) {
			ell[ne] = (size_t)(p + k - el[ne]);
			ne++;
		}
		phi_buf_reset(&tmp);
		if (is(el[0], ell[0], "NM1") && ne > 1) {
			person = person_entity(el[1], ell[1]);
			if (person) {
				/* NM103 last, NM104 first, NM105 middle */
				if (ne > 4)
					rc = put(&tmp, el[4], ell[4], " ");
				if (rc == PHI_OK && ne > 5)
					rc = put(&tmp, el[5], ell[5], " ");
				if (rc == PHI_OK && ne > 3)
					rc = put(&tmp, el[3], ell[3], " ");
				if (rc == PHI_OK && tmp.len)
					rc = doc_add_text(d, part, PHI_F_PATIENT_NAME, "NM1-03", tmp.data, tmp.len, s);
				if (rc == PHI_OK && ne > 9 && ell[9]) {
					if (is(el[8], ell[8], "34")) {
						rc = doc_add_text(d, part, PHI_F_SSN, "NM1-09", el[9], ell[9], s);
					} else {
						phi_buf_reset(&tmp);
						rc = phi_buf_append(&tmp, "Member ID: ", 11);
						if (rc == PHI_OK)
							rc = phi_buf_append(&tmp, el[9], ell[9]);
						if (rc == PHI_OK)
							rc = doc_add_text(d, part, PHI_F_NONE, "NM1-09", tmp.data, tmp.len, s);
					}
				}
				continue;
			}
		} else if (person && (is(el[0], ell[0], "N3") || is(el[0], ell[0], "N4"))) {
			size_t j;
			for (j = 1; j < ne && j < 4 && rc == PHI_OK; j++)
				rc = put(&tmp, el[j], ell[j], " ");
			if (rc == PHI_OK && tmp.len)
				rc = doc_add_text(d, part, PHI_F_ADDRESS, is(el[0], ell[0], "N3") ? "N3" : "N4",
				                  tmp.data, tmp.len, s);
			continue;
		} else if (person && is(el[0], ell[0], "DMG") && ne > 2 && is(el[1], ell[1], "D8")) {
			rc = doc_add_text(d, part, PHI_F_BIRTH_DATE, "DMG-02", el[2], ell[2], s);
			continue;
		} else if (is(el[0], ell[0], "REF") && ne > 2 && is(el[1], ell[1], "SY")) {
			rc = doc_add_text(d, part, PHI_F_SSN, "REF-SY", el[2], ell[2], s);
			continue;
		} else if ((is(el[0], ell[0], "HI") || is(el[0], ell[0], "SV1") || is(el[0], ell[0], "SV2")) &&
		           ne > 1) {
			int hi = is(el[0], ell[0], "HI");
			size_t j;
			rc = phi_buf_append(&tmp, hi ? "Diagnosis codes:" : "Procedure codes:", 16);
			for (j = 1; j < ne && rc == PHI_OK; j++) {
				const unsigned char *c = memchr(el[j], x.cs, ell[j]);
				size_t ql, cl;
				if (!c)
					continue;
				ql = (size_t)(c - el[j]);
				cl = ell[j] - ql - 1;
				if (cl > 12)
					cl = 12;
				if (hi) {
					/* ABK ABF ABJ APR ABN: ICD-10-CM; BK BF BJ: ICD-9-CM */
					if ((ql == 3 && el[j][0] == 'A') || (ql == 2 && el[j][0] == 'B'))
						rc = put_code(&tmp, c + 1, upto(c + 1, cl, x.cs));
				} else if (cl) {
					rc = phi_buf_append(&tmp, " ", 1);
					if (rc == PHI_OK)
						rc = phi_buf_append(&tmp, c + 1, upto(c + 1, cl, x.cs));
				}
			}
			if (rc == PHI_OK && tmp.len > 16)
				rc = doc_add_text(d, part, PHI_F_CLINICAL, hi ? "HI" : "SV", tmp.data, tmp.len, s);
			continue;
		}
		/* the rest: elements joined by spaces, a line per segment */
		{
			size_t j;
			if (!rest.len)
				rest_off = s;
			for (j = 0; j < ne && rc == PHI_OK; j++)
				rc = put(&rest, el[j], ell[j], j ? " " : (rest.len ? "\n" : ""));
		}
	}
	if (rc == PHI_ELIMIT) {
		doc_unscannable(d, part, "limit max_entry_bytes");
		rc = PHI_OK;
	}
	if (rc == PHI_OK && rest.len)
		rc = doc_add_text(d, part, PHI_F_NONE, NULL, rest.data, rest.len, rest_off);
	phi_buf_free(&rest);
	phi_buf_free(&tmp);
	return rc == PHI_ELIMIT ? PHI_OK : rc;
}
