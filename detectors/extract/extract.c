/*
 * extract.c - the dispatcher: which extractor reads a part.
 *
 * Order, so that a misnamed or octet-stream attachment is still read:
 *   1. message/rfc822 and message/global are embedded messages, always;
 *      S/MIME enveloped data (pkcs7-mime, .p7m) is unscannable "encrypted";
 *   2. strong magic bytes (TNEF, PDF, ZIP, gzip, DICOM, images, RTF) win over the
 *      declared type, since senders and clients mislabel attachments;
 *   3. the declared content type, then the file name extension;
 *   4. for application/octet-stream and anything unknown: the weak sniffs
 *      (HL7 v2, FHIR, C-CDA), then "looks like text", else binary (recorded
 *      with format binary, no text).
 * The part's `format` is set to the format used before the extractor runs
 * (segments take their format from the part; extractors such as x_zip may
 * refine it, e.g. to docx).
 *
 * Who converts charsets: the MIME layer has already made text parts
 * UTF-8 (except XML). For the text-based extractors (text, HTML, CSV, iCal,
 * HL7, JSON/FHIR) this file converts bytes that are not valid UTF-8 (a
 * UTF-16 application/json, a cp1252 .csv sent as octet-stream) with
 * charset_to_utf8's guess. XML, RTF, PDF, archives, DICOM, images and
 * embedded messages get the bytes as they are: they read their own
 * encodings. Never logs.
 */
#include <string.h>
#include <strings.h>
#include "extract.h"
#include "mime/charset.h"

typedef int (*extract_fn)(struct phi_doc *d, int part, const unsigned char *p, size_t n);

static int has_prefix(const char *s, const char *pre)
{
	return strncmp(s, pre, strlen(pre)) == 0;
}

static int has_suffix(const char *s, const char *suf)
{
	size_t l = strlen(s), k = strlen(suf);
	return l >= k && strcmp(s + l - k, suf) == 0;
}

static int one_of(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

/* Lower-case extension of a file name ("" when none or too long). */
static void extension(const char *fn, char *o, size_t osz)
{
	const char *dot = fn ? strrchr(fn, '.') : NULL;
	size_t k = 0;

	o[0] = 0;
	if (!dot || strlen(dot + 1) >= osz)
		return;
	for (dot++; *dot; dot++)
		o[k++] = (char)(*dot >= 'A' && *dot <= 'Z' ? *dot + 32 : *dot);
	o[k] = 0;
}

/* Mostly printable text? UTF-16/32 with a BOM counts; NULs do not. */
static int looks_like_text(const unsigned char *p, size_t n)
{
	size_t i, lim = n < 8192 ? n : 8192, ctl = 0, high = 0;

	if (n >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF)))
		return 1;
	if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		return 1;
	for (i = 0; i < lim; i++) {
		unsigned char c = p[i];
		if (c == 0)
			return 0;
		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1B) || c == 0x7F)
			ctl++;
		else if (c >= 0x80)
			high++;
	}
	if (ctl * 50 > lim)
		return 0;
	/* Valid UTF-8 is text; otherwise few high bytes (a legacy code page). */
	if (lim < n) /* cut at a character boundary */
		while (lim > 0 && (p[lim] & 0xC0) == 0x80)
			lim--;
	return charset_is_utf8(p, lim) || high * 10 < lim * 3;
}

/* Run a text-based extractor on UTF-8, converting when the bytes are not. */
static int as_text(struct phi_doc *d, int part, extract_fn fn, const unsigned char *p, size_t n)
{
	struct phi_buf b;
	int rc;

	if (charset_is_utf8(p, n))
		return fn(d, part, p, n);
	phi_buf_init(&b, d->lim.max_decoded_bytes);
	rc = charset_to_utf8(NULL, p, n, &b);
	if (rc == PHI_ELIMIT)
		doc_unscannable(d, part, "limit max_decoded_bytes");
	if (rc == PHI_OK || rc == PHI_ELIMIT)
		rc = fn(d, part, b.data ? b.data : (const unsigned char *)"", b.len);
	phi_buf_free(&b);
	return rc;
}

static int run(struct phi_doc *d, int part, enum phi_format f, extract_fn fn, int text,
               const unsigned char *p, size_t n)
{
	d->parts[part].format = f;
	if (!fn)
		return PHI_OK;
	return text ? as_text(d, part, fn, p, n) : fn(d, part, p, n);
}

/* application/json, or FHIR when it sniffs as FHIR. */
static int json_or_fhir(struct phi_doc *d, int part, const unsigned char *p, size_t n)
{
	if (x_fhir_sniff(p, n)) {
		d->parts[part].format = PHI_FMT_FHIR;
		return x_fhir_extract(d, part, p, n);
	}
	return x_json_extract(d, part, p, n);
}

/* Text that is a whole HL7 v2 message (it starts with MSH) goes to x_hl7;
 * prose with a message pasted inside stays text, and x_text makes the
 * pasted message a child part (so uuencoded blocks etc. are still found). */
static int text_or_hl7(struct phi_doc *d, int part, const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n && i < 256 && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n' || p[i] == 0x0B))
		i++;
	/* "MSH|", or MSH with another field separator (x_hl7_sniff checks it) */
	if (n - i >= 4 && (memcmp(p + i, "MSH", 3) == 0 || memcmp(p + i, "FHS", 3) == 0 ||
	                   memcmp(p + i, "BHS", 3) == 0) && x_hl7_sniff(p + i, n - i)) {
		d->parts[part].format = PHI_FMT_HL7V2;
		return x_hl7_extract(d, part, p, n);
	}
	if (x_x12_sniff(p, n))
		return x_x12_extract(d, part, p, n);
	return x_text_extract(d, part, p, n);
}

int extract_part(struct phi_doc *d, int part, const unsigned char *p, size_t n)
{
	static const char *const zip_types[] = { "application/zip", "application/x-zip-compressed",
		"application/x-zip", "application/zip-compressed", "application/vnd.ms-word.document.macroenabled.12",
		"application/vnd.ms-excel.sheet.macroenabled.12", NULL };
	static const char *const zip_ext[] = { "zip", "docx", "docm", "xlsx", "xlsm", "pptx", "pptm",
		"odt", "ods", "odp", NULL };
	static const char *const hl7_types[] = { "x-application/hl7-v2+er7", "application/hl7-v2",
		"application/hl7-v2+er7", "application/x-hl7", "text/x-hl7", "text/hl7", "application/edi-hl7", NULL };
	static const char *const json_types[] = { "application/json", "application/fhir+json",
		"application/json+fhir", "text/json", "application/x-json", NULL };
	static const char *const xml_types[] = { "text/xml", "application/xml", "application/fhir+xml",
		"application/xml+fhir", "application/hl7-cda+xml", NULL };
	static const char *const csv_types[] = { "text/csv", "text/tab-separated-values", "text/x-csv",
		"application/csv", "text/comma-separated-values", "application/x-csv", NULL };
	static const char *const ical_types[] = { "text/calendar", "application/ics", "text/x-vcalendar", NULL };
	static const char *const vcard_types[] = { "text/vcard", "text/x-vcard", "text/directory", NULL };
	static const char *const text_ext[] = { "txt", "text", "log", "md", "asc", NULL };
	static const char *const x12_types[] = { "application/edi-x12", "application/x12", "application/x-x12",
		"text/x12", NULL };
	static const char *const x12_ext[] = { "x12", "edi", "837", "834", "835", "270", "271", "276", "277",
		"278", "820", NULL };
	const struct phi_part *pt;
	const char *ct;
	char ext[16];
	int rc;

	if (part < 0 || (size_t)part >= d->nparts)
		return PHI_EINVAL;
	if ((rc = doc_budget(d)) != PHI_OK)
		return rc;
	pt = &d->parts[part];
	ct = pt->content_type ? pt->content_type : "application/octet-stream";
	extension(pt->filename, ext, sizeof ext);

	/* 1. embedded messages */
	if (strcmp(ct, "message/rfc822") == 0 || strcmp(ct, "message/global") == 0 || strcmp(ext, "eml") == 0)
		return run(d, part, PHI_FMT_RFC822, x_rfc822_extract, 0, p, n);
	/* Encrypted or opaque S/MIME: nothing readable; policy must know. */
	if (strcmp(ct, "application/pkcs7-mime") == 0 || strcmp(ct, "application/x-pkcs7-mime") == 0 ||
	    strcmp(ext, "p7m") == 0) {
		d->parts[part].format = PHI_FMT_BINARY;
		doc_unscannable(d, part, "encrypted");
		return PHI_OK;
	}
	/* 2. strong magic; TNEF first: its signature is exact at offset 0, while
	 * x_pdf_sniff looks for "%PDF-" anywhere in the first KB (a PDF inside
	 * winmail.dat) */
	if (x_tnef_sniff(p, n))
		return run(d, part, PHI_FMT_TNEF, x_tnef_extract, 0, p, n);
	if (x_pdf_sniff(p, n))
		return run(d, part, PHI_FMT_PDF, x_pdf_extract, 0, p, n);
	if (x_zip_sniff(p, n))
		return run(d, part, PHI_FMT_ZIP, x_zip_extract, 0, p, n);
	if (x_gzip_sniff(p, n))
		return run(d, part, PHI_FMT_GZIP, x_gzip_extract, 0, p, n);
	if (x_dicom_sniff(p, n))
		return run(d, part, PHI_FMT_DICOM, x_dicom_extract, 0, p, n);
	if (x_image_sniff(p, n))
		return run(d, part, PHI_FMT_IMAGE, x_image_extract, 0, p, n);
	if (x_rtf_sniff(p, n))
		return run(d, part, PHI_FMT_RTF, x_rtf_extract, 0, p, n);
	/* 3. declared type, then extension */
	if (strcmp(ct, "text/html") == 0 || strcmp(ct, "application/xhtml+xml") == 0 ||
	    strcmp(ext, "html") == 0 || strcmp(ext, "htm") == 0)
		return run(d, part, PHI_FMT_HTML, x_html_extract, 1, p, n);
	if (one_of(ct, csv_types) || strcmp(ext, "csv") == 0 || strcmp(ext, "tsv") == 0)
		return run(d, part, PHI_FMT_CSV, x_csv_extract, 1, p, n);
	if (one_of(ct, ical_types) || strcmp(ext, "ics") == 0 || strcmp(ext, "vcs") == 0)
		return run(d, part, PHI_FMT_ICAL, x_ical_extract, 1, p, n);
	if (one_of(ct, vcard_types) || strcmp(ext, "vcf") == 0)
		return run(d, part, PHI_FMT_VCARD, x_ical_extract, 1, p, n);
	if (strcmp(ct, "application/pdf") == 0 || strcmp(ct, "application/x-pdf") == 0 || strcmp(ext, "pdf") == 0)
		return run(d, part, PHI_FMT_PDF, x_pdf_extract, 0, p, n);
	if (one_of(ct, zip_types) || has_prefix(ct, "application/vnd.openxmlformats-officedocument.") ||
	    has_prefix(ct, "application/vnd.oasis.opendocument.") || one_of(ext, zip_ext))
		return run(d, part, PHI_FMT_ZIP, x_zip_extract, 0, p, n);
	if (strcmp(ct, "application/gzip") == 0 || strcmp(ct, "application/x-gzip") == 0 ||
	    strcmp(ext, "gz") == 0 || strcmp(ext, "tgz") == 0)
		return run(d, part, PHI_FMT_GZIP, x_gzip_extract, 0, p, n);
	if (strcmp(ct, "application/rtf") == 0 || strcmp(ct, "text/rtf") == 0 || strcmp(ext, "rtf") == 0)
		return run(d, part, PHI_FMT_RTF, x_rtf_extract, 0, p, n);
	/* declared TNEF without the signature: x_tnef says so (unscannable) */
	if (strcmp(ct, "application/ms-tnef") == 0 || strcmp(ct, "application/vnd.ms-tnef") == 0 ||
	    strcmp(ext, "tnef") == 0 || (pt->filename && strcasecmp(pt->filename, "winmail.dat") == 0))
		return run(d, part, PHI_FMT_TNEF, x_tnef_extract, 0, p, n);
	if (strcmp(ct, "application/dicom") == 0 || strcmp(ext, "dcm") == 0)
		return run(d, part, PHI_FMT_DICOM, x_dicom_extract, 0, p, n);
	if (has_prefix(ct, "image/"))
		return run(d, part, PHI_FMT_IMAGE, x_image_extract, 0, p, n);
	if (has_prefix(ct, "audio/"))
		return run(d, part, PHI_FMT_AUDIO, NULL, 0, p, n);
	if (has_prefix(ct, "video/"))
		return run(d, part, PHI_FMT_VIDEO, NULL, 0, p, n);
	if (one_of(ct, hl7_types) || strcmp(ext, "hl7") == 0)
		return run(d, part, PHI_FMT_HL7V2, x_hl7_extract, 1, p, n);
	if (one_of(ct, x12_types) || one_of(ext, x12_ext))
		return run(d, part, PHI_FMT_X12, x_x12_extract, 1, p, n);
	if (one_of(ct, json_types) || has_suffix(ct, "+json") || strcmp(ext, "json") == 0)
		return run(d, part, PHI_FMT_JSON, json_or_fhir, 1, p, n);
	if (one_of(ct, xml_types) || has_suffix(ct, "+xml") || strcmp(ext, "xml") == 0 ||
	    strcmp(ext, "cda") == 0)
		return run(d, part, PHI_FMT_XML, x_xml_extract, 0, p, n);
	if (has_prefix(ct, "text/") || has_prefix(ct, "message/") || one_of(ext, text_ext))
		return run(d, part, PHI_FMT_TEXT, text_or_hl7, 1, p, n);
	/* 4. octet-stream and unknown: weak sniffs, then text, else binary */
	if (x_hl7_sniff(p, n))
		return run(d, part, PHI_FMT_HL7V2, x_hl7_extract, 1, p, n);
	if (x_x12_sniff(p, n))
		return run(d, part, PHI_FMT_X12, x_x12_extract, 1, p, n);
	if (x_fhir_sniff(p, n)) {
		/* FHIR is JSON or XML; XML goes through x_xml, which routes it. */
		size_t i = 0;
		while (i < n && i < 64 && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n' || p[i] >= 0x80))
			i++;
		if (i < n && p[i] == '<')
			return run(d, part, PHI_FMT_XML, x_xml_extract, 0, p, n);
		return run(d, part, PHI_FMT_FHIR, x_fhir_extract, 1, p, n);
	}
	if (x_ccda_sniff(p, n))
		return run(d, part, PHI_FMT_XML, x_xml_extract, 0, p, n);
	if (looks_like_text(p, n))
		return run(d, part, PHI_FMT_TEXT, x_text_extract, 1, p, n);
	return run(d, part, PHI_FMT_BINARY, NULL, 0, p, n);
}
