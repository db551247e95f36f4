/*
 * detect.c - the detector engine and the per-message detector run.
 *
 * detect_engine_new builds everything the detectors read (the term table of
 * context.c, the admin rules and allowlists, the patient roster) once; scans
 * only read it, so threads share one engine. detect_run walks the segments
 * of a decoded message: structured clinical fields first (HL7 PID, FHIR
 * Patient, C-CDA recordTarget, DICOM patient tags, CSV columns), then one
 * keyword pass and one candidate pass over the text of every segment, then
 * the document-level findings (a clinical document naming a patient), then
 * the roster and admin-rule modules of ext.h. Never logs; never keeps the
 * matched bytes (finding.c redacts).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "det.h"

int detect_engine_new(const struct phi_engine_opts *o, struct detect_engine **out, char *err,
                      size_t errlen)
{
	struct detect_engine *de;
	int rc;

	*out = NULL;
	de = calloc(1, sizeof *de);
	if (!de)
		return PHI_ENOMEM;
	de->now = time(NULL);
	rc = terms_init_builtin(&de->terms);
	if (rc == PHI_OK)
		rc = labels_extra_add(&de->terms);
	if (rc == PHI_OK)
		rc = terms_load_dir(&de->terms, o ? o->terms_dir : NULL, err, errlen);
	if (rc == PHI_OK)
		rc = rules_load(o ? o->rules_file : NULL, o ? o->allowlist_file : NULL, &de->rules, err,
		                errlen);
	if (rc == PHI_OK)
		rc = roster_load(o ? o->roster_file : NULL, o ? o->roster_key_file : NULL, &de->roster,
		                 err, errlen);
	if (rc != PHI_OK) {
		detect_engine_free(de);
		return rc;
	}
	*out = de;
	return PHI_OK;
}

void detect_engine_free(struct detect_engine *de)
{
	if (!de)
		return;
	terms_free(&de->terms);
	rules_free(de->rules);
	roster_free(de->roster);
	free(de);
}

#define DET_CONTACT_MAX 64

int det_health_near(const struct det_seg *ds, size_t a, size_t b)
{
	return (ctx_near(ds, a, b, CTX_WIN, CTX_WIN) & (K_HEALTH | K_MRN)) != 0 || ds->clinical;
}

void det_add(struct det_seg *ds, enum phi_type t, enum phi_confidence c, size_t off, size_t len,
             const char *why)
{
	struct phi_scan *s = ds->s;
	size_t before = s->nf, i, abs_off;
	int hc;

	if (off > ds->n || len > ds->n - off)
		return;
	/* Contact details never decide a verdict; a mailing-list digest has
	 * hundreds. Past DET_CONTACT_MAX of a type they are not recorded, which
	 * keeps the finding list (and its de-duplication) short. */
	if (phi_type_class(t) == PHI_CLASS_CONTACT && s->counts[t] >= DET_CONTACT_MAX)
		return;
	/* Once max_findings is reached only a type not yet seen is worth the
	 * (linear) de-duplication in finding_add. */
	if (s->findings_full && s->counts[t] > 0)
		return;
	if (rules_allowed(ds->de->rules, t, ds->t + off, len))
		return;
	hc = det_health_near(ds, off, off + len);
	if (finding_add(s, ds->seg, t, c, off, len, why) != PHI_OK)
		return;
	if (!hc)
		return;
	if (s->nf > before) {
		s->f[s->nf - 1].health_context = 1;
		return;
	}
	abs_off = ds->seg->part_offset + off;
	for (i = s->nf; i-- > 0;)
		if (s->f[i].type == t && s->f[i].offset == abs_off) {
			s->f[i].health_context = 1;
			break;
		}
}

static void trim(const unsigned char *t, size_t n, size_t *a, size_t *b)
{
	size_t i = 0, j = n;

	while (i < j && (IS_SPACE(t[i]) || t[i] == '^' || t[i] == '"' || t[i] == ','))
		i++;
	while (j > i && (IS_SPACE(t[j - 1]) || t[j - 1] == '^' || t[j - 1] == '"' || t[j - 1] == ','))
		j--;
	*a = i;
	*b = j;
}

static size_t count_class(const unsigned char *t, size_t a, size_t b, unsigned char cls)
{
	size_t k = 0;

	for (; a < b; a++)
		if (det_cls[t[a]] & cls)
			k++;
	return k;
}

/* The value of an SSN field: nine digits with '-' or ' ' between, valid. */
static int ssn_field(const unsigned char *t, size_t a, size_t b)
{
	char d[10];
	size_t k = 0;

	for (; a < b; a++) {
		if (IS_DIGIT(t[a])) {
			if (k >= 9)
				return 0;
			d[k++] = (char)t[a];
		} else if (t[a] != '-' && t[a] != ' ') {
			return 0;
		}
	}
	d[k] = 0;
	return k == 9 && ssn_valid(d);
}

static void lower_copy(const char *in, char *out, size_t cap)
{
	size_t i;

	for (i = 0; in && in[i] && i + 1 < cap; i++)
		out[i] = (char)(in[i] >= 'A' && in[i] <= 'Z' ? in[i] + 32 : in[i]);
	out[i] = 0;
}

/* A spreadsheet date cell as the sheet stores it: the number of days since
 * 1899-12-30 ("28950", "28950.0"), as XLSX gives a date-formatted cell;
 * 1 when it is a plausible birth date. */
static int excel_serial_date(const struct detect_engine *de, const unsigned char *t, size_t a,
                             size_t b)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	long v = 0;
	size_t k = a;
	int y = 1899, m = 12, d = 30, leap;

	while (k < b && IS_DIGIT(t[k]) && k - a < 6)
		v = v * 10 + (t[k++] - '0');
	if (k - a < 4 || k - a > 5)
		return 0;
	if (k < b && t[k] == '.') /* "28950.0": a whole day only */
		for (k++; k < b && t[k] == '0'; k++)
			;
	if (k != b || v < 1000 || v > 80000)
		return 0;
	/* walk from 1899-12-30: years first, then months */
	v -= 2; /* to 1900-01-01 */
	y = 1900, m = 1, d = 1;
	for (;;) {
		int ylen = ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 366 : 365;
		if (v < ylen)
			break;
		v -= ylen;
		y++;
	}
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	while (v >= mdays[m - 1] + (m == 2 && leap)) {
		v -= mdays[m - 1] + (m == 2 && leap);
		m++;
	}
	d = 1 + (int)v;
	return date_plausible_dob(de, y, m, d);
}

/* A CSV/XLSX cell: the column header says what the value is. */
static void table_cell(struct det_seg *ds, size_t a, size_t b)
{
	char h[80];
	const unsigned char *t = ds->t;
	int y, m, d;

	lower_copy(ds->seg->field_name, h, sizeof h);
	if (!h[0] || a >= b)
		return;
	if (strstr(h, "ssn") || strstr(h, "social sec")) {
		if (ssn_field(t, a, b))
			det_add(ds, PHI_T_US_SSN, PHI_CONF_HIGH, a, b - a, "column ssn");
		return;
	}
	if (strstr(h, "dob") || strstr(h, "birth") || strstr(h, "geburt") || strstr(h, "naissance") ||
	    strstr(h, "nacimiento") || strstr(h, "nascimento")) {
		size_t u = date_parse(t + a, b - a, &y, &m, &d);
		if (u && date_plausible_dob(ds->de, y, m, d))
			det_add(ds, PHI_T_DATE_OF_BIRTH, PHI_CONF_HIGH, a, u, "column dob");
		else if (excel_serial_date(ds->de, t, a, b))
			det_add(ds, PHI_T_DATE_OF_BIRTH, PHI_CONF_HIGH, a, b - a, "column dob serial");
		return;
	}
	if (strstr(h, "mrn") || strstr(h, "medical record") || strstr(h, "patient id") ||
	    strstr(h, "patient_id") || strstr(h, "patientid") || strstr(h, "chart") ||
	    strstr(h, "hospital n") || strstr(h, "hosp n") || strstr(h, "unit n")) {
		if (count_class(t, a, b, DC_DIGIT) >= 3 && b - a <= 24)
			det_add(ds, PHI_T_MRN, PHI_CONF_HIGH, a, b - a, "column mrn");
		return;
	}
	if (strstr(h, "member id") || strstr(h, "subscriber") || strstr(h, "policy") ||
	    strstr(h, "insurance id")) {
		if (count_class(t, a, b, DC_DIGIT) >= 4 && b - a <= 24)
			det_add(ds, PHI_T_HEALTH_PLAN_ID, PHI_CONF_MEDIUM, a, b - a, "column plan id");
		return;
	}
	if (strstr(h, "patient") || strstr(h, "name")) {
		if (count_class(t, a, b, DC_ALPHA) >= 2 && count_class(t, a, b, DC_DIGIT) == 0 &&
		    b - a <= 60)
			det_add(ds, PHI_T_PERSON_NAME, strstr(h, "patient") ? PHI_CONF_MEDIUM : PHI_CONF_LOW,
			        a, b - a, strstr(h, "patient") ? "column patient" : "column name");
		return;
	}
}

/* Findings that come from what the decoder knows a field to be. */
static void structured(struct det_seg *ds)
{
	const struct phi_segment *g = ds->seg;
	size_t a, b;

	trim(ds->t, ds->n, &a, &b);
	if (a >= b)
		return;
	switch (g->field) {
	case PHI_F_PATIENT_NAME:
	case PHI_F_RELATIVE_NAME:
		if (count_class(ds->t, a, b, DC_ALPHA) >= 2)
			det_add(ds, PHI_T_PERSON_NAME, PHI_CONF_HIGH, a, b - a,
			        g->field == PHI_F_PATIENT_NAME ? "field patient name" : "field relative name");
		break;
	case PHI_F_PATIENT_ID:
		if (count_class(ds->t, a, b, DC_ALPHA | DC_DIGIT) >= 3)
			det_add(ds, PHI_T_MRN, PHI_CONF_HIGH, a, b - a, "field patient id");
		break;
	case PHI_F_BIRTH_DATE:
		if (count_class(ds->t, a, b, DC_DIGIT) >= 4)
			det_add(ds, PHI_T_DATE_OF_BIRTH, PHI_CONF_HIGH, a, b - a, "field birth date");
		break;
	case PHI_F_SSN:
		if (ssn_field(ds->t, a, b))
			det_add(ds, PHI_T_US_SSN, PHI_CONF_HIGH, a, b - a, "field ssn");
		break;
	case PHI_F_ADDRESS:
		if (count_class(ds->t, a, b, DC_ALPHA) >= 3)
			det_add(ds, PHI_T_ADDRESS, PHI_CONF_HIGH, a, b - a, "field address");
		break;
	case PHI_F_PHONE:
		if (count_class(ds->t, a, b, DC_DIGIT) >= 7)
			det_add(ds, PHI_T_PHONE, PHI_CONF_HIGH, a, b - a, "field phone");
		break;
	case PHI_F_TABLE_CELL:
		table_cell(ds, a, b);
		break;
	default:
		break;
	}
}

static int clinical_format(enum phi_format f)
{
	return f == PHI_FMT_HL7V2 || f == PHI_FMT_FHIR || f == PHI_FMT_CCDA || f == PHI_FMT_DICOM;
}

static enum phi_type clinical_type(enum phi_format f)
{
	switch (f) {
	case PHI_FMT_HL7V2: return PHI_T_HL7V2;
	case PHI_FMT_FHIR: return PHI_T_FHIR;
	case PHI_FMT_CCDA: return PHI_T_CCDA;
	default: return PHI_T_DICOM;
	}
}

static int patient_field(enum phi_field f)
{
	return f == PHI_F_PATIENT_NAME || f == PHI_F_PATIENT_ID || f == PHI_F_BIRTH_DATE;
}

int detect_run(struct phi_scan *s)
{
	const struct detect_engine *de = s->eng ? s->eng->det : NULL;
	struct phi_doc *d = &s->doc;
	struct det_seg ds;
	size_t i, np = d->nparts;
	unsigned char *pmark = NULL;  /* per part: 1 + clinical format with patient fields, or 0 */
	unsigned medterms = 0;
	int msg_health = 0, rc = PHI_OK;

	if (!de)
		return PHI_OK;
	memset(&ds, 0, sizeof ds);
	ds.s = s;
	ds.de = de;
	ds.medterms = &medterms;
	ds.msg_health = &msg_health;
	if (np) {
		pmark = calloc(np, 1);
		if (!pmark)
			return PHI_ENOMEM;
	}
	/* which parts are clinical documents with patient fields, before any
	 * text is read: a name label in such a part names the patient */
	for (i = 0; i < d->nsegs; i++) {
		const struct phi_segment *g = &d->segs[i];
		if (clinical_format(g->format) && patient_field(g->field) && g->part >= 0 &&
		    (size_t)g->part < np)
			pmark[g->part] = (unsigned char)(g->format + 1);
	}
	for (i = 0; i < d->nsegs; i++) {
		const struct phi_segment *g = &d->segs[i];

		if (doc_budget(d) == PHI_ETIME) {
			rc = PHI_ETIME;
			break;
		}
		if (!g->text || !g->len)
			continue;
		ds.seg = g;
		ds.t = g->text;
		ds.n = g->len;
		ds.clinical = clinical_format(g->format) || g->field == PHI_F_CLINICAL;
		ds.clinical_named = ds.clinical && g->part >= 0 && (size_t)g->part < np && pmark[g->part];
		ds.nhits = 0;
		ds.allcats = 0;
		if (g->field != PHI_F_NONE)
			structured(&ds);
		ctx_scan(&ds);
		cand_scan(&ds);
		if (ds.allcats) {
			d_kv_hits(&ds);
			d_dob_hits(&ds);
			d_name_hits(&ds);
			d_addr_hits(&ds);
			d_medterm_hits(&ds);
			d_table_hits(&ds);
		}
		d_pasted_hl7(&ds);
		if (ds.oom) {
			rc = PHI_ENOMEM;
			break;
		}
	}
	for (i = 0; i < np; i++)
		if (pmark[i])
			finding_add_part(s, (int)i, clinical_type((enum phi_format)(pmark[i] - 1)),
			                 PHI_CONF_HIGH, "patient fields");
	free(pmark);
	free(ds.hits);
	free(ds.cands);
	if (rc == PHI_OK || rc == PHI_ETIME) {
		int r = msgroster_scan(s);
		if (r == PHI_OK)
			r = roster_scan(de->roster, s);
		if (r == PHI_OK)
			r = rules_scan(de->rules, s);
		if (r != PHI_OK && r != PHI_ELIMIT)
			rc = r;
	}
	return rc;
}
