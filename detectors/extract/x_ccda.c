/*
 * x_ccda.c - C-CDA / CDA R2 documents (ClinicalDocument, urn:hl7-org:v3).
 *
 * One pass of the XML tokenizer with a stack of element roles. The patient
 * of recordTarget/patientRole gives named fields: id@extension (PATIENT_ID,
 * or SSN under the SSA root), addr (ADDRESS), telecom@value (PHONE, mailto:
 * PATIENT_OTHER), patient/name (PATIENT_NAME "given family"), birthTime
 * (BIRTH_DATE), gender/race/ethnicity/marital codes (PATIENT_OTHER),
 * guardian/guardianPerson/name (RELATIVE_NAME). Section titles, narrative
 * (section/text, a table row per line, cells split by " | ") and entry
 * displayName/originalText become PHI_F_CLINICAL; all other text (the header,
 * authors, custodians and other providers) is free text. A document not in
 * UTF-8 (BOM, NUL pattern or a declared encoding) is converted first.
 * Entities are never expanded beyond what xml.h allows. Never logs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "phi/buf.h"
#include "mime/charset.h"
#include "mime/mime.h"
#include "xml.h"
#include "extract.h"

#define CDA_MAX_DEPTH 256u
#define CDA_CHUNK     (32u * 1024)
#define CDA_TEXT_MAX  (4u * 1024 * 1024)

#define RT_PATH "recordTarget/patientRole"
#define PAT_PATH RT_PATH "/patient"

enum role {
	R_OTHER, R_RT, R_PROLE, R_PAT, R_GUARD, R_GPERSON, R_BIRTHPLACE,
	R_NAME, R_GIVEN, R_FAMILY, R_NAMEPART, R_ADDR, R_B64, R_SECTION, R_TITLE, R_STEXT, R_ENTRY,
};

enum zone { Z_DOC, Z_RT, Z_NARR, Z_ENTRY };

struct frame {
	unsigned char role, zone;
};

struct acc {                      /* text gathered for one segment */
	struct phi_buf b;             /* owned */
	size_t off;
};

struct cda {
	struct phi_doc *d;            /* borrowed */
	int part;
	struct xml_reader r;
	struct frame st[CDA_MAX_DEPTH + 1];
	unsigned sp;
	struct phi_buf av;            /* owned: attribute scratch */
	struct acc none, narr, entry, title;
	struct acc given, family, nametext, addr;
	struct acc b64;               /* an embedded document (representation="B64") */
	char b64_type[96];            /* its mediaType */
	int b64_full;                 /* its limit was reported */
	enum phi_field name_f, addr_f;
	const char *name_fn, *addr_fn;
	unsigned cells;               /* cells so far in the current table row */
	int rc;
};

static void acc_add(struct acc *a, const unsigned char *t, size_t n, size_t off, const char *sep)
{
	while (n && (*t == ' ' || *t == '\n' || *t == '\r' || *t == '\t'))
		t++, n--;
	while (n && (t[n - 1] == ' ' || t[n - 1] == '\n' || t[n - 1] == '\r' || t[n - 1] == '\t'))
		n--;
	if (n == 0)
		return;
	if (a->b.len == 0)
		a->off = off;
	else if (sep && a->b.data[a->b.len - 1] != '\n')
		phi_buf_append(&a->b, sep, strlen(sep));
	phi_buf_append(&a->b, t, n);
}

static void acc_put(struct acc *a, const char *s)
{
	if (s[0] == '\n' || s[0] == ' ')        /* no blanks before a break or a blank */
		while (a->b.len && a->b.data[a->b.len - 1] == ' ')
			a->b.data[--a->b.len] = 0;
	if (a->b.len && a->b.data[a->b.len - 1] != '\n')
		phi_buf_append(&a->b, s, strlen(s));
}

static void emit(struct cda *c, enum phi_field f, const char *name, const unsigned char *t,
                 size_t n, size_t off)
{
	int rc;

	while (n && (*t == ' ' || *t == '\n' || *t == '\t' || *t == '\r'))
		t++, n--;
	while (n && (t[n - 1] == ' ' || t[n - 1] == '\n' || t[n - 1] == '\t' || t[n - 1] == '\r'))
		n--;
	if (n == 0 || c->rc != PHI_OK)
		return;
	rc = doc_add_text(c->d, c->part, f, name, t, n, off);
	if (rc != PHI_OK)
		c->rc = rc;
}

static void acc_flush(struct cda *c, struct acc *a, enum phi_field f, const char *name)
{
	emit(c, f, name, a->b.data, a->b.len, a->off);
	phi_buf_reset(&a->b);
}

static size_t cur_off(const struct cda *c)
{
	return c->r.name ? (size_t)(c->r.name - c->r.start) : 0;
}

/* Emit attribute `attr` of the current element, if present. */
static void emit_attr(struct cda *c, const char *attr, enum phi_field f, const char *name)
{
	if (xml_attr(&c->r, attr, &c->av))
		emit(c, f, name, c->av.data, c->av.len, cur_off(c));
}

static void emit_id(struct cda *c)
{
	struct phi_buf root;
	int ssn;

	phi_buf_init(&root, 256);
	/* 2.16.840.1.113883.4.1 is the US Social Security Administration */
	ssn = xml_attr(&c->r, "root", &root) && root.len == 21 &&
	      memcmp(root.data, "2.16.840.1.113883.4.1", 21) == 0;
	if (xml_attr(&c->r, "extension", &c->av))
		emit(c, ssn ? PHI_F_SSN : PHI_F_PATIENT_ID, RT_PATH "/id", c->av.data, c->av.len, cur_off(c));
	else if (root.len)   /* a root alone is the identifier itself */
		emit(c, PHI_F_PATIENT_ID, RT_PATH "/id", root.data, root.len, cur_off(c));
	phi_buf_free(&root);
}

static void emit_telecom(struct cda *c, const char *name)
{
	const unsigned char *v;
	size_t n;

	if (!xml_attr(&c->r, "value", &c->av))
		return;
	v = c->av.data;
	n = c->av.len;
	if (n >= 7 && strncasecmp((const char *)v, "mailto:", 7) == 0) {
		emit(c, PHI_F_PATIENT_OTHER, name, v + 7, n - 7, cur_off(c));
		return;
	}
	if (n >= 4 && (strncasecmp((const char *)v, "tel:", 4) == 0 || strncasecmp((const char *)v, "fax:", 4) == 0))
		v += 4, n -= 4;
	emit(c, PHI_F_PHONE, name, v, n, cur_off(c));
}

static void start_name(struct cda *c, enum phi_field f, const char *fn)
{
	phi_buf_reset(&c->given.b);
	phi_buf_reset(&c->family.b);
	phi_buf_reset(&c->nametext.b);
	c->name_f = f;
	c->name_fn = fn;
	c->given.off = c->family.off = c->nametext.off = cur_off(c);
}

static void end_name(struct cda *c)
{
	struct phi_buf out;

	phi_buf_init(&out, CDA_TEXT_MAX);
	phi_buf_append(&out, c->given.b.data, c->given.b.len);
	if (out.len && c->family.b.len)
		phi_buf_putc(&out, ' ');
	phi_buf_append(&out, c->family.b.data, c->family.b.len);
	if (out.len == 0)
		phi_buf_append(&out, c->nametext.b.data, c->nametext.b.len);
	emit(c, c->name_f, c->name_fn, out.data, out.len, c->given.off);
	phi_buf_free(&out);
}

static void start_addr(struct cda *c, enum phi_field f, const char *fn)
{
	phi_buf_reset(&c->addr.b);
	c->addr_f = f;
	c->addr_fn = fn;
	c->addr.off = cur_off(c);
}

/* Decode an embedded base64 document into a child part and extract it. */
static void embed(struct cda *c)
{
	struct phi_buf raw;
	int child, rc;

	phi_buf_init(&raw, c->d->lim.max_entry_bytes);
	rc = cte_base64_decode(c->b64.b.data ? c->b64.b.data : (const unsigned char *)"", c->b64.b.len, &raw);
	if (rc == PHI_ENOMEM) {
		c->rc = rc;
	} else if (raw.len) {
		if (rc == PHI_ELIMIT)
			doc_unscannable(c->d, c->part, "limit max_entry_bytes");
		child = doc_add_part(c->d, c->part, c->b64_type[0] ? c->b64_type : "application/octet-stream",
		                     NULL, PHI_FMT_BINARY, raw.len, 1);
		if (child >= 0) {
			rc = extract_part(c->d, child, raw.data, raw.len);
			if (rc == PHI_ENOMEM || rc == PHI_ETIME)
				c->rc = rc;
		} else if (child == PHI_ENOMEM) {
			c->rc = child;
		}
	}
	phi_buf_free(&raw);
	phi_buf_reset(&c->b64.b);
}

static int is(const struct cda *c, const char *s)
{
	return xml_is(&c->r, s);
}

/* The role and zone of a new element under `parent`; emits the patient's
 * attribute-valued fields as a side effect. */
static struct frame open_elem(struct cda *c, struct frame parent)
{
	struct frame f = { R_OTHER, parent.zone };

	if (parent.role == R_B64) {
		f.role = R_B64;
		return f;
	}
	if (xml_attr(&c->r, "representation", &c->av) && c->av.len == 3 &&
	    memcmp(c->av.data, "B64", 3) == 0) {
		/* base64 content (nonXMLBody/text, observationMedia/value):
		 * decoded and read as an attachment of its own */
		f.role = R_B64;
		phi_buf_reset(&c->b64.b);
		c->b64_type[0] = 0;
		if (xml_attr(&c->r, "mediaType", &c->av) && c->av.len < sizeof c->b64_type) {
			size_t i;
			for (i = 0; i < c->av.len; i++) {
				unsigned char ch = c->av.data[i];
				c->b64_type[i] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
			}
			c->b64_type[c->av.len] = 0;
		}
		return f;
	}
	switch (parent.role) {
	case R_RT:
		if (is(c, "patientRole"))
			f.role = R_PROLE;
		return f;
	case R_PROLE:
		if (is(c, "patient")) {
			f.role = R_PAT;
		} else if (is(c, "id")) {
			emit_id(c);
		} else if (is(c, "addr")) {
			f.role = R_ADDR;
			start_addr(c, PHI_F_ADDRESS, RT_PATH "/addr");
		} else if (is(c, "telecom")) {
			emit_telecom(c, RT_PATH "/telecom");
		}
		return f;
	case R_PAT:
		if (is(c, "name")) {
			f.role = R_NAME;
			start_name(c, PHI_F_PATIENT_NAME, PAT_PATH "/name");
		} else if (is(c, "birthTime")) {
			emit_attr(c, "value", PHI_F_BIRTH_DATE, PAT_PATH "/birthTime");
		} else if (is(c, "administrativeGenderCode") || is(c, "raceCode") ||
		           is(c, "ethnicGroupCode") || is(c, "maritalStatusCode") ||
		           is(c, "religiousAffiliationCode")) {
			char fn[96];
			snprintf(fn, sizeof fn, PAT_PATH "/%.*s", (int)c->r.local_len, (const char *)c->r.local);
			if (xml_attr(&c->r, "displayName", &c->av) || xml_attr(&c->r, "code", &c->av))
				emit(c, PHI_F_PATIENT_OTHER, fn, c->av.data, c->av.len, cur_off(c));
		} else if (is(c, "deceasedTime")) {
			emit_attr(c, "value", PHI_F_PATIENT_OTHER, PAT_PATH "/deceasedTime");
		} else if (is(c, "guardian")) {
			f.role = R_GUARD;
		} else if (is(c, "birthplace")) {
			f.role = R_BIRTHPLACE;
		} else if (is(c, "addr")) {
			f.role = R_ADDR;
			start_addr(c, PHI_F_ADDRESS, PAT_PATH "/addr");
		} else if (is(c, "telecom")) {
			emit_telecom(c, PAT_PATH "/telecom");
		} else if (is(c, "id")) {
			emit_attr(c, "extension", PHI_F_PATIENT_ID, PAT_PATH "/id");
		}
		return f;
	case R_GUARD:
		if (is(c, "guardianPerson")) {
			f.role = R_GPERSON;
		} else if (is(c, "addr")) {
			f.role = R_ADDR;
			start_addr(c, PHI_F_ADDRESS, PAT_PATH "/guardian/addr");
		} else if (is(c, "telecom")) {
			emit_telecom(c, PAT_PATH "/guardian/telecom");
		}
		return f;
	case R_GPERSON:
		if (is(c, "name")) {
			f.role = R_NAME;
			start_name(c, PHI_F_RELATIVE_NAME, PAT_PATH "/guardian/guardianPerson/name");
		}
		return f;
	case R_BIRTHPLACE:
		if (is(c, "addr")) {
			f.role = R_ADDR;
			start_addr(c, PHI_F_PATIENT_OTHER, PAT_PATH "/birthplace/place/addr");
		} else {
			f.role = R_BIRTHPLACE;   /* place/addr */
		}
		return f;
	case R_NAME:
		if (is(c, "given"))
			f.role = R_GIVEN;
		else if (is(c, "family"))
			f.role = R_FAMILY;
		else
			f.role = R_NAMEPART;   /* prefix, suffix, delimiter: not rendered */
		return f;
	case R_ADDR:
		f.role = R_ADDR;
		return f;
	case R_SECTION:
		if (is(c, "title")) {
			f.role = R_TITLE;
			return f;
		}
		if (is(c, "text")) {
			f.role = R_STEXT;
			f.zone = Z_NARR;
			c->cells = 0;
			return f;
		}
		break;
	default:
		break;
	}
	if (f.zone == Z_DOC && is(c, "recordTarget")) {
		f.role = R_RT;
		f.zone = Z_RT;
	} else if (is(c, "section") && f.zone != Z_RT) {
		f.role = R_SECTION;
		f.zone = Z_DOC;
	} else if (is(c, "entry") && f.zone == Z_DOC) {
		f.role = R_ENTRY;
		f.zone = Z_ENTRY;
	}
	if (f.zone == Z_NARR) {
		if (is(c, "tr")) {
			acc_put(&c->narr, "\n");
			c->cells = 0;
		} else if (is(c, "td") || is(c, "th")) {
			if (c->cells++)
				acc_put(&c->narr, " | ");
		} else if (is(c, "br") || is(c, "paragraph") || is(c, "item") || is(c, "caption") ||
		           is(c, "list") || is(c, "table")) {
			acc_put(&c->narr, "\n");
		} else {
			acc_put(&c->narr, " ");
		}
	} else if (f.zone == Z_ENTRY) {
		if (xml_attr(&c->r, "displayName", &c->av))
			acc_add(&c->entry, c->av.data, c->av.len, cur_off(c), "\n");
	}
	return f;
}

static void close_elem(struct cda *c, struct frame f)
{
	switch (f.role) {
	case R_NAME:
		end_name(c);
		break;
	case R_ADDR:
		/* nested addr parts share the role; emit at the outermost */
		if (c->sp == 0 || c->st[c->sp - 1].role != R_ADDR)
			acc_flush(c, &c->addr, c->addr_f, c->addr_fn);
		break;
	case R_TITLE:
		acc_flush(c, &c->title, PHI_F_CLINICAL, "section/title");
		break;
	case R_B64:
		if (c->sp == 0 || c->st[c->sp - 1].role != R_B64)
			embed(c);
		break;
	case R_STEXT:
		acc_flush(c, &c->narr, PHI_F_CLINICAL, "section/text");
		break;
	case R_ENTRY:
		acc_flush(c, &c->entry, PHI_F_CLINICAL, "entry");
		break;
	default:
		break;
	}
}

static void text(struct cda *c, const unsigned char *t, size_t n, size_t off)
{
	struct frame f = c->sp ? c->st[c->sp - 1] : (struct frame){ R_OTHER, Z_DOC };
	unsigned i;

	switch (f.role) {
	case R_GIVEN:
		acc_add(&c->given, t, n, off, " ");
		return;
	case R_FAMILY:
		acc_add(&c->family, t, n, off, " ");
		return;
	case R_NAME:
		acc_add(&c->nametext, t, n, off, " ");
		return;
	case R_NAMEPART:
		return;               /* prefix/suffix: left out of the rendering */
	case R_ADDR:
		acc_add(&c->addr, t, n, off, " ");
		return;
	case R_TITLE:
		acc_add(&c->title, t, n, off, " ");
		return;
	case R_B64:
		if (c->b64.b.len == 0)
			c->b64.off = off;
		if (phi_buf_append(&c->b64.b, t, n) == PHI_ELIMIT && !c->b64_full) {
			c->b64_full = 1;
			doc_unscannable(c->d, c->part, "limit max_entry_bytes");
		}
		return;
	default:
		break;
	}
	/* inside a name's prefix/suffix child deeper down */
	for (i = c->sp; i > 0; i--)
		if (c->st[i - 1].role == R_NAMEPART)
			return;
	if (f.zone == Z_NARR) {
		acc_add(&c->narr, t, n, off, NULL);
		if (c->narr.b.len >= CDA_CHUNK)
			acc_flush(c, &c->narr, PHI_F_CLINICAL, "section/text");
	} else if (f.zone == Z_ENTRY) {
		acc_add(&c->entry, t, n, off, "\n");
		if (c->entry.b.len >= CDA_CHUNK)
			acc_flush(c, &c->entry, PHI_F_CLINICAL, "entry");
	} else {
		acc_add(&c->none, t, n, off, "\n");
		if (c->none.b.len >= CDA_CHUNK)
			acc_flush(c, &c->none, PHI_F_NONE, NULL);
	}
}

/* --- sniffing and encodings --- */

static int utf16_bom(const unsigned char *p, size_t n)
{
	return n >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF));
}

/* ASCII view of the start of p (UTF-16 reduced to its low bytes). */
static size_t ascii_head(const unsigned char *p, size_t n, unsigned char *out, size_t outn)
{
	size_t i, k = 0;
	int wide = utf16_bom(p, n) || (n >= 4 && ((p[0] == '<' && p[1] == 0) || (p[0] == 0 && p[1] == '<')));

	if (!wide) {
		k = n < outn ? n : outn;
		memcpy(out, p, k);
		return k;
	}
	for (i = 0; i < n && k < outn; i++)
		if (p[i] != 0 && p[i] != 0xFF && p[i] != 0xFE)
			out[k++] = p[i];
	return k;
}

int x_ccda_sniff(const unsigned char *p, size_t n)
{
	unsigned char head[4096];
	size_t k = ascii_head(p, n, head, sizeof head), i;
	const unsigned char *q;

	for (i = 0; i + 17 <= k; i++) {
		q = memchr(head + i, 'C', k - i);
		if (!q || (size_t)(q - head) + 16 > k)
			return 0;
		i = (size_t)(q - head);
		if (memcmp(q, "ClinicalDocument", 16) == 0 && i > 0 && (q[-1] == '<' || q[-1] == ':')) {
			unsigned char nx = i + 16 < k ? q[16] : ' ';
			if (nx == ' ' || nx == '>' || nx == '\n' || nx == '\r' || nx == '\t' || nx == '/')
				return 1;
		}
	}
	return 0;
}

/* The encoding named in the XML declaration, lowercased into cs, or "". */
static void declared_encoding(const unsigned char *p, size_t n, char *cs, size_t csn)
{
	const unsigned char *e, *q;
	size_t k = 0;

	cs[0] = 0;
	if (n < 6 || memcmp(p, "<?xml", 5) != 0)
		return;
	e = memchr(p, '>', n < 512 ? n : 512);
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
	while (q < e && *q != '"' && *q != '\'' && k + 1 < csn) {
		unsigned char ch = *q++;
		cs[k++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
	}
	cs[k] = 0;
}

int x_ccda_extract(struct phi_doc *d, int part, const unsigned char *p, size_t n)
{
	struct cda *c;
	struct phi_buf conv;
	char cs[40];
	enum xml_tok t;
	unsigned ntok = 0;
	int rc;

	c = calloc(1, sizeof *c);
	if (!c)
		return PHI_ENOMEM;
	c->d = d;
	c->part = part;
	phi_buf_init(&conv, d->lim.max_decoded_bytes);
	/* bring the document to UTF-8 */
	{
		size_t skip = n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF ? 3 : 0;
		declared_encoding(p + skip, n - skip, cs, sizeof cs);
		if (utf16_bom(p, n) || (n >= 2 && (p[0] == 0 || p[1] == 0))) {
			rc = charset_to_utf8(NULL, p, n, &conv);
			if (rc == PHI_ENOMEM)
				goto out_nomem;
			p = conv.data ? conv.data : p;
			n = conv.data ? conv.len : n;
		} else if (cs[0] && strcmp(cs, "utf-8") && strcmp(cs, "utf8") && strcmp(cs, "us-ascii") &&
		           strcmp(cs, "ascii") &&
		           /* declared UTF-16/32 without a BOM or NULs: already 8-bit
		            * (converted on the way), read as it is */
		           !((!strncmp(cs, "utf-16", 6) || !strncmp(cs, "utf16", 5) ||
		              !strncmp(cs, "ucs-2", 5) || !strncmp(cs, "utf-32", 6)) &&
		             charset_is_utf8(p, n))) {
			rc = charset_to_utf8(cs, p, n, &conv);
			if (rc == PHI_ENOMEM)
				goto out_nomem;
			p = conv.data ? conv.data : p;
			n = conv.data ? conv.len : n;
		} else if (skip) {
			p += skip;
			n -= skip;
		}
	}
	phi_buf_init(&c->av, 64u * 1024);
	phi_buf_init(&c->none.b, CDA_TEXT_MAX + CDA_CHUNK);
	phi_buf_init(&c->narr.b, CDA_TEXT_MAX + CDA_CHUNK);
	phi_buf_init(&c->entry.b, CDA_TEXT_MAX + CDA_CHUNK);
	phi_buf_init(&c->title.b, CDA_TEXT_MAX);
	phi_buf_init(&c->given.b, CDA_TEXT_MAX);
	phi_buf_init(&c->family.b, CDA_TEXT_MAX);
	phi_buf_init(&c->nametext.b, CDA_TEXT_MAX);
	phi_buf_init(&c->addr.b, CDA_TEXT_MAX);
	/* base64 is 4/3 of the bytes it holds, plus line breaks */
	phi_buf_init(&c->b64.b, d->lim.max_entry_bytes / 3 * 4 + d->lim.max_entry_bytes / 8 + 4096);
	xml_init(&c->r, p, n, CDA_MAX_DEPTH, CDA_TEXT_MAX);
	while (c->rc == PHI_OK) {
		if ((++ntok & 255) == 0 && (c->rc = doc_budget(d)) != PHI_OK)
			break;
		t = xml_next(&c->r);
		if (t == XML_EOF)
			break;
		if (t == XML_ERROR) {
			doc_unscannable(d, part, "malformed");
			break;
		}
		if (t == XML_OPEN) {
			struct frame parent = c->sp ? c->st[c->sp - 1] : (struct frame){ R_OTHER, Z_DOC };
			if (c->sp >= CDA_MAX_DEPTH) {
				doc_unscannable(d, part, "limit max_depth");
				break;
			}
			if (xml_is(&c->r, "ClinicalDocument"))
				d->parts[part].format = PHI_FMT_CCDA;
			c->st[c->sp] = open_elem(c, parent);
			c->sp++;
		} else if (t == XML_CLOSE) {
			if (c->sp) {
				c->sp--;
				close_elem(c, c->st[c->sp]);
			}
		} else if (t == XML_TEXT) {
			text(c, c->r.text.data, c->r.text.len, c->r.text_offset);
		}
	}
	/* whatever is still open (a truncated document) is emitted */
	while (c->sp && c->rc == PHI_OK) {
		c->sp--;
		close_elem(c, c->st[c->sp]);
	}
	acc_flush(c, &c->narr, PHI_F_CLINICAL, "section/text");
	acc_flush(c, &c->entry, PHI_F_CLINICAL, "entry");
	acc_flush(c, &c->none, PHI_F_NONE, NULL);
	rc = c->rc;
	xml_free(&c->r);
	phi_buf_free(&c->av);
	phi_buf_free(&c->none.b);
	phi_buf_free(&c->narr.b);
	phi_buf_free(&c->entry.b);
	phi_buf_free(&c->title.b);
	phi_buf_free(&c->given.b);
	phi_buf_free(&c->family.b);
	phi_buf_free(&c->nametext.b);
	phi_buf_free(&c->addr.b);
	phi_buf_free(&c->b64.b);
	phi_buf_free(&conv);
	free(c);
	return rc == PHI_ELIMIT ? PHI_OK : rc;
out_nomem:
	phi_buf_free(&conv);
	free(c);
	return PHI_ENOMEM;
}
