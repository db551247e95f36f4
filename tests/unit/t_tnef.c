/*
 * t_tnef.c - Outlook TNEF (winmail.dat) built in memory: PR_BODY in a whole
 * message (findings and part paths), compressed RTF (LZFu with dictionary
 * references, and MELA), attachments read as nested parts (text, PDF, an
 * embedded message), duplicates, and hostile streams (bad signature, every
 * truncation, lying lengths and counts, too many attachments, an LZFu bomb,
 * deep nesting, random damage), each ending in unscannable or nothing,
 * without a crash and in bounded time.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>
#include "tap.h"
#include "scan.h"
#include "scanfix.h"
#include "extract/extract.h"
#include "extract/lzfu.h"

/* ---- a byte builder ---- */

struct tb {
	unsigned char *p;
	size_t n, cap;
};

static void put(struct tb *b, const void *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			abort();
	}
	if (n)
		memcpy(b->p + b->n, s, n);
	b->n += n;
}

static void put8(struct tb *b, unsigned v)
{
	unsigned char c = (unsigned char)v;
	put(b, &c, 1);
}

static void put16(struct tb *b, unsigned v)
{
	put8(b, v & 0xFF);
	put8(b, (v >> 8) & 0xFF);
}

static void put32(struct tb *b, uint32_t v)
{
	put16(b, v & 0xFFFF);
	put16(b, v >> 16);
}

static void pad4(struct tb *b, size_t n)
{
	while (n++ & 3)
		put8(b, 0);
}

/* ---- TNEF ---- */

#define LVL_MSG 1
#define LVL_ATT 2
#define attSubject 0x00018004u
#define attBody 0x0002800Cu
#define attMessageClass 0x00078008u
#define attAttachData 0x0006800Fu
#define attAttachTitle 0x00018010u
#define attAttachRenddata 0x00069002u
#define attMAPIProps 0x00069003u
#define attAttachment 0x00069005u
#define attTnefVersion 0x00089006u
#define attOemCodepage 0x00069007u

static void tnef_begin(struct tb *b)
{
	put32(b, 0x223E9F78u);
	put16(b, 0x0001);
}

static void attr(struct tb *b, unsigned lvl, uint32_t id, const void *data, size_t n)
{
	const unsigned char *d = data;
	unsigned sum = 0;
	size_t i;

	for (i = 0; i < n; i++)
		sum = (sum + d[i]) & 0xFFFF;
	put8(b, lvl);
	put32(b, id);
	put32(b, (uint32_t)n);
	put(b, data, n);
	put16(b, sum);
}

static void attr_str(struct tb *b, unsigned lvl, uint32_t id, const char *s)
{
	attr(b, lvl, id, s, strlen(s) + 1);
}

static void tnef_head(struct tb *b)
{
	unsigned char v[4] = { 0, 0, 1, 0 }, cp[8] = { 0xE4, 0x04, 0, 0, 0, 0, 0, 0 }; /* 1252 */
	tnef_begin(b);
	attr(b, LVL_MSG, attTnefVersion, v, 4);
	attr(b, LVL_MSG, attOemCodepage, cp, 8);
	attr_str(b, LVL_MSG, attMessageClass, "IPM.Microsoft Mail.Note");
}

/* MAPI properties: a builder counts them */
struct props {
	struct tb b;
	unsigned count;
};

static void prop_var(struct props *p, unsigned type, unsigned id, const void *v, size_t n)
{
	put16(&p->b, type);
	put16(&p->b, id);
	put32(&p->b, 1);
	put32(&p->b, (uint32_t)n);
	put(&p->b, v, n);
	pad4(&p->b, n);
	p->count++;
}

static void prop_str8(struct props *p, unsigned id, const char *s)
{
	prop_var(p, 0x001E, id, s, strlen(s) + 1);
}

static void prop_unicode(struct props *p, unsigned id, const char *ascii)
{
	struct tb w = { 0 };
	for (; *ascii; ascii++)
		put16(&w, (unsigned char)*ascii);
	put16(&w, 0);
	prop_var(p, 0x001F, id, w.p, w.n);
	free(w.p);
}

static void prop_long(struct props *p, unsigned id, uint32_t v)
{
	put16(&p->b, 0x0003);
	put16(&p->b, id);
	put32(&p->b, v);
	p->count++;
}

/* A named PT_BOOLEAN property (GUID, kind 1, a UTF-16 name): skipped. */
static void prop_named(struct props *p)
{
	static const unsigned char guid[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	put16(&p->b, 0x000B);
	put16(&p->b, 0x8001);
	put(&p->b, guid, 16);
	put32(&p->b, 1);
	put32(&p->b, 6);
	put(&p->b, "X\0Y\0\0\0", 6);
	pad4(&p->b, 6);
	put16(&p->b, 1);
	put16(&p->b, 0);
	p->count++;
}

static void attr_props(struct tb *b, unsigned lvl, uint32_t id, struct props *p)
{
	struct tb a = { 0 };
	put32(&a, p->count);
	put(&a, p->b.p, p->b.n);
	attr(b, lvl, id, a.p, a.n);
	free(a.p);
	free(p->b.p);
	memset(p, 0, sizeof *p);
}

static void attach_begin(struct tb *b)
{
	unsigned char rd[14] = { 1, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0 };
	attr(b, LVL_ATT, attAttachRenddata, rd, sizeof rd);
}

/* ---- compressed RTF: a small greedy LZFu writer (matches that do not
 * reach the write position, so input under ~3800 bytes) ---- */

static const char lzfu_pre[] =
	"{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss \\fmodern \\fscript "
	"\\fdecor MS Sans SerifSymbolArialTimes New RomanCourier{\\colortbl\\red0\\green0\\blue0\r\n\\par "
	"\\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx";

static void lzfu(struct tb *out, const char *raw, size_t n, int compress, int *refs)
{
	unsigned char dict[4096];
	size_t wpos = 207, i = 0, ctlpos;
	struct tb body = { 0 };
	unsigned bit = 8, ctl = 0;

	memset(dict, 0, sizeof dict);
	memcpy(dict, lzfu_pre, 207);
	*refs = 0;
	if (!compress) {
		put32(out, (uint32_t)(n + 12));
		put32(out, (uint32_t)n);
		put32(out, 0x414C454Du);
		put32(out, 0);
		put(out, raw, n);
		return;
	}
	ctlpos = 0;
	for (;;) {
		size_t best = 0, boff = 0, o, k;
		int end = i >= n;
		if (bit == 8) {
			if (body.n)
				body.p[ctlpos] = (unsigned char)ctl;
			ctlpos = body.n;
			put8(&body, 0);
			ctl = 0;
			bit = 0;
		}
		if (end) {
			ctl |= 1u << bit;
			put8(&body, (unsigned)(wpos >> 4) & 0xFF);
			put8(&body, (unsigned)((wpos & 15) << 4));
			body.p[ctlpos] = (unsigned char)ctl;
			break;
		}
		for (o = 0; o < wpos; o++) {
			for (k = 0; k < 17 && i + k < n && o + k < wpos && dict[o + k] == (unsigned char)raw[i + k]; k++)
				;
			if (k > best) {
				best = k;
				boff = o;
			}
		}
		if (best >= 2) {
			unsigned v = (unsigned)(boff << 4 | (best - 2));
			ctl |= 1u << bit;
			put8(&body, v >> 8);
			put8(&body, v & 0xFF);
			for (k = 0; k < best; k++)
				dict[wpos++] = (unsigned char)raw[i++];
			(*refs)++;
		} else {
			put8(&body, (unsigned char)raw[i]);
			dict[wpos++] = (unsigned char)raw[i++];
		}
		bit++;
	}
	put32(out, (uint32_t)(body.n + 12));
	put32(out, (uint32_t)n);
	put32(out, 0x75465A4Cu);
	put32(out, ~(uint32_t)crc32(0xFFFFFFFFu, body.p, (uInt)body.n)); /* CRC from 0, no final xor */
	put(out, body.p, body.n);
	free(body.p);
}

/* ---- scanning ---- */

static struct phi_engine *eng;

static struct phi_scan *scan_tnef_lim(const struct tb *b, const struct phi_limits *lim)
{
	struct phi_scan *s = phi_scan_new(eng, lim, NULL, NULL);
	int part = doc_add_part(&s->doc, -1, "application/ms-tnef", "winmail.dat", PHI_FMT_BINARY, b->n, 1);
	extract_part(&s->doc, part, b->p, b->n);
	detect_run(s);
	score_verdict(s);
	return s;
}

static struct phi_scan *scan_tnef(const struct tb *b)
{
	return scan_tnef_lim(b, NULL);
}

static const struct phi_part *part_at(const struct phi_scan *s, const char *path)
{
	size_t i;
	for (i = 0; i < s->doc.nparts; i++)
		if (strcmp(s->doc.parts[i].path, path) == 0)
			return &s->doc.parts[i];
	return NULL;
}

static int part_index(const struct phi_scan *s, const char *path)
{
	const struct phi_part *p = part_at(s, path);
	return p ? (int)(p - s->doc.parts) : -1;
}

/* The free text of one part (filename segments left out). */
static const char *text_of(const struct phi_scan *s, const char *path)
{
	static char buf[1 << 16];
	int i = part_index(s, path);
	size_t o = 0, k;

	buf[0] = 0;
	for (k = 0; i >= 0 && k < s->doc.nsegs; k++) {
		const struct phi_segment *g = &s->doc.segs[k];
		if (g->part != i || g->field == PHI_F_FILENAME || o + g->len + 2 >= sizeof buf)
			continue;
		memcpy(buf + o, g->text, g->len);
		o += g->len;
		buf[o++] = '\n';
	}
	buf[o] = 0;
	return buf;
}

static int has_why(const struct phi_scan *s, const char *why)
{
	size_t i;
	for (i = 0; i < s->nf; i++)
		if (s->f[i].type == PHI_T_UNSCANNABLE && strstr(s->f[i].why, why))
			return 1;
	return 0;
}

static int nunscannable(const struct phi_scan *s)
{
	size_t i;
	int k = 0;
	for (i = 0; i < s->nf; i++)
		k += s->f[i].type == PHI_T_UNSCANNABLE;
	return k;
}

static int finding_in(const struct phi_scan *s, enum phi_type t, const char *part)
{
	size_t i;
	for (i = 0; i < s->nf; i++)
		if (s->f[i].type == t && strcmp(s->f[i].part, part) == 0)
			return 1;
	return 0;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static const char LETTER[] = "Patient: Jane Roe\r\nMRN: 00123456\r\nDOB: 03/14/1961\r\nDiagnosis: type 2 diabetes\r\n";
static const char RTF[] = "{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\fswiss Arial;}}\\pard\\plain\\f0\\fs20 "
                          "Patient: Jane Roe\\par MRN: 00123456\\par DOB: 03/14/1961\\par "
                          "Diagnosis: type 2 diabetes\\par\\pard\\plain\\f0\\fs20 End of note\\par}";

/* A TNEF carrying LETTER as PR_BODY and the subject as attSubject. */
static void tnef_letter(struct tb *b)
{
	struct props p = { 0 };
	tnef_head(b);
	attr_str(b, LVL_MSG, attSubject, "Referral for Jane Roe");
	prop_named(&p);
	prop_long(&p, 0x3FFD, 1252);
	prop_str8(&p, 0x1000, LETTER);
	attr_props(b, LVL_MSG, attMAPIProps, &p);
}

static char *b64(const unsigned char *p, size_t n)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *o = malloc(n * 2 + 8), *q = o;
	size_t i;
	for (i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
		*q++ = a[v >> 18];
		*q++ = a[(v >> 12) & 63];
		*q++ = i + 1 < n ? a[(v >> 6) & 63] : '=';
		*q++ = i + 2 < n ? a[v & 63] : '=';
		if ((i / 3) % 19 == 18) {
			*q++ = '\r';
			*q++ = '\n';
		}
	}
	*q = 0;
	return o;
}

static void t_message(void)
{
	struct tb t = { 0 }, m = { 0 };
	struct phi_scan *s;
	const struct phi_part *p;
	const char *hdr = "From: nurse@clinic.example.org\r\nTo: someone@outside.example\r\nSubject: referral\r\n"
	                  "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b1\r\n\r\n"
	                  "--b1\r\nContent-Type: text/plain\r\n\r\nSee the attached note.\r\n"
	                  "--b1\r\nContent-Type: application/ms-tnef; name=winmail.dat\r\n"
	                  "Content-Disposition: attachment; filename=winmail.dat\r\n"
	                  "Content-Transfer-Encoding: base64\r\n\r\n";
	char *enc;

	tnef_letter(&t);
	enc = b64(t.p, t.n);
	put(&m, hdr, strlen(hdr));
	put(&m, enc, strlen(enc));
	put(&m, "\r\n--b1--\r\n", 10);
	s = phi_scan_new(eng, NULL, NULL, NULL);
	phi_scan_message(s, m.p, m.n);
	p = part_at(s, "2");
	T_OK(p && p->format == PHI_FMT_TNEF, "message: winmail.dat is read as tnef (part 2)");
	T_EQ_STR(phi_format_name(PHI_FMT_TNEF), "tnef", "format name is tnef");
	T_OK(seg_has(s, "Subject", PHI_F_SUBJECT, "Referral for Jane Roe"), "message: attSubject is a Subject segment of part 2");
	p = part_at(s, "2.1");
	T_OK(p && strcmp(p->content_type, "text/plain") == 0, "message: PR_BODY is child part 2.1, text/plain");
	T_OK(strstr(text_of(s, "2.1"), "MRN: 00123456") != NULL, "message: PR_BODY text decoded");
	T_OK(finding_in(s, PHI_T_MRN, "2.1"), "message: the MRN is found in part 2.1");
	T_OK(finding_in(s, PHI_T_DATE_OF_BIRTH, "2.1"), "message: the DOB is found in part 2.1");
	T_EQ_INT(phi_scan_verdict(s), PHI_VERDICT_PHI, "message: verdict phi");
	T_EQ_INT(nunscannable(s), 0, "message: nothing unscannable");
	phi_scan_free(s);
	free(enc);
	free(t.p);
	free(m.p);
}

static void t_rtf(void)
{
	struct tb t = { 0 }, r = { 0 };
	struct props p = { 0 };
	struct phi_scan *s;
	const struct phi_part *pt;
	int refs;
	const char *why;
	struct phi_buf out;

	lzfu(&r, RTF, strlen(RTF), 1, &refs);
	T_OK(refs >= 2, "lzfu fixture uses dictionary references");
	phi_buf_init(&out, 1 << 20);
	T_EQ_INT(lzfu_decompress(NULL, r.p, r.n, 1 << 20, &out, &why), PHI_OK, "lzfu: decompresses");
	T_OK(out.len == strlen(RTF) && memcmp(out.data, RTF, out.len) == 0 && !why, "lzfu: the exact RTF comes back");
	phi_buf_free(&out);
	phi_buf_init(&out, 1 << 20);
	lzfu_decompress(NULL, r.p, r.n, 40, &out, &why);
	T_OK(out.len == 40 && why && strcmp(why, "limit max_entry_bytes") == 0, "lzfu: max_out cuts the output and says so");
	phi_buf_free(&out);
	phi_buf_init(&out, 1 << 20);
	lzfu_decompress(NULL, r.p, r.n - 10, 1 << 20, &out, &why);
	T_OK(why && strstr(why, "truncated") && out.len < strlen(RTF), "lzfu: a cut stream keeps what was decoded, says truncated");
	phi_buf_free(&out);

	tnef_head(&t);
	prop_var(&p, 0x0102, 0x1009, r.p, r.n);
	attr_props(&t, LVL_MSG, attMAPIProps, &p);
	s = scan_tnef(&t);
	pt = part_at(s, "1.1");
	T_OK(pt && pt->format == PHI_FMT_RTF && strcmp(pt->content_type, "application/rtf") == 0,
	     "rtf: PR_RTF_COMPRESSED becomes an rtf child part");
	T_OK(strstr(text_of(s, "1.1"), "MRN: 00123456") && !strstr(text_of(s, "1.1"), "\\par"),
	     "rtf: the RTF extractor reads the decompressed text");
	T_OK(finding_in(s, PHI_T_MRN, "1.1"), "rtf: MRN found in the RTF body");
	T_EQ_INT(nunscannable(s), 0, "rtf: nothing unscannable");
	phi_scan_free(s);
	free(t.p);
	free(r.p);
	memset(&t, 0, sizeof t);
	memset(&r, 0, sizeof r);

	lzfu(&r, RTF, strlen(RTF), 0, &refs);
	tnef_head(&t);
	prop_var(&p, 0x0102, 0x1009, r.p, r.n);
	attr_props(&t, LVL_MSG, attMAPIProps, &p);
	s = scan_tnef(&t);
	T_OK(strstr(text_of(s, "1.1"), "DOB: 03/14/1961") != NULL, "rtf: uncompressed MELA form read too");
	phi_scan_free(s);
	free(t.p);
	free(r.p);
}

/* a one-page PDF with an uncompressed content stream */
static void pdf(struct tb *b, const char *text)
{
	char content[256], obj[512];
	size_t off[5], xref;
	int i, k;
	snprintf(content, sizeof content, "BT /F1 12 Tf 72 720 Td (%s) Tj ET", text);
	put(b, "%PDF-1.4\n", 9);
	for (i = 1; i <= 4; i++) {
		off[i] = b->n;
		if (i == 1)
			k = snprintf(obj, sizeof obj, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
		else if (i == 2)
			k = snprintf(obj, sizeof obj, "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n");
		else if (i == 3)
			k = snprintf(obj, sizeof obj, "3 0 obj\n<< /Type /Page /Parent 2 0 R /Contents 4 0 R "
			             "/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>\nendobj\n");
		else
			k = snprintf(obj, sizeof obj, "4 0 obj\n<< /Length %zu >>\nstream\n%s\nendstream\nendobj\n",
			             strlen(content), content);
		put(b, obj, (size_t)k);
	}
	xref = b->n;
	k = snprintf(obj, sizeof obj, "xref\n0 5\n0000000000 65535 f \n");
	put(b, obj, (size_t)k);
	for (i = 1; i <= 4; i++) {
		k = snprintf(obj, sizeof obj, "%010zu 00000 n \n", off[i]);
		put(b, obj, (size_t)k);
	}
	k = snprintf(obj, sizeof obj, "trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", xref);
	put(b, obj, (size_t)k);
}

static void t_attachments(void)
{
	struct tb t = { 0 }, pd = { 0 }, inner = { 0 }, obj = { 0 };
	struct props p = { 0 };
	struct phi_scan *s;
	const struct phi_part *pt;
	static const unsigned char iid_imessage[16] = { 0x07, 0x03, 0x02, 0x00, 0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0x46 };

	tnef_letter(&t);
	/* 1: a text file, 8.3 title only */
	attach_begin(&t);
	attr_str(&t, LVL_ATT, attAttachTitle, "LABS.TXT");
	attr(&t, LVL_ATT, attAttachData, "Lab report. SSN 123-45-6788, patient Jane Roe.\n", 48);
	/* 2: a PDF; the long name comes in attAttachment (PT_UNICODE) */
	pdf(&pd, "Patient Jane Roe MRN: 00123456");
	attach_begin(&t);
	attr_str(&t, LVL_ATT, attAttachTitle, "DISCHA~1.PDF");
	attr(&t, LVL_ATT, attAttachData, pd.p, pd.n);
	prop_unicode(&p, 0x3707, "Discharge summary.pdf");
	prop_str8(&p, 0x370E, "application/pdf");
	prop_long(&p, 0x3705, 1);
	attr_props(&t, LVL_ATT, attAttachment, &p);
	/* 3: an embedded message (PR_ATTACH_DATA_OBJ, IID_IMessage + TNEF) */
	tnef_head(&inner);
	attr_str(&inner, LVL_MSG, attSubject, "Fwd: results");
	attr_str(&inner, LVL_MSG, attBody, "Inner note: DOB: 07/04/1950, MRN: 00987654\r\n");
	put(&obj, iid_imessage, 16);
	put(&obj, inner.p, inner.n);
	attach_begin(&t);
	prop_str8(&p, 0x3001, "Fwd: results");
	prop_long(&p, 0x3705, 5);
	prop_var(&p, 0x000D, 0x3701, obj.p, obj.n);
	attr_props(&t, LVL_ATT, attAttachment, &p);
	/* 4: only PR_ATTACH_DATA_BIN, no attAttachData */
	attach_begin(&t);
	prop_str8(&p, 0x3707, "notes.txt");
	prop_var(&p, 0x0102, 0x3701, "Second note: MRN: 00555555\n", 27);
	attr_props(&t, LVL_ATT, attAttachment, &p);

	s = scan_tnef(&t);
	pt = part_at(s, "1.2");
	T_OK(pt && pt->filename && strcmp(pt->filename, "LABS.TXT") == 0 && pt->attachment,
	     "attach: text file is child 1.2 named by attAttachTitle");
	T_OK(strstr(text_of(s, "1.2"), "SSN 123-45-6788") != NULL, "attach: text file read");
	T_OK(seg_has(s, "filename", PHI_F_FILENAME, "LABS.TXT"), "attach: file name is a filename segment");
	pt = part_at(s, "1.3");
	T_OK(pt && pt->filename && strcmp(pt->filename, "Discharge summary.pdf") == 0,
	     "attach: PR_ATTACH_LONG_FILENAME (unicode) wins over the 8.3 title");
	T_OK(pt && pt->format == PHI_FMT_PDF && strcmp(pt->content_type, "application/pdf") == 0,
	     "attach: the PDF is read as pdf, typed by PR_ATTACH_MIME_TAG");
	T_OK(strstr(text_of(s, "1.3"), "MRN: 00123456") != NULL, "attach: PDF text extracted");
	T_OK(finding_in(s, PHI_T_MRN, "1.3"), "attach: MRN found in the PDF inside winmail.dat");
	pt = part_at(s, "1.4");
	T_OK(pt && pt->format == PHI_FMT_TNEF && pt->filename && strcmp(pt->filename, "Fwd: results") == 0,
	     "attach: embedded message is a nested tnef part");
	T_OK(seg_has(s, "Subject", PHI_F_SUBJECT, "Fwd: results"), "attach: embedded message subject read");
	T_OK(strstr(text_of(s, "1.4.1"), "MRN: 00987654") != NULL, "attach: embedded message body is part 1.4.1");
	T_OK(finding_in(s, PHI_T_DATE_OF_BIRTH, "1.4.1"), "attach: DOB found in the embedded message");
	pt = part_at(s, "1.5");
	T_OK(pt && pt->filename && strcmp(pt->filename, "notes.txt") == 0 &&
	     strstr(text_of(s, "1.5"), "MRN: 00555555"), "attach: PR_ATTACH_DATA_BIN alone is read");
	T_EQ_INT(nunscannable(s), 0, "attach: nothing unscannable");
	phi_scan_free(s);
	free(t.p);
	free(pd.p);
	free(inner.p);
	free(obj.p);
}

static void t_variants(void)
{
	struct tb t = { 0 };
	struct props p = { 0 };
	struct phi_scan *s;
	size_t i;
	int nplain = 0;

	/* attBody and PR_BODY with the same text: read once */
	tnef_head(&t);
	attr(&t, LVL_MSG, attBody, LETTER, strlen(LETTER));
	prop_str8(&p, 0x1000, LETTER);
	prop_unicode(&p, 0x0037, "Referral");
	attr_props(&t, LVL_MSG, attMAPIProps, &p);
	s = scan_tnef(&t);
	for (i = 0; i < s->doc.nparts; i++)
		nplain += strcmp(s->doc.parts[i].content_type, "text/plain") == 0;
	T_EQ_INT(nplain, 1, "dedup: attBody and PR_BODY with the same text make one part");
	T_OK(seg_has(s, "Subject", PHI_F_SUBJECT, "Referral"), "unicode PR_SUBJECT read");
	phi_scan_free(s);
	free(t.p);
	memset(&t, 0, sizeof t);

	/* PT_UNICODE PR_BODY, cp1252 attBody that differs, and PR_HTML */
	tnef_head(&t);
	attr(&t, LVL_MSG, attBody, "Caf\xe9 note: MRN: 00777777\r\n", 26);
	prop_unicode(&p, 0x1000, "Unicode body: MRN: 00123456");
	prop_var(&p, 0x0102, 0x1013, "<html><body><p>DOB:&nbsp;03/14/1961</p></body></html>", 54);
	attr_props(&t, LVL_MSG, attMAPIProps, &p);
	s = scan_tnef(&t);
	T_OK(strstr(text_of(s, "1.1"), "Unicode body: MRN: 00123456") != NULL, "unicode PR_BODY read");
	T_OK(strstr(text_of(s, "1.2"), "Caf\xc3\xa9 note") != NULL, "cp1252 attBody converted to UTF-8");
	T_OK(part_at(s, "1.3") && part_at(s, "1.3")->format == PHI_FMT_HTML &&
	     strstr(text_of(s, "1.3"), "DOB:") && !strstr(text_of(s, "1.3"), "<p>"), "PR_HTML read by the HTML extractor");
	phi_scan_free(s);
	free(t.p);
	memset(&t, 0, sizeof t);

	/* a wrong checksum is not an error */
	tnef_letter(&t);
	t.p[t.n - 1] ^= 0x55;
	s = scan_tnef(&t);
	T_OK(strstr(text_of(s, "1.1"), "MRN: 00123456") && nunscannable(s) == 0,
	     "bad checksum: read anyway, nothing reported");
	phi_scan_free(s);
	free(t.p);
	memset(&t, 0, sizeof t);

	/* found by magic when sent as octet-stream under another name */
	tnef_letter(&t);
	s = phi_scan_new(eng, NULL, NULL, NULL);
	i = (size_t)doc_add_part(&s->doc, -1, "application/octet-stream", "att00001.bin", PHI_FMT_BINARY, t.n, 1);
	extract_part(&s->doc, (int)i, t.p, t.n);
	T_OK(s->doc.parts[i].format == PHI_FMT_TNEF, "dispatch: TNEF magic wins over octet-stream");
	phi_scan_free(s);
	free(t.p);
}

/* ---- hostile input ---- */

static void t_hostile(void)
{
	struct tb t = { 0 }, b = { 0 };
	struct props p = { 0 };
	struct phi_scan *s;
	struct phi_limits lim;
	size_t i, k;
	double t0;
	int ok;

	s = scan_tnef(&(struct tb){ (unsigned char *)"\x78\x9f\x3e\x23\x01\x00garbage", 13, 0 });
	T_OK(has_why(s, "tnef: bad signature") && s->doc.parts[0].unscannable, "bad signature: unscannable");
	phi_scan_free(s);
	s = scan_tnef(&(struct tb){ (unsigned char *)"\x78\x9f", 2, 0 });
	T_OK(has_why(s, "tnef: bad signature"), "two bytes declared ms-tnef: unscannable");
	phi_scan_free(s);

	/* every truncation of a stream with all the pieces */
	tnef_letter(&t);
	attach_begin(&t);
	attr_str(&t, LVL_ATT, attAttachTitle, "A.TXT");
	attr(&t, LVL_ATT, attAttachData, "MRN: 00123456\n", 14);
	prop_str8(&p, 0x3707, "a long name.txt");
	attr_props(&t, LVL_ATT, attAttachment, &p);
	ok = 0;
	for (k = 0; k < t.n; k++) {
		struct tb cut = { t.p, k, 0 };
		s = scan_tnef(&cut);
		ok += s->doc.parts[0].unscannable;
		phi_scan_free(s);
	}
	/* a cut between two attributes looks like a shorter stream; any other is unscannable */
	T_OK((size_t)ok > t.n - 20, "every truncation: no crash, unscannable unless cut between attributes");
	s = scan_tnef(&(struct tb){ t.p, t.n - 20, 0 });
	T_OK(has_why(s, "tnef: "), "truncated: the reason names tnef");
	T_OK(strstr(text_of(s, "1.1"), "MRN: 00123456") != NULL, "truncated: what came before is kept");
	phi_scan_free(s);

	/* a lying attribute length */
	memset(&b, 0, sizeof b);
	tnef_head(&b);
	put8(&b, LVL_MSG);
	put32(&b, attBody);
	put32(&b, 0xFFFFFFF0u);
	put(&b, "MRN: 00123456 and more", 22);
	s = scan_tnef(&b);
	T_OK(has_why(s, "tnef: attribute length past end of data"), "lying length: unscannable with the reason");
	T_OK(strstr(text_of(s, "1.1"), "MRN: 00123456") != NULL, "lying length: the bytes present are still read");
	phi_scan_free(s);
	free(b.p);

	/* a huge property count */
	memset(&b, 0, sizeof b);
	tnef_head(&b);
	{
		unsigned char pl[12] = { 0xFF, 0xFF, 0xFF, 0x7F, 0x1E, 0, 0, 0x10, 1, 0, 0, 0 };
		attr(&b, LVL_MSG, attMAPIProps, pl, sizeof pl);
	}
	s = scan_tnef(&b);
	T_OK(has_why(s, "tnef: property count too large"), "huge property count: unscannable");
	phi_scan_free(s);
	free(b.p);

	/* a huge value count and a value size past the end */
	memset(&b, 0, sizeof b);
	tnef_head(&b);
	{
		unsigned char pl[20] = { 1, 0, 0, 0, 0x1E, 0, 0, 0x10, 0xFF, 0xFF, 0xFF, 0xFF, 4, 0, 0, 0, 'a', 'b', 'c', 0 };
		attr(&b, LVL_MSG, attMAPIProps, pl, sizeof pl);
		pl[8] = 1, pl[9] = 0, pl[10] = 0, pl[11] = 0;
		pl[12] = 0xFF, pl[13] = 0xFF, pl[14] = 0xFF, pl[15] = 0x0F;
		attr(&b, LVL_MSG, attMAPIProps, pl, sizeof pl);
	}
	s = scan_tnef(&b);
	T_OK(has_why(s, "tnef: value count too large") && nunscannable(s) == 1,
	     "huge value count: unscannable once");
	phi_scan_free(s);
	free(b.p);

	/* unknown property type */
	memset(&b, 0, sizeof b);
	tnef_head(&b);
	{
		unsigned char pl[12] = { 1, 0, 0, 0, 0x77, 0x07, 0, 0x10, 1, 0, 0, 0 };
		attr(&b, LVL_MSG, attMAPIProps, pl, sizeof pl);
	}
	s = scan_tnef(&b);
	T_OK(has_why(s, "tnef: unknown property type"), "unknown property type: unscannable");
	phi_scan_free(s);
	free(b.p);

	/* 3000 attachments: capped, bounded time */
	memset(&b, 0, sizeof b);
	tnef_head(&b);
	for (i = 0; i < 3000; i++) {
		attach_begin(&b);
		attr(&b, LVL_ATT, attAttachData, "x", 1);
	}
	t0 = now_ms();
	s = scan_tnef(&b);
	T_OK(has_why(s, "tnef: too many attachments") && s->doc.nparts <= 1002, "3000 attachments: capped at 1000");
	T_OK(now_ms() - t0 < 5000, "3000 attachments: bounded time");
	phi_scan_free(s);
	free(b.p);

	/* an LZFu bomb: RAWSIZE 4 GiB, thousands of references; output capped */
	memset(&b, 0, sizeof b);
	{
		struct tb z = { 0 };
		put32(&z, 0);
		put32(&z, 0xFFFFFFFFu);
		put32(&z, 0x75465A4Cu);
		put32(&z, 0);
		unsigned w = 207;
		for (i = 0; i < 20000; i++) {
			put8(&z, 0xFF);
			for (k = 0; k < 8; k++) {
				/* length 17 from anywhere but the write position (the end marker) */
				unsigned off = (w + 100) & 4095;
				put8(&z, off >> 4);
				put8(&z, (off & 15) << 4 | 0x0F);
				w = (w + 17) & 4095;
			}
		}
		z.p[0] = (unsigned char)((z.n - 4) & 0xFF);
		z.p[1] = (unsigned char)(((z.n - 4) >> 8) & 0xFF);
		z.p[2] = (unsigned char)(((z.n - 4) >> 16) & 0xFF);
		tnef_head(&b);
		prop_var(&p, 0x0102, 0x1009, z.p, z.n);
		attr_props(&b, LVL_MSG, attMAPIProps, &p);
		free(z.p);
	}
	phi_limits_default(&lim);
	lim.max_entry_bytes = 256 * 1024;
	t0 = now_ms();
	s = scan_tnef_lim(&b, &lim);
	T_OK(part_at(s, "1.1") && part_at(s, "1.1")->size == 256 * 1024 && has_why(s, "limit max_entry_bytes"),
	     "lzfu bomb: output stops at max_entry_bytes");
	T_OK(now_ms() - t0 < 5000, "lzfu bomb: bounded time");
	phi_scan_free(s);
	free(b.p);

	/* embedded messages nested 60 deep: max_depth, no crash */
	{
		static const unsigned char iid[16] = { 0x07, 0x03, 0x02, 0x00, 0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0x46 };
		struct tb cur = { 0 };
		tnef_head(&cur);
		attr_str(&cur, LVL_MSG, attBody, "innermost MRN: 00123456");
		for (i = 0; i < 60; i++) {
			struct tb obj = { 0 }, nx = { 0 };
			put(&obj, iid, 16);
			put(&obj, cur.p, cur.n);
			tnef_head(&nx);
			attach_begin(&nx);
			prop_var(&p, 0x000D, 0x3701, obj.p, obj.n);
			attr_props(&nx, LVL_ATT, attAttachment, &p);
			free(obj.p);
			free(cur.p);
			cur = nx;
		}
		s = scan_tnef(&cur);
		T_OK(has_why(s, "limit max_depth"), "60 nested messages: limit max_depth");
		phi_scan_free(s);
		free(cur.p);
	}

	/* random damage to a valid stream: no crash, bounded time */
	{
		unsigned seed = 12345;
		struct tb m = { 0 };
		t0 = now_ms();
		put(&m, t.p, t.n);
		for (i = 0; i < 3000; i++) {
			memcpy(m.p, t.p, t.n);
			for (k = 0; k < 1 + i % 8; k++) {
				seed = seed * 1103515245u + 12345u;
				m.p[6 + (seed >> 8) % (t.n - 6)] = (unsigned char)(seed >> 20);
			}
			phi_scan_free(scan_tnef(&m));
		}
		T_OK(now_ms() - t0 < 60000, "3000 damaged streams: no crash, bounded time");
		free(m.p);
	}
	free(t.p);
}

int main(void)
{
	char err[256];

	if (phi_engine_new(NULL, &eng, err, sizeof err) != PHI_OK) {
		printf("Bail out! engine: %s\n", err);
		return 1;
	}
	t_message();
	t_rtf();
	t_attachments();
	t_variants();
	t_hostile();
	phi_engine_free(eng);
	return tap_done();
}
