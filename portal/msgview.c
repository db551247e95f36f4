/*
 * msgview.c - a stored message made readable (see msgview.h).
 *
 * The walk: split header and body at the first empty line; for multipart
 * entities, cut the body at "--boundary" lines and recurse; for a leaf,
 * undo the transfer encoding and either take it as the text body or keep
 * it as an attachment. Why not the detectors' whole scan: it produces text
 * segments for scanning, not the original attachment bytes a recipient
 * must be able to download.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "phi/status.h"
#include "mime/charset.h"
#include "mime/mime.h"
#include "qcrypt.h"
#include "msgview.h"

struct hdrs {
	const unsigned char *ct, *cte, *cd, *from, *date, *subject;
	size_t ctn, cten, cdn, fromn, daten, subjectn;
};

struct walk {
	struct msgview *v;
	int have_plain;
	struct phi_buf html;      /* first HTML body, converted at the end */
	int have_html;
	int oom;
};

/* Header block p[0..n): remember the fields we use (raw, folded). */
static void read_headers(const unsigned char *p, size_t n, struct hdrs *h)
{
	size_t i = 0;

	memset(h, 0, sizeof *h);
	while (i < n) {
		size_t s = i, colon, e;

		/* one field: up to a line end not followed by a blank */
		e = i;
		while (e < n) {
			if (p[e] == '\n' && !(e + 1 < n && (p[e + 1] == ' ' || p[e + 1] == '\t')))
				break;
			e++;
		}
		colon = s;
		while (colon < e && p[colon] != ':')
			colon++;
		if (colon < e) {
			const unsigned char *val = p + colon + 1;
			size_t vn = e - colon - 1, nl = colon - s;

#define HDR(nm, f, fn) if (nl == sizeof nm - 1 && strncasecmp((const char *)p + s, nm, nl) == 0 && !h->f) \
	{ h->f = val; h->fn = vn; }
			HDR("content-type", ct, ctn)
			HDR("content-transfer-encoding", cte, cten)
			HDR("content-disposition", cd, cdn)
			HDR("from", from, fromn)
			HDR("date", date, daten)
			HDR("subject", subject, subjectn)
#undef HDR
		}
		i = e + 1;
	}
}

/* Split at the first empty line: *hn header bytes, body from *bs. */
static void split(const unsigned char *p, size_t n, size_t *hn, size_t *bs)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] != '\n')
			continue;
		if (i + 1 < n && p[i + 1] == '\n') {
			*hn = i + 1;
			*bs = i + 2;
			return;
		}
		if (i + 2 < n && p[i + 1] == '\r' && p[i + 2] == '\n') {
			*hn = i + 1;
			*bs = i + 3;
			return;
		}
	}
	if (n == 0 || p[0] == '\n' || (n > 1 && p[0] == '\r' && p[1] == '\n')) {
		*hn = 0;
		*bs = n && p[0] == '\n' ? 1 : n > 1 ? 2 : n;
		return;
	}
	*hn = n;
	*bs = n;
}

static char *decode_hdr(const unsigned char *p, size_t n)
{
	struct phi_buf b;
	char *s;

	phi_buf_init(&b, 4096);
	if (p)
		mime_hdr_decode(p, n, &b);
	s = malloc(b.len + 1);
	if (s) {
		if (b.len)
			memcpy(s, b.data, b.len);
		s[b.len] = 0;
	}
	phi_buf_free(&b);
	return s;
}

static char *param(const unsigned char *p, size_t n, const char *want, int raw)
{
	struct phi_buf b;
	char *s = NULL;

	if (!p)
		return NULL;
	phi_buf_init(&b, 1024);
	if (mime_hdr_param(p, n, want, raw, &b) == 1 && b.len && (s = malloc(b.len + 1))) {
		memcpy(s, b.data, b.len);
		s[b.len] = 0;
	}
	phi_buf_free(&b);
	return s;
}

/* Undo the transfer encoding into out. */
static int undo_cte(const struct hdrs *h, const unsigned char *p, size_t n, struct phi_buf *out)
{
	char cte[32] = "";

	if (h->cte)
		mime_hdr_token(h->cte, h->cten, cte, sizeof cte);
	if (strcmp(cte, "base64") == 0)
		return cte_base64_decode(p, n, out);
	if (strcmp(cte, "quoted-printable") == 0)
		return cte_qp_decode(p, n, out);
	return phi_buf_append(out, p, n);
}

/* A file name a browser may save: no path, no control characters. */
static char *clean_name(char *name, size_t k, const char *ctype)
{
	char *s, *o, buf[64];
	const char *base;

	if (name) {
		base = name;
		for (s = name; *s; s++)
			if (*s == '/' || *s == '\\')
				base = s + 1;
		for (o = name; *base; base++)
			if ((unsigned char)*base >= 0x20 && *base != 0x7f)
				*o++ = *base;
		*o = 0;
		if (name[0] && strcmp(name, ".") != 0 && strcmp(name, "..") != 0)
			return name;
		free(name);
	}
	snprintf(buf, sizeof buf, "attachment-%zu%s", k + 1,
	         strcmp(ctype, "message/rfc822") == 0 ? ".eml" : ".bin");
	return strdup(buf);
}

static void leaf(struct walk *w, const struct hdrs *h, const char *ctype, const unsigned char *p, size_t n)
{
	struct msgview *v = w->v;
	char disp[32] = "", *fname = NULL, *cs;
	int text = strcmp(ctype, "text/plain") == 0, html = strcmp(ctype, "text/html") == 0;
	struct phi_buf raw;

	v->nparts++;
	if (h->cd)
		mime_hdr_token(h->cd, h->cdn, disp, sizeof disp);
	fname = param(h->cd, h->cdn, "filename", 0);
	if (!fname)
		fname = param(h->ct, h->ctn, "name", 0);
	if ((text || html) && strcmp(disp, "attachment") != 0 && !fname &&
	    ((text && !w->have_plain) || (html && !w->have_html))) {
		phi_buf_init(&raw, MSGVIEW_TEXT_MAX * 4);
		undo_cte(h, p, n, &raw);
		cs = param(h->ct, h->ctn, "charset", 0);
		if (text) {
			if (raw.len)
				charset_to_utf8(cs, raw.data, raw.len, &v->text);
			w->have_plain = 1;
		} else {
			if (raw.len)
				charset_to_utf8(cs, raw.data, raw.len, &w->html);
			w->have_html = 1;
		}
		free(cs);
		qcrypt_wipe(raw.data, raw.len);
		phi_buf_free(&raw);
		return;
	}
	if ((text || html) && !fname && strcmp(disp, "attachment") != 0)
		return; /* a second body (e.g. the HTML twin of the text): not a file */
	if (v->natt >= MSGVIEW_ATT_MAX) {
		free(fname);
		return;
	}
	{
		struct msgview_att *a = &v->att[v->natt];

		memset(a, 0, sizeof *a);
		a->name = clean_name(fname, v->natt, ctype);
		a->ctype = strdup(ctype);
		phi_buf_init(&a->data, 0);
		if (!a->name || !a->ctype || undo_cte(h, p, n, &a->data) == PHI_ENOMEM) {
			free(a->name);
			free(a->ctype);
			phi_buf_free(&a->data);
			w->oom = 1;
			return;
		}
		v->natt++;
	}
}

/* Is p[i..) a line "--boundary" (optionally "--boundary--")? 1, 2 (closing) or 0. */
static int delim_at(const unsigned char *p, size_t n, size_t i, const char *b, size_t bl)
{
	if (n - i < bl + 2 || p[i] != '-' || p[i + 1] != '-' || memcmp(p + i + 2, b, bl) != 0)
		return 0;
	i += bl + 2;
	if (n - i >= 2 && p[i] == '-' && p[i + 1] == '-')
		return 2;
	return 1;
}

static void entity(struct walk *w, const unsigned char *p, size_t n, unsigned depth, int top);

static void multipart(struct walk *w, const char *b, const unsigned char *p, size_t n, unsigned depth)
{
	size_t bl = strlen(b), i = 0, start = (size_t)-1;

	/* every line start, from the first delimiter on */
	while (i < n && w->v->nparts < MSGVIEW_PARTS_MAX) {
		int d = delim_at(p, n, i, b, bl);

		if (d) {
			if (start != (size_t)-1) {
				/* the line break before the delimiter belongs to it */
				size_t e = i;

				if (e > start && p[e - 1] == '\n')
					e--;
				if (e > start && p[e - 1] == '\r')
					e--;
				entity(w, p + start, e - start, depth + 1, 0);
			}
			if (d == 2)
				return;
			while (i < n && p[i] != '\n')
				i++;
			start = i < n ? i + 1 : n;
		} else {
			while (i < n && p[i] != '\n')
				i++;
		}
		i++;
	}
	if (start != (size_t)-1 && start < n)
		entity(w, p + start, n - start, depth + 1, 0); /* no closing delimiter */
}

static void entity(struct walk *w, const unsigned char *p, size_t n, unsigned depth, int top)
{
	struct hdrs h;
	size_t hn, bs;
	char ctype[128] = "";

	if (depth > MSGVIEW_DEPTH_MAX || w->oom)
		return;
	split(p, n, &hn, &bs);
	read_headers(p, hn, &h);
	if (top) {
		w->v->from = decode_hdr(h.from, h.fromn);
		w->v->date = decode_hdr(h.date, h.daten);
		w->v->subject = decode_hdr(h.subject, h.subjectn);
		if (!w->v->from || !w->v->date || !w->v->subject)
			w->oom = 1;
	}
	if (h.ct)
		mime_hdr_token(h.ct, h.ctn, ctype, sizeof ctype);
	if (!ctype[0] || !strchr(ctype, '/'))
		snprintf(ctype, sizeof ctype, "text/plain");
	if (strncmp(ctype, "multipart/", 10) == 0) {
		char *b = param(h.ct, h.ctn, "boundary", 1);

		if (b && strlen(b) <= 200) {
			multipart(w, b, p + bs, n - bs, depth);
			free(b);
			return;
		}
		free(b);
		snprintf(ctype, sizeof ctype, "text/plain"); /* no boundary: show it as text */
	}
	leaf(w, &h, ctype, p + bs, n - bs);
}

void msgview_free(struct msgview *v)
{
	size_t i;

	if (!v)
		return;
	free(v->from);
	free(v->date);
	free(v->subject);
	qcrypt_wipe(v->text.data, v->text.len);
	phi_buf_free(&v->text);
	for (i = 0; i < v->natt; i++) {
		free(v->att[i].name);
		free(v->att[i].ctype);
		qcrypt_wipe(v->att[i].data.data, v->att[i].data.len);
		phi_buf_free(&v->att[i].data);
	}
	memset(v, 0, sizeof *v);
}

int msgview_parse(const unsigned char *msg, size_t len, struct msgview *v)
{
	struct walk w;

	memset(v, 0, sizeof *v);
	memset(&w, 0, sizeof w);
	w.v = v;
	phi_buf_init(&v->text, MSGVIEW_TEXT_MAX);
	phi_buf_init(&w.html, MSGVIEW_TEXT_MAX * 2);
	entity(&w, msg, len, 0, 1);
	if (!w.have_plain && w.have_html && !w.oom) {
		msgview_html_text(w.html.data ? w.html.data : (const unsigned char *)"", w.html.len, &v->text);
		v->text_from_html = 1;
	}
	qcrypt_wipe(w.html.data, w.html.len);
	phi_buf_free(&w.html);
	if (w.oom) {
		msgview_free(v);
		return -1;
	}
	return 0;
}

/* ---- HTML to text ---- */

static void put_utf8(struct phi_buf *o, unsigned long c)
{
	unsigned char b[4];
	size_t n;

	if (c == 0 || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		c = 0xfffd;
	if (c < 0x80)
		b[0] = (unsigned char)c, n = 1;
	else if (c < 0x800)
		b[0] = (unsigned char)(0xc0 | c >> 6), b[1] = (unsigned char)(0x80 | (c & 0x3f)), n = 2;
	else if (c < 0x10000)
		b[0] = (unsigned char)(0xe0 | c >> 12), b[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3f)),
		b[2] = (unsigned char)(0x80 | (c & 0x3f)), n = 3;
	else
		b[0] = (unsigned char)(0xf0 | c >> 18), b[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3f)),
		b[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3f)), b[3] = (unsigned char)(0x80 | (c & 0x3f)), n = 4;
	phi_buf_append(o, b, n);
}

/* An entity at p[0..n) (p[0] == '&'): appends its character and returns
 * the bytes used, or 0 when it is not one we know (the '&' is then text). */
static size_t entity_ref(const unsigned char *p, size_t n, struct phi_buf *o)
{
	static const struct { const char *name; unsigned long c; } names[] = {
		{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' }, { "apos", '\'' },
		{ "nbsp", ' ' }, { "copy", 0xa9 }, { "reg", 0xae }, { "ndash", 0x2013 }, { "mdash", 0x2014 },
		{ "hellip", 0x2026 }, { "rsquo", 0x2019 }, { "lsquo", 0x2018 }, { "ldquo", 0x201c },
		{ "rdquo", 0x201d }, { "euro", 0x20ac },
	};
	size_t i, e;

	for (e = 1; e < n && e < 12 && p[e] != ';'; e++)
		;
	if (e >= n || p[e] != ';' || e < 2)
		return 0;
	if (p[1] == '#') {
		unsigned long c = 0;
		int hex = e > 2 && (p[2] == 'x' || p[2] == 'X');

		for (i = hex ? 3 : 2; i < e; i++) {
			int d = hex ? (isxdigit(p[i]) ? (isdigit(p[i]) ? p[i] - '0' : (tolower(p[i]) - 'a' + 10)) : -1)
			            : (isdigit(p[i]) ? p[i] - '0' : -1);

			if (d < 0)
				return 0;
			c = c * (hex ? 16 : 10) + (unsigned long)d;
			if (c > 0x10ffff)
				c = 0xfffd;
		}
		put_utf8(o, c);
		return e + 1;
	}
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strlen(names[i].name) == e - 1 && memcmp(p + 1, names[i].name, e - 1) == 0) {
			put_utf8(o, names[i].c);
			return e + 1;
		}
	return 0;
}

static int tag_is(const unsigned char *name, size_t nl, const char *const *set)
{
	for (; *set; set++)
		if (strlen(*set) == nl && strncasecmp((const char *)name, *set, nl) == 0)
			return 1;
	return 0;
}

int msgview_html_text(const unsigned char *p, size_t n, struct phi_buf *out)
{
	static const char *const block[] = { "p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
		                             "table", "ul", "ol", "blockquote", "pre", "hr", "section",
		                             "article", "header", "footer", "dd", "dt", NULL };
	static const char *const hidden[] = { "script", "style", "head", "template", "title", NULL };
	size_t i = 0;
	int space = 0, newlines = 2;

	while (i < n) {
		if (p[i] == '<') {
			size_t j = i + 1, ns, nl;
			int closing = 0;

			if (n - i >= 4 && memcmp(p + i, "<!--", 4) == 0) {
				const unsigned char *e = memmem(p + i + 4, n - i - 4, "-->", 3);

				i = e ? (size_t)(e - p) + 3 : n;
				continue;
			}
			if (j < n && p[j] == '/')
				closing = 1, j++;
			ns = j;
			while (j < n && (isalnum(p[j]) || p[j] == '-'))
				j++;
			nl = j - ns;
			while (j < n && p[j] != '>')
				j++;
			i = j < n ? j + 1 : n;
			if (!closing && tag_is(p + ns, nl, hidden)) {
				/* skip to the matching end tag: its contents are never text */
				char end[16];
				const unsigned char *e = NULL;
				size_t k;

				snprintf(end, sizeof end, "</%.*s", (int)nl, (const char *)(p + ns));
				for (k = i; k + strlen(end) <= n; k++)
					if (strncasecmp((const char *)p + k, end, strlen(end)) == 0) {
						e = p + k;
						break;
					}
				if (!e) {
					i = n;
					continue;
				}
				i = (size_t)(e - p);
				while (i < n && p[i] != '>')
					i++;
				i = i < n ? i + 1 : n;
				continue;
			}
			if (nl && tag_is(p + ns, nl, block)) {
				if (newlines < 2) {
					phi_buf_putc(out, '\n');
					newlines++;
				}
				space = 0;
			}
			continue; /* an inline tag (b, span, a ...) adds nothing */
		}
		if (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n') {
			space = 1;
			i++;
			continue;
		}
		if (space && newlines == 0)
			phi_buf_putc(out, ' ');
		space = 0;
		newlines = 0;
		if (p[i] == '&') {
			size_t used = entity_ref(p + i, n - i, out);

			if (used) {
				i += used;
				continue;
			}
		}
		phi_buf_putc(out, p[i]);
		i++;
	}
	return 0;
}
