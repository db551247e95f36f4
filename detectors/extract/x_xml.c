/*
 * x_xml.c - generic XML: bring the bytes to UTF-8 (BOM, UTF-16 without BOM,
 * or the encoding declaration, through charset_to_utf8), hand C-CDA and
 * FHIR XML to their extractors, and otherwise emit the text content as one
 * free-text segment, one text run per line (whitespace-only runs dropped).
 * Parsing is xml.c's: DOCTYPEs and entities are never expanded. Never logs.
 */
#include <string.h>
#include <strings.h>
#include "phi/buf.h"
#include "extract.h"
#include "xml.h"
#include "mime/charset.h"

#define XML_DEPTH 512

/* The encoding="..." of an XML declaration at the start, or "". */
static void decl_encoding(const unsigned char *p, size_t n, char *cs, size_t cssz)
{
	size_t lim = n < 256 ? n : 256, i;
	const unsigned char *e, *q;

	cs[0] = 0;
	if (lim < 5 || memcmp(p, "<?xml", 5) != 0)
		return;
	e = memmem(p, lim, "?>", 2);
	if (!e)
		return;
	q = memmem(p, (size_t)(e - p), "encoding", 8);
	if (!q)
		return;
	q += 8;
	while (q < e && (*q == ' ' || *q == '='))
		q++;
	if (q < e && (*q == '"' || *q == '\''))
		q++;
	for (i = 0; q < e && *q != '"' && *q != '\'' && i + 1 < cssz; q++)
		cs[i++] = (char)*q;
	cs[i] = 0;
}

static int generic(struct phi_doc *d, int part, const unsigned char *p, size_t n)
{
	struct xml_reader r;
	struct phi_buf out;
	enum xml_tok t;
	size_t steps = 0;
	int rc = PHI_OK;

	if (part >= 0 && (size_t)part < d->nparts)
		d->parts[part].format = PHI_FMT_XML;
	xml_init(&r, p, n, XML_DEPTH, 1024 * 1024);
	phi_buf_init(&out, d->lim.max_entry_bytes);
	while ((t = xml_next(&r)) != XML_EOF && t != XML_ERROR) {
		size_t s, e;
		if ((++steps & 255) == 0 && (rc = doc_budget(d)) != PHI_OK)
			break;
		if (t != XML_TEXT)
			continue;
		s = 0;
		e = r.text.len;
		while (s < e && r.text.data[s] <= ' ')
			s++;
		while (e > s && r.text.data[e - 1] <= ' ')
			e--;
		if (e == s)
			continue;
		if (phi_buf_append(&out, r.text.data + s, e - s) != PHI_OK || phi_buf_putc(&out, '\n') != PHI_OK) {
			doc_unscannable(d, part, "limit max_entry_bytes");
			break;
		}
	}
	if (t == XML_ERROR && r.error && strcmp(r.error, "limit max_depth") == 0)
		doc_unscannable(d, part, "limit max_depth");
	if (rc == PHI_OK && out.len)
		rc = doc_add_text(d, part, PHI_F_NONE, NULL, out.data, out.len, 0);
	xml_free(&r);
	phi_buf_free(&out);
	return rc == PHI_ELIMIT ? PHI_OK : rc;
}

/* A declared encoding of two or four bytes a character (UTF-16, UCS-2, UTF-32). */
static int wide_name(const char *cs)
{
	return strncasecmp(cs, "utf-16", 6) == 0 || strncasecmp(cs, "utf16", 5) == 0 ||
	       strncasecmp(cs, "ucs-2", 5) == 0 || strncasecmp(cs, "utf-32", 6) == 0 ||
	       strncasecmp(cs, "ucs-4", 5) == 0;
}

int x_xml_extract(struct phi_doc *d, int part, const unsigned char *p, size_t n)
{
	struct phi_buf conv;
	char cs[48];
	int rc, need = 0;

	phi_buf_init(&conv, d->lim.max_entry_bytes);
	decl_encoding(p, n, cs, sizeof cs);
	if (n >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF) ||
	               (p[0] == '<' && p[1] == 0) || (p[0] == 0 && p[1] == '<'))) {
		need = 1;
		cs[0] = 0; /* let the converter read the BOM / NUL pattern */
	} else if (cs[0] && wide_name(cs)) {
		/* declared UTF-16/32, but neither a BOM nor NULs: the bytes were
		 * converted on the way (a text part's charset, a transport) and
		 * are 8-bit now; converting them again would garble them */
		if (!charset_is_utf8(p, n)) {
			need = 1;
			cs[0] = 0;
		}
	} else if (cs[0] && strcasecmp(cs, "utf-8") != 0 && strcasecmp(cs, "utf8") != 0 &&
	           strcasecmp(cs, "us-ascii") != 0) {
		need = 1;
	} else if (!charset_is_utf8(p, n)) {
		need = 1;
		cs[0] = 0;
	}
	if (need) {
		rc = charset_to_utf8(cs[0] ? cs : NULL, p, n, &conv);
		if (rc == PHI_ENOMEM) {
			phi_buf_free(&conv);
			return rc;
		}
		if (rc == PHI_ELIMIT)
			doc_unscannable(d, part, "limit max_entry_bytes");
		p = conv.data ? conv.data : (const unsigned char *)"";
		n = conv.len;
	}
	if (x_ccda_sniff(p, n))
		rc = x_ccda_extract(d, part, p, n);
	else if (x_fhir_sniff(p, n))
		rc = x_fhir_extract(d, part, p, n);
	else
		rc = generic(d, part, p, n);
	phi_buf_free(&conv);
	return rc;
}
