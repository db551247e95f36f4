/*
 * mime_parse.c - the MIME walker: header blocks, multipart bodies, leaves.
 *
 * mime_parse_message() reads one RFC 5322 message held in memory (the top
 * message, or an embedded message/rfc822 part) into the doc: a headers part
 * ("0", or "<part>.0") whose human-text fields (Subject, Comments, display
 * names ...) become segments, then the body. Parts are numbered IMAP style:
 * the children of a top-level multipart are "1", "2"; a single-part body is
 * "1"; nested children "2.1". Each leaf is transfer-decoded (cte_*.c),
 * text parts are converted to UTF-8 (charset.c; XML is left to x_xml, which
 * reads its own declaration), format=flowed text/plain is unwrapped
 * (RFC 3676), and extract_part() picks the extractor.
 *
 * Tolerance is that of mail readers (LF-only lines, NUL bytes, a missing
 * blank line or final boundary, a stray line among the header fields, junk
 * in base64). Preamble and epilogue are not read. Limits: a header field
 * longer than max_header_bytes is cut (noted once per block), boundaries
 * longer than MIME_BOUNDARY_MAX are cut (as Postfix's
 * mime_boundary_length_limit), nesting and part counts are enforced by
 * doc_add_part (MIME_NEST_MAX guards the C stack whatever max_depth says),
 * decoded bytes by phi_buf maxima. Never logs; never keeps a pointer into
 * the message past the call.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "../scan.h"
#include "mime.h"
#include "charset.h"

#define MIME_BOUNDARY_MAX 2048  /* longer boundaries are cut and prefix-matched */
#define MIME_NEST_MAX 200       /* hard recursion guard, whatever max_depth says */
#define MIME_TYPE_MAX 128       /* "type/subtype" kept */
#define MIME_NAME_MAX 1024      /* decoded file name kept */
#define MIME_HUMAN_MAX 64       /* human-text fields held back per header block */
#define MIME_RESYNC_LINES 64    /* look-ahead past a stray line in a header block */

/* The fields of one header block that the walker needs (first occurrence
 * of each; ranges into the entity's bytes, borrowed for the call). */
struct entity {
	const unsigned char *ct, *cte, *cd, *cdesc;
	size_t ctl, ctel, cdl, cdescl;
	size_t body;      /* offset of the body in the entity */
};

/* Header fields that carry human text, scanned as segments. */
enum hkind { HK_NONE, HK_SUBJECT, HK_TEXT, HK_ADDR };
static const struct {
	const char *name;
	enum hkind kind;
} human_hdrs[] = {
	{ "Subject", HK_SUBJECT }, { "Comments", HK_TEXT }, { "Keywords", HK_TEXT },
	{ "Thread-Topic", HK_TEXT }, { "Summary", HK_TEXT }, { "Content-Description", HK_TEXT },
	{ "X-Subject", HK_TEXT }, { "Organization", HK_TEXT },
	{ "From", HK_ADDR }, { "To", HK_ADDR }, { "Cc", HK_ADDR }, { "Bcc", HK_ADDR },
	{ "Reply-To", HK_ADDR }, { "Sender", HK_ADDR },
};

static int walk_entity(struct phi_doc *d, int parent, const unsigned char *p, size_t n,
                       const char *defct, unsigned nest);

/* Next line [*ls, *le) from i (le before CR LF); returns the index after it. */
static size_t line_at(const unsigned char *p, size_t n, size_t i, size_t *ls, size_t *le)
{
	const unsigned char *nl = memchr(p + i, '\n', n - i);
	size_t e = nl ? (size_t)(nl - p) : n;

	*ls = i;
	*le = e;
	if (e > i && p[e - 1] == '\r')
		(*le)--;
	return nl ? e + 1 : n;
}

static int name_is(const unsigned char *nm, size_t nl, const char *want)
{
	return strlen(want) == nl && strncasecmp((const char *)nm, want, nl) == 0;
}

/* Display names and comments of an address list: <addr-spec> removed,
 * quotes dropped. Bare addresses give nothing. */
static size_t addr_names(unsigned char *s, size_t n)
{
	size_t i, k = 0;
	int in_angle = 0, any = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '<') {
			in_angle = 1;
			any = 1;
			s[k++] = ' ';
			continue;
		}
		if (in_angle) {
			if (s[i] == '>')
				in_angle = 0;
			continue;
		}
		if (s[i] == '(')
			any = 1;
		if (s[i] == '"')
			continue;
		s[k++] = s[i];
	}
	return any ? k : 0;
}

static int is_human(const unsigned char *nm, size_t nl)
{
	size_t i;

	for (i = 0; i < sizeof human_hdrs / sizeof human_hdrs[0]; i++)
		if (name_is(nm, nl, human_hdrs[i].name))
			return 1;
	return 0;
}

/* A human-text header of a message: decode and add as a segment. */
static int human_field(struct phi_doc *d, int hpart, int top, const unsigned char *nm, size_t nl,
                       const unsigned char *v, size_t vl, const char *fallback, size_t *off)
{
	struct phi_buf b;
	size_t i, len;
	int rc;

	for (i = 0; i < sizeof human_hdrs / sizeof human_hdrs[0]; i++)
		if (name_is(nm, nl, human_hdrs[i].name))
			break;
	if (i == sizeof human_hdrs / sizeof human_hdrs[0])
		return PHI_OK;
	phi_buf_init(&b, d->lim.max_header_bytes + 64);
	rc = mime_hdr_decode_cs(v, vl, fallback, &b);
	if (rc == PHI_ENOMEM)
		goto out;
	len = b.len;
	if (human_hdrs[i].kind == HK_ADDR)
		len = addr_names(b.data, b.len);
	if (human_hdrs[i].kind == HK_SUBJECT && top)
		doc_set_subject(d, b.data, b.len);
	rc = doc_add_text(d, hpart, human_hdrs[i].kind == HK_SUBJECT ? PHI_F_SUBJECT : PHI_F_HEADER,
	                  human_hdrs[i].name, b.data, len, *off);
	*off += len + 1;
out:
	phi_buf_free(&b);
	return rc == PHI_ELIMIT ? PHI_OK : rc;
}

static int is_multipart(const unsigned char *v, size_t vl)
{
	char t[MIME_TYPE_MAX];

	mime_hdr_token(v, vl, t, sizeof t);
	return strncmp(t, "multipart/", 10) == 0;
}

/* After a line that is not a header field: do header fields (at least one
 * Content-* field among them) and then a blank line follow within
 * MIME_RESYNC_LINES? Then the stray line is noise inside the header block,
 * and stopping there would hide the structure (a Content-Type announcing
 * base64 attachments) from the scan. Otherwise the body starts at the
 * stray line, as in Python's email. */
static int resync(const unsigned char *p, size_t n, size_t i)
{
	size_t ls, le, j, k;
	int content = 0;

	for (k = 0; k < MIME_RESYNC_LINES && i < n; k++) {
		size_t nx = line_at(p, n, i, &ls, &le);
		if (ls == le)
			return content;
		if (p[ls] != ' ' && p[ls] != '\t') {
			for (j = ls; j < le && p[j] != ':' && p[j] > 32 && p[j] < 127; j++)
				;
			if (j >= le || p[j] != ':' || j == ls)
				return 0;
			if (j - ls > 8 && strncasecmp((const char *)p + ls, "content-", 8) == 0)
				content = 1;
		}
		i = nx;
	}
	return 0;
}

/* Read the header block of an entity into e. When hpart >= 0 the human
 * fields become segments of that part; `note` is the part charged with a
 * cut header. Returns PHI_OK, PHI_ENOMEM or PHI_ETIME. */
static int parse_headers(struct phi_doc *d, const unsigned char *p, size_t n, struct entity *e,
                         int hpart, int top, int note)
{
	struct { const unsigned char *nm, *v; size_t nl, vl; } keep[MIME_HUMAN_MAX];
	size_t i = 0, ls, le, nx, fs = 0, colon = 0, fe = 0, off = 0, lines = 0, nkeep = 0, k;
	int have = 0, cut_noted = 0, rc = PHI_OK;
	struct phi_buf cs;

	memset(e, 0, sizeof *e);
	e->body = n;
	/* An mbox "From " line before the first field. */
	if (n >= 5 && memcmp(p, "From ", 5) == 0)
		i = line_at(p, n, 0, &ls, &le);
	for (;;) {
		int end = i >= n, cont = 0, field = 0;
		size_t j = 0;

		if (!end) {
			nx = line_at(p, n, i, &ls, &le);
			if (ls == le) {
				end = 1;
				e->body = nx;
			} else if (p[ls] == ' ' || p[ls] == '\t') {
				cont = 1;
			} else {
				for (j = ls; j < le && p[j] != ':' && p[j] > 32 && p[j] < 127; j++)
					;
				if (j < le && p[j] == ':')
					field = 1;
				else if (resync(p, n, nx)) {
					/* A stray line inside the header block: skip it,
					 * but keep its text for the detectors. */
					if (hpart >= 0 && (rc = doc_add_text(d, hpart, PHI_F_HEADER, "malformed",
					                                     p + ls, le - ls, off)) == PHI_ENOMEM)
						return rc;
					off += le - ls + 1;
					i = nx;
					continue;
				} else {
					/* Not a header line: the blank line is missing and
					 * the body starts here (as Python's email does). */
					end = 1;
					e->body = ls;
				}
			}
		} else {
			nx = n;
		}
		if (cont) {
			if (have)
				fe = le;
			i = nx;
			continue;
		}
		/* The previous field is complete: [fs, colon) name, (colon, fe) value. */
		if (have) {
			const unsigned char *nm = p + fs, *v = p + colon + 1;
			size_t nl = colon - fs, vl = fe - colon - 1;
			if (vl > d->lim.max_header_bytes) {
				vl = d->lim.max_header_bytes;
				if (!cut_noted) {
					cut_noted = 1;
					doc_unscannable(d, hpart >= 0 ? hpart : note, "limit max_header_bytes");
				}
			}
			/* A repeated Content-Type could make readers disagree on
			 * the structure (Postfix tracks the same): a multipart
			 * reading wins, since it decodes more and falls back to
			 * text when no delimiter is found. */
			if (name_is(nm, nl, "content-type") && (!e->ct || (!is_multipart(e->ct, e->ctl) &&
			                                                    is_multipart(v, vl))))
				e->ct = v, e->ctl = vl;
			else if (name_is(nm, nl, "content-transfer-encoding") && !e->cte)
				e->cte = v, e->ctel = vl;
			else if (name_is(nm, nl, "content-disposition") && !e->cd)
				e->cd = v, e->cdl = vl;
			else if (name_is(nm, nl, "content-description") && !e->cdesc)
				e->cdesc = v, e->cdescl = vl;
			/* Human fields wait for the Content-Type, whose charset is
			 * the fallback for raw 8-bit text in them. */
			if (hpart < 0 || !is_human(nm, nl))
				;
			else if (nkeep < MIME_HUMAN_MAX) {
				keep[nkeep].nm = nm, keep[nkeep].nl = nl;
				keep[nkeep].v = v, keep[nkeep].vl = vl;
				nkeep++;
			} else if ((rc = human_field(d, hpart, top, nm, nl, v, vl, NULL, &off)) != PHI_OK)
				return rc;
			have = 0;
		}
		if (end)
			break;
		if (field) {
			have = 1;
			fs = ls;
			colon = j;
			fe = le;
		}
		i = nx;
		if ((++lines & 31) == 0 && (rc = doc_budget(d)) != PHI_OK)
			return rc;
	}
	if (hpart < 0)
		return PHI_OK;
	d->parts[hpart].size = e->body;
	phi_buf_init(&cs, 64);
	if (e->ct && mime_hdr_param(e->ct, e->ctl, "charset", 1, &cs) == PHI_ENOMEM)
		rc = PHI_ENOMEM;
	for (k = 0; k < nkeep && rc == PHI_OK; k++)
		rc = human_field(d, hpart, top, keep[k].nm, keep[k].nl, keep[k].v, keep[k].vl,
		                 cs.len ? (const char *)cs.data : NULL, &off);
	phi_buf_free(&cs);
	return rc;
}

static void content_type(const struct entity *e, const char *defct, char *ct)
{
	ct[0] = 0;
	if (e->ct)
		mime_hdr_token(e->ct, e->ctl, ct, MIME_TYPE_MAX);
	/* A malformed type is text/plain (RFC 2045 5.2), a missing one the default. */
	if (!ct[0] && defct)
		snprintf(ct, MIME_TYPE_MAX, "%s", defct);
	else if (!strchr(ct, '/') || ct[0] == '/' || ct[strlen(ct) - 1] == '/')
		snprintf(ct, MIME_TYPE_MAX, "text/plain");
}

/* XML keeps its bytes: x_xml reads the declared encoding itself. */
static int xml_type(const char *ct)
{
	size_t l = strlen(ct);
	return strcmp(ct, "text/xml") == 0 || (l > 4 && strcmp(ct + l - 4, "+xml") == 0);
}

/* RFC 3676 format=flowed: a line ending in a space continues on the next
 * line of the same quote depth ("Patient: Jane " + "Roe" -> "Patient: Jane
 * Roe"); with delsp=yes that space is removed too. Space-stuffing is
 * undone (at a line start, and after the quote marks of a continued line);
 * the "-- " signature line never flows. */
static int unflow(const unsigned char *p, size_t n, int delsp, struct phi_buf *out)
{
	size_t i = 0;
	int prev_soft = 0, prev_q = -1, rc = PHI_OK;

	while (i < n && rc == PHI_OK) {
		size_t ls = i, le, cs, ce;
		int q = 0, soft;
		const unsigned char *nl = memchr(p + i, '\n', n - i);
		le = nl ? (size_t)(nl - p) : n;
		i = nl ? le + 1 : n;
		ce = le;
		if (ce > ls && p[ce - 1] == '\r')
			ce--;
		cs = ls;
		while (cs < ce && p[cs] == '>') {
			cs++;
			q++;
		}
		soft = ce > cs && p[ce - 1] == ' ' && !(ce - cs == 3 && !memcmp(p + cs, "-- ", 3));
		if (prev_soft && q == prev_q) {
			if (cs < ce && p[cs] == ' ')
				cs++; /* space-stuffed */
			rc = phi_buf_append(out, p + cs, (soft && delsp ? ce - 1 : ce) - cs);
		} else {
			if (prev_q >= 0)
				rc = phi_buf_append(out, "\r\n", 2);
			if (!q && ls < ce && p[ls] == ' ')
				ls++; /* space-stuffed */
			if (rc == PHI_OK)
				rc = phi_buf_append(out, p + ls, (soft && delsp ? ce - 1 : ce) - ls);
		}
		prev_soft = soft;
		prev_q = q;
	}
	if (rc == PHI_OK && n && p[n - 1] == '\n')
		rc = phi_buf_append(out, "\r\n", 2);
	return rc;
}

/* Decode, convert and extract one leaf entity. */
static int leaf(struct phi_doc *d, int parent, const struct entity *e, const char *ct,
                const unsigned char *body, size_t bl)
{
	struct phi_buf fn, dec, txt, cs;
	char cte[32], disp[32];
	const unsigned char *bytes = body;
	size_t len = bl;
	int idx, rc = PHI_OK, att;

	phi_buf_init(&fn, MIME_NAME_MAX);
	phi_buf_init(&dec, d->lim.max_decoded_bytes);
	phi_buf_init(&txt, d->lim.max_decoded_bytes);
	phi_buf_init(&cs, 64);
	disp[0] = cte[0] = 0;
	if (e->cd) {
		mime_hdr_token(e->cd, e->cdl, disp, sizeof disp);
		rc = mime_hdr_param(e->cd, e->cdl, "filename", 0, &fn);
	}
	if ((rc == 0 || fn.len == 0) && rc != PHI_ENOMEM && e->ct) {
		phi_buf_reset(&fn);
		rc = mime_hdr_param(e->ct, e->ctl, "name", 0, &fn);
	}
	if (rc == PHI_ENOMEM)
		goto out;
	att = strcmp(disp, "attachment") == 0;
	idx = doc_add_part(d, parent, ct, fn.len ? (const char *)fn.data : NULL, PHI_FMT_TEXT, bl, att);
	if (idx < 0) {
		rc = idx == PHI_ENOMEM ? idx : PHI_OK;
		goto out;
	}
	if (e->cte)
		mime_hdr_token(e->cte, e->ctel, cte, sizeof cte);
	rc = PHI_OK;
	if (strcmp(cte, "base64") == 0)
		rc = cte_base64_decode(body, bl, &dec);
	else if (strcmp(cte, "quoted-printable") == 0)
		rc = cte_qp_decode(body, bl, &dec);
	else if (strcmp(cte, "x-uuencode") == 0 || strcmp(cte, "uuencode") == 0 ||
	         strcmp(cte, "x-uue") == 0) {
		size_t bs, be, nl;
		const unsigned char *nm;
		if (uuencode_find(body, bl, 0, &bs, &be, &nm, &nl))
			rc = uuencode_decode(body + bs, be - bs, &dec);
		else
			rc = phi_buf_append(&dec, body, bl);
	}
	if (cte[0] && (strcmp(cte, "base64") == 0 || strcmp(cte, "quoted-printable") == 0 ||
	               dec.data != NULL)) {
		bytes = dec.data ? dec.data : (const unsigned char *)"";
		len = dec.len;
	}
	if (rc == PHI_ELIMIT)
		doc_unscannable(d, idx, "limit max_decoded_bytes");
	else if (rc != PHI_OK)
		goto out;
	if (strncmp(ct, "text/", 5) == 0 && !xml_type(ct)) {
		if (e->ct && mime_hdr_param(e->ct, e->ctl, "charset", 1, &cs) == PHI_ENOMEM) {
			rc = PHI_ENOMEM;
			goto out;
		}
		rc = charset_to_utf8(cs.len ? (const char *)cs.data : NULL, bytes, len, &txt);
		if (rc == PHI_ELIMIT)
			doc_unscannable(d, idx, "limit max_decoded_bytes");
		else if (rc != PHI_OK)
			goto out;
		bytes = txt.data ? txt.data : (const unsigned char *)"";
		len = txt.len;
		if (strcmp(ct, "text/plain") == 0 && e->ct) {
			struct phi_buf fl;
			int flowed, delsp = 0;
			phi_buf_init(&fl, 16);
			flowed = mime_hdr_param(e->ct, e->ctl, "format", 1, &fl);
			if (flowed == PHI_ENOMEM) {
				phi_buf_free(&fl);
				rc = PHI_ENOMEM;
				goto out;
			}
			flowed = flowed == 1 && fl.len == 6 && !strncasecmp((const char *)fl.data, "flowed", 6);
			phi_buf_reset(&fl);
			if (flowed && mime_hdr_param(e->ct, e->ctl, "delsp", 1, &fl) == 1 && fl.len == 3 &&
			    !strncasecmp((const char *)fl.data, "yes", 3))
				delsp = 1;
			phi_buf_free(&fl);
			if (flowed) {
				phi_buf_reset(&dec);
				rc = unflow(bytes, len, delsp, &dec);
				if (rc == PHI_ENOMEM)
					goto out;
				if (rc == PHI_OK) {
					bytes = dec.data ? dec.data : (const unsigned char *)"";
					len = dec.len;
				}
				rc = PHI_OK;
			}
		}
	}
	/* The encoded copy is no longer needed: give its memory back before
	 * extracting (extractors may recurse into embedded messages). */
	if (bytes == txt.data)
		phi_buf_free(&dec);
	else if (bytes == dec.data)
		phi_buf_free(&txt);
	d->parts[idx].size = len;
	rc = extract_part(d, idx, bytes, len);
	if (rc == PHI_OK || rc == PHI_ELIMIT) {
		int r2 = PHI_OK;
		if (fn.len)
			r2 = doc_add_text(d, idx, PHI_F_FILENAME, "filename", fn.data, fn.len, 0);
		if (r2 == PHI_OK && e->cdesc) {
			struct phi_buf ds;
			phi_buf_init(&ds, d->lim.max_header_bytes + 64);
			r2 = mime_hdr_decode(e->cdesc, e->cdescl, &ds);
			if (r2 == PHI_OK)
				r2 = doc_add_text(d, idx, PHI_F_HEADER, "Content-Description", ds.data, ds.len, 0);
			phi_buf_free(&ds);
		}
		rc = r2 == PHI_ENOMEM ? r2 : PHI_OK;
	}
out:
	phi_buf_free(&fn);
	phi_buf_free(&dec);
	phi_buf_free(&txt);
	phi_buf_free(&cs);
	return rc;
}

/* Split a multipart body at its boundary (RFC 2046 5.1.1) and walk each
 * body part under `parent`. Preamble and epilogue are not read. */
static int walk_multipart(struct phi_doc *d, int parent, const unsigned char *p, size_t n,
                          const unsigned char *b, size_t bl, int cut, const char *defct,
                          unsigned nest)
{
	size_t i = 0, ls, le, nx, start = 0, lines = 0;
	int in_part = 0, seen = 0, rc = PHI_OK;

	while (i < n) {
		int delim = 0, close = 0;
		nx = line_at(p, n, i, &ls, &le);
		if (le - ls >= bl + 2 && p[ls] == '-' && p[ls + 1] == '-' &&
		    memcmp(p + ls + 2, b, bl) == 0) {
			size_t j = ls + 2 + bl;
			if (j + 2 <= le && p[j] == '-' && p[j + 1] == '-')
				close = 1, j += 2;
			while (j < le && (p[j] == ' ' || p[j] == '\t'))
				j++;
			/* Only blanks may follow (transport padding); a cut
			 * boundary matches by its prefix. */
			delim = j == le || cut;
		}
		if (delim) {
			seen = 1;
			if (in_part) {
				/* The line break before the delimiter belongs to it. */
				size_t end = ls;
				if (end > start && p[end - 1] == '\n')
					end--;
				if (end > start && p[end - 1] == '\r')
					end--;
				if (end < start)
					end = start;
				rc = walk_entity(d, parent, p + start, end - start, defct, nest + 1);
				if (rc != PHI_OK || d->parts_full || d->timed_out)
					return rc;
			}
			if (close) {
				in_part = 0;
				break;
			}
			in_part = 1;
			start = nx;
		}
		i = nx;
		if ((++lines & 63) == 0 && (rc = doc_budget(d)) != PHI_OK)
			return rc;
	}
	if (in_part) /* no close delimiter: the last part runs to the end */
		rc = walk_entity(d, parent, p + start, n - start, defct, nest + 1);
	else if (!seen) {
		/* Not one delimiter: read the body as text rather than lose it. */
		struct entity none;
		memset(&none, 0, sizeof none);
		rc = leaf(d, parent, &none, "text/plain", p, n);
	}
	return rc;
}

/* The body of an entity whose headers are in e: multipart or leaf. */
static int entity_body(struct phi_doc *d, int parent, const unsigned char *p, size_t n,
                       const struct entity *e, const char *defct, int container_is_part,
                       unsigned nest)
{
	char ct[MIME_TYPE_MAX];
	struct phi_buf bnd;
	int rc, r, cont = parent;

	content_type(e, defct, ct);
	if (strncmp(ct, "multipart/", 10) != 0)
		return leaf(d, parent, e, ct, p + e->body, n - e->body);
	if (nest >= MIME_NEST_MAX) {
		doc_unscannable(d, parent, "limit max_depth");
		return PHI_OK;
	}
	phi_buf_init(&bnd, d->lim.max_header_bytes + 64); /* cut to MIME_BOUNDARY_MAX below */
	r = e->ct ? mime_hdr_param(e->ct, e->ctl, "boundary", 1, &bnd) : 0;
	if (r == PHI_ENOMEM)
		return r;
	if (r <= 0 || bnd.len == 0) {
		/* No boundary: the body is read as text (Python does the same). */
		phi_buf_free(&bnd);
		return leaf(d, parent, e, "text/plain", p + e->body, n - e->body);
	}
	if (container_is_part) {
		cont = doc_add_part(d, parent, ct, NULL, PHI_FMT_MULTIPART, n - e->body, 0);
		if (cont < 0) {
			phi_buf_free(&bnd);
			return cont == PHI_ENOMEM ? cont : PHI_OK;
		}
	}
	rc = walk_multipart(d, cont, p + e->body, n - e->body, bnd.data,
	                    bnd.len > MIME_BOUNDARY_MAX ? MIME_BOUNDARY_MAX : bnd.len,
	                    bnd.len > MIME_BOUNDARY_MAX,
	                    strcmp(ct, "multipart/digest") == 0 ? "message/rfc822" : "text/plain",
	                    nest);
	phi_buf_free(&bnd);
	return rc;
}

/* One body part of a multipart: its headers (not scanned as segments:
 * they are MIME structure), then its body. */
static int walk_entity(struct phi_doc *d, int parent, const unsigned char *p, size_t n,
                       const char *defct, unsigned nest)
{
	struct entity e;
	int rc;

	if ((rc = parse_headers(d, p, n, &e, -1, 0, parent)) != PHI_OK)
		return rc;
	return entity_body(d, parent, p, n, &e, defct, 1, nest);
}

int mime_parse_message(struct phi_doc *d, int parent, const unsigned char *p, size_t n)
{
	struct entity e;
	unsigned nest = parent >= 0 ? d->parts[parent].depth : 0;
	int hp, rc;

	if (nest >= MIME_NEST_MAX) {
		doc_unscannable(d, parent, "limit max_depth");
		return PHI_OK;
	}
	hp = doc_add_headers_part(d, parent);
	if (hp < 0)
		return hp == PHI_ENOMEM ? hp : PHI_OK;
	if ((rc = parse_headers(d, p, n, &e, hp, parent < 0, parent)) != PHI_OK)
		return rc;
	return entity_body(d, parent, p, n, &e, "text/plain", 0, nest);
}
