/*
 * x_rtf.c - RTF to text.
 *
 * One pass with an explicit group stack (no recursion; RTF_DEPTH levels,
 * deeper groups share the top level's state). Control words: \par \line
 * \sect \page \row -> newline, \tab \cell -> tab, \'hh bytes in the
 * \ansicpg code page or the current font's \fcharset (converted with
 * charset_to_utf8, so double-byte code pages work), \uN with \ucN fallback skipping, surrogate pairs. Skipped:
 * {\* ...} destinations, font/colour/style/list tables, pictures, objects,
 * field instructions (the field result is kept) and \binN data. The whole
 * text is one segment. Never logs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "extract.h"
#include "mime/charset.h"

#define RTF_DEPTH 256

struct rgroup {
	unsigned char skip;    /* text of this group is not document text */
	unsigned char uc;      /* fallback characters after \uN */
	unsigned char fonttbl; /* inside the font table */
	short font;            /* current \fN, -1 when none */
};

#define RTF_FONTS 256

struct rtf {
	struct phi_doc *d;
	struct phi_buf out;     /* owned: UTF-8 text */
	struct phi_buf pend;    /* owned: code page bytes not yet converted */
	char cs[24];            /* code page of the pending bytes */
	char ansi_cs[24];       /* the document's \ansicpg */
	short fcs[RTF_FONTS];   /* \fcharset of each font, -1 unknown */
	long def;               /* font being defined in the font table */
	unsigned hi_surrogate;
	int full;
};

static int flush(struct rtf *r)
{
	int rc = PHI_OK;
	if (r->pend.len) {
		rc = charset_to_utf8(r->cs, r->pend.data, r->pend.len, &r->out);
		phi_buf_reset(&r->pend);
	}
	if (rc == PHI_ELIMIT)
		r->full = 1;
	return rc;
}

static int out_bytes(struct rtf *r, const void *s, size_t n)
{
	int rc = flush(r);
	if (rc == PHI_OK)
		rc = phi_buf_append(&r->out, s, n);
	if (rc == PHI_ELIMIT)
		r->full = 1;
	return rc;
}

static int out_cp(struct rtf *r, unsigned long cp)
{
	unsigned char b[4];
	size_t n;

	if (cp >= 0xD800 && cp < 0xDC00) {
		r->hi_surrogate = (unsigned)cp;
		return PHI_OK;
	}
	if (cp >= 0xDC00 && cp < 0xE000) {
		if (!r->hi_surrogate)
			cp = 0xFFFD;
		else
			cp = 0x10000 + ((r->hi_surrogate - 0xD800ul) << 10) + (cp - 0xDC00);
	}
	r->hi_surrogate = 0;
	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xC0 | cp >> 6);
		b[1] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (unsigned char)(0xE0 | cp >> 12);
		b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		b[0] = (unsigned char)(0xF0 | cp >> 18);
		b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
		b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		b[3] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	return out_bytes(r, b, n);
}

/* Code page name of an RTF \fcharset, or NULL for "the document's". */
static const char *fcharset_cp(int c)
{
	switch (c) {
	case 128: return "CP932";
	case 129: return "CP949";
	case 134: return "CP936";
	case 136: return "CP950";
	case 161: return "CP1253";
	case 162: return "CP1254";
	case 163: return "CP1258";
	case 177: return "CP1255";
	case 178: return "CP1256";
	case 186: return "CP1257";
	case 204: return "CP1251";
	case 222: return "CP874";
	case 238: return "CP1250";
	case 77: return "MACINTOSH";
	default: return NULL;
	}
}

/* Queue one code-page byte, switching (and flushing) when the current
 * group's font uses another code page than the bytes already queued. */
static int pend_byte(struct rtf *r, const struct rgroup *g, unsigned char b)
{
	const char *want = NULL;
	int rc = PHI_OK;

	if (g->font >= 0 && g->font < RTF_FONTS && r->fcs[g->font] >= 0)
		want = fcharset_cp(r->fcs[g->font]);
	if (!want)
		want = r->ansi_cs;
	if (strcmp(want, r->cs) != 0 || r->pend.len >= 4000) {
		rc = flush(r);
		snprintf(r->cs, sizeof r->cs, "%s", want);
	}
	if (rc == PHI_OK)
		rc = phi_buf_putc(&r->pend, b);
	return rc;
}

int x_rtf_sniff(const unsigned char *p, size_t n)
{
	return n >= 5 && memcmp(p, "{\\rtf", 5) == 0;
}

static int word_is(const unsigned char *w, size_t wl, const char *s)
{
	return strlen(s) == wl && memcmp(w, s, wl) == 0;
}

static int skip_dest(const unsigned char *w, size_t wl)
{
	static const char *const d[] = {
		"fonttbl", "colortbl", "stylesheet", "listtable", "listoverridetable", "rsidtbl",
		"pict", "object", "objdata", "themedata", "colorschememapping", "datastore",
		"latentstyles", "generator", "xmlnstbl", "mmathPr", "fldinst", "filetbl",
		"revtbl", "pgdsctbl", "nonshppict", "shppict", "blipuid", "panose", "falt",
		"bkmkstart", "bkmkend", "xmlopen", "pntext", "pntxta", "pntxtb", "listtext",
		"wgrffmtfilter", "fchars", "lchars", "passwordhash", "sp",
	};
	size_t i;
	for (i = 0; i < sizeof d / sizeof d[0]; i++)
		if (word_is(w, wl, d[i]))
			return 1;
	return 0;
}

int x_rtf_extract(struct phi_doc *d, int part, const unsigned char *p, size_t n)
{
	struct rtf r;
	struct rgroup st[RTF_DEPTH];
	unsigned depth = 0, over = 0, pending_skip = 0;
	const unsigned char *q = p, *e = p + n;
	size_t steps = 0;
	int rc = PHI_OK;

	memset(&r, 0, sizeof r);
	r.d = d;
	strcpy(r.cs, "windows-1252");
	strcpy(r.ansi_cs, "windows-1252");
	memset(r.fcs, 0xFF, sizeof r.fcs); /* all -1 */
	r.def = -1;
	phi_buf_init(&r.out, d->lim.max_entry_bytes);
	phi_buf_init(&r.pend, 4096);
	if (part >= 0 && (size_t)part < d->nparts)
		d->parts[part].format = PHI_FMT_RTF;
	st[0].skip = 0;
	st[0].uc = 1;
	st[0].fonttbl = 0;
	st[0].font = -1;
	while (q < e && rc == PHI_OK && !r.full) {
		struct rgroup *g = &st[depth];
		unsigned c = *q;

		if ((++steps & 4095) == 0 && (rc = doc_budget(d)) != PHI_OK)
			break;
		if (c == '{') {
			q++;
			if (depth + 1 < RTF_DEPTH) {
				st[depth + 1] = st[depth];
				depth++;
			} else {
				over++;
			}
			pending_skip = 0;
			continue;
		}
		if (c == '}') {
			q++;
			if (over)
				over--;
			else if (depth)
				depth--;
			pending_skip = 0;
			continue;
		}
		if (c == '\r' || c == '\n') {
			q++;
			continue;
		}
		if (c != '\\') {
			q++;
			if (pending_skip) {
				pending_skip--;
				continue;
			}
			if (g->skip)
				continue;
			if (c >= 0x80) {
				rc = pend_byte(&r, g, (unsigned char)c);
				continue;
			}
			if (c == '\t')
				c = ' ';
			rc = out_bytes(&r, &c, 1);
			continue;
		}
		/* backslash */
		q++;
		if (q >= e)
			break;
		c = *q;
		if (c == '\'') {
			int h1, h2;
			q++;
			h1 = q < e ? (*q >= 'a' ? *q - 'a' + 10 : *q >= 'A' ? *q - 'A' + 10 : *q - '0') : -1;
			h2 = q + 1 < e ? (q[1] >= 'a' ? q[1] - 'a' + 10 : q[1] >= 'A' ? q[1] - 'A' + 10 : q[1] - '0') : -1;
			q += q + 2 <= e ? 2 : (size_t)(e - q);
			if (h1 < 0 || h1 > 15 || h2 < 0 || h2 > 15)
				continue;
			if (pending_skip) {
				pending_skip--;
				continue;
			}
			if (!g->skip) {
				rc = pend_byte(&r, g, (unsigned char)(h1 * 16 + h2));
			}
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
			/* control symbol */
			q++;
			if (c == '*') {
				g->skip = 1; /* {\* ...}: ignorable destination unless known */
				continue;
			}
			if (pending_skip) {
				pending_skip--;
				continue;
			}
			if (g->skip)
				continue;
			if (c == '\\' || c == '{' || c == '}')
				rc = out_bytes(&r, &c, 1);
			else if (c == '~')
				rc = out_bytes(&r, " ", 1);
			else if (c == '_')
				rc = out_bytes(&r, "-", 1);
			else if (c == '\n' || c == '\r')
				rc = out_bytes(&r, "\n", 1);
			continue;
		}
		{
			const unsigned char *w = q;
			size_t wl;
			long num = 0;
			int has_num = 0, neg = 0;

			while (q < e && ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z')) && q - w < 32)
				q++;
			wl = (size_t)(q - w);
			if (q < e && *q == '-') {
				neg = 1;
				q++;
			}
			while (q < e && *q >= '0' && *q <= '9') {
				if (num < 100000000L)
					num = num * 10 + (*q - '0');
				has_num = 1;
				q++;
			}
			if (neg)
				num = -num;
			if (q < e && *q == ' ')
				q++;
			if (word_is(w, wl, "bin")) {
				size_t k = has_num && num > 0 ? (size_t)num : 0;
				q += k < (size_t)(e - q) ? k : (size_t)(e - q);
				continue;
			}
			if (word_is(w, wl, "fonttbl")) {
				g->skip = 1;
				g->fonttbl = 1;
				continue;
			}
			if (g->fonttbl) {
				/* {\f1\fcharset204 Arial;}: remember each font's code page */
				if (word_is(w, wl, "f") && has_num)
					r.def = num;
				else if (word_is(w, wl, "fcharset") && has_num && r.def >= 0 && r.def < RTF_FONTS)
					r.fcs[r.def] = (short)(num < 0 || num > 255 ? -1 : num);
				continue;
			}
			if (skip_dest(w, wl)) {
				g->skip = 1;
				continue;
			}
			if (word_is(w, wl, "f") && has_num) {
				g->font = (short)(num >= 0 && num < RTF_FONTS ? num : -1);
				continue;
			}
			if (word_is(w, wl, "ansicpg") && has_num && num > 0 && num < 100000) {
				snprintf(r.ansi_cs, sizeof r.ansi_cs, "CP%ld", num);
				if (num == 65001)
					strcpy(r.ansi_cs, "UTF-8");
				continue;
			}
			if (word_is(w, wl, "uc") && has_num && num >= 0 && num < 16) {
				g->uc = (unsigned char)num;
				continue;
			}
			if (pending_skip) {
				pending_skip--;
				continue;
			}
			if (g->skip)
				continue;
			if (word_is(w, wl, "u") && has_num) {
				rc = out_cp(&r, (unsigned long)(num < 0 ? num + 65536 : num) & 0xFFFF);
				pending_skip = g->uc;
			} else if (word_is(w, wl, "par") || word_is(w, wl, "line") || word_is(w, wl, "sect") ||
			           word_is(w, wl, "page") || word_is(w, wl, "row")) {
				rc = out_bytes(&r, "\n", 1);
			} else if (word_is(w, wl, "tab") || word_is(w, wl, "cell")) {
				rc = out_bytes(&r, "\t", 1);
			} else if (word_is(w, wl, "emdash")) {
				rc = out_cp(&r, 0x2014);
			} else if (word_is(w, wl, "endash")) {
				rc = out_cp(&r, 0x2013);
			} else if (word_is(w, wl, "bullet")) {
				rc = out_cp(&r, 0x2022);
			} else if (word_is(w, wl, "lquote") || word_is(w, wl, "rquote")) {
				rc = out_bytes(&r, "'", 1);
			} else if (word_is(w, wl, "ldblquote") || word_is(w, wl, "rdblquote")) {
				rc = out_bytes(&r, "\"", 1);
			}
		}
	}
	if (rc == PHI_OK)
		rc = flush(&r);
	if (r.full || rc == PHI_ELIMIT) {
		doc_unscannable(d, part, "limit max_entry_bytes");
		rc = PHI_OK;
	}
	if (rc == PHI_OK && r.out.len)
		rc = doc_add_text(d, part, PHI_F_NONE, NULL, r.out.data, r.out.len, 0);
	phi_buf_free(&r.out);
	phi_buf_free(&r.pend);
	return rc == PHI_ELIMIT ? PHI_OK : rc;
}
