/*
 * x_text.c - plain UTF-8 text: one free-text segment, plus what hides inside.
 *
 * The whole part is one PHI_F_NONE segment (offset 0), so free-text
 * detectors see everything once. Then three kinds of embedded content get a
 * child part of their own, so that the structured extractors read them with
 * offsets relative to that child:
 *   - uuencoded blocks ("begin 644 name" .. "end"): decoded, a child part
 *     named by the block's file name, handed to extract_part();
 *   - a pasted HL7 v2 message (a line starting "MSH|" and the segment lines
 *     after it): child "x-application/hl7-v2+er7", format hl7v2, x_hl7;
 *   - pasted FHIR JSON (an object holding "resourceType"): child
 *     "application/fhir+json", format fhir, x_fhir; pasted CDA XML
 *     ("<ClinicalDocument" .. "</ClinicalDocument>"): child
 *     "application/hl7-cda+xml", format ccda, x_ccda; a pasted X12
 *     interchange (an ISA header at a line start .. its IEA line): child
 *     "application/edi-x12", format x12, x_x12.
 * An armoured "BEGIN PGP MESSAGE" block makes the part unscannable
 * ("encrypted"). The pasted text also stays in the parent's free text: a duplicate finding
 * costs less than a missed one. At most X_TEXT_EMBED_MAX children per part;
 * every search is bounded by the text. Never logs.
 */
#include <string.h>
#include "extract.h"
#include "memfind.h"
#include "mime/mime.h"

#define X_TEXT_EMBED_MAX 64          /* child parts made from one text part */
#define FHIR_BACK_MAX (64u * 1024)   /* how far back to look for the '{' */
#define NAME_MAX_UU 255

/* Start of the line holding p[i]. */
static size_t line_start(const unsigned char *p, size_t i)
{
	while (i > 0 && p[i - 1] != '\n' && p[i - 1] != '\r')
		i--;
	return i;
}

/* An HL7 segment line: three upper-case letters or digits, then '|'. */
static int hl7_seg(const unsigned char *p, size_t n, size_t i)
{
	size_t k;

	if (n - i < 4)
		return 0;
	for (k = 0; k < 3; k++)
		if (!((p[i + k] >= 'A' && p[i + k] <= 'Z') || (p[i + k] >= '0' && p[i + k] <= '9')))
			return 0;
	return p[i + 3] == '|';
}

/* End of the HL7 message starting at s: after the last segment line. */
static size_t hl7_end(const unsigned char *p, size_t n, size_t s)
{
	size_t i = s, end = s;

	while (i < n) {
		size_t e = i;
		if (!hl7_seg(p, n, i))
			break;
		while (e < n && p[e] != '\n' && p[e] != '\r')
			e++;
		end = e;
		while (e < n && (p[e] == '\n' || p[e] == '\r'))
			e++;
		i = e;
	}
	return end;
}

/* The JSON object around p[at] ("resourceType"): outermost '{' found
 * within FHIR_BACK_MAX before it (and not before `from`), and its matching
 * '}' (strings honoured; unmatched runs to the end). */
static int json_object(const unsigned char *p, size_t n, size_t at, size_t from, size_t *s,
                       size_t *e)
{
	/* Never back past `from`: each forward match then starts after the
	 * previous one, so the forward scans are linear in total. */
	size_t i = at, lim = at - from > FHIR_BACK_MAX ? at - FHIR_BACK_MAX : from, best = (size_t)-1;
	long depth = 0;
	int instr = 0;

	while (i > lim) {
		i--;
		if (p[i] == '}')
			depth++;
		else if (p[i] == '{') {
			if (depth == 0)
				best = i;
			else
				depth--;
		}
	}
	if (best == (size_t)-1)
		return 0;
	depth = 0;
	for (i = best; i < n; i++) {
		unsigned char c = p[i];
		if (instr) {
			if (c == '\\')
				i++;
			else if (c == '"')
				instr = 0;
			continue;
		}
		if (c == '"')
			instr = 1;
		else if (c == '{')
			depth++;
		else if (c == '}' && --depth == 0)
			break;
	}
	*s = best;
	*e = i < n ? i + 1 : n;
	return 1;
}

typedef int (*xfn)(struct phi_doc *d, int part, const unsigned char *p, size_t n);

/* A child part of `part` for an embedded region, read by fn (or by
 * extract_part when fn is NULL). */
static int embed(struct phi_doc *d, int part, const char *ct, const char *fname,
                 enum phi_format f, xfn fn, const unsigned char *p, size_t n)
{
	int c = doc_add_part(d, part, ct, fname, f, n, 0);

	int rc;

	if (c < 0)
		return c == PHI_ENOMEM ? c : PHI_ELIMIT;
	rc = fn ? fn(d, c, p, n) : extract_part(d, c, p, n);
	if (rc == PHI_OK && fname)
		rc = doc_add_text(d, c, PHI_F_FILENAME, "filename", (const unsigned char *)fname,
		                  strlen(fname), 0);
	return rc;
}

static int uu_blocks(struct phi_doc *d, int part, const unsigned char *p, size_t n, int *made)
{
	size_t from = 0, bs, be, nl;
	const unsigned char *name;
	char fname[NAME_MAX_UU + 1];
	int rc = PHI_OK;

	while (*made < X_TEXT_EMBED_MAX && uuencode_find(p, n, from, &bs, &be, &name, &nl)) {
		struct phi_buf b;
		if (nl > NAME_MAX_UU)
			nl = NAME_MAX_UU;
		memcpy(fname, name, nl);
		fname[nl] = 0;
		phi_buf_init(&b, d->lim.max_decoded_bytes);
		rc = uuencode_decode(p + bs, be - bs, &b);
		if (rc == PHI_OK || rc == PHI_ELIMIT)
			rc = embed(d, part, "application/octet-stream", fname, PHI_FMT_BINARY, NULL,
			           b.data ? b.data : (const unsigned char *)"", b.len);
		phi_buf_free(&b);
		(*made)++;
		from = be > bs ? be : bs + 1;
		if (rc != PHI_OK)
			break;
	}
	return rc;
}

static int pasted_hl7(struct phi_doc *d, int part, const unsigned char *p, size_t n, int *made)
{
	size_t from = 0;
	int rc = PHI_OK;

	while (*made < X_TEXT_EMBED_MAX && from < n) {
		const unsigned char *m = memfind(p + from, n - from, "MSH|", 4);
		size_t s, e;
		if (!m)
			break;
		s = (size_t)(m - p);
		from = s + 4;
		if (line_start(p, s) != s)
			continue;
		e = hl7_end(p, n, s);
		rc = embed(d, part, "x-application/hl7-v2+er7", NULL, PHI_FMT_HL7V2, x_hl7_extract, p + s, e - s);
		(*made)++;
		from = e > s + 4 ? e : s + 4;
		if (rc != PHI_OK)
			break;
	}
	return rc;
}

static int pasted_fhir(struct phi_doc *d, int part, const unsigned char *p, size_t n, int *made)
{
	size_t from = 0, s, e;
	int rc = PHI_OK, tries = 0;

	/* Each try may look FHIR_BACK_MAX bytes back: a bounded number of them. */
	while (*made < X_TEXT_EMBED_MAX && from < n && tries++ < 4 * X_TEXT_EMBED_MAX) {
		const unsigned char *m = memfind(p + from, n - from, "\"resourceType\"", 14);
		if (!m)
			break;
		if (!json_object(p, n, (size_t)(m - p), from, &s, &e) || e <= from) {
			from = (size_t)(m - p) + 14;
			continue;
		}
		rc = embed(d, part, "application/fhir+json", NULL, PHI_FMT_FHIR, x_fhir_extract, p + s, e - s);
		(*made)++;
		from = e;
		if (rc != PHI_OK)
			break;
	}
	return rc;
}

static int pasted_cda(struct phi_doc *d, int part, const unsigned char *p, size_t n, int *made)
{
	static const char close[] = "</ClinicalDocument>";
	size_t from = 0, s, e;
	int rc = PHI_OK;

	while (*made < X_TEXT_EMBED_MAX && from < n) {
		const unsigned char *m = memfind(p + from, n - from, "<ClinicalDocument", 17), *c;
		if (!m)
			break;
		s = (size_t)(m - p);
		c = memfind(p + s, n - s, close, sizeof close - 1);
		e = c ? (size_t)(c - p) + sizeof close - 1 : n;
		rc = embed(d, part, "application/hl7-cda+xml", NULL, PHI_FMT_CCDA, x_ccda_extract, p + s, e - s);
		(*made)++;
		from = e > s ? e : s + 1;
		if (rc != PHI_OK)
			break;
	}
	return rc;
}

/* An X12 interchange pasted into prose: from its ISA to the end of its IEA
 * segment (or of the text) as a child part. */
static int pasted_x12(struct phi_doc *d, int part, const unsigned char *p, size_t n, int *made)
{
	size_t s = x_x12_find(p, n), e;
	const unsigned char *iea;

	if (s == n || *made >= X_TEXT_EMBED_MAX)
		return PHI_OK;
	iea = memfind(p + s, n - s, "IEA", 3);
	e = n;
	if (iea) {
		const unsigned char *nl = memchr(iea, '\n', n - (size_t)(iea - p));
		e = nl ? (size_t)(nl - p) + 1 : n;
	}
	(*made)++;
	return embed(d, part, "application/edi-x12", NULL, PHI_FMT_X12, x_x12_extract, p + s, e - s);
}

int x_text_extract(struct phi_doc *d, int part, const unsigned char *p, size_t n)
{
	int rc, made = 0;

	rc = doc_add_text(d, part, PHI_F_NONE, NULL, p, n, 0);
	if (rc != PHI_OK && rc != PHI_ELIMIT)
		return rc;
	/* An armoured PGP message (inline or PGP/MIME) cannot be read. */
	if (memfind(p, n, "-----BEGIN PGP MESSAGE-----", 27))
		doc_unscannable(d, part, "encrypted");
	/* A limit on a child (parts, depth) ends the search, not the scan. */
	rc = uu_blocks(d, part, p, n, &made);
	if (rc == PHI_OK && memfind(p, n, "MSH|", 4))
		rc = pasted_hl7(d, part, p, n, &made);
	if (rc == PHI_OK && memfind(p, n, "\"resourceType\"", 14))
		rc = pasted_fhir(d, part, p, n, &made);
	if (rc == PHI_OK && memfind(p, n, "<ClinicalDocument", 17))
		rc = pasted_cda(d, part, p, n, &made);
	if (rc == PHI_OK && memfind(p, n, "ISA", 3))
		rc = pasted_x12(d, part, p, n, &made);
	return rc == PHI_ELIMIT ? PHI_OK : rc;
}
