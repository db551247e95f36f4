/*
 * msgroster.c - the message's own roster.
 *
 * A message that carries a structured clinical record (HL7 PID, FHIR
 * Patient, C-CDA recordTarget, DICOM patient tags, a CSV with MRN/DOB/name
 * columns) names its patient in fields the extractors label. Those values
 * are collected (at most MR_MAX_VALUES, normalised by norm.c) and looked
 * for in the free text of the other parts (body, Subject, other headers):
 * "John Doe" or "Doe, John" or "Mr. Doe" in the body of a mail whose HL7
 * attachment is about John Doe is that patient's name, with or without an
 * EHR roster.
 *
 * Names need two of the patient's name words next to each other (in either
 * order, a middle initial allowed between), or a courtesy title before one
 * of them; ids, SSNs and dates of birth must match a whole token. One pass
 * over the tokens of each free-text segment; nothing is kept after the scan.
 */
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include "ext.h"
#include "norm.h"

#define MR_MAX_VALUES 64
#define MR_NAME_WORDS 4
#define MR_PAIR_SEGS 16  /* given and family cells this close form one name */

enum mv_kind { MV_NAME, MV_ID, MV_DOB, MV_SSN };

struct mval {
	enum mv_kind kind;
	int part;                               /* where the value came from */
	char w[MR_NAME_WORDS][NORM_MAX + 1];    /* MV_NAME: normalised words */
	size_t wn[MR_NAME_WORDS];
	int nw;
	char v[NORM_MAX + 1];                   /* others: normalised value */
	size_t vn;
};

struct mr {
	struct mval v[MR_MAX_VALUES];
	size_t n;
	/* CSV given / family name cells waiting for their partner */
	int given_seg, family_seg;
	struct mval given, family;
};

static int is_suffix(const char *w, size_t n)
{
	static const char *const sfx[] = { "jr", "sr", "ii", "iii", "iv", "md", "phd", "dr", NULL };
	size_t i;

	for (i = 0; sfx[i]; i++)
		if (strlen(sfx[i]) == n && memcmp(sfx[i], w, n) == 0)
			return 1;
	return norm_is_title(w, n);
}

/* Name words of a field ("DOE^JOHN^Q", "John Q. Doe", "Doe, John"). */
static void name_words(const struct phi_segment *sg, struct mval *v)
{
	struct norm_iter it;
	struct norm_tok t;

	v->kind = MV_NAME;
	norm_iter_init(&it, sg->text, sg->len);
	while (v->nw < MR_NAME_WORDS && norm_iter_next(&it, &t)) {
		if (t.kind != NORM_WORD || t.nlen < 2 || is_suffix(t.norm, t.nlen))
			continue;
		memcpy(v->w[v->nw], t.norm, t.nlen + 1);
		v->wn[v->nw++] = t.nlen;
	}
}

static int same_value(const struct mval *a, const struct mval *b)
{
	int i;

	if (a->kind != b->kind || a->part != b->part)
		return 0;
	if (a->kind != MV_NAME)
		return a->vn == b->vn && memcmp(a->v, b->v, a->vn) == 0;
	if (a->nw != b->nw)
		return 0;
	for (i = 0; i < a->nw; i++)
		if (a->wn[i] != b->wn[i] || memcmp(a->w[i], b->w[i], a->wn[i]) != 0)
			return 0;
	return 1;
}

static void keep(struct mr *m, const struct mval *v)
{
	size_t i;

	if (m->n >= MR_MAX_VALUES)
		return;
	if (v->kind == MV_NAME ? v->nw == 0 : v->vn == 0)
		return;
	for (i = 0; i < m->n; i++)
		if (same_value(&m->v[i], v))
			return;
	m->v[m->n++] = *v;
}

enum col_kind { CK_NONE, CK_NAME, CK_GIVEN, CK_FAMILY, CK_ID, CK_DOB, CK_SSN };

/* What a CSV column header names, by its lower-case alphanumerics. */
static enum col_kind column_kind(const char *name)
{
	char h[64];
	size_t o = 0;

	if (!name)
		return CK_NONE;
	for (; *name && o < sizeof h - 1; name++) {
		unsigned char c = (unsigned char)*name;
		if (c >= 'A' && c <= 'Z')
			h[o++] = (char)(c | 0x20);
		else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			h[o++] = (char)c;
	}
	h[o] = 0;
	if (strstr(h, "provider") || strstr(h, "physician") || strstr(h, "doctor") ||
	    strstr(h, "staff") || strstr(h, "user") || strstr(h, "file"))
		return CK_NONE;
	if (strstr(h, "mrn") || strstr(h, "medicalrecord") || strstr(h, "patientid") ||
	    strstr(h, "chart"))
		return CK_ID;
	if (strstr(h, "dob") || strstr(h, "birth"))
		return CK_DOB;
	if (strstr(h, "ssn") || strstr(h, "socialsecurity"))
		return CK_SSN;
	if (strstr(h, "first") || strstr(h, "given") || strcmp(h, "fname") == 0)
		return CK_GIVEN;
	if (strstr(h, "last") || strstr(h, "family") || strstr(h, "surname") ||
	    strcmp(h, "lname") == 0)
		return CK_FAMILY;
	if (strcmp(h, "name") == 0 || strcmp(h, "fullname") == 0 || strcmp(h, "patient") == 0 ||
	    (strstr(h, "patient") && strstr(h, "name")))
		return CK_NAME;
	return CK_NONE;
}

/* Given and family name cells of one row become one name value. */
static void pair_cells(struct mr *m, int si)
{
	struct mval v;

	if (m->given_seg < 0 || m->family_seg < 0 || m->given.part != m->family.part ||
	    abs(m->given_seg - m->family_seg) > MR_PAIR_SEGS)
		return;
	memset(&v, 0, sizeof v);
	v.kind = MV_NAME;
	v.part = m->given.part;
	memcpy(v.w[0], m->given.w[0], m->given.wn[0] + 1);
	v.wn[0] = m->given.wn[0];
	memcpy(v.w[1], m->family.w[0], m->family.wn[0] + 1);
	v.wn[1] = m->family.wn[0];
	v.nw = 2;
	keep(m, &v);
	m->given_seg = m->family_seg = -1;
	(void)si;
}

static void collect(struct mr *m, const struct phi_doc *d)
{
	size_t i;
	struct mval v;

	m->given_seg = m->family_seg = -1;
	for (i = 0; i < d->nsegs && m->n < MR_MAX_VALUES; i++) {
		const struct phi_segment *sg = &d->segs[i];
		enum col_kind ck = CK_NONE;
		const unsigned char *p = sg->text;
		size_t n = sg->len;
		const unsigned char *caret;

		switch (sg->field) {
		case PHI_F_PATIENT_NAME: ck = CK_NAME; break;
		case PHI_F_PATIENT_ID: ck = CK_ID; break;
		case PHI_F_BIRTH_DATE: ck = CK_DOB; break;
		case PHI_F_SSN: ck = CK_SSN; break;
		case PHI_F_TABLE_CELL: ck = column_kind(sg->field_name); break;
		default: break;
		}
		if (ck == CK_NONE)
			continue;
		memset(&v, 0, sizeof v);
		v.part = sg->part;
		switch (ck) {
		case CK_NAME:
			name_words(sg, &v);
			keep(m, &v);
			break;
		case CK_GIVEN:
		case CK_FAMILY:
			name_words(sg, &v);
			if (v.nw == 0)
				break;
			if (ck == CK_GIVEN) {
				m->given = v;
				m->given_seg = (int)i;
			} else {
				m->family = v;
				m->family_seg = (int)i;
			}
			pair_cells(m, (int)i);
			break;
		case CK_ID:
			/* HL7 CX: the id is the first component */
			caret = memchr(p, '^', n);
			if (caret)
				n = (size_t)(caret - p);
			v.kind = MV_ID;
			v.vn = norm_alnum(p, n, v.v, sizeof v.v);
			if (v.vn >= 4 && strpbrk(v.v, "0123456789"))
				keep(m, &v);
			break;
		case CK_DOB:
			v.kind = MV_DOB;
			if (norm_date(p, n, v.v)) {
				v.vn = 8;
				keep(m, &v);
			}
			break;
		case CK_SSN:
			v.kind = MV_SSN;
			v.vn = norm_digits(p, n, v.v, sizeof v.v);
			if (v.vn == 9)
				keep(m, &v);
			break;
		default:
			break;
		}
	}
	OPENSSL_cleanse(&v, sizeof v);
}

static int word_index(const struct mval *v, const struct norm_tok *t)
{
	int i;

	for (i = 0; i < v->nw; i++)
		if (v->wn[i] == t->nlen && memcmp(v->w[i], t->norm, t->nlen) == 0)
			return i;
	return -1;
}

static int is_free_text(const struct phi_segment *sg)
{
	return sg->field == PHI_F_NONE || sg->field == PHI_F_SUBJECT || sg->field == PHI_F_HEADER;
}

#define WIN 3

/* Look for the values at w[0] (prev: the token before it, or NULL). */
static int match_at(const struct mr *m, struct phi_scan *s, const struct phi_segment *sg,
                    const struct norm_tok *prev, const struct norm_tok *w, size_t nw)
{
	size_t i, k;
	int rc = PHI_OK;

	for (i = 0; i < m->n; i++) {
		const struct mval *v = &m->v[i];
		if (v->part == sg->part)
			continue; /* the record itself: not "the rest of the message" */
		switch (v->kind) {
		case MV_NAME:
			if (w[0].kind == NORM_WORD && w[0].nlen >= 2) {
				int a = word_index(v, &w[0]), b;
				size_t j = 1;
				if (a < 0)
					break;
				if (nw > 2 && w[1].kind == NORM_WORD && w[1].nlen == 1 && w[1].adj)
					j = 2; /* middle initial */
				if (j < nw && w[j].kind == NORM_WORD && w[j].adj &&
				    (b = word_index(v, &w[j])) >= 0 && b != a)
					return finding_add(s, sg, PHI_T_PERSON_NAME, PHI_CONF_HIGH, w[0].off,
					                   w[j].off + w[j].len - w[0].off, "message patient name");
				if (prev && w[0].adj && !w[0].comma && w[0].nlen >= 3 &&
				    norm_is_title(prev->norm, prev->nlen))
					return finding_add(s, sg, PHI_T_PERSON_NAME, PHI_CONF_HIGH, prev->off,
					                   w[0].off + w[0].len - prev->off, "message patient name");
			}
			break;
		case MV_ID:
			if ((w[0].kind == NORM_NUM || w[0].kind == NORM_ALNUM) && w[0].nlen == v->vn &&
			    memcmp(w[0].norm, v->v, v->vn) == 0)
				return finding_add(s, sg, PHI_T_MRN, PHI_CONF_HIGH, w[0].off, w[0].len,
				                   "message patient id");
			for (k = 0; w[0].kind == NORM_NUM && w[0].npieces > 1 && k < w[0].npieces; k++)
				if (w[0].piece_len[k] == v->vn &&
				    memcmp(w[0].norm + w[0].piece_off[k], v->v, v->vn) == 0)
					return finding_add(s, sg, PHI_T_MRN, PHI_CONF_HIGH, w[0].off, w[0].len,
					                   "message patient id");
			break;
		case MV_DOB:
			if (w[0].kind == NORM_DATE && memcmp(w[0].norm, v->v, 8) == 0)
				return finding_add(s, sg, PHI_T_DATE_OF_BIRTH, PHI_CONF_HIGH, w[0].off,
				                   w[0].len, "message patient dob");
			break;
		case MV_SSN:
			if (w[0].kind == NORM_NUM && w[0].nlen == 9 && memcmp(w[0].norm, v->v, 9) == 0)
				return finding_add(s, sg, PHI_T_US_SSN, PHI_CONF_HIGH, w[0].off, w[0].len,
				                   "message patient ssn");
			break;
		}
	}
	return rc;
}

static int search_segment(const struct mr *m, struct phi_scan *s, const struct phi_segment *sg)
{
	struct norm_tok w[WIN], prev;
	struct norm_iter it;
	size_t nw = 0, count = 0;
	int more = 1, have_prev = 0, rc = PHI_OK;

	norm_iter_init(&it, sg->text, sg->len);
	for (;;) {
		while (more && nw < WIN) {
			more = norm_iter_next(&it, &w[nw]);
			if (more)
				nw++;
		}
		if (nw == 0)
			break;
		rc = match_at(m, s, sg, have_prev ? &prev : NULL, w, nw);
		if (rc == PHI_ELIMIT || rc == PHI_ENOMEM)
			break;
		prev = w[0];
		have_prev = 1;
		memmove(&w[0], &w[1], (nw - 1) * sizeof w[0]);
		nw--;
		if ((++count & 1023) == 0 && doc_budget(&s->doc) != PHI_OK)
			break;
	}
	OPENSSL_cleanse(w, sizeof w);
	OPENSSL_cleanse(&prev, sizeof prev);
	return rc;
}

int msgroster_scan(struct phi_scan *s)
{
	struct mr *m;
	size_t i;
	int rc = PHI_OK;

	/* Values come only from structured fields and table cells; most mail
	 * has none, and then there is no table of MR_MAX_VALUES values (25 KB)
	 * to clear and wipe for every message. */
	for (i = 0; i < s->doc.nsegs; i++) {
		enum phi_field f = s->doc.segs[i].field;
		if (f == PHI_F_PATIENT_NAME || f == PHI_F_PATIENT_ID || f == PHI_F_BIRTH_DATE ||
		    f == PHI_F_SSN || f == PHI_F_TABLE_CELL)
			break;
	}
	if (i == s->doc.nsegs)
		return PHI_OK;
	m = calloc(1, sizeof *m);
	if (!m)
		return PHI_ENOMEM;
	collect(m, &s->doc);
	for (i = 0; m->n && i < s->doc.nsegs && !s->doc.timed_out; i++) {
		const struct phi_segment *sg = &s->doc.segs[i];
		if (!is_free_text(sg))
			continue;
		rc = search_segment(m, s, sg);
		if (rc != PHI_OK)
			break;
	}
	OPENSSL_cleanse(m, sizeof *m);
	free(m);
	return rc == PHI_ELIMIT ? PHI_OK : rc;
}
