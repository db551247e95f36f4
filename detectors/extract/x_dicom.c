/*
 * x_dicom.c - DICOM Part 10 files: patient and study attributes as named
 * field segments ("(0010,0010) PatientName" -> PHI_F_PATIENT_NAME ...).
 *
 * Reads the file meta group (explicit VR little endian), then the data set
 * in its transfer syntax: implicit VR LE, explicit VR LE or BE, or deflated
 * explicit VR LE (inflated here, bounded by max_entry_bytes and max_ratio).
 * A file without its 128-byte preamble is accepted when it starts with a
 * group 0002 or 0008 element. Sequences of defined and undefined length are
 * followed to DCM_MAX_DEPTH; pixel data and other binary values are skipped
 * by their length without being read; an encapsulated document
 * (0042,0011) becomes a child part read by its own extractor. Every read goes through a cursor that
 * checks the bytes left: a length running past the end stops the walk with
 * an unscannable "malformed" finding, keeping what was read. Text is
 * converted from the declared character set (ISO_IR 192 = UTF-8; anything
 * else is read as Latin-1). Never logs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "phi/buf.h"
#include "extract.h"

#define DCM_MAX_DEPTH  16u
#define DCM_UNDEF      0xFFFFFFFFu
#define DCM_TEXT_MAX   (1024u * 1024)   /* one value read as text */
#define DCM_CHUNK      (32u * 1024)

#define TAG(g, e) ((uint32_t)(g) << 16 | (uint32_t)(e))

struct dcm_dict {
	uint32_t tag;
	char vr[3];
	enum phi_field f;
	const char *name;       /* field_name for the segment */
};

/* The attributes that are emitted as named fields, and the VR of each for
 * implicit VR data sets. Providers are people but not patients: PHI_F_NONE. */
static const struct dcm_dict dcm_dict[] = {
	{ TAG(0x0008, 0x0020), "DA", PHI_F_PATIENT_OTHER, "(0008,0020) StudyDate" },
	{ TAG(0x0008, 0x0021), "DA", PHI_F_PATIENT_OTHER, "(0008,0021) SeriesDate" },
	{ TAG(0x0008, 0x0022), "DA", PHI_F_PATIENT_OTHER, "(0008,0022) AcquisitionDate" },
	{ TAG(0x0008, 0x0023), "DA", PHI_F_PATIENT_OTHER, "(0008,0023) ContentDate" },
	{ TAG(0x0008, 0x0050), "SH", PHI_F_PATIENT_OTHER, "(0008,0050) AccessionNumber" },
	{ TAG(0x0008, 0x0080), "LO", PHI_F_NONE, "(0008,0080) InstitutionName" },
	{ TAG(0x0008, 0x0081), "ST", PHI_F_NONE, "(0008,0081) InstitutionAddress" },
	{ TAG(0x0008, 0x0090), "PN", PHI_F_NONE, "(0008,0090) ReferringPhysicianName" },
	{ TAG(0x0008, 0x0104), "LO", PHI_F_CLINICAL, "(0008,0104) CodeMeaning" },
	{ TAG(0x0008, 0x1030), "LO", PHI_F_CLINICAL, "(0008,1030) StudyDescription" },
	{ TAG(0x0008, 0x103E), "LO", PHI_F_CLINICAL, "(0008,103E) SeriesDescription" },
	{ TAG(0x0008, 0x1048), "PN", PHI_F_NONE, "(0008,1048) PhysiciansOfRecord" },
	{ TAG(0x0008, 0x1050), "PN", PHI_F_NONE, "(0008,1050) PerformingPhysicianName" },
	{ TAG(0x0008, 0x1060), "PN", PHI_F_NONE, "(0008,1060) NameOfPhysiciansReadingStudy" },
	{ TAG(0x0008, 0x1070), "PN", PHI_F_NONE, "(0008,1070) OperatorsName" },
	{ TAG(0x0008, 0x1080), "LO", PHI_F_CLINICAL, "(0008,1080) AdmittingDiagnosesDescription" },
	{ TAG(0x0010, 0x0010), "PN", PHI_F_PATIENT_NAME, "(0010,0010) PatientName" },
	{ TAG(0x0010, 0x0020), "LO", PHI_F_PATIENT_ID, "(0010,0020) PatientID" },
	{ TAG(0x0010, 0x0021), "LO", PHI_F_NONE, "(0010,0021) IssuerOfPatientID" },
	{ TAG(0x0010, 0x0030), "DA", PHI_F_BIRTH_DATE, "(0010,0030) PatientBirthDate" },
	{ TAG(0x0010, 0x0032), "TM", PHI_F_PATIENT_OTHER, "(0010,0032) PatientBirthTime" },
	{ TAG(0x0010, 0x0040), "CS", PHI_F_PATIENT_OTHER, "(0010,0040) PatientSex" },
	{ TAG(0x0010, 0x1000), "LO", PHI_F_PATIENT_ID, "(0010,1000) OtherPatientIDs" },
	{ TAG(0x0010, 0x1001), "PN", PHI_F_PATIENT_NAME, "(0010,1001) OtherPatientNames" },
	{ TAG(0x0010, 0x1002), "SQ", PHI_F_NONE, "(0010,1002) OtherPatientIDsSequence" },
	{ TAG(0x0010, 0x1005), "PN", PHI_F_PATIENT_NAME, "(0010,1005) PatientBirthName" },
	{ TAG(0x0010, 0x1010), "AS", PHI_F_PATIENT_OTHER, "(0010,1010) PatientAge" },
	{ TAG(0x0010, 0x1040), "LO", PHI_F_ADDRESS, "(0010,1040) PatientAddress" },
	{ TAG(0x0010, 0x1060), "PN", PHI_F_RELATIVE_NAME, "(0010,1060) PatientMotherBirthName" },
	{ TAG(0x0010, 0x1090), "LO", PHI_F_PATIENT_ID, "(0010,1090) MedicalRecordLocator" },
	{ TAG(0x0010, 0x2154), "SH", PHI_F_PHONE, "(0010,2154) PatientTelephoneNumbers" },
	{ TAG(0x0010, 0x2160), "SH", PHI_F_PATIENT_OTHER, "(0010,2160) EthnicGroup" },
	{ TAG(0x0010, 0x2180), "SH", PHI_F_PATIENT_OTHER, "(0010,2180) Occupation" },
	{ TAG(0x0010, 0x21B0), "LT", PHI_F_CLINICAL, "(0010,21B0) AdditionalPatientHistory" },
	{ TAG(0x0010, 0x4000), "LT", PHI_F_CLINICAL, "(0010,4000) PatientComments" },
	{ TAG(0x0032, 0x1032), "PN", PHI_F_NONE, "(0032,1032) RequestingPhysician" },
	{ TAG(0x0032, 0x1060), "LO", PHI_F_CLINICAL, "(0032,1060) RequestedProcedureDescription" },
	{ TAG(0x0038, 0x0010), "LO", PHI_F_PATIENT_OTHER, "(0038,0010) AdmissionID" },
	{ TAG(0x0040, 0x0254), "LO", PHI_F_CLINICAL, "(0040,0254) PerformedProcedureStepDescription" },
	{ TAG(0x0040, 0xA160), "UT", PHI_F_CLINICAL, "(0040,A160) TextValue" },
	/* sequences, so that implicit VR data sets are followed into them */
	{ TAG(0x0008, 0x1032), "SQ", PHI_F_NONE, NULL },
	{ TAG(0x0008, 0x1110), "SQ", PHI_F_NONE, NULL },
	{ TAG(0x0008, 0x1111), "SQ", PHI_F_NONE, NULL },
	{ TAG(0x0008, 0x1115), "SQ", PHI_F_NONE, NULL },
	{ TAG(0x0008, 0x1140), "SQ", PHI_F_NONE, NULL },
	{ TAG(0x0040, 0x0275), "SQ", PHI_F_NONE, NULL },
	{ TAG(0x0040, 0xA043), "SQ", PHI_F_NONE, NULL },
	{ TAG(0x0040, 0xA730), "SQ", PHI_F_NONE, NULL },
};

static const struct dcm_dict *dcm_lookup(uint32_t tag)
{
	size_t i;

	for (i = 0; i < sizeof dcm_dict / sizeof dcm_dict[0]; i++)
		if (dcm_dict[i].tag == tag)
			return &dcm_dict[i];
	return NULL;
}

struct dcm_level {
	size_t end;          /* offset where it ends, SIZE_MAX when undefined */
	char kind;           /* 's' sequence, 'i' item, 'f' pixel fragments */
	int implicit;        /* encoding of the elements inside */
};

struct dcm {
	struct phi_doc *d;           /* borrowed */
	int part;
	const unsigned char *p;      /* borrowed: the data being walked */
	size_t n, pos;
	size_t base;                 /* part offset of p[0] (0 for inflated data) */
	int implicit, big;           /* data set encoding */
	int utf8;                    /* SpecificCharacterSet ISO_IR 192 */
	struct dcm_level st[DCM_MAX_DEPTH + 1];
	unsigned sp;                 /* levels in use */
	struct phi_buf val;          /* owned: converted value */
	struct phi_buf out;          /* owned: pending free-text lines */
	size_t out_off;
	unsigned nfields;            /* named fields emitted */
	char doc_type[64];           /* (0042,0012) of an encapsulated document */
	int rc;
	int malformed;
};

static unsigned rd16(const struct dcm *c, size_t at)
{
	const unsigned char *q = c->p + at;
	return c->big ? (unsigned)(q[0] << 8 | q[1]) : (unsigned)(q[1] << 8 | q[0]);
}

static uint32_t rd32(const struct dcm *c, size_t at)
{
	const unsigned char *q = c->p + at;
	if (c->big)
		return (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | q[3];
	return (uint32_t)q[3] << 24 | (uint32_t)q[2] << 16 | (uint32_t)q[1] << 8 | q[0];
}

static int vr_is(const unsigned char *vr, const char *s)
{
	return vr[0] == (unsigned char)s[0] && vr[1] == (unsigned char)s[1];
}

/* VRs with a 2-byte reserved field and a 4-byte length in explicit VR. */
static int vr_long(const unsigned char *vr)
{
	static const char *const l[] = { "OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC",
	                                 "UN", "UR", "UT", "UV" };
	size_t i;

	for (i = 0; i < sizeof l / sizeof l[0]; i++)
		if (vr_is(vr, l[i]))
			return 1;
	return 0;
}

static int vr_text(const unsigned char *vr)
{
	static const char *const t[] = { "AE", "AS", "CS", "DA", "DS", "DT", "IS", "LO", "LT",
	                                 "PN", "SH", "ST", "TM", "UC", "UR", "UT" };
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		if (vr_is(vr, t[i]))
			return 1;
	return 0;
}

/* Convert a value to UTF-8 in c->val: trailing spaces/NULs dropped,
 * Latin-1 unless the data set declared UTF-8, NULs as spaces. */
static void dcm_convert(struct dcm *c, const unsigned char *v, size_t n)
{
	size_t i;

	phi_buf_reset(&c->val);
	while (n && (v[n - 1] == ' ' || v[n - 1] == 0))
		n--;
	while (n && v[0] == ' ')
		v++, n--;
	for (i = 0; i < n; i++) {
		unsigned char ch = v[i];
		if (ch == 0) {
			phi_buf_putc(&c->val, ' ');
		} else if (ch < 0x80 || c->utf8) {
			phi_buf_putc(&c->val, ch);
		} else {
			unsigned char u[2] = { (unsigned char)(0xC0 | ch >> 6), (unsigned char)(0x80 | (ch & 0x3F)) };
			phi_buf_append(&c->val, u, 2);
		}
	}
}

static void dcm_emit(struct dcm *c, enum phi_field f, const char *name, const unsigned char *t,
                     size_t n, size_t off)
{
	int rc;

	while (n && (*t == ' ' || *t == '^'))
		t++, n--;
	while (n && (t[n - 1] == ' ' || t[n - 1] == '^'))
		n--;
	if (n == 0 || c->rc != PHI_OK)
		return;
	rc = doc_add_text(c->d, c->part, f, name, t, n, off);
	if (rc != PHI_OK)
		c->rc = rc;
	if (f != PHI_F_NONE || name)
		c->nfields++;
}

/* PN "Family^Given^Middle^Prefix^Suffix", groups split by '=', values by
 * '\': each name rendered "Given Middle Family" as its own segment. */
static void dcm_emit_pn(struct dcm *c, enum phi_field f, const char *name, size_t off)
{
	/* An empty value has no buffer yet: NULL + 0 is undefined behaviour. */
	const unsigned char *s = c->val.data, *e = s ? s + c->val.len : s;
	struct phi_buf r;

	phi_buf_init(&r, DCM_TEXT_MAX);
	while (s < e && c->rc == PHI_OK) {
		const unsigned char *ve = s, *comp[5] = { 0 };
		size_t clen[5] = { 0 };
		unsigned k = 0;
		int j;
		static const int order[3] = { 1, 2, 0 };

		while (ve < e && *ve != '\\' && *ve != '=')
			ve++;
		comp[0] = s;
		for (const unsigned char *q = s; q <= ve && k < 5; q++) {
			if (q == ve || *q == '^') {
				clen[k] = (size_t)(q - comp[k]);
				if (++k < 5)
					comp[k] = q + 1;
			}
		}
		phi_buf_reset(&r);
		for (j = 0; j < 3; j++) {
			int i = order[j];
			if (comp[i] && clen[i]) {
				if (r.len)
					phi_buf_putc(&r, ' ');
				phi_buf_append(&r, comp[i], clen[i]);
			}
		}
		if (r.len)
			dcm_emit(c, f, name, r.data, r.len, off);
		s = ve + 1;
	}
	phi_buf_free(&r);
}

static void dcm_flush(struct dcm *c)
{
	if (c->out.len)
		dcm_emit(c, PHI_F_NONE, NULL, c->out.data, c->out.len, c->out_off);
	phi_buf_reset(&c->out);
}

static int printable(const unsigned char *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((v[i] < 0x20 && v[i] != '\r' && v[i] != '\n' && v[i] != '\t' && v[i] != 0) || v[i] == 0x7F)
			return 0;
	return 1;
}

/* One text value of attribute `tag`. */
static void dcm_value(struct dcm *c, uint32_t tag, const unsigned char *vr, const unsigned char *v,
                      size_t len, size_t off)
{
	const struct dcm_dict *dd = dcm_lookup(tag);
	char gen[16];

	if (tag == TAG(0x0008, 0x0005)) {
		c->utf8 = len >= 10 && memmem(v, len, "ISO_IR 192", 10) != NULL;
		return;
	}
	if (len > DCM_TEXT_MAX)
		len = DCM_TEXT_MAX;
	if (dd && dd->name) {
		dcm_convert(c, v, len);
		/* multiple values (VM > 1) are split by a backslash */
		for (size_t i = 0; i < c->val.len; i++)
			if (c->val.data[i] == '\\' && !vr_is(vr, "PN"))
				c->val.data[i] = ';';
		if (vr_is(vr, "PN") || vr_is((const unsigned char *)dd->vr, "PN"))
			dcm_emit_pn(c, dd->f, dd->name, off);
		else
			dcm_emit(c, dd->f, dd->name, c->val.data, c->val.len, off);
		return;
	}
	/* other text: "(gggg,eeee) value" lines of free text; UIDs are noise */
	if (vr_is(vr, "UI") || (tag >> 16) == 0x0002)
		return;
	dcm_convert(c, v, len);
	if (c->val.len == 0)
		return;
	if (c->out.len == 0)
		c->out_off = off;
	snprintf(gen, sizeof gen, "(%04X,%04X) ", (unsigned)(tag >> 16), (unsigned)(tag & 0xFFFF));
	phi_buf_append(&c->out, gen, strlen(gen));
	phi_buf_append(&c->out, c->val.data, c->val.len);
	phi_buf_putc(&c->out, '\n');
	if (c->out.len >= DCM_CHUNK)
		dcm_flush(c);
}

static void dcm_bad(struct dcm *c)
{
	if (!c->malformed) {
		c->malformed = 1;
		doc_unscannable(c->d, c->part, "malformed");
	}
}

static int dcm_push(struct dcm *c, char kind, size_t end, int implicit)
{
	if (c->sp >= DCM_MAX_DEPTH)
		return -1;
	c->st[c->sp].kind = kind;
	c->st[c->sp].end = end;
	c->st[c->sp].implicit = implicit;
	c->sp++;
	return 0;
}

/* Walk elements from c->pos to `limit`. With `meta`, stop at the first
 * element that is not group 0002. */
static void dcm_walk(struct dcm *c, size_t limit, int meta, char *tsuid, size_t tslen)
{
	unsigned count = 0;

	while (c->pos < limit && c->rc == PHI_OK) {
		size_t hdr, vpos;
		unsigned g, e;
		uint32_t len, tag;
		unsigned char vr[2] = { 0, 0 };
		int implicit;

		if ((++count & 63) == 0 && (c->rc = doc_budget(c->d)) != PHI_OK)
			return;
		/* levels of defined length that are done */
		while (c->sp && c->st[c->sp - 1].end != SIZE_MAX && c->pos >= c->st[c->sp - 1].end)
			c->sp--;
		implicit = c->sp ? c->st[c->sp - 1].implicit : c->implicit;
		if (limit - c->pos < 8) {
			/* trailing padding is common; a partial header is not */
			if (!meta)
				dcm_bad(c);
			return;
		}
		g = rd16(c, c->pos);
		e = rd16(c, c->pos + 2);
		tag = TAG(g, e);
		if (meta && g != 0x0002)
			return;
		if (g == 0xFFFE) {
			len = rd32(c, c->pos + 4);
			c->pos += 8;
			if (e == 0xE000) {                 /* item */
				if (c->sp && c->st[c->sp - 1].kind == 'f') {
					/* a pixel data fragment: skip it unread */
					if (len == DCM_UNDEF || len > limit - c->pos) {
						dcm_bad(c);
						return;
					}
					c->pos += len;
					continue;
				}
				if (len != DCM_UNDEF && len > limit - c->pos) {
					dcm_bad(c);
					return;
				}
				if (dcm_push(c, 'i', len == DCM_UNDEF ? SIZE_MAX : c->pos + len, implicit) < 0) {
					doc_unscannable(c->d, c->part, "limit dicom_depth");
					c->malformed = 1;
					return;
				}
			} else if (e == 0xE00D) {          /* item delimitation */
				while (c->sp && c->st[c->sp - 1].kind != 'i')
					c->sp--;
				if (c->sp)
					c->sp--;
			} else if (e == 0xE0DD) {          /* sequence delimitation */
				while (c->sp && c->st[c->sp - 1].kind == 'i')
					c->sp--;
				if (c->sp)
					c->sp--;
			}
			continue;
		}
		if (implicit) {
			const struct dcm_dict *dd = dcm_lookup(tag);
			len = rd32(c, c->pos + 4);
			hdr = 8;
			if (dd) {
				vr[0] = (unsigned char)dd->vr[0];
				vr[1] = (unsigned char)dd->vr[1];
			} else if (len == DCM_UNDEF) {
				vr[0] = 'S', vr[1] = 'Q';
			} else {
				vr[0] = 'U', vr[1] = 'N';
			}
			if (tag == TAG(0x7FE0, 0x0010))
				vr[0] = 'O', vr[1] = 'B';
		} else {
			vr[0] = c->p[c->pos + 4];
			vr[1] = c->p[c->pos + 5];
			if (!(vr[0] >= 'A' && vr[0] <= 'Z' && vr[1] >= 'A' && vr[1] <= 'Z')) {
				dcm_bad(c);
				return;
			}
			if (vr_long(vr)) {
				if (limit - c->pos < 12) {
					dcm_bad(c);
					return;
				}
				len = rd32(c, c->pos + 8);
				hdr = 12;
			} else {
				len = rd16(c, c->pos + 6);
				hdr = 8;
			}
		}
		vpos = c->pos + hdr;
		if (len == DCM_UNDEF) {
			char kind = tag == TAG(0x7FE0, 0x0010) || !(vr_is(vr, "SQ") || vr_is(vr, "UN")) ? 'f' : 's';
			c->pos = vpos;
			/* UN of undefined length holds implicit VR LE elements */
			if (dcm_push(c, kind, SIZE_MAX, vr_is(vr, "UN") ? 1 : implicit) < 0) {
				doc_unscannable(c->d, c->part, "limit dicom_depth");
				c->malformed = 1;
				return;
			}
			continue;
		}
		if (len > limit - vpos) {
			dcm_bad(c);
			return;
		}
		c->pos = vpos + len;
		if (vr_is(vr, "SQ") ||
		    (vr_is(vr, "UN") && len >= 8 && rd16(c, vpos) == 0xFFFE && rd16(c, vpos + 2) == 0xE000)) {
			/* a sequence of defined length (or an unknown element that
			 * starts with an item tag: a sequence in implicit VR LE) */
			c->pos = vpos;
			if (dcm_push(c, 's', vpos + len, vr_is(vr, "UN") ? 1 : implicit) < 0)
				c->pos = vpos + len;    /* too deep: skip it whole */
			continue;
		}
		if (meta && tag == TAG(0x0002, 0x0010) && tsuid) {
			size_t k = len < tslen - 1 ? len : tslen - 1;
			memcpy(tsuid, c->p + vpos, k);
			while (k && (tsuid[k - 1] == 0 || tsuid[k - 1] == ' '))
				k--;
			tsuid[k] = 0;
			continue;
		}
		if (vr_is(vr, "UN") && dcm_lookup(tag) && strcmp(dcm_lookup(tag)->vr, "SQ") != 0) {
			/* explicit VR UN (a converted file): the dictionary knows */
			vr[0] = (unsigned char)dcm_lookup(tag)->vr[0];
			vr[1] = (unsigned char)dcm_lookup(tag)->vr[1];
		}
		if (tag == TAG(0x0042, 0x0011) && len) {
			/* EncapsulatedDocument (a PDF or CDA inside DICOM): read it
			 * as an attachment of its own */
			int child = doc_add_part(c->d, c->part, c->doc_type[0] ? c->doc_type : "application/pdf",
			                         NULL, PHI_FMT_BINARY, len, 1);
			if (child >= 0) {
				int rc = extract_part(c->d, child, c->p + vpos, len);
				if (rc == PHI_ENOMEM || rc == PHI_ETIME)
					c->rc = rc;
			} else if (child == PHI_ENOMEM) {
				c->rc = child;
			}
			continue;
		}
		if (tag == TAG(0x0042, 0x0012)) {          /* MIMETypeOfEncapsulatedDocument */
			size_t k = len < sizeof c->doc_type - 1 ? len : sizeof c->doc_type - 1, i;
			for (i = 0; i < k; i++) {
				unsigned char ch = c->p[vpos + i];
				c->doc_type[i] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
			}
			while (k && (c->doc_type[k - 1] == ' ' || c->doc_type[k - 1] == 0))
				k--;
			c->doc_type[k] = 0;
			continue;
		}
		if (vr_text(vr) || (vr_is(vr, "UN") && len <= 4096 && printable(c->p + vpos, len)))
			dcm_value(c, tag, vr, c->p + vpos, len, c->base + vpos);
		/* binary values (OB OW OF UN US UL ... and pixel data) are skipped */
	}
}

/* Inflate raw deflate data, bounded by max bytes. PHI_OK, PHI_ELIMIT, PHI_EINVAL or PHI_ENOMEM. */
static int dcm_inflate(struct phi_doc *d, const unsigned char *p, size_t n, size_t max, struct phi_buf *out)
{
	z_stream z;
	unsigned char win[16384];
	int zr, rc = PHI_OK;

	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, -15) != Z_OK)
		return PHI_ENOMEM;
	z.next_in = (unsigned char *)(uintptr_t)p;
	z.avail_in = n > 0x7FFFFFFF ? 0x7FFFFFFF : (unsigned)n;
	do {
		z.next_out = win;
		z.avail_out = sizeof win;
		zr = inflate(&z, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR) {
			rc = PHI_EINVAL;
			break;
		}
		if (out->len + (sizeof win - z.avail_out) > max) {
			rc = PHI_ELIMIT;
			break;
		}
		if (phi_buf_append(out, win, sizeof win - z.avail_out) != PHI_OK) {
			rc = PHI_ELIMIT;
			break;
		}
		if (doc_budget(d) != PHI_OK) {
			rc = PHI_ETIME;
			break;
		}
		if (zr == Z_BUF_ERROR && z.avail_in == 0)
			break;             /* truncated stream: keep what came out */
	} while (zr != Z_STREAM_END);
	inflateEnd(&z);
	return rc;
}

/* Does an element with explicit VR start at p? */
static int looks_explicit(const unsigned char *p, size_t n)
{
	return n >= 6 && p[4] >= 'A' && p[4] <= 'Z' && p[5] >= 'A' && p[5] <= 'Z';
}

int x_dicom_sniff(const unsigned char *p, size_t n)
{
	unsigned g, e;

	if (n >= 132 && memcmp(p + 128, "DICM", 4) == 0)
		return 1;
	if (n < 12)
		return 0;
	g = (unsigned)(p[1] << 8 | p[0]);
	e = (unsigned)(p[3] << 8 | p[2]);
	/* no preamble: a file meta element, or a group 0008 element with
	 * either a known VR or a small implicit length */
	if (g == 0x0002 && e <= 0x0002 && looks_explicit(p, n) &&
	    (memcmp(p + 4, "UL", 2) == 0 || memcmp(p + 4, "OB", 2) == 0 || memcmp(p + 4, "UI", 2) == 0))
		return 1;
	if (g == 0x0008 && e <= 0x0020) {
		if (looks_explicit(p, n))
			return vr_text(p + 4) || memcmp(p + 4, "UL", 2) == 0 || memcmp(p + 4, "SQ", 2) == 0;
		return p[6] == 0 && p[7] == 0 && (unsigned)(p[5] << 8 | p[4]) < 1024;
	}
	return 0;
}

int x_dicom_extract(struct phi_doc *d, int part, const unsigned char *p, size_t n)
{
	struct dcm c;
	char ts[80] = "";
	struct phi_buf infl;
	int rc;

	memset(&c, 0, sizeof c);
	c.d = d;
	c.part = part;
	c.p = p;
	c.n = n;
	phi_buf_init(&c.val, DCM_TEXT_MAX * 2);
	phi_buf_init(&c.out, DCM_CHUNK + DCM_TEXT_MAX * 2 + 64);
	phi_buf_init(&infl, 0);
	d->parts[part].format = PHI_FMT_DICOM;

	if (n >= 132 && memcmp(p + 128, "DICM", 4) == 0)
		c.pos = 132;
	/* file meta: always explicit VR little endian */
	if (n - c.pos >= 8 && p[c.pos] == 0x02 && p[c.pos + 1] == 0x00)
		dcm_walk(&c, n, 1, ts, sizeof ts);
	c.sp = 0;
	if (strcmp(ts, "1.2.840.10008.1.2") == 0) {
		c.implicit = 1;
	} else if (strcmp(ts, "1.2.840.10008.1.2.2") == 0) {
		c.big = 1;
	} else if (strcmp(ts, "1.2.840.10008.1.2.1.99") == 0) {
		size_t max = d->lim.max_entry_bytes;
		size_t ratio = (size_t)d->lim.max_ratio * (n - c.pos);
		if (d->lim.max_ratio && ratio / d->lim.max_ratio == n - c.pos && ratio < max)
			max = ratio;
		if (max < 65536)
			max = 65536;
		rc = dcm_inflate(d, p + c.pos, n - c.pos, max, &infl);
		if (rc == PHI_ELIMIT)
			doc_unscannable(d, part, "limit max_entry_bytes");
		else if (rc == PHI_EINVAL)
			dcm_bad(&c);
		else if (rc != PHI_OK)
			c.rc = rc;
		c.p = infl.data ? infl.data : (const unsigned char *)"";
		c.n = infl.len;
		c.pos = 0;
		c.base = 0;
	} else if (ts[0] == 0) {
		/* no meta information: guess from the first element */
		c.implicit = !looks_explicit(p + c.pos, n - c.pos);
	}
	if (c.rc == PHI_OK)
		dcm_walk(&c, c.n, 0, NULL, 0);
	if (c.rc == PHI_OK)
		dcm_flush(&c);
	rc = c.rc;
	phi_buf_free(&c.val);
	phi_buf_free(&c.out);
	phi_buf_free(&infl);
	return rc == PHI_ELIMIT ? PHI_OK : rc;
}
