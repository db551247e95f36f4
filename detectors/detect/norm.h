/*
 * norm.h - normalisation of names, dates and numbers, and a tokeniser of
 * free text, shared by the patient roster (roster.c: import and scan) and the
 * message roster (msgroster.c), so that a value is written the same way when
 * it is stored and when it is looked for.
 *
 *   names   ASCII case-folded, Latin-1 accents folded ("José" -> "jose"),
 *           apostrophes, hyphens, dots and spaces dropped ("O'Brien-Ruiz" ->
 *           "obrienruiz"); other letters kept as their UTF-8 bytes
 *   dates   "YYYYMMDD" from ISO (1980-01-31, 19800131), US (01/31/1980,
 *           1/31/80, 01-31-1980) and month-name forms (Jan 31, 1980;
 *           31 January 1980; 31-JAN-1980)
 *   numbers digits only ("123-45-6789" -> "123456789")
 *   ids     lower-case ASCII letters and digits only
 *
 * Pure functions over (pointer, length); nothing is allocated, nothing kept.
 * Outputs are NUL-terminated and at most NORM_MAX bytes long.
 */
#ifndef PHI_DETECT_NORM_H
#define PHI_DETECT_NORM_H

#include <stddef.h>

#define NORM_MAX 64

/* Normalise a name into out (cap >= NORM_MAX + 1). Returns the length, 0
 * when nothing is left or the result would exceed NORM_MAX. */
size_t norm_name(const unsigned char *p, size_t n, char *out, size_t cap);

/* Digits only. Returns the length, 0 when none or more than NORM_MAX. */
size_t norm_digits(const unsigned char *p, size_t n, char *out, size_t cap);

/* Lower-case ASCII alphanumerics only (identifiers such as MRNs). */
size_t norm_alnum(const unsigned char *p, size_t n, char *out, size_t cap);

/* Lower-cased, surrounding blanks trimmed (e-mail addresses). */
size_t norm_lower(const unsigned char *p, size_t n, char *out, size_t cap);

/* A date starting at p (no leading blanks). Writes "YYYYMMDD" into out[9]
 * and returns the bytes it spans, or 0 when no valid date starts there.
 * Two-digit years: 00..(this year % 100) -> 20yy, else 19yy. */
size_t norm_date_at(const unsigned char *p, size_t n, char out[9]);

/* A whole field that is a date, optionally followed by a time ("T10:00",
 * " 00:00:00", HL7 "198001311230"). Returns 1 and out, or 0. */
int norm_date(const unsigned char *p, size_t n, char out[9]);

/* --- tokeniser --- */

enum norm_kind {
	NORM_WORD,   /* letters (with inner ' or -): norm is norm_name */
	NORM_NUM,    /* digits with - . ( ) / or single-space separators: norm is the digits */
	NORM_ALNUM,  /* letters and digits mixed ("A123456"): norm is norm_alnum */
	NORM_DATE,   /* a date: norm is YYYYMMDD */
	NORM_EMAIL   /* local@domain.tld: norm is lower-cased */
};

#define NORM_PIECES 6

struct norm_tok {
	enum norm_kind kind;
	size_t off, len;        /* bytes of the token in the text */
	char norm[NORM_MAX + 1];/* normalised form; "" when too long to match */
	size_t nlen;
	int adj;                /* separated from the previous token only by a
	                           short run of blanks , . ^ on one line */
	int comma;              /* that separator holds a comma */
	/* NORM_NUM: the digit groups inside norm (for "1234567 5551234"). */
	unsigned char npieces, piece_off[NORM_PIECES], piece_len[NORM_PIECES];
};

struct norm_iter {
	const unsigned char *p; /* borrowed text */
	size_t n, pos, prev_end;
	int started;
};

void norm_iter_init(struct norm_iter *it, const unsigned char *p, size_t n);

/* Next token; 1 with *t filled, 0 at the end. */
int norm_iter_next(struct norm_iter *it, struct norm_tok *t);

/* 1 when the normalised word is a courtesy title (mr, mrs, ms, miss, mx). */
int norm_is_title(const char *w, size_t n);

#endif
