/*
 * x_hl7.c - HL7 v2 (ER7, pipe-delimited) messages as named field segments.
 *
 * Finds "MSH|" (or FHS|/BHS|) at a line start anywhere in a part, learns the
 * encoding characters from MSH-1/MSH-2, and walks segment lines (ends at \r,
 * \n or \r\n). Patient fields of PID, NK1, MRG, IN1, GT1 become PHI_F_*
 * segments named "PID-5" etc.; diagnosis/observation segments (DG1, OBX,
 * OBR, AL1, PRB, NTE ...) become PHI_F_CLINICAL; everything else, including
 * text before, between and after the messages, stays free text so the text
 * detectors still read it. Escape sequences (\F\ \S\ \T\ \R\ \E\ \Xhh\ and
 * .br) are decoded. Never logs; bounded: one line is read at a time through
 * a cursor, fields are capped (HL7_FIELD_MAX) and doc_budget() is called
 * every line. Embedded ED (base64) payloads are read as text, not decoded.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "phi/buf.h"
#include "mime/mime.h"
#include "extract.h"

#define HL7_SNIFF_WINDOW (64u * 1024)
#define HL7_FIELD_MAX    (4u * 1024 * 1024) /* rendered bytes kept per field */
#define HL7_MAX_REPS     64u             /* repetitions emitted one by one */

struct hl7_enc {
	unsigned char fs, cs, rs, ec, ss;   /* field, component, repetition, escape, subcomponent */
};

struct hl7_ctx {
	struct phi_doc *d;               /* borrowed */
	int part;
	const unsigned char *base;       /* borrowed: start of the part, for offsets */
	struct hl7_enc enc;
	int in_msg;                      /* an MSH/FHS/BHS has set the encoding */
	struct phi_buf out;              /* owned: rendered field */
	struct phi_buf line;             /* owned: free-text fields of one segment */
	int rc;                          /* first hard error (ENOMEM/ETIME), else PHI_OK */
	int stop;                        /* decoded budget spent */
	int cut;                         /* a field was cut at HL7_FIELD_MAX (reported) */
};

static int is_upper_alnum(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* A field separator other than '|' ("MSH#^~\\&#..."): a printable
 * punctuation byte, then two to four distinct punctuation encoding
 * characters, then the same separator again. */
static int hl7_other_fs(const unsigned char *p, size_t n)
{
	unsigned char fs = p[3];
	size_t i;

	if (fs <= ' ' || fs >= 0x7F || (fs >= '0' && fs <= '9') || (fs >= 'A' && fs <= 'Z') ||
	    (fs >= 'a' && fs <= 'z'))
		return 0;
	for (i = 4; i < n && i < 9; i++) {
		size_t j;
		if (p[i] == fs)
			return i >= 6;
		if (p[i] <= ' ' || p[i] >= 0x7F || (p[i] >= '0' && p[i] <= '9') ||
		    (p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= 'a' && p[i] <= 'z'))
			return 0;
		for (j = 4; j < i; j++)
			if (p[j] == p[i])
				return 0;
	}
	return 0;
}

/* "MSH" / "FHS" / "BHS" followed by a plausible field separator. */
static int hl7_header_at(const unsigned char *p, size_t n)
{
	if (n < 8)
		return 0;
	if (memcmp(p, "MSH", 3) && memcmp(p, "FHS", 3) && memcmp(p, "BHS", 3))
		return 0;
	/* The field separator is '|' in practice; allow other punctuation that
	 * is then repeated as the separator before MSH-3. */
	if (p[3] == '|')
		return 1;
	return hl7_other_fs(p, n);
}

/* Offset of the first header segment at a line start within the window, or n. */
static size_t hl7_find(const unsigned char *p, size_t n, size_t window)
{
	size_t i, lim = n < window ? n : window;
	int bol = 1;

	for (i = 0; i < lim; i++) {
		if (p[i] == '\r' || p[i] == '\n') {
			bol = 1;
			continue;
		}
		if (bol) {
			size_t j = i;
			/* leading blanks, MLLP's start block (VT), a BOM, and e-mail quoting "> " */
			while (j < n && (p[j] == ' ' || p[j] == '\t' || p[j] == '>' || p[j] == 0x0B))
				j++;
			if (n - j >= 3 && p[j] == 0xEF && p[j + 1] == 0xBB && p[j + 2] == 0xBF)
				j += 3;
			if (hl7_header_at(p + j, n - j))
				return j;
		}
		bol = 0;
	}
	return n;
}

int x_hl7_sniff(const unsigned char *p, size_t n)
{
	return hl7_find(p, n, HL7_SNIFF_WINDOW) < n;
}

/* --- field splitting and rendering --- */

/* The idx-th (0-based) piece of s[0..n) split by sep, or an empty piece. */
static void hl7_piece(const unsigned char *s, size_t n, unsigned char sep, unsigned idx,
                      const unsigned char **ps, size_t *pn)
{
	size_t i, start = 0;
	unsigned k = 0;

	for (i = 0; i <= n; i++) {
		if (i == n || s[i] == sep) {
			if (k == idx) {
				*ps = s + start;
				*pn = i - start;
				return;
			}
			k++;
			start = i + 1;
		}
	}
	*ps = s + n;
	*pn = 0;
}

/* Linear iteration over the pieces of a range split by one separator. */
struct hl7_it {
	const unsigned char *p, *end;
	int done;
};

static void hl7_it_init(struct hl7_it *it, const unsigned char *s, size_t n)
{
	it->p = s;
	it->end = s + n;
	it->done = 0;
}

static int hl7_it_next(struct hl7_it *it, unsigned char sep, const unsigned char **ps, size_t *pn)
{
	const unsigned char *q;

	if (it->done)
		return 0;
	q = memchr(it->p, sep, (size_t)(it->end - it->p));
	*ps = it->p;
	if (!q) {
		*pn = (size_t)(it->end - it->p);
		it->done = 1;
	} else {
		*pn = (size_t)(q - it->p);
		it->p = q + 1;
	}
	return 1;
}

static int hex_val(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Append the escape-decoded leaf s[0..n) to out. Errors are ignored: a
 * full buffer just truncates the field. */
static void hl7_leaf(const struct hl7_enc *e, const unsigned char *s, size_t n, struct phi_buf *out)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t j;

		if (c != e->ec) {
			if (phi_buf_putc(out, c) != PHI_OK)
				return;
			i++;
			continue;
		}
		/* find the closing escape char */
		for (j = i + 1; j < n && s[j] != e->ec; j++)
			;
		if (j >= n) {                       /* unterminated: keep literally */
			phi_buf_append(out, s + i, n - i);
			return;
		}
		{
			const unsigned char *q = s + i + 1;
			size_t ql = j - i - 1;
			unsigned char r = 0;

			if (ql == 1) {
				switch (q[0]) {
				case 'F': r = e->fs; break;
				case 'S': r = e->cs; break;
				case 'T': r = e->ss; break;
				case 'R': r = e->rs; break;
				case 'E': r = e->ec; break;
				default: break;             /* \H\ \N\ highlighting: dropped */
				}
				if (r)
					phi_buf_putc(out, r);
			} else if (ql >= 1 && q[0] == 'X') {
				size_t k;
				for (k = 1; k + 1 < ql; k += 2) {
					int hi = hex_val(q[k]), lo = hex_val(q[k + 1]);
					if (hi < 0 || lo < 0)
						break;
					phi_buf_putc(out, (unsigned char)(hi << 4 | lo));
				}
			} else if (ql == 3 && memcmp(q, ".br", 3) == 0) {
				phi_buf_putc(out, '\n');
			} else if (ql >= 2 && (q[0] == '.' || q[0] == 'C' || q[0] == 'M' || q[0] == 'Z')) {
				phi_buf_putc(out, ' ');     /* formatting / charset switches */
			} else {
				phi_buf_append(out, s + i, j + 1 - i);
			}
		}
		i = j + 1;
	}
}

/* Append a separator unless out is empty or already ends with one. */
static void put_sep(struct phi_buf *out, const char *sep)
{
	size_t k = strlen(sep);

	if (out->len == 0)
		return;
	if (out->len >= k && memcmp(out->data + out->len - k, sep, k) == 0)
		return;
	phi_buf_append(out, sep, k);
}

/* Append a component: its subcomponents decoded, joined by spaces. */
static void hl7_component(const struct hl7_enc *e, const unsigned char *s, size_t n,
                          struct phi_buf *out)
{
	const unsigned char *q;
	size_t ql;
	struct hl7_it it;

	hl7_it_init(&it, s, n);
	while (hl7_it_next(&it, e->ss, &q, &ql))
		if (ql) {
			put_sep(out, " ");
			hl7_leaf(e, q, ql, out);
		}
}

/* Append one repetition with all its components joined by spaces. */
static void hl7_rep_generic(const struct hl7_enc *e, const unsigned char *s, size_t n,
                            struct phi_buf *out)
{
	const unsigned char *q;
	size_t ql;
	struct hl7_it it;

	hl7_it_init(&it, s, n);
	while (hl7_it_next(&it, e->cs, &q, &ql))
		if (ql) {
			put_sep(out, " ");
			hl7_component(e, q, ql, out);
		}
}

/* Append component number comp (1-based) of a repetition. */
static void hl7_comp_n(const struct hl7_enc *e, const unsigned char *s, size_t n, unsigned comp,
                       struct phi_buf *out)
{
	const unsigned char *q;
	size_t ql;

	hl7_piece(s, n, e->cs, comp - 1, &q, &ql);
	if (ql) {
		put_sep(out, " ");
		hl7_component(e, q, ql, out);
	}
}

/* How a field's repetitions are rendered. */
enum hl7_kind {
	K_GENERIC,   /* all components */
	K_NAME,      /* XPN: given middle family */
	K_ID,        /* CX: component 1 (type code SS -> SSN) */
	K_FIRST,     /* component 1 only (dates, codes) */
	K_PHONE,     /* XTN: number, email separately */
};

static void trim(const unsigned char **s, size_t *n)
{
	while (*n && ((*s)[0] == ' ' || (*s)[0] == '\t' || (*s)[0] == '\n'))
		(*s)++, (*n)--;
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\n'))
		(*n)--;
}

static void hl7_emit(struct hl7_ctx *c, enum phi_field f, const char *name,
                     const unsigned char *t, size_t n, size_t off)
{
	int rc;

	const unsigned char *t0 = t;

	if (c->stop || c->rc)
		return;
	trim(&t, &n);
	off += (size_t)(t - t0);
	/* "" is HL7's explicit null */
	if (n == 0 || (n == 2 && t[0] == '"' && t[1] == '"'))
		return;
	rc = doc_add_text(c->d, c->part, f, name, t, n, off);
	if (rc == PHI_ELIMIT)
		c->stop = 1;
	else if (rc != PHI_OK)
		c->rc = rc;
}

static void hl7_emit_buf(struct hl7_ctx *c, enum phi_field f, const char *name, size_t off)
{
	if (c->out.len + 8 >= HL7_FIELD_MAX && !c->cut) {
		c->cut = 1;
		doc_unscannable(c->d, c->part, "limit hl7_field");
	}
	hl7_emit(c, f, name, c->out.data, c->out.len, off);
	phi_buf_reset(&c->out);
}

static int ieq(const unsigned char *s, size_t n, const char *w)
{
	size_t i, k = strlen(w);

	if (n != k)
		return 0;
	for (i = 0; i < k; i++) {
		unsigned char a = s[i], b = (unsigned char)w[i];
		if (a >= 'a' && a <= 'z')
			a = (unsigned char)(a - 32);
		if (a != b)
			return 0;
	}
	return 1;
}

static void hl7_field_text(struct hl7_ctx *c, const unsigned char *raw, size_t n);

/* Emit each repetition of field raw[0..n) as its own segment. */
static void hl7_field(struct hl7_ctx *c, const unsigned char *raw, size_t n, enum phi_field f,
                      const char *name, enum hl7_kind kind)
{
	const struct hl7_enc *e = &c->enc;
	size_t off = (size_t)(raw - c->base);
	const unsigned char *rep, *q;
	size_t rl, ql;
	struct hl7_it it;
	unsigned nrep = 0;

	if (n == 0)
		return;
	hl7_it_init(&it, raw, n);
	while (!c->stop && !c->rc && hl7_it_next(&it, e->rs, &rep, &rl)) {
		if (rl == 0)
			continue;
		if (++nrep > HL7_MAX_REPS) {
			/* many repetitions: the rest go out as one segment, so a
			 * hostile field cannot make millions of tiny segments */
			phi_buf_reset(&c->out);
			hl7_field_text(c, rep, (size_t)(raw + n - rep));
			hl7_emit_buf(c, f, name, (size_t)(rep - c->base));
			break;
		}
		off = (size_t)(rep - c->base);
		phi_buf_reset(&c->out);
		switch (kind) {
		case K_NAME:
			hl7_comp_n(e, rep, rl, 2, &c->out);   /* given */
			hl7_comp_n(e, rep, rl, 3, &c->out);   /* middle */
			hl7_comp_n(e, rep, rl, 1, &c->out);   /* family */
			if (c->out.len == 0)
				hl7_rep_generic(e, rep, rl, &c->out);
			hl7_emit_buf(c, f, name, off);
			break;
		case K_ID: {
			enum phi_field ff = f;
			hl7_piece(rep, rl, e->cs, 4, &q, &ql);    /* CX-5 identifier type */
			if (f == PHI_F_PATIENT_ID && (ieq(q, ql, "SS") || ieq(q, ql, "SSN")))
				ff = PHI_F_SSN;
			hl7_comp_n(e, rep, rl, 1, &c->out);
			hl7_emit_buf(c, ff, name, off);
			break;
		}
		case K_FIRST:
			hl7_comp_n(e, rep, rl, 1, &c->out);
			hl7_emit_buf(c, f, name, off);
			break;
		case K_PHONE:
			/* XTN-1 formatted number, else country/area/local/extension */
			hl7_comp_n(e, rep, rl, 1, &c->out);
			if (c->out.len == 0) {
				hl7_comp_n(e, rep, rl, 5, &c->out);
				hl7_comp_n(e, rep, rl, 6, &c->out);
				hl7_comp_n(e, rep, rl, 7, &c->out);
				hl7_comp_n(e, rep, rl, 8, &c->out);
			}
			hl7_emit_buf(c, f, name, off);
			hl7_comp_n(e, rep, rl, 4, &c->out);   /* e-mail address */
			hl7_emit_buf(c, PHI_F_PATIENT_OTHER, name, off);
			break;
		default:
			hl7_rep_generic(e, rep, rl, &c->out);
			hl7_emit_buf(c, f, name, off);
			break;
		}
	}
}

/* Render all repetitions of a free-text field into c->out. */
static void hl7_field_text(struct hl7_ctx *c, const unsigned char *raw, size_t n)
{
	const unsigned char *rep;
	size_t rl;
	struct hl7_it it;

	hl7_it_init(&it, raw, n);
	while (hl7_it_next(&it, c->enc.rs, &rep, &rl)) {
		if (rl) {
			put_sep(&c->out, "; ");
			hl7_rep_generic(&c->enc, rep, rl, &c->out);
		}
	}
}

struct hl7_rule {
	const char *seg;
	unsigned field;
	enum phi_field f;
	enum hl7_kind kind;
};

/* Patient-identifying fields. Anything not listed is free text of its
 * segment class (clinical or none). */
static const struct hl7_rule hl7_rules[] = {
	{ "PID", 2, PHI_F_PATIENT_ID, K_ID },
	{ "PID", 3, PHI_F_PATIENT_ID, K_ID },
	{ "PID", 4, PHI_F_PATIENT_ID, K_ID },
	{ "PID", 5, PHI_F_PATIENT_NAME, K_NAME },
	{ "PID", 6, PHI_F_RELATIVE_NAME, K_NAME },
	{ "PID", 7, PHI_F_BIRTH_DATE, K_FIRST },
	{ "PID", 8, PHI_F_PATIENT_OTHER, K_GENERIC },
	{ "PID", 9, PHI_F_PATIENT_NAME, K_NAME },
	{ "PID", 10, PHI_F_PATIENT_OTHER, K_GENERIC },
	{ "PID", 11, PHI_F_ADDRESS, K_GENERIC },
	{ "PID", 12, PHI_F_PATIENT_OTHER, K_GENERIC },
	{ "PID", 13, PHI_F_PHONE, K_PHONE },
	{ "PID", 14, PHI_F_PHONE, K_PHONE },
	{ "PID", 18, PHI_F_PATIENT_OTHER, K_ID },
	{ "PID", 19, PHI_F_SSN, K_FIRST },
	{ "PID", 20, PHI_F_PATIENT_OTHER, K_GENERIC },
	{ "PID", 21, PHI_F_PATIENT_OTHER, K_ID },
	{ "PID", 22, PHI_F_PATIENT_OTHER, K_GENERIC },
	{ "PID", 23, PHI_F_PATIENT_OTHER, K_GENERIC },
	{ "PID", 29, PHI_F_PATIENT_OTHER, K_FIRST },
	{ "PD1", 3, PHI_F_NONE, K_GENERIC },
	{ "NK1", 2, PHI_F_RELATIVE_NAME, K_NAME },
	{ "NK1", 4, PHI_F_ADDRESS, K_GENERIC },
	{ "NK1", 5, PHI_F_PHONE, K_PHONE },
	{ "NK1", 6, PHI_F_PHONE, K_PHONE },
	{ "NK1", 30, PHI_F_RELATIVE_NAME, K_NAME },
	{ "NK1", 31, PHI_F_PHONE, K_PHONE },
	{ "NK1", 32, PHI_F_ADDRESS, K_GENERIC },
	{ "NK1", 33, PHI_F_PATIENT_OTHER, K_ID },
	{ "MRG", 1, PHI_F_PATIENT_ID, K_ID },
	{ "MRG", 2, PHI_F_PATIENT_ID, K_ID },
	{ "MRG", 3, PHI_F_PATIENT_OTHER, K_ID },
	{ "MRG", 4, PHI_F_PATIENT_ID, K_ID },
	{ "MRG", 7, PHI_F_PATIENT_NAME, K_NAME },
	{ "PV1", 19, PHI_F_PATIENT_OTHER, K_ID },
	{ "PV1", 50, PHI_F_PATIENT_OTHER, K_ID },
	{ "IN1", 2, PHI_F_PATIENT_OTHER, K_GENERIC },
	{ "IN1", 16, PHI_F_RELATIVE_NAME, K_NAME },
	{ "IN1", 18, PHI_F_BIRTH_DATE, K_FIRST },
	{ "IN1", 19, PHI_F_ADDRESS, K_GENERIC },
	{ "IN1", 36, PHI_F_PATIENT_OTHER, K_FIRST },
	{ "IN1", 49, PHI_F_PATIENT_OTHER, K_ID },
	{ "IN2", 2, PHI_F_SSN, K_FIRST },
	{ "GT1", 3, PHI_F_RELATIVE_NAME, K_NAME },
	{ "GT1", 5, PHI_F_ADDRESS, K_GENERIC },
	{ "GT1", 6, PHI_F_PHONE, K_PHONE },
	{ "GT1", 7, PHI_F_PHONE, K_PHONE },
	{ "GT1", 8, PHI_F_BIRTH_DATE, K_FIRST },
	{ "GT1", 12, PHI_F_SSN, K_FIRST },
};

static const char *const hl7_clinical_segs[] = {
	"DG1", "OBX", "OBR", "AL1", "IAM", "PRB", "NTE", "PR1", "RXA", "RXE", "RXO", "RXR",
	"RXD", "RXG", "SPM", "ORC", "TQ1", "DRG", "PV2", "GOL", "PTH", "ZDS", "TXA",
};

static int hl7_is_clinical(const unsigned char *id)
{
	size_t i;

	for (i = 0; i < sizeof hl7_clinical_segs / sizeof hl7_clinical_segs[0]; i++)
		if (memcmp(id, hl7_clinical_segs[i], 3) == 0)
			return 1;
	return 0;
}

static const struct hl7_rule *hl7_rule_for(const unsigned char *id, unsigned fno)
{
	size_t i;

	for (i = 0; i < sizeof hl7_rules / sizeof hl7_rules[0]; i++)
		if (hl7_rules[i].field == fno && memcmp(id, hl7_rules[i].seg, 3) == 0)
			return &hl7_rules[i];
	return NULL;
}

/* OBX-5 of type ED: source^type^subtype^encoding^data. A Base64 document
 * becomes a child part (type/subtype) read by its own extractor. Returns 1
 * when the field was consumed. */
static int hl7_embed(struct hl7_ctx *c, const unsigned char *raw, size_t n)
{
	const unsigned char *ty, *sub, *enc, *data;
	size_t tyl, subl, encl, datal;
	char ctype[80];
	struct phi_buf out;
	int child, rc;

	hl7_piece(raw, n, c->enc.cs, 1, &ty, &tyl);
	hl7_piece(raw, n, c->enc.cs, 2, &sub, &subl);
	hl7_piece(raw, n, c->enc.cs, 3, &enc, &encl);
	hl7_piece(raw, n, c->enc.cs, 4, &data, &datal);
	if (!(encl == 6 && strncasecmp((const char *)enc, "Base64", 6) == 0) || datal == 0)
		return 0;
	if (tyl && subl && tyl + subl + 2 <= sizeof ctype) {
		size_t i;
		for (i = 0; i < tyl; i++)
			ctype[i] = (char)(ty[i] >= 'A' && ty[i] <= 'Z' ? ty[i] + 32 : ty[i]);
		ctype[tyl] = '/';
		for (i = 0; i < subl; i++)
			ctype[tyl + 1 + i] = (char)(sub[i] >= 'A' && sub[i] <= 'Z' ? sub[i] + 32 : sub[i]);
		ctype[tyl + 1 + subl] = 0;
	} else {
		snprintf(ctype, sizeof ctype, "application/octet-stream");
	}
	phi_buf_init(&out, c->d->lim.max_entry_bytes);
	rc = cte_base64_decode(data, datal, &out);
	if (rc == PHI_ENOMEM) {
		c->rc = rc;
	} else if (out.len) {
		if (rc == PHI_ELIMIT)
			doc_unscannable(c->d, c->part, "limit max_entry_bytes");
		child = doc_add_part(c->d, c->part, ctype, NULL, PHI_FMT_BINARY, out.len, 1);
		if (child >= 0) {
			rc = extract_part(c->d, child, out.data, out.len);
			if (rc == PHI_ENOMEM || rc == PHI_ETIME)
				c->rc = rc;
		} else if (child == PHI_ENOMEM) {
			c->rc = child;
		}
	}
	phi_buf_free(&out);
	return 1;
}

/* Set the encoding characters from a header segment line (MSH|^~\&|...). */
static void hl7_learn_enc(struct hl7_ctx *c, const unsigned char *s, size_t n)
{
	struct hl7_enc e = { '|', '^', '~', '\\', '&' };
	size_t i;

	e.fs = s[3];
	for (i = 4; i < n && i < 8 && s[i] != e.fs; i++) {
		switch (i) {
		case 4: e.cs = s[i]; break;
		case 5: e.rs = s[i]; break;
		case 6: e.ec = s[i]; break;
		case 7: e.ss = s[i]; break;
		default: break;
		}
	}
	if (i == 6)               /* only ^~ given: no escape char (and no subcomponent) */
		e.ec = 0, e.ss = 0;
	c->enc = e;
	c->in_msg = 1;
}

/* One segment line s[0..n), starting with a 3-char id and the field separator. */
static void hl7_segment(struct hl7_ctx *c, const unsigned char *s, size_t n)
{
	const unsigned char *id = s;
	int header = memcmp(id, "MSH", 3) == 0 || memcmp(id, "FHS", 3) == 0 ||
	             memcmp(id, "BHS", 3) == 0;
	int clinical = hl7_is_clinical(id);
	enum phi_field rest_f = clinical ? PHI_F_CLINICAL : PHI_F_NONE;
	char name[16], segname[4];
	size_t i, start;
	unsigned fno;
	int obx = memcmp(id, "OBX", 3) == 0, ed = 0;

	memcpy(segname, id, 3);
	segname[3] = 0;
	phi_buf_reset(&c->line);
	if (memcmp(id, "PID", 3) == 0)
		c->d->parts[c->part].format = PHI_FMT_HL7V2;
	if (header) {
		c->d->parts[c->part].format = PHI_FMT_HL7V2;
		/* skip MSH-1 and MSH-2 (the encoding characters) */
		start = 4;
		while (start < n && s[start] != c->enc.fs)
			start++;
		fno = 3;
		start++;
	} else {
		start = 4;
		fno = 1;
	}
	for (i = start; i <= n && !c->stop && !c->rc; i++) {
		if (i < n && s[i] != c->enc.fs)
			continue;
		if (i > start) {
			const struct hl7_rule *r = hl7_rule_for(id, fno);
			snprintf(name, sizeof name, "%s-%u", segname, fno);
			if (obx && fno == 2 && i - start == 2 && memcmp(s + start, "ED", 2) == 0)
				ed = 1;
			if (ed && fno == 5 && hl7_embed(c, s + start, i - start)) {
				/* the encapsulated document was read as a child part */
			} else if (r) {
				hl7_field(c, s + start, i - start, r->f, name, r->kind);
			} else {
				/* the other fields of the line go together, so a
				 * sentence or a date split over components stays whole */
				phi_buf_reset(&c->out);
				hl7_field_text(c, s + start, i - start);
				if (c->out.len) {
					put_sep(&c->line, " | ");
					phi_buf_append(&c->line, c->out.data, c->out.len);
				}
			}
		}
		fno++;
		start = i + 1;
		if (fno > 500)
			break;
	}
	if (c->line.len + 8 >= HL7_FIELD_MAX && !c->cut) {
		c->cut = 1;
		doc_unscannable(c->d, c->part, "limit hl7_field");
	}
	hl7_emit(c, rest_f, segname, c->line.data, c->line.len, (size_t)(s - c->base));
	phi_buf_reset(&c->line);
}

/* Is line s[0..n) an HL7 segment under the current separator? */
static int hl7_is_segment(const struct hl7_ctx *c, const unsigned char *s, size_t n)
{
	if (n < 4 || !(s[0] >= 'A' && s[0] <= 'Z') || !is_upper_alnum(s[1]) || !is_upper_alnum(s[2]))
		return 0;
	return s[3] == c->enc.fs;
}

int x_hl7_extract(struct phi_doc *d, int part, const unsigned char *p, size_t n)
{
	struct hl7_ctx c;
	size_t pos = 0, first, text_start;
	int rc;

	memset(&c, 0, sizeof c);
	c.d = d;
	c.part = part;
	c.base = p;
	c.enc.fs = '|';
	phi_buf_init(&c.out, HL7_FIELD_MAX);
	phi_buf_init(&c.line, HL7_FIELD_MAX);

	first = hl7_find(p, n, n);
	if (first == n) {
		/* no message: plain text */
		rc = doc_add_text(d, part, PHI_F_NONE, NULL, p, n, 0);
		goto done_rc;
	}
	/* Free text runs (lines that are not segments) are gathered and emitted
	 * as one segment each, so the text detectors see sentences whole. */
	pos = first;
	hl7_emit(&c, PHI_F_NONE, NULL, p, first, 0);
	text_start = SIZE_MAX;
	while (pos < n && !c.stop && !c.rc) {
		size_t ls = pos, le, lead;

		if ((c.rc = doc_budget(d)) != PHI_OK)
			break;
		le = ls;
		while (le < n && p[le] != '\r' && p[le] != '\n')
			le++;
		pos = le;
		if (pos < n && p[pos] == '\r')
			pos++;
		if (pos < n && p[pos] == '\n')
			pos++;
		lead = ls;
		while (lead < le && (p[lead] == ' ' || p[lead] == '\t' || p[lead] == '>' || p[lead] == 0x0B))
			lead++;
		if (le - lead >= 3 && p[lead] == 0xEF && p[lead + 1] == 0xBB && p[lead + 2] == 0xBF)
			lead += 3;
		if (hl7_header_at(p + lead, le - lead))
			hl7_learn_enc(&c, p + lead, le - lead);
		if (c.in_msg && hl7_is_segment(&c, p + lead, le - lead)) {
			if (text_start != SIZE_MAX) {
				hl7_emit(&c, PHI_F_NONE, NULL, p + text_start, ls - text_start, text_start);
				text_start = SIZE_MAX;
			}
			hl7_segment(&c, p + lead, le - lead);
		} else if (text_start == SIZE_MAX && le > ls) {
			text_start = ls;
		}
	}
	if (text_start != SIZE_MAX && !c.stop && !c.rc)
		hl7_emit(&c, PHI_F_NONE, NULL, p + text_start, n - text_start, text_start);
	rc = c.rc;
done_rc:
	phi_buf_free(&c.out);
	phi_buf_free(&c.line);
	if (rc == PHI_ELIMIT)
		rc = PHI_OK;
	return rc;
}
