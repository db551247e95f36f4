/*
 * norm.c - normalisation of names, dates and numbers; the free-text
 * tokeniser used by roster.c and msgroster.c (see norm.h).
 *
 * Everything works on (pointer, length) of UTF-8 text; nothing is kept.
 * Accent folding covers Latin-1 (U+00C0..U+00FF) only: the common case in
 * US EHR exports; other letters are compared as their UTF-8 bytes.
 */
#include <string.h>
#include <time.h>
#include "norm.h"

/* Decode one UTF-8 sequence at p (text is valid UTF-8 from doc_add_text,
 * but CSV input may not be): returns the code point, *k its length (>= 1). */
static unsigned utf8_cp(const unsigned char *p, size_t n, size_t *k)
{
	unsigned c = p[0];

	*k = 1;
	if (c < 0x80)
		return c;
	if (c >= 0xC2 && c < 0xE0 && n >= 2 && (p[1] & 0xC0) == 0x80) {
		*k = 2;
		return (c & 0x1Fu) << 6 | (p[1] & 0x3Fu);
	}
	if (c >= 0xE0 && c < 0xF0 && n >= 3 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
		*k = 3;
		return (c & 0x0Fu) << 12 | (p[1] & 0x3Fu) << 6 | (p[2] & 0x3Fu);
	}
	if (c >= 0xF0 && c < 0xF5 && n >= 4 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80 &&
	    (p[3] & 0xC0) == 0x80) {
		*k = 4;
		return (c & 0x07u) << 18 | (p[1] & 0x3Fu) << 12 | (p[2] & 0x3Fu) << 6 | (p[3] & 0x3Fu);
	}
	return 0xFFFD;
}

static int is_ascii_alpha(unsigned c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(unsigned c)
{
	return c >= '0' && c <= '9';
}

/* A letter for tokenising: ASCII letters and non-ASCII code points that are
 * not punctuation, symbols or spaces we know of. */
static int is_letter_cp(unsigned cp)
{
	if (cp < 0x80)
		return is_ascii_alpha(cp);
	if (cp < 0xC0 || cp == 0xD7 || cp == 0xF7)
		return 0;
	if ((cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x2E00 && cp <= 0x2E7F) ||
	    (cp >= 0x3000 && cp <= 0x303F) || cp == 0xFEFF || cp == 0xFFFD || cp >= 0x1F000)
		return 0;
	return 1;
}

/* Latin-1 letters U+00C0..U+00FF folded to lower-case ASCII. */
static const char *const latin1_fold[64] = {
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", NULL, "o", "u", "u", "u", "u", "y", "th", "ss",
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", NULL, "o", "u", "u", "u", "u", "y", "th", "y",
};

static int put(char *out, size_t cap, size_t *o, const char *s, size_t n)
{
	if (*o + n > NORM_MAX || *o + n >= cap)
		return -1;
	memcpy(out + *o, s, n);
	*o += n;
	return 0;
}

size_t norm_name(const unsigned char *p, size_t n, char *out, size_t cap)
{
	size_t i = 0, o = 0, k;

	if (cap == 0)
		return 0;
	out[0] = 0;
	while (i < n) {
		unsigned cp = utf8_cp(p + i, n - i, &k);
		int r = 0;

		/* not UTF-8: an EHR export in Latin-1 / Windows-1252 ("Jos\xe9") */
		if (cp == 0xFFFD && k == 1 && p[i] >= 0xC0)
			cp = p[i];
		if (cp < 0x80) {
			if (is_ascii_alpha(cp)) {
				char c = (char)(cp | 0x20);
				r = put(out, cap, &o, &c, 1);
			}
			/* digits, apostrophes, hyphens, dots, blanks: dropped */
		} else if (cp >= 0xC0 && cp <= 0xFF) {
			const char *f = latin1_fold[cp - 0xC0];
			if (f)
				r = put(out, cap, &o, f, strlen(f));
		} else if (is_letter_cp(cp)) {
			r = put(out, cap, &o, (const char *)p + i, k);
		}
		if (r < 0) {
			out[0] = 0;
			return 0;
		}
		i += k;
	}
	out[o] = 0;
	return o;
}

size_t norm_digits(const unsigned char *p, size_t n, char *out, size_t cap)
{
	size_t i, o = 0;

	if (cap == 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (!is_digit(p[i]))
			continue;
		if (put(out, cap, &o, (const char *)p + i, 1) < 0) {
			out[0] = 0;
			return 0;
		}
	}
	out[o] = 0;
	return o;
}

size_t norm_alnum(const unsigned char *p, size_t n, char *out, size_t cap)
{
	size_t i, o = 0;

	if (cap == 0)
		return 0;
	for (i = 0; i < n; i++) {
		char c = (char)p[i];
		if (!is_digit(p[i]) && !is_ascii_alpha(p[i]))
			continue;
		if (is_ascii_alpha(p[i]))
			c = (char)(p[i] | 0x20);
		if (put(out, cap, &o, &c, 1) < 0) {
			out[0] = 0;
			return 0;
		}
	}
	out[o] = 0;
	return o;
}

size_t norm_lower(const unsigned char *p, size_t n, char *out, size_t cap)
{
	size_t i, o = 0;

	if (cap == 0)
		return 0;
	while (n && (p[0] == ' ' || p[0] == '\t' || p[0] == '<')) {
		p++;
		n--;
	}
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r' || p[n - 1] == '>'))
		n--;
	for (i = 0; i < n; i++) {
		char c = (char)(is_ascii_alpha(p[i]) ? (p[i] | 0x20) : p[i]);
		if (put(out, cap, &o, &c, 1) < 0) {
			out[0] = 0;
			return 0;
		}
	}
	out[o] = 0;
	return o;
}

/* --- dates --- */

static const char *const month_names[12] = {
	"january", "february", "march", "april", "may", "june",
	"july", "august", "september", "october", "november", "december"
};

/* A month name (full, or 3 letters, "sept", with an optional '.') at p:
 * returns 1..12 and *k the bytes used, or 0. */
static int month_at(const unsigned char *p, size_t n, size_t *k)
{
	size_t len = 0;
	char w[10];
	int m;

	while (len < n && len < sizeof w - 1 && is_ascii_alpha(p[len])) {
		w[len] = (char)(p[len] | 0x20);
		len++;
	}
	if (len < 3 || (len < n && is_ascii_alpha(p[len])))
		return 0;
	w[len] = 0;
	for (m = 0; m < 12; m++) {
		const char *mn = month_names[m];
		if (strcmp(w, mn) == 0 || (len == 3 && strncmp(w, mn, 3) == 0) ||
		    (m == 8 && strcmp(w, "sept") == 0)) {
			*k = len;
			if (len < n && p[len] == '.' && strcmp(w, mn) != 0)
				(*k)++;
			return m + 1;
		}
	}
	return 0;
}

/* Up to max digits at p; returns how many, the value in *v. */
static size_t digits_at(const unsigned char *p, size_t n, size_t max, unsigned *v)
{
	size_t i = 0;

	*v = 0;
	while (i < n && i < max && is_digit(p[i]))
		*v = *v * 10 + (p[i++] - '0');
	return i;
}

static int pivot_year(void)
{
	time_t now = time(NULL);
	struct tm tm;

	if (gmtime_r(&now, &tm) == NULL)
		return 30;
	return (tm.tm_year + 1900) % 100;
}

static int make_date(unsigned y, size_t ylen, unsigned m, unsigned d, char out[9])
{
	static const unsigned char mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (ylen == 2)
		y += (int)y <= pivot_year() ? 2000 : 1900;
	else if (ylen != 4)
		return 0;
	if (y < 1880 || y > 2100 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 0;
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = (char)('0' + m / 10);
	out[5] = (char)('0' + m % 10);
	out[6] = (char)('0' + d / 10);
	out[7] = (char)('0' + d % 10);
	out[8] = 0;
	return 1;
}

static int ends_here(const unsigned char *p, size_t n, size_t i)
{
	return i >= n || !(is_digit(p[i]) || is_ascii_alpha(p[i]));
}

size_t norm_date_at(const unsigned char *p, size_t n, char out[9])
{
	unsigned a, b, c;
	size_t i, la, lb, lc, k;
	int m;

	if (n == 0)
		return 0;
	if (is_digit(p[0])) {
		la = digits_at(p, n, 9, &a);
		if (la == 8 && ends_here(p, n, la)) /* 19800131 */
			return make_date(a / 10000, 4, a / 100 % 100, a % 100, out) ? la : 0;
		if (la > 4 || la + 1 >= n)
			return 0;
		i = la;
		if ((p[i] == '-' || p[i] == '/' || p[i] == '.') && is_digit(p[i + 1])) {
			unsigned char sep = p[i++];
			lb = digits_at(p + i, n - i, 3, &b);
			if (lb == 0 || lb > 2 || i + lb >= n || p[i + lb] != sep)
				return 0;
			i += lb + 1;
			lc = digits_at(p + i, n - i, 5, &c);
			if (!ends_here(p, n, i + lc))
				return 0;
			if (la == 4 && lc >= 1 && lc <= 2) /* 1980-01-31 */
				return make_date(a, 4, b, c, out) ? i + lc : 0;
			if (la > 2 || (lc != 2 && lc != 4))
				return 0;
			if (a > 12 && b <= 12) /* 31/01/1980: day first */
				return make_date(c, lc, b, a, out) ? i + lc : 0;
			return make_date(c, lc, a, b, out) ? i + lc : 0; /* US: 01/31/1980 */
		}
		if (la > 2)
			return 0;
		/* 31 Jan 1980, 31-JAN-1980, 31 January, 1980 */
		if (p[i] == ' ' || p[i] == '-')
			i++;
		m = month_at(p + i, n - i, &k);
		if (!m)
			return 0;
		i += k;
		if (i < n && p[i] == ',')
			i++;
		if (i < n && (p[i] == ' ' || p[i] == '-'))
			i++;
		lc = digits_at(p + i, n - i, 5, &c);
		if ((lc != 4 && lc != 2) || !ends_here(p, n, i + lc))
			return 0;
		return make_date(c, lc, (unsigned)m, a, out) ? i + lc : 0;
	}
	/* January 31, 1980; Jan. 31 1980; Jan 31st, 1980 */
	m = month_at(p, n, &k);
	if (!m)
		return 0;
	i = k;
	if (i < n && p[i] == ' ')
		i++;
	lb = digits_at(p + i, n - i, 3, &b);
	if (lb == 0 || lb > 2)
		return 0;
	i += lb;
	if (i + 1 < n && is_ascii_alpha(p[i]) && is_ascii_alpha(p[i + 1]) && ends_here(p, n, i + 2))
		i += 2; /* st nd rd th */
	if (i < n && p[i] == ',')
		i++;
	if (i < n && p[i] == ' ')
		i++;
	lc = digits_at(p + i, n - i, 5, &c);
	if (lc != 4 || !ends_here(p, n, i + lc))
		return 0;
	return make_date(c, 4, (unsigned)m, b, out) ? i + lc : 0;
}

int norm_date(const unsigned char *p, size_t n, char out[9])
{
	size_t k, i;

	while (n && (p[0] == ' ' || p[0] == '\t' || p[0] == '"')) {
		p++;
		n--;
	}
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r' || p[n - 1] == '"'))
		n--;
	if (n == 0)
		return 0;
	/* HL7 / DICOM timestamps: YYYYMMDD[HHMM[SS[.S]]][+ZZZZ] */
	for (i = 0; i < n && is_digit(p[i]); i++)
		;
	if (i > 8 && i <= 14 && (i == n || p[i] == '.' || p[i] == '+' || p[i] == '-'))
		return make_date((unsigned)((p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 +
		                            (p[3] - '0')), 4,
		                 (unsigned)((p[4] - '0') * 10 + (p[5] - '0')),
		                 (unsigned)((p[6] - '0') * 10 + (p[7] - '0')), out);
	/* ISO date-time: the date ends at the 'T' */
	for (i = 8; i + 1 < n && i < 11; i++)
		if (p[i] == 'T' && is_digit(p[i - 1]) && is_digit(p[i + 1])) {
			n = i;
			break;
		}
	k = norm_date_at(p, n, out);
	if (k == 0)
		return 0;
	if (k == n)
		return 1;
	/* a time after the date: "T10:00:00Z", " 00:00", " 12:00 AM" */
	if ((p[k] == 'T' || p[k] == ' ') && k + 1 < n && is_digit(p[k + 1]))
		return 1;
	return 0;
}

/* --- tokeniser --- */

void norm_iter_init(struct norm_iter *it, const unsigned char *p, size_t n)
{
	it->p = p;
	it->n = n;
	it->pos = 0;
	it->prev_end = 0;
	it->started = 0;
}

static int is_email_local(unsigned char c)
{
	return is_digit(c) || is_ascii_alpha(c) || c == '.' || c == '_' || c == '%' || c == '+' ||
	       c == '-';
}

static int is_email_domain(unsigned char c)
{
	return is_digit(c) || is_ascii_alpha(c) || c == '.' || c == '-';
}

/* An e-mail address starting at s: returns its end, or s. */
static size_t email_at(const unsigned char *p, size_t n, size_t s)
{
	size_t e = s, d, dot = 0;

	while (e < n && e - s < 128 && is_email_local(p[e]))
		e++;
	if (e == s || e >= n || p[e] != '@')
		return s;
	for (d = e + 1; d < n && d - e < 256 && is_email_domain(p[d]); d++)
		if (p[d] == '.')
			dot = d;
	while (d > e + 1 && (p[d - 1] == '.' || p[d - 1] == '-'))
		d--;
	if (!dot || dot <= e + 1 || dot + 1 >= d)
		return s;
	return d;
}

/* Where a token may start: letters, digits, '(' before a digit. */
static int token_start(const unsigned char *p, size_t n, size_t i, size_t *k)
{
	unsigned cp = utf8_cp(p + i, n - i, k);

	if (is_digit(cp) || is_letter_cp(cp))
		return 1;
	return cp == '(' && i + 1 < n && is_digit(p[i + 1]);
}

/* The separator between two tokens: short, on one line, blanks , . ^ only. */
static void gap_kind(const unsigned char *p, size_t from, size_t to, int *adj, int *comma)
{
	size_t i;

	*adj = 0;
	*comma = 0;
	if (to - from > 4)
		return;
	for (i = from; i < to; i++) {
		if (p[i] == ',')
			(*comma)++;
		else if (p[i] == 0xC2 && i + 1 < to && p[i + 1] == 0xA0)
			i++; /* no-break space */
		else if (p[i] != ' ' && p[i] != '\t' && p[i] != '.' && p[i] != '^')
			return;
	}
	*adj = *comma <= 1;
}

/* A run of digits with separators; fills norm, pieces; returns its end. */
static size_t num_at(const unsigned char *p, size_t n, size_t s, struct norm_tok *t)
{
	size_t i = s, o = 0, end = s;
	int too_long = 0;
	char tmp[9];

	t->npieces = 0;
	if (p[i] == '(')
		i++;
	for (;;) {
		size_t g = i;
		while (i < n && is_digit(p[i])) {
			if (o < NORM_MAX)
				t->norm[o++] = (char)p[i];
			else
				too_long = 1;
			i++;
		}
		if (t->npieces < NORM_PIECES && !too_long) {
			t->piece_off[t->npieces] = (unsigned char)(o - (i - g));
			t->piece_len[t->npieces] = (unsigned char)(i - g);
			t->npieces++;
		}
		end = i;
		/* one separator, then digits that do not start a date */
		if (i < n && p[i] == ')')
			i++;
		if (i < n && (p[i] == '-' || p[i] == '.' || p[i] == '/' || p[i] == ' '))
			i++;
		if (i == end || i >= n || !is_digit(p[i]) || norm_date_at(p + i, n - i, tmp))
			break;
	}
	if (end < n && p[end] == ')' && p[s] == '(')
		end++;
	t->nlen = too_long ? 0 : o;
	t->norm[t->nlen] = 0;
	if (too_long)
		t->npieces = 0;
	return end;
}

int norm_iter_next(struct norm_iter *it, struct norm_tok *t)
{
	const unsigned char *p = it->p;
	size_t n = it->n, i = it->pos, s, k, e;
	int letters = 0, digits = 0;

	while (i < n && !token_start(p, n, i, &k))
		i += k;
	if (i >= n) {
		it->pos = n;
		return 0;
	}
	s = i;
	memset(t, 0, sizeof *t);
	t->off = s;
	if (it->started)
		gap_kind(p, it->prev_end, s, &t->adj, &t->comma);
	it->started = 1;

	if ((e = email_at(p, n, s)) > s) {
		t->kind = NORM_EMAIL;
		t->nlen = norm_lower(p + s, e - s, t->norm, sizeof t->norm);
		goto done;
	}
	if ((k = norm_date_at(p + s, n - s, t->norm)) > 0) {
		t->kind = NORM_DATE;
		t->nlen = 8;
		e = s + k;
		goto done;
	}
	if (p[s] == '(' || is_digit(p[s])) {
		/* a digit run followed by letters is an identifier ("12345A") */
		for (e = s + (p[s] == '('); e < n && is_digit(p[e]); e++)
			;
		if (p[s] != '(' && (e >= n || !is_ascii_alpha(p[e]))) {
			t->kind = NORM_NUM;
			e = num_at(p, n, s, t);
			goto done;
		}
		if (p[s] == '(') {
			t->kind = NORM_NUM;
			e = num_at(p, n, s, t);
			goto done;
		}
	}
	/* letters and digits, with inner ' - ’ between letters or digits */
	e = s;
	while (e < n) {
		unsigned cp = utf8_cp(p + e, n - e, &k);
		if (is_digit(cp))
			digits = 1;
		else if (is_letter_cp(cp))
			letters = 1;
		else if ((cp == '\'' || cp == '-' || cp == 0x2019) && e + k < n &&
		         (is_ascii_alpha(p[e + k]) || is_digit(p[e + k]) || p[e + k] >= 0xC0))
			;
		else
			break;
		e += k;
	}
	if (digits && letters) {
		t->kind = NORM_ALNUM;
		t->nlen = norm_alnum(p + s, e - s, t->norm, sizeof t->norm);
	} else {
		t->kind = NORM_WORD;
		t->nlen = norm_name(p + s, e - s, t->norm, sizeof t->norm);
	}
done:
	t->len = e - s;
	it->pos = e;
	it->prev_end = e;
	return 1;
}

int norm_is_title(const char *w, size_t n)
{
	return (n == 2 && (memcmp(w, "mr", 2) == 0 || memcmp(w, "ms", 2) == 0 ||
	                   memcmp(w, "mx", 2) == 0)) ||
	       (n == 3 && memcmp(w, "mrs", 3) == 0) || (n == 4 && memcmp(w, "miss", 4) == 0);
}
