/*
 * d_dob.c - dates of birth and ages over 89 (HIPAA Safe Harbor).
 *
 * A date counts only after a birth label ("DOB", "D.O.B.", "born", "date of
 * birth", "birthdate") within a short window, and only when it is a
 * plausible birth date: a real calendar day, not after the scan date, at
 * most 120 years before it. Formats: MM/DD/YYYY, M/D/YY, MM-DD-YYYY,
 * YYYY-MM-DD, YYYYMMDD, DD Mon YYYY, Month D, YYYY. Meeting dates and other
 * unlabelled dates are never reported. Ages "92-year-old", "age 93" are
 * reported as date_of_birth, low unless a patient label is near.
 */
#include <string.h>
#include <time.h>
#include "det.h"

static const char *const months[12] = { "jan", "feb", "mar", "apr", "may", "jun",
	                                "jul", "aug", "sep", "oct", "nov", "dec" };
static const char *const months_full[12] = { "january", "february", "march", "april", "may", "june",
	                                     "july", "august", "september", "october", "november", "december" };
/* Other languages clinic staff write letters in: Spanish ("3 de marzo de
 * 1957"), French ("3 avril 1979"), German ("3. April 1979"), Portuguese
 * ("3 de abril de 1979"). Full names and the abbreviations in use, lower
 * case, UTF-8; a name matches whole (a following '.' is taken along). */
static const struct { const char *w; int m; } month_words[] = {
	{ "ene", 1 }, { "enero", 1 }, { "abr", 4 }, { "ago", 8 }, { "dic", 12 },
	{ "febrero", 2 }, { "marzo", 3 }, { "abril", 4 }, { "mayo", 5 }, { "junio", 6 },
	{ "julio", 7 }, { "agosto", 8 }, { "septiembre", 9 }, { "setiembre", 9 }, { "set", 9 },
	{ "octubre", 10 }, { "noviembre", 11 }, { "diciembre", 12 },
	{ "janvier", 1 }, { "janv", 1 }, { "f\xc3\xa9vrier", 2 }, { "fevrier", 2 }, { "f\xc3\xa9vr", 2 },
	{ "fevr", 2 }, { "mars", 3 }, { "avril", 4 }, { "avr", 4 }, { "mai", 5 }, { "juin", 6 },
	{ "juillet", 7 }, { "juil", 7 }, { "ao\xc3\xbbt", 8 }, { "aout", 8 }, { "septembre", 9 },
	{ "octobre", 10 }, { "novembre", 11 }, { "d\xc3\xa9" "cembre", 12 }, { "decembre", 12 },
	{ "d\xc3\xa9" "c", 12 },
	{ "januar", 1 }, { "j\xc3\xa4nner", 1 }, { "februar", 2 }, { "m\xc3\xa4rz", 3 }, { "maerz", 3 },
	{ "m\xc3\xa4r", 3 }, { "juni", 6 }, { "juli", 7 }, { "oktober", 10 }, { "okt", 10 },
	{ "dezember", 12 }, { "dez", 12 },
	{ "janeiro", 1 }, { "fevereiro", 2 }, { "mar\xc3\xa7o", 3 }, { "marco", 3 }, { "maio", 5 },
	{ "junho", 6 }, { "julho", 7 }, { "setembro", 9 }, { "outubro", 10 }, { "out", 10 },
	{ "novembro", 11 }, { "dezembro", 12 },
};

static int lc(unsigned char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

/* Month name at p: returns bytes used and sets *m (1..12). */
static size_t month_name(const unsigned char *p, size_t n, int *m)
{
	size_t k = 0, i, u;
	char w[16];

	/* only j f m a s o n d (and e for enero) start a month */
	if (!n || !strchr("jfmasondeJFMASONDE", p[0]) || p[0] == 0)
		return 0;
	/* the word, lower case (ASCII, and Latin-1 capitals after 0xC3) */
	while (k < n && k < 14) {
		if (IS_ALPHA(p[k])) {
			w[k] = (char)lc(p[k]);
			k++;
		} else if ((u = u8_letter(p, n, k)) != 0 && k + u <= 14) {
			w[k] = (char)p[k];
			w[k + 1] = (char)(p[k] == 0xC3 && p[k + 1] >= 0x80 && p[k + 1] <= 0x9E ? p[k + 1] + 0x20
			                                                                       : p[k + 1]);
			k += u;
		} else {
			break;
		}
	}
	if (k < 3 || (k < n && (IS_ALPHA(p[k]) || u8_letter(p, n, k))))
		return 0;
	w[k] = 0;
	for (i = 0; i < 12; i++) {
		if (w[0] != months[i][0] || w[1] != months[i][1])
			continue;
		if ((k == 3 && memcmp(w, months[i], 3) == 0) || strcmp(w, months_full[i]) == 0 ||
		    (k == 4 && i == 8 && strcmp(w, "sept") == 0)) {
			*m = (int)i + 1;
			if (k < n && p[k] == '.')
				k++;
			return k;
		}
	}
	for (i = 0; i < sizeof month_words / sizeof month_words[0]; i++) {
		if (w[0] != month_words[i].w[0] || strcmp(w, month_words[i].w) != 0)
			continue;
		*m = month_words[i].m;
		if (k < n && p[k] == '.')
			k++;
		return k;
	}
	return 0;
}

/* "de " / "del " between the parts of a Spanish date: bytes to skip. */
static size_t de_word(const unsigned char *p, size_t n)
{
	if (n >= 3 && lc(p[0]) == 'd' && lc(p[1]) == 'e' && p[2] == ' ')
		return 3;
	if (n >= 4 && lc(p[0]) == 'd' && lc(p[1]) == 'e' && lc(p[2]) == 'l' && p[3] == ' ')
		return 4;
	return 0;
}

static size_t num(const unsigned char *p, size_t n, size_t maxd, int *v)
{
	size_t k = 0;
	int x = 0;

	while (k < n && k < maxd && IS_DIGIT(p[k])) {
		x = x * 10 + (p[k] - '0');
		k++;
	}
	if (k < n && IS_DIGIT(p[k]))
		return 0; /* more digits than the field holds */
	*v = x;
	return k;
}

static int year4(int y, size_t digits)
{
	if (digits == 4)
		return y;
	if (digits == 2) {
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		return y <= (tm.tm_year + 1900) % 100 ? 2000 + y : 1900 + y;
	}
	return -1;
}

size_t date_parse(const unsigned char *p, size_t n, int *y, int *m, int *d)
{
	size_t a, b, c, k;
	int v1, v2, v3;
	unsigned char s;

	if (!n)
		return 0;
	if (IS_ALPHA(p[0])) { /* Month D, YYYY */
		a = month_name(p, n, m);
		if (!a)
			return 0;
		k = a;
		while (k < n && (p[k] == ' ' || p[k] == '-'))
			k++;
		b = num(p + k, n - k, 2, &v1);
		if (!b)
			return 0;
		k += b;
		if (k + 1 < n && IS_ALPHA(p[k]) && IS_ALPHA(p[k + 1]) &&
		    (lc(p[k]) == 's' || lc(p[k]) == 'n' || lc(p[k]) == 'r' || lc(p[k]) == 't'))
			k += 2; /* 1st 2nd 3rd 4th */
		if (k < n && p[k] == ',')
			k++;
		while (k < n && (p[k] == ' ' || p[k] == '-'))
			k++;
		c = num(p + k, n - k, 4, &v2);
		if (c != 4 && c != 2)
			return 0;
		*d = v1;
		*y = year4(v2, c);
		return k + c;
	}
	if (!IS_DIGIT(p[0]))
		return 0;
	a = num(p, n, 8, &v1);
	if (a == 8) { /* YYYYMMDD, else MMDDYYYY when the first four are no year */
		if (v1 / 10000 >= 1850 && v1 / 10000 <= 2199) {
			*y = v1 / 10000;
			*m = v1 / 100 % 100;
			*d = v1 % 100;
		} else {
			*m = v1 / 1000000;
			*d = v1 / 10000 % 100;
			*y = v1 % 10000;
		}
		return 8;
	}
	if (a == 4 && a + 1 < n && (p[a] == '-' || p[a] == '/' || p[a] == '.')) { /* YYYY-MM-DD */
		s = p[a];
		b = num(p + a + 1, n - a - 1, 2, &v2);
		if (!b || a + 1 + b >= n || p[a + 1 + b] != s)
			return 0;
		k = a + 1 + b + 1;
		c = num(p + k, n - k, 2, &v3);
		if (!c)
			return 0;
		*y = v1;
		*m = v2;
		*d = v3;
		return k + c;
	}
	if (a < 1 || a > 2 || a >= n)
		return 0;
	if (p[a] == '/' || p[a] == '-' || p[a] == '.') { /* MM/DD/YYYY */
		s = p[a];
		b = num(p + a + 1, n - a - 1, 2, &v2);
		if (b) {
			if (a + 1 + b >= n || p[a + 1 + b] != s)
				return 0;
			k = a + 1 + b + 1;
			c = num(p + k, n - k, 4, &v3);
			if (c != 2 && c != 4)
				return 0;
			*y = year4(v3, c);
			if (v1 > 12 && v2 <= 12) { /* DD/MM/YYYY */
				*d = v1;
				*m = v2;
			} else {
				*m = v1;
				*d = v2;
			}
			return k + c;
		}
	}
	/* DD Mon YYYY, DD-Mon-YYYY, "DD de MES de YYYY" */
	k = a;
	/* "3rd April 1979", "3rd of April", German "3. April 1979" */
	if (k + 2 < n && IS_ALPHA(p[k]) && IS_ALPHA(p[k + 1]) && !IS_ALPHA(p[k + 2]) &&
	    ((lc(p[k]) == 's' && lc(p[k + 1]) == 't') || (lc(p[k]) == 'n' && lc(p[k + 1]) == 'd') ||
	     (lc(p[k]) == 'r' && lc(p[k + 1]) == 'd') || (lc(p[k]) == 't' && lc(p[k + 1]) == 'h')))
		k += 2;
	else if (k + 1 < n && p[k] == '.' && p[k + 1] == ' ')
		k++;
	if (k < n && (p[k] == ' ' || p[k] == '-'))
		k++;
	if (k + 3 < n && lc(p[k]) == 'o' && lc(p[k + 1]) == 'f' && p[k + 2] == ' ')
		k += 3;
	k += de_word(p + k, n - k);
	b = month_name(p + k, n - k, m);
	if (!b)
		return 0;
	k += b;
	if (k < n && (p[k] == ' ' || p[k] == '-' || p[k] == ','))
		k++;
	if (k < n && p[k] == ' ')
		k++;
	k += de_word(p + k, n - k);
	c = num(p + k, n - k, 4, &v3);
	if (c != 4 && c != 2)
		return 0;
	*d = v1;
	*y = year4(v3, c);
	return k + c;
}

int date_plausible_dob(const struct detect_engine *de, int y, int m, int d)
{
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	struct tm tm;
	time_t now = de ? de->now : time(NULL);
	int ny;

	gmtime_r(&now, &tm);
	ny = tm.tm_year + 1900;
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 0;
	if (y < ny - 120 || y > ny)
		return 0;
	if (y == ny && (m > tm.tm_mon + 1 || (m == tm.tm_mon + 1 && d > tm.tm_mday)))
		return 0;
	return 1;
}

static void dob_after(struct det_seg *ds, const struct kw_hit *h)
{
	const unsigned char *t = ds->t;
	size_t n = ds->n, i = h->end, lim = h->end + 40, tokens = 0, nl = 0;
	int y, m, d;

	if (lim > n)
		lim = n;
	/* "né le" / "née le" only with the accent: "ne le" is French negation
	 * ("je ne le savais pas le 3 avril") */
	if (h->end - h->start >= 5 && lc(t[h->start]) == 'n' && lc(t[h->start + 1]) == 'e' &&
	    (t[h->start + 2] == ' ' || (lc(t[h->start + 2]) == 'e' && t[h->start + 3] == ' ')))
		return;
	while (i < lim && tokens < 5) {
		if (t[i] == '\n' && ++nl > 1)
			return;
		if (IS_ALNUM(t[i]) && (i == 0 || !IS_ALNUM(t[i - 1]))) {
			size_t u = date_parse(t + i, n - i, &y, &m, &d);
			if (u && !(i + u < n && IS_DIGIT(t[i + u]))) {
				if (date_plausible_dob(ds->de, y, m, d))
					det_add(ds, PHI_T_DATE_OF_BIRTH, PHI_CONF_HIGH, i, u, "+dob");
				return;
			}
			tokens++;
			while (i < lim && IS_ALNUM(t[i]))
				i++;
			continue;
		}
		i++;
	}
}

/* A lower-case particle inside a surname: "Van der Berg", "de la Cruz". */
static int particle(const unsigned char *t, size_t s, size_t e)
{
	static const char *const w[] = { "van", "der", "den", "de", "la", "le", "del", "della", "di",
		                         "da", "dos", "das", "du", "von", "zu", "bin", "ter", "ten", NULL };
	size_t i;

	for (i = 0; w[i]; i++)
		if (strlen(w[i]) == e - s && !strncmp((const char *)t + s, w[i], e - s))
			return 1;
	return 0;
}

/* Two capitalised words just before an age: "Ana Obi, 94-year-old", "Ana Obi (94 yo)",
 * "Chiara Van der Berg, 102-year-old" (particles are passed over). */
static int name_before(const unsigned char *t, size_t a)
{
	size_t e = a, k = 0, words = 0, parts = 0;

	while (e > 0 && k < 3 && (t[e - 1] == ' ' || t[e - 1] == ',' || t[e - 1] == '(')) {
		e--;
		k++;
	}
	if (!k)
		return 0;
	while (words < 2) {
		size_t s = e;
		while (s > 0 && (IS_ALPHA(t[s - 1]) || t[s - 1] == '\'' || t[s - 1] == '-' || u8_letter_before(t, s))) {
			if (u8_letter_before(t, s))
				s -= 2;
			else
				s--;
		}
		if (e - s >= 2 && words == 1 && parts++ < 2 && !IS_UPPER(t[s]) && particle(t, s, e) &&
		    s >= 2 && t[s - 1] == ' ') {
			e = s - 1;
			continue;
		}
		if (e - s < 2 || !(IS_UPPER(t[s]) || u8_upper(t, a, s)) || IS_UPPER(t[s + 1]))
			return 0;
		words++;
		if (words == 2)
			return s == 0 || !IS_ALNUM(t[s - 1]);
		if (s < 2 || t[s - 1] != ' ')
			return 0;
		e = s - 1;
	}
	return 0;
}

/* 90 or more written as an age. */
static void age(struct det_seg *ds, size_t a, size_t b, int v)
{
	const unsigned char *t = ds->t;
	size_t k = b;
	enum phi_confidence c = PHI_CONF_LOW;

	if (v < 90 || v > 120)
		return;
	while (k < ds->n && (t[k] == ' ' || t[k] == '-'))
		k++;
	/* "aged 90 and older", "90+", "90s": a bracket, not a person */
	if (k < ds->n && (t[k] == '+' || t[k] == 's' || t[k] == '%'))
		return;
	if (k + 3 < ds->n && (!strncmp((const char *)t + k, "and ", 4) || !strncmp((const char *)t + k, "or ", 3) ||
	                      !strncmp((const char *)t + k, "to ", 3)))
		return;
	if (ctx_before(ds, a, 60, K_PATIENT | K_NAMELBL) || name_before(t, a))
		c = PHI_CONF_MEDIUM;
	det_add(ds, PHI_T_DATE_OF_BIRTH, c, a, b - a, "age>89");
}

void d_dob_hits(struct det_seg *ds)
{
	size_t h;

	if (!(ds->allcats & (K_DOB | K_AGE_PRE | K_AGE_POST)))
		return;
	for (h = 0; h < ds->nhits; h++) {
		const struct kw_hit *k = &ds->hits[h];
		const unsigned char *t = ds->t;
		if (k->cats & K_DOB)
			dob_after(ds, k);
		if (k->cats & K_AGE_POST) { /* "92-year-old", "93 yo" */
			size_t e = k->start, s;
			int v = 0;
			if (e > 0 && (t[e - 1] == '-' || t[e - 1] == ' '))
				e--;
			s = e;
			while (s > 0 && e - s < 3 && IS_DIGIT(t[s - 1]))
				s--;
			if (s < e && !(s > 0 && IS_ALNUM(t[s - 1])) && num(t + s, e - s, 3, &v))
				age(ds, s, k->end, v);
		}
		if (k->cats & K_AGE_PRE) { /* "age 93", "aged: 95" */
			size_t s = k->end, u;
			int v = 0;
			while (s < ds->n && s < k->end + 3 && (t[s] == ' ' || t[s] == ':'))
				s++;
			u = s < ds->n ? num(t + s, ds->n - s, 3, &v) : 0;
			if (u >= 2)
				age(ds, s, s + u, v);
		}
	}
}
