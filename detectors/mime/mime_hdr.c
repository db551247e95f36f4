/*
 * mime_hdr.c - header field values: unfolding, RFC 2047 encoded words,
 * Content-Type / Content-Disposition tokens and parameters (RFC 2045,
 * RFC 2231). See mime.h.
 *
 * Tolerant the way mail readers are: encoded words inside quoted parameter
 * values are decoded, unknown charsets are guessed, 8-bit header text is
 * read as UTF-8 or windows-1252, a parameter without its closing quote runs
 * to the end of the field. Every loop is bounded by the value length; all
 * output goes to a caller's phi_buf with its own maximum. Never logs.
 */
#include <string.h>
#include <strings.h>
#include "mime.h"
#include "charset.h"
#include "phi/status.h"

#define CS_MAX 64          /* charset names longer than this are not encoded words */
#define SECTIONS_MAX 64    /* RFC 2231 continuations kept per parameter */

static int is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int mime_hdr_unfold(const unsigned char *p, size_t n, struct phi_buf *out)
{
	size_t i, s = 0, e = n;
	int rc;

	while (s < e && is_ws(p[s]))
		s++;
	while (e > s && is_ws(p[e - 1]))
		e--;
	if (out->data == NULL && (rc = phi_buf_append(out, "", 0)) != PHI_OK)
		return rc;
	for (i = s; i < e; i++) {
		if (p[i] == '\r' || p[i] == '\n')
			continue;
		if ((rc = phi_buf_putc(out, p[i])) != PHI_OK)
			return rc;
	}
	return PHI_OK;
}

/* Parse an encoded word at u[i] ("=?cs?E?text?="). On success fill the
 * charset (NUL-terminated, language suffix cut), encoding, text range and
 * the index after the word. */
static int parse_word(const unsigned char *u, size_t i, size_t m, size_t last_close, char *cs,
                      int *enc, size_t *ts, size_t *te, size_t *wend)
{
	size_t j = i + 2, k = 0;
	const unsigned char *q;

	if (i + 1 >= m || u[i] != '=' || u[i + 1] != '?')
		return 0;
	while (j < m && u[j] != '?' && !is_ws(u[j]) && k < CS_MAX - 1)
		cs[k++] = (char)u[j++];
	cs[k] = 0;
	if (j >= m || u[j] != '?' || k == 0)
		return 0;
	if (strchr(cs, '*'))
		*strchr(cs, '*') = 0; /* RFC 2231 language: =?utf-8*en?Q?...?= */
	j++;
	if (j + 1 >= m || u[j + 1] != '?')
		return 0;
	if (u[j] == 'B' || u[j] == 'b')
		*enc = 'B';
	else if (u[j] == 'Q' || u[j] == 'q')
		*enc = 'Q';
	else
		return 0;
	j += 2;
	/* No "?=" after here: no word can end, and searching again for every
	 * "=?" would make a long hostile header quadratic. */
	if (last_close == (size_t)-1 || j > last_close)
		return 0;
	q = memmem(u + j, m - j, "?=", 2);
	if (!q)
		return 0;
	*ts = j;
	*te = (size_t)(q - u);
	*wend = *te + 2;
	return 1;
}

/* Text outside encoded words: UTF-8 when it is, else the fallback
 * charset (the message's own, as mail readers do), else a guess. */
static int emit_literal(const unsigned char *p, size_t n, const char *fallback,
                        struct phi_buf *out)
{
	if (n == 0)
		return PHI_OK;
	if (charset_is_utf8(p, n))
		return phi_buf_append(out, p, n);
	return charset_to_utf8(fallback, p, n, out);
}

/* Decode RFC 2047 words in an unfolded value u[0..m). */
static int decode_words(const unsigned char *u, size_t m, const char *fallback,
                        struct phi_buf *out)
{
	struct phi_buf pend, word;
	char cs[CS_MAX], pcs[CS_MAX] = "";
	size_t i = 0, lit = 0, ts, te, wend, k, last_close = (size_t)-1;
	int enc, rc = PHI_OK, prev_word = 0, allws;

	for (k = m; k >= 2; k--)
		if (u[k - 2] == '?' && u[k - 1] == '=') {
			last_close = k - 2;
			break;
		}
	phi_buf_init(&pend, out->max);
	phi_buf_init(&word, out->max);
	while (i < m && rc == PHI_OK) {
		if (u[i] != '=' || !parse_word(u, i, m, last_close, cs, &enc, &ts, &te, &wend)) {
			i++;
			continue;
		}
		allws = 1;
		for (k = lit; k < i; k++)
			if (!is_ws(u[k]))
				allws = 0;
		/* Adjacent words with the same charset are joined before the
		 * conversion, so a multi-byte character split across two words
		 * survives (RFC 2047 forbids it; mailers do it anyway). */
		if (!(prev_word && allws) || strcasecmp(cs, pcs) != 0) {
			if (pend.len)
				rc = charset_to_utf8(pcs, pend.data, pend.len, out);
			phi_buf_reset(&pend);
			if (rc == PHI_OK && !(prev_word && allws))
				rc = emit_literal(u + lit, i - lit, fallback, out);
		}
		if (rc != PHI_OK)
			break;
		memcpy(pcs, cs, sizeof pcs);
		phi_buf_reset(&word);
		if (enc == 'B')
			rc = cte_base64_decode(u + ts, te - ts, &word);
		else
			rc = cte_qp_decode_q(u + ts, te - ts, &word);
		if (rc == PHI_OK)
			rc = phi_buf_append(&pend, word.data ? word.data : (const unsigned char *)"", word.len);
		prev_word = 1;
		i = lit = wend;
	}
	if (rc == PHI_OK && pend.len)
		rc = charset_to_utf8(pcs, pend.data, pend.len, out);
	if (rc == PHI_OK)
		rc = emit_literal(u + lit, m - lit, fallback, out);
	phi_buf_free(&pend);
	phi_buf_free(&word);
	return rc;
}

int mime_hdr_decode(const unsigned char *p, size_t n, struct phi_buf *out)
{
	return mime_hdr_decode_cs(p, n, NULL, out);
}

int mime_hdr_decode_cs(const unsigned char *p, size_t n, const char *fallback, struct phi_buf *out)
{
	struct phi_buf u;
	int rc;

	phi_buf_init(&u, out->max);
	rc = mime_hdr_unfold(p, n, &u);
	if (rc == PHI_OK || rc == PHI_ELIMIT) {
		int rc2 = decode_words(u.data, u.len, fallback, out);
		if (rc2 != PHI_OK)
			rc = rc2;
	}
	if (out->data == NULL && rc == PHI_OK)
		rc = phi_buf_append(out, "", 0);
	phi_buf_free(&u);
	return rc;
}

/* Skip blanks and (nested) comments. */
static size_t skip_cfws(const unsigned char *p, size_t n, size_t i)
{
	unsigned depth;

	for (;;) {
		while (i < n && is_ws(p[i]))
			i++;
		if (i >= n || p[i] != '(')
			return i;
		depth = 0;
		for (; i < n; i++) {
			if (p[i] == '\\' && i + 1 < n) {
				i++;
				continue;
			}
			if (p[i] == '(')
				depth++;
			else if (p[i] == ')' && --depth == 0) {
				i++;
				break;
			}
		}
	}
}

void mime_hdr_token(const unsigned char *p, size_t n, char *o, size_t osz)
{
	size_t i = skip_cfws(p, n, 0), k = 0;

	while (i < n && p[i] != ';' && !is_ws(p[i]) && p[i] != '(' && k + 1 < osz) {
		unsigned char c = p[i++];
		o[k++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	o[k] = 0;
}

struct pval {
	size_t s, e;      /* value range in the field */
	char set, quoted, encoded;
};

/* Append a parameter value, unescaping a quoted string. */
static int put_value(const unsigned char *p, const struct pval *v, struct phi_buf *out)
{
	size_t i;
	int rc;

	if (!v->quoted)
		return phi_buf_append(out, p + v->s, v->e - v->s);
	for (i = v->s; i < v->e; i++) {
		if (p[i] == '\\' && i + 1 < v->e)
			i++;
		if (p[i] == '\r' || p[i] == '\n')
			continue;
		if ((rc = phi_buf_putc(out, p[i])) != PHI_OK)
			return rc;
	}
	return PHI_OK;
}

static int hexv(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* %XX-decode b[from..) in place (RFC 2231 extended value). */
static void pct_decode(struct phi_buf *b, size_t from)
{
	size_t i, k = from;
	int h, l;

	for (i = from; i < b->len; i++) {
		if (b->data[i] == '%' &&
		    i + 2 < b->len && (h = hexv(b->data[i + 1])) >= 0 && (l = hexv(b->data[i + 2])) >= 0) {
			b->data[k++] = (unsigned char)(h << 4 | l);
			i += 2;
		} else
			b->data[k++] = b->data[i];
	}
	b->len = k;
	if (b->data)
		b->data[k] = 0;
}

int mime_hdr_param(const unsigned char *p, size_t n, const char *want, int raw,
                   struct phi_buf *out)
{
	struct pval plain = { 0, 0, 0, 0, 0 }, ext = { 0, 0, 0, 0, 0 };
	struct pval sec[SECTIONS_MAX];
	struct phi_buf tmp;
	size_t wl = strlen(want), i = 0, ns, ne, k;
	char cs[CS_MAX] = "";
	int rc = PHI_OK, found = 0;

	memset(sec, 0, sizeof sec);
	/* Skip the type token up to the first ';' outside quotes. */
	while (i < n && p[i] != ';')
		i++;
	while (i < n) {
		struct pval v = { 0, 0, 1, 0, 0 };
		i++; /* the ';' */
		i = skip_cfws(p, n, i);
		ns = i;
		while (i < n && p[i] != '=' && p[i] != ';' && !is_ws(p[i]))
			i++;
		ne = i;
		i = skip_cfws(p, n, i);
		if (i >= n || p[i] != '=') {
			while (i < n && p[i] != ';')
				i++;
			continue;
		}
		i = skip_cfws(p, n, i + 1);
		if (i < n && p[i] == '"') {
			v.quoted = 1;
			v.s = ++i;
			while (i < n && p[i] != '"') {
				if (p[i] == '\\')
					i++;
				i++;
			}
			if (i > n)
				i = n;
			v.e = i;
			if (i < n)
				i++;
			while (i < n && p[i] != ';')
				i++;
		} else {
			v.s = i;
			while (i < n && p[i] != ';' && !is_ws(p[i]))
				i++;
			v.e = i;
			while (i < n && p[i] != ';')
				i++;
		}
		if (ne - ns < wl || strncasecmp((const char *)p + ns, want, wl) != 0)
			continue;
		k = ns + wl;
		if (k == ne) {
			if (!plain.set)
				plain = v;
		} else if (p[k] == '*' && k + 1 == ne) {
			v.encoded = 1;
			if (!ext.set)
				ext = v;
		} else if (p[k] == '*' && k + 1 < ne && p[k + 1] >= '0' && p[k + 1] <= '9') {
			unsigned idx = 0;
			k++;
			while (k < ne && p[k] >= '0' && p[k] <= '9' && idx < 1000)
				idx = idx * 10 + (unsigned)(p[k++] - '0');
			if (k < ne && p[k] == '*')
				v.encoded = 1, k++;
			if (k == ne && idx < SECTIONS_MAX && !sec[idx].set)
				sec[idx] = v;
		}
	}
	phi_buf_init(&tmp, out->max);
	if (ext.set || sec[0].set) {
		const struct pval *first = ext.set ? &ext : &sec[0];
		int j, last = ext.set ? 1 : SECTIONS_MAX;
		found = 1;
		for (j = 0; j < last && rc == PHI_OK; j++) {
			const struct pval *v = ext.set ? &ext : &sec[j];
			size_t from = tmp.len;
			if (!v->set)
				break;
			rc = put_value(p, v, &tmp);
			if (rc != PHI_OK)
				break;
			if (v == first && v->encoded) {
				/* charset'language'value */
				unsigned char *q1 = memchr(tmp.data + from, '\'', tmp.len - from), *q2;
				if (q1 && (q2 = memchr(q1 + 1, '\'', tmp.len - (size_t)(q1 + 1 - tmp.data)))) {
					size_t cl = (size_t)(q1 - tmp.data - from);
					size_t skip = (size_t)(q2 + 1 - tmp.data - from);
					if (cl < sizeof cs) {
						memcpy(cs, tmp.data + from, cl);
						cs[cl] = 0;
					}
					memmove(tmp.data + from, tmp.data + from + skip, tmp.len - from - skip);
					tmp.len -= skip;
					tmp.data[tmp.len] = 0;
				}
			}
			if (v->encoded)
				pct_decode(&tmp, from);
		}
		if (rc == PHI_OK) {
			if (raw)
				rc = phi_buf_append(out, tmp.data, tmp.len);
			else
				rc = charset_to_utf8(cs[0] ? cs : NULL, tmp.data, tmp.len, out);
		}
	} else if (plain.set) {
		found = 1;
		rc = put_value(p, &plain, &tmp);
		if (rc == PHI_OK) {
			if (raw)
				rc = phi_buf_append(out, tmp.data ? tmp.data : (const unsigned char *)"", tmp.len);
			else
				rc = decode_words(tmp.data ? tmp.data : (const unsigned char *)"", tmp.len, NULL, out);
		}
	}
	phi_buf_free(&tmp);
	if (rc != PHI_OK)
		return rc;
	return found;
}
