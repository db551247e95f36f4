/*
 * x_ical.c - iCalendar (RFC 5545) and vCard (2.1, 3.0, 4.0).
 *
 * Lines are unfolded (CRLF/LF + space or tab), QUOTED-PRINTABLE values of
 * vCard 2.1 (with their "=" soft breaks) decoded and converted from their
 * CHARSET, text escapes (\n \, \; \\) undone. The values of properties that
 * hold human text (SUMMARY, DESCRIPTION, LOCATION, COMMENT, ATTENDEE and
 * ORGANIZER with their CN, FN, N, BDAY, TEL, ADR, NOTE, EMAIL, ...) become
 * segments whose field_name is the property name; structured values (N,
 * ADR) have their ';' components joined by spaces. Other properties (UID,
 * DTSTAMP, RRULE ...) are not text. Lines are cut at ICAL_LINE bytes.
 * Never logs.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "phi/buf.h"
#include "extract.h"
#include "mime/charset.h"

#define ICAL_LINE (64u * 1024)

struct prop_kind {
	const char *name;
	enum phi_field field;
	int structured; /* ';' separates components */
};

static const struct prop_kind props[] = {
	{ "SUMMARY", PHI_F_NONE, 0 }, { "DESCRIPTION", PHI_F_NONE, 0 },
	{ "LOCATION", PHI_F_NONE, 0 }, { "COMMENT", PHI_F_NONE, 0 },
	{ "CONTACT", PHI_F_NONE, 0 }, { "ATTENDEE", PHI_F_NONE, 0 },
	{ "ORGANIZER", PHI_F_NONE, 0 }, { "FN", PHI_F_NONE, 0 },
	{ "N", PHI_F_NONE, 1 }, { "NICKNAME", PHI_F_NONE, 0 },
	{ "BDAY", PHI_F_BIRTH_DATE, 0 }, { "ANNIVERSARY", PHI_F_NONE, 0 },
	{ "TEL", PHI_F_PHONE, 0 }, { "ADR", PHI_F_ADDRESS, 1 },
	{ "LABEL", PHI_F_ADDRESS, 0 }, { "NOTE", PHI_F_NONE, 0 },
	{ "EMAIL", PHI_F_NONE, 0 }, { "ORG", PHI_F_NONE, 1 },
	{ "TITLE", PHI_F_NONE, 0 }, { "X-ALT-DESC", PHI_F_NONE, 0 },
	{ "RESOURCES", PHI_F_NONE, 0 }, { "CATEGORIES", PHI_F_NONE, 0 },
};

static int hexv(unsigned c)
{
	if (c >= '0' && c <= '9')
		return (int)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (int)(c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (int)(c - 'A' + 10);
	return -1;
}

/* Parameter `key` (case-insensitive) of the params text; value into out. */
static int param(const unsigned char *s, size_t n, const char *key, char *out, size_t outsz)
{
	size_t i = 0, kl = strlen(key);

	while (i < n) {
		size_t st = i, e;
		int q = 0;
		while (i < n && (q || s[i] != ';')) {
			if (s[i] == '"')
				q = !q;
			i++;
		}
		e = i;
		if (i < n)
			i++;
		if (e - st > kl && s[st + kl] == '=' && strncasecmp((const char *)s + st, key, kl) == 0) {
			size_t vs = st + kl + 1, vl;
			if (vs < e && s[vs] == '"') {
				vs++;
				if (e > vs && s[e - 1] == '"')
					e--;
			}
			vl = e - vs < outsz - 1 ? e - vs : outsz - 1;
			memcpy(out, s + vs, vl);
			out[vl] = 0;
			return 1;
		}
		/* vCard 2.1 bare parameter (";QUOTED-PRINTABLE") */
		if (e - st == kl && strncasecmp((const char *)s + st, key, kl) == 0) {
			out[0] = 0;
			return 1;
		}
	}
	return 0;
}

/* Undo text escapes; for structured values, unescaped ';' -> ' '. */
static void unescape(struct phi_buf *o, const unsigned char *s, size_t n, int structured)
{
	size_t i;
	for (i = 0; i < n; i++) {
		unsigned c = s[i];
		if (c == '\\' && i + 1 < n) {
			c = s[++i];
			if (c == 'n' || c == 'N')
				c = '\n';
		} else if (c == ';' && structured) {
			if (!o->len || o->data[o->len - 1] == ' ')
				continue;
			c = ' ';
		}
		phi_buf_putc(o, (unsigned char)c);
	}
	while (o->len && o->data[o->len - 1] == ' ')
		o->len--;
}

static int emit(struct phi_doc *d, int part, const struct prop_kind *k, const char *name,
                const unsigned char *v, size_t vn, int qp, const char *cs, size_t off)
{
	struct phi_buf raw, conv, txt;
	int rc;

	phi_buf_init(&raw, ICAL_LINE);
	phi_buf_init(&conv, ICAL_LINE * 2);
	phi_buf_init(&txt, ICAL_LINE * 2);
	if (qp) {
		size_t i;
		for (i = 0; i < vn; i++) {
			if (v[i] == '=' && i + 2 < vn && hexv(v[i + 1]) >= 0 && hexv(v[i + 2]) >= 0) {
				phi_buf_putc(&raw, (unsigned char)(hexv(v[i + 1]) * 16 + hexv(v[i + 2])));
				i += 2;
			} else {
				phi_buf_putc(&raw, v[i]);
			}
		}
	} else {
		phi_buf_append(&raw, v, vn);
	}
	if (raw.len && cs && cs[0] && strcasecmp(cs, "utf-8") != 0) {
		charset_to_utf8(cs, raw.data, raw.len, &conv);
		unescape(&txt, conv.data, conv.len, k->structured);
	} else {
		unescape(&txt, raw.data, raw.len, k->structured);
	}
	rc = doc_add_text(d, part, k->field, name, txt.data, txt.len, off);
	phi_buf_free(&raw);
	phi_buf_free(&conv);
	phi_buf_free(&txt);
	return rc;
}

int x_ical_extract(struct phi_doc *d, int part, const unsigned char *p, size_t n)
{
	struct phi_buf line;
	size_t i = 0, steps = 0;
	int rc = PHI_OK, fmt_set = 0;

	phi_buf_init(&line, ICAL_LINE);
	while (i < n && rc == PHI_OK) {
		size_t start = i, colon, k, nl, gl = 0;
		int qp, qp_line;
		char cs[40], cn[256];
		const unsigned char *L;

		if ((++steps & 63) == 0 && (rc = doc_budget(d)) != PHI_OK)
			break;
		/* one logical line, unfolded */
		phi_buf_reset(&line);
		qp_line = -1;
		for (;;) {
			size_t s = i;
			while (i < n && p[i] != '\n')
				i++;
			k = i;
			if (k > s && p[k - 1] == '\r')
				k--;
			phi_buf_append(&line, p + s, k - s); /* cut at ICAL_LINE */
			if (i < n)
				i++;
			if (i < n && (p[i] == ' ' || p[i] == '\t')) {
				i++;
				continue;
			}
			/* QP soft break: the value goes on at the next line */
			/* (looked up once per logical line: a long run of soft
			 * breaks must not rescan the line each time) */
			if (qp_line < 0)
				qp_line = memmem(line.data, line.len, "QUOTED-PRINTABLE", 16) != NULL;
			if (line.len && line.data[line.len - 1] == '=' && i < n && qp_line) {
				line.len--;
				continue;
			}
			break;
		}
		if (!line.len)
			continue;
		L = line.data;
		nl = line.len;
		/* NAME[;params]:value ; a quoted param may hold ':' */
		{
			int q = 0;
			for (colon = 0; colon < nl; colon++) {
				if (L[colon] == '"')
					q = !q;
				else if (!q && L[colon] == ':')
					break;
			}
		}
		if (colon >= nl)
			continue;
		for (k = 0; k < colon && L[k] != ';'; k++)
			if (L[k] == '.')
				gl = k + 1; /* item1.TEL: group prefix */
		if (!fmt_set && colon - gl == 5 && strncasecmp((const char *)L + gl, "BEGIN", 5) == 0) {
			if (part >= 0 && (size_t)part < d->nparts) {
				if (nl - colon - 1 >= 5 && strncasecmp((const char *)L + colon + 1, "VCARD", 5) == 0)
					d->parts[part].format = PHI_FMT_VCARD;
				else
					d->parts[part].format = PHI_FMT_ICAL;
			}
			fmt_set = 1;
			continue;
		}
		{
			const struct prop_kind *pk = NULL;
			size_t j, namel = k - gl;
			char name[32];
			for (j = 0; j < sizeof props / sizeof props[0]; j++)
				if (strlen(props[j].name) == namel &&
				    strncasecmp(props[j].name, (const char *)L + gl, namel) == 0)
					pk = &props[j];
			if (!pk)
				continue;
			snprintf(name, sizeof name, "%s", pk->name);
			{
				const unsigned char *ps = L + k + (k < colon ? 1 : 0);
				size_t pn = k < colon ? colon - k - 1 : 0;
				char enc[40];
				qp = param(ps, pn, "ENCODING", enc, sizeof enc) ? strcasecmp(enc, "QUOTED-PRINTABLE") == 0 : 0;
				if (!qp)
					qp = param(ps, pn, "QUOTED-PRINTABLE", enc, sizeof enc);
				if (!param(ps, pn, "CHARSET", cs, sizeof cs))
					cs[0] = 0;
				if ((pk->name[0] == 'A' || pk->name[0] == 'O') && param(ps, pn, "CN", cn, sizeof cn) && cn[0])
					rc = emit(d, part, pk, name, (const unsigned char *)cn, strlen(cn), 0, NULL, start);
			}
			if (rc == PHI_OK) {
				const unsigned char *v = L + colon + 1;
				size_t vn = nl - colon - 1;
				if (vn >= 7 && strncasecmp((const char *)v, "mailto:", 7) == 0) {
					v += 7;
					vn -= 7;
				}
				rc = emit(d, part, pk, name, v, vn, qp, cs, start);
			}
		}
	}
	phi_buf_free(&line);
	return rc == PHI_ELIMIT ? PHI_OK : rc;
}
