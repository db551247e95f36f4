/*
 * finding.c - the finding-type vocabulary, recording findings, redaction.
 *
 * This is the only place that looks at matched bytes after a detector has
 * validated them, and it keeps only a redacted sample: digits and letters are
 * masked except a short tail (the last four of a long number, the initial of
 * a name), so nothing downstream (JSON, log, header, bounce, audit) can carry
 * the identifier itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "scan.h"

static const struct {
	const char *name;
	enum phi_type_class cls;
} type_table[PHI_T__COUNT] = {
	[PHI_T_US_SSN] = { "us_ssn", PHI_CLASS_SENSITIVE },
	[PHI_T_MRN] = { "mrn", PHI_CLASS_SENSITIVE },
	[PHI_T_DATE_OF_BIRTH] = { "date_of_birth", PHI_CLASS_SENSITIVE },
	[PHI_T_PERSON_NAME] = { "person_name", PHI_CLASS_OTHER },
	[PHI_T_PHONE] = { "phone", PHI_CLASS_CONTACT },
	[PHI_T_FAX] = { "fax", PHI_CLASS_CONTACT },
	[PHI_T_EMAIL] = { "email", PHI_CLASS_CONTACT },
	[PHI_T_ADDRESS] = { "address", PHI_CLASS_CONTACT },
	[PHI_T_ZIP_CODE] = { "zip_code", PHI_CLASS_CONTACT },
	[PHI_T_HEALTH_PLAN_ID] = { "health_plan_id", PHI_CLASS_SENSITIVE },
	[PHI_T_MEDICARE_MBI] = { "medicare_mbi", PHI_CLASS_SENSITIVE },
	[PHI_T_ACCOUNT_NUMBER] = { "account_number", PHI_CLASS_SENSITIVE },
	[PHI_T_LICENSE_NUMBER] = { "license_number", PHI_CLASS_OTHER },
	[PHI_T_DEA_NUMBER] = { "dea_number", PHI_CLASS_PROVIDER },
	[PHI_T_NPI] = { "npi", PHI_CLASS_PROVIDER },
	[PHI_T_VEHICLE_ID] = { "vehicle_id", PHI_CLASS_OTHER },
	[PHI_T_DEVICE_ID] = { "device_id", PHI_CLASS_OTHER },
	[PHI_T_URL] = { "url", PHI_CLASS_CONTACT },
	[PHI_T_IP_ADDRESS] = { "ip_address", PHI_CLASS_CONTACT },
	[PHI_T_CREDIT_CARD] = { "credit_card", PHI_CLASS_SENSITIVE },
	[PHI_T_ICD10] = { "icd10", PHI_CLASS_HEALTH },
	[PHI_T_ICD9] = { "icd9", PHI_CLASS_HEALTH },
	[PHI_T_NDC] = { "ndc", PHI_CLASS_HEALTH },
	[PHI_T_CPT] = { "cpt", PHI_CLASS_HEALTH },
	[PHI_T_MEDICAL_TERM] = { "medical_term", PHI_CLASS_HEALTH },
	[PHI_T_HL7V2] = { "hl7v2", PHI_CLASS_CLINICAL },
	[PHI_T_FHIR] = { "fhir", PHI_CLASS_CLINICAL },
	[PHI_T_CCDA] = { "ccda", PHI_CLASS_CLINICAL },
	[PHI_T_DICOM] = { "dicom", PHI_CLASS_CLINICAL },
	[PHI_T_PATIENT_ROSTER] = { "patient_roster", PHI_CLASS_SENSITIVE },
	[PHI_T_UNSCANNABLE] = { "unscannable", PHI_CLASS_OTHER },
	[PHI_T_CUSTOM] = { "custom", PHI_CLASS_OTHER },
};

const char *phi_type_name(enum phi_type t)
{
	if ((unsigned)t >= PHI_T__COUNT)
		return "unknown";
	return type_table[t].name;
}

int phi_type_from_name(const char *name)
{
	int i;

	if (strncmp(name, "custom:", 7) == 0)
		return PHI_T_CUSTOM;
	for (i = 0; i < PHI_T__COUNT; i++)
		if (strcmp(type_table[i].name, name) == 0)
			return i;
	return -1;
}

enum phi_type_class phi_type_class(enum phi_type t)
{
	if ((unsigned)t >= PHI_T__COUNT)
		return PHI_CLASS_OTHER;
	return type_table[t].cls;
}

const char *phi_confidence_name(enum phi_confidence c)
{
	switch (c) {
	case PHI_CONF_HIGH: return "high";
	case PHI_CONF_MEDIUM: return "medium";
	default: return "low";
	}
}

static int is_alnum_byte(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/*
 * Redaction. Numbers: every digit masked with '*' except the last four when
 * the value has at least eight alphanumerics (two when it has five to seven,
 * none below that); separators kept so the shape stays readable
 * ("***-**-6789"). Names: the first letter of each word, the rest '*'.
 * E-mail: first character of the local part and the domain. Non-ASCII
 * bytes are masked as one '*' per character. The sample is cut to fit.
 */
void finding_redact(enum phi_type t, const unsigned char *text, size_t len, char *out)
{
	size_t i, o = 0, alnum = 0, seen = 0, keep;
	int word_start = 1;
	const size_t cap = PHI_SAMPLE_MAX - 1;

	if (len > 64)
		len = 64; /* samples describe a shape; long matches are cut */
	for (i = 0; i < len; i++)
		if (is_alnum_byte(text[i]) && !(text[i] >= 0x80 && text[i] < 0xC0))
			alnum++;

	if (t == PHI_T_EMAIL) {
		const unsigned char *at = memchr(text, '@', len);
		if (at && at > text) {
			o = (size_t)snprintf(out, PHI_SAMPLE_MAX, "%c***@", text[0] < 0x80 ? text[0] : '*');
			for (i = (size_t)(at - text) + 1; i < len && o < cap; i++)
				out[o++] = text[i] < 0x80 ? (char)text[i] : '*';
			out[o] = 0;
			return;
		}
	}
	if (t == PHI_T_PERSON_NAME || t == PHI_T_ADDRESS) {
		for (i = 0; i < len && o < cap; i++) {
			unsigned char c = text[i];
			if (c >= 0x80 && c < 0xC0)
				continue; /* continuation byte: already masked */
			if (!is_alnum_byte(c)) {
				out[o++] = (char)c;
				word_start = 1;
				continue;
			}
			if (word_start && c < 0x80 && t == PHI_T_PERSON_NAME)
				out[o++] = (char)c;
			else
				out[o++] = '*';
			word_start = 0;
		}
		out[o] = 0;
		return;
	}
	keep = alnum >= 8 ? 4 : alnum >= 5 ? 2 : 0;
	if (t == PHI_T_DATE_OF_BIRTH || t == PHI_T_UNSCANNABLE || t == PHI_T_MEDICAL_TERM)
		keep = 0;
	for (i = 0; i < len && o < cap; i++) {
		unsigned char c = text[i];
		if (c >= 0x80 && c < 0xC0)
			continue;
		if (is_alnum_byte(c)) {
			seen++;
			if (seen > alnum - keep && c < 0x80)
				out[o++] = (char)c;
			else
				out[o++] = '*';
		} else if (c == '\r' || c == '\n' || c == '\t') {
			out[o++] = ' ';
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = 0;
}

static void set_str(char *dst, size_t cap, const char *src)
{
	size_t n = src ? strlen(src) : 0;
	if (n >= cap)
		n = cap - 1;
	if (n)
		memcpy(dst, src, n);
	dst[n] = 0;
}

static struct phi_finding *find_dup(struct phi_scan *s, enum phi_type t, const char *part,
                                    size_t off, const char *custom)
{
	size_t i;

	for (i = 0; i < s->nf; i++) {
		struct phi_finding *f = &s->f[i];
		if (f->type == t && f->offset == off && strcmp(f->part, part) == 0 &&
		    (t != PHI_T_CUSTOM || strcmp(f->custom, custom ? custom : "") == 0))
			return f;
	}
	return NULL;
}

static int add(struct phi_scan *s, int part, const struct phi_segment *seg, enum phi_type t,
               const char *custom, enum phi_confidence c, size_t off, size_t len, const char *why)
{
	const struct phi_part *p = NULL;
	const char *path = "0";
	struct phi_finding *f;
	size_t abs_off = off;

	if ((unsigned)t >= PHI_T__COUNT)
		return PHI_EINVAL;
	if (s->eng && (s->eng->disabled_types[t / 32] >> (t % 32) & 1u) && t != PHI_T_UNSCANNABLE)
		return PHI_OK;
	if (part >= 0 && (size_t)part < s->doc.nparts) {
		p = &s->doc.parts[part];
		path = p->path;
	}
	if (seg)
		abs_off = seg->part_offset + off;
	f = find_dup(s, t, path, abs_off, custom);
	if (f) {
		if (c > f->confidence)
			f->confidence = c;
		return PHI_OK;
	}
	s->counts[t]++;
	if (s->nf >= s->lim.max_findings) {
		s->findings_full = 1;
		return PHI_ELIMIT;
	}
	if (s->nf == s->capf) {
		size_t ncap = s->capf ? s->capf * 2 : 16;
		struct phi_finding *nf = realloc(s->f, ncap * sizeof *nf);
		if (!nf)
			return PHI_ENOMEM;
		s->f = nf;
		s->capf = ncap;
	}
	f = &s->f[s->nf++];
	memset(f, 0, sizeof *f);
	f->type = t;
	f->confidence = c;
	set_str(f->part, sizeof f->part, path);
	f->filename = p ? p->filename : NULL;
	f->offset = abs_off;
	f->length = len;
	set_str(f->why, sizeof f->why, why);
	set_str(f->custom, sizeof f->custom, custom);
	if (seg && off <= seg->len && len <= seg->len - off)
		finding_redact(t, seg->text + off, len, f->sample);
	return PHI_OK;
}

int finding_add(struct phi_scan *s, const struct phi_segment *seg, enum phi_type t,
                enum phi_confidence c, size_t off, size_t len, const char *why)
{
	return add(s, seg->part, seg, t, NULL, c, off, len, why);
}

int finding_add_custom(struct phi_scan *s, const struct phi_segment *seg, const char *name,
                       enum phi_confidence c, size_t off, size_t len, const char *why)
{
	return add(s, seg->part, seg, PHI_T_CUSTOM, name, c, off, len, why);
}

int finding_add_part(struct phi_scan *s, int part, enum phi_type t, enum phi_confidence c,
                     const char *why)
{
	return add(s, part, NULL, t, NULL, c, 0, 0, why);
}
