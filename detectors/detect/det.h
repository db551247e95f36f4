/*
 * det.h - private interface between the detector files of detectors/detect/.
 *
 * detect.c owns struct detect_engine (built once, read-only while scanning,
 * shared by threads) and walks the segments of a scan. For each segment it
 * fills a struct det_seg: the keyword hits of one pass of the term matcher
 * (context.c), then hands the segment to the candidate pass (cand.c), which
 * finds digit runs, mixed letter/digit tokens, '@', ':' and '.' positions and
 * calls the d_*.c validators. Keyword-led detectors (MRN, plan ids, DOB,
 * names, ages, addresses) start from the hits instead. Nothing here
 * allocates per byte: the hit array of a segment is reused for the next.
 */
#ifndef PHI_DETECT_DET_H
#define PHI_DETECT_DET_H

#include <stddef.h>
#include <stdint.h>
#include "ext.h"

/* Keyword categories (bit flags on a term). */
enum {
	K_SSN = 1u << 0,      /* ssn, social security, ss#, soc sec */
	K_MRN = 1u << 1,      /* mrn, medical record number, mr#, chart # */
	K_DOB = 1u << 2,      /* dob, d.o.b., born, date of birth */
	K_PATIENT = 1u << 3,  /* patient, pt: (a person who is a patient) */
	K_HEALTH = 1u << 4,   /* health vocabulary: conditions, drugs, procedures */
	K_PHONE = 1u << 5,    /* phone, tel, cell, mobile */
	K_FAX = 1u << 6,      /* fax, f: */
	K_PLAN = 1u << 7,     /* member id, subscriber id, policy #, group # */
	K_ACCT = 1u << 8,     /* account, acct, bank account */
	K_ROUTING = 1u << 9,  /* routing, aba */
	K_NPI = 1u << 10,
	K_DEA = 1u << 11,
	K_LICENSE = 1u << 12, /* license, licence, lic #, certificate */
	K_VIN = 1u << 13,
	K_DEVICE = 1u << 14,  /* udi, serial number, device id */
	K_CARD = 1u << 15,    /* credit card, visa, mastercard, amex */
	K_ICD = 1u << 16,     /* icd, diagnosis code, dx */
	K_CPT = 1u << 17,     /* cpt, procedure code, hcpcs */
	K_NDC = 1u << 18,
	K_MBI = 1u << 19,     /* mbi, medicare */
	K_HICN = 1u << 20,    /* hicn, hic, medicare claim number */
	K_NEG = 1u << 21,     /* invoice, order, tracking, isbn, sku ... */
	K_ZIP = 1u << 22,
	K_AGE_PRE = 1u << 23, /* "age 93", "aged 95" */
	K_AGE_POST = 1u << 24,/* "92-year-old", "93 yo" */
	K_NAMELBL = 1u << 25, /* patient name, name, re, pt */
	K_STREET = 1u << 26,  /* street suffixes */
	K_CODE = 1u << 27,    /* "code", "codes" (weak ICD cue) */
	K_PARTNO = 1u << 28,  /* part, model, sku, catalog: against codes */
	K_GREET = 1u << 29,   /* dear, hello, hi, estimado/a, hola: a greeting before a name */
	K_BANK = 1u << 30     /* bank, checking, savings, direct deposit, wire: a bank account */
};
/* invoice, remit to, vendor, supplier: a business's bank details (outside
 * the enum: an enum constant must fit an int) */
#define K_BIZ (1u << 31)

/* Term flags. */
enum {
	TF_PREFIX = 1u << 0,   /* a longer phrase starts with these words */
	TF_REQ_HASH = 1u << 1, /* only when '#' follows ("ss#", "mr#") */
	TF_REQ_COLON = 1u << 2,/* only when ':' follows ("pt:", "f:") */
	TF_CASE = 1u << 3      /* only when written in capitals ("MR#", "PT") */
};

struct term_ent {
	uint64_t h;       /* hash of the lower-case words joined by one space; 0 = empty */
	uint32_t cats;    /* K_* of the term (0 for a pure prefix) */
	uint32_t flags;   /* TF_* */
};

/* First-word filter: one bit per hash of (first, second and last character,
 * length) of the first words of all terms, so most words of a text are
 * passed over without hashing them in full. 2^18 bits (32 KB): with the
 * shipped lists (conf/terms, ~61,000 terms) 2^16 let many more through. */
#define TERM_FILT_LOG 18
#define TERM_FILT_BITS (1u << TERM_FILT_LOG)

struct term_table {
	struct term_ent *ent; /* owned, open addressing, cap a power of two */
	size_t cap, n;
	uint64_t filt[TERM_FILT_BITS / 64];
};

struct detect_engine {
	struct term_table terms;  /* owned */
	struct rules *rules;      /* owned (ext.h) */
	struct roster *roster;    /* owned (ext.h) */
	time_t now;               /* reference date for plausible birth dates */
};

/* One keyword hit in a segment: [start, end) and its categories. */
struct kw_hit {
	uint32_t start, end;
	uint32_t cats;
};

/* A candidate of the one pass: where the candidate pass should look. */
enum {
	CT_TOKEN = 1,  /* a token with digits, or a word joined to more by '-' '.' "://" */
	CT_AT = 2,     /* an '@' */
	CT_COLON = 4   /* a ':' before ':' or a hex digit */
};

struct cand_tok {
	uint32_t a;     /* offset in the segment */
	uint32_t b;     /* CT_TOKEN: end of its first letters-and-digits run */
	uint16_t kind;  /* CT_* */
	uint16_t cls;   /* CT_TOKEN: DC_* bits of that run */
};

/* Per-segment working state; hits and cands are reused across segments of one scan. */
struct det_seg {
	struct phi_scan *s;                /* borrowed */
	const struct detect_engine *de;    /* borrowed */
	const struct phi_segment *seg;     /* borrowed */
	const unsigned char *t;            /* seg->text */
	size_t n;                          /* seg->len */
	struct kw_hit *hits;               /* owned by the detect_run loop */
	size_t nhits, caphits;
	struct cand_tok *cands;            /* owned by the detect_run loop */
	size_t ncands, capcands;
	uint32_t allcats;                  /* union of hit categories in this segment */
	int clinical;                      /* segment of a clinical format/field */
	int clinical_named;                /* ... of a part with patient fields (HL7 PID, FHIR Patient ...) */
	int oom;                           /* hit array could not grow */
	unsigned *medterms;                /* borrowed: medical_term findings so far in the message */
	int *msg_health;                   /* borrowed: message has health words */
};

/* --- terms_builtin.c: the curated health list of conf/terms, compiled in --- */
extern const char *const terms_builtin_health[];
extern const size_t terms_builtin_health_n;

/* --- context.c --- */
int terms_init_builtin(struct term_table *tt);
int terms_load_dir(struct term_table *tt, const char *dir, char *err, size_t errlen);
int terms_add(struct term_table *tt, const char *phrase, uint32_t cats, uint32_t flags);
void terms_free(struct term_table *tt);
/* Look a lower-case phrase up; returns its cats (0 if none). */
uint32_t terms_lookup(const struct term_table *tt, const char *phrase);
/* The one pass over ds->t: fills ds->hits (keywords) and ds->cands (candidates). */
void ctx_scan(struct det_seg *ds);
/* Index of the first hit that ends after offset a (ds->nhits if none). */
size_t ctx_first_hit(const struct det_seg *ds, size_t a);
/* Union of categories of hits overlapping [a - before, b + after). */
uint32_t ctx_near(const struct det_seg *ds, size_t a, size_t b, size_t before, size_t after);
/* The hit of category `cat` ending closest before `a` within `maxd` bytes; NULL if none. */
const struct kw_hit *ctx_before(const struct det_seg *ds, size_t a, size_t maxd, uint32_t cat);
/* Distance-weighted context window used by most detectors. */
#define CTX_WIN 80

/* --- d_labels.c: label words beyond context.c's built-in ones --- */
int labels_extra_add(struct term_table *tt);

/* --- checksum.c --- */
int cs_luhn(const char *digits, size_t n);
int cs_npi(const char *digits10);
int cs_dea(const char *s9);
int cs_aba(const char *digits9);
int cs_vin(const char *s17);

/* --- detect.c helpers --- */
/* Record a finding unless allowlisted; sets health_context. */
void det_add(struct det_seg *ds, enum phi_type t, enum phi_confidence c, size_t off, size_t len,
             const char *why);
/* 1 when health words are near [a,b) in this segment. */
int det_health_near(const struct det_seg *ds, size_t a, size_t b);

/* --- candidate pass (cand.c) and validators --- */
void cand_scan(struct det_seg *ds);

/* A run of digit groups: "078-05-1120", "(415) 555-0132", "12/03/1980". */
#define NUM_MAXG 12
struct numrun {
	size_t start, end;          /* bytes of the whole run in the segment */
	int ng;                     /* groups */
	size_t gs[NUM_MAXG];        /* group start */
	unsigned char gl[NUM_MAXG]; /* group length (digits) */
	char sep[NUM_MAXG];         /* separator before group i (0 for the first) */
	int paren;                  /* first group was written "(NNN)" */
	int plus;                   /* a '+' precedes the first group */
};
/* Digits of groups [g0, g1] into out (NUL-terminated); returns the count or -1 if > cap-1. */
int num_digits(const struct det_seg *ds, const struct numrun *r, int g0, int g1, char *out, size_t cap);
/* 1 when groups [g0,g1] are not glued to more digits by '-', '.', '/' around them. */
int num_isolated(const struct det_seg *ds, const struct numrun *r, int g0, int g1);

void d_ssn_num(struct det_seg *ds, const struct numrun *r);
int ssn_valid(const char *d9);
void d_phone_num(struct det_seg *ds, const struct numrun *r);
void d_card_num(struct det_seg *ds, const struct numrun *r);
void d_npi_num(struct det_seg *ds, const struct numrun *r);
void d_ip4_num(struct det_seg *ds, const struct numrun *r);
void d_codes_num(struct det_seg *ds, const struct numrun *r);
void d_zip_num(struct det_seg *ds, const struct numrun *r);
void d_ids_token(struct det_seg *ds, size_t a, size_t b);   /* MBI, VIN, DEA, HICN, license */
void d_codes_token(struct det_seg *ds, size_t a, size_t b); /* ICD-10, CPT II/III */
void d_email_at(struct det_seg *ds, size_t at, size_t *resume);
void d_url_at(struct det_seg *ds, size_t i, size_t *resume);
void d_ip6_at(struct det_seg *ds, size_t colon, size_t *resume);
/* Keyword-led detectors (run over ds->hits). */
void d_kv_hits(struct det_seg *ds);     /* mrn, plan id, account, license, device, bare ssn */
void d_dob_hits(struct det_seg *ds);    /* date of birth, ages over 89 */
void d_name_hits(struct det_seg *ds);   /* labelled patient names */
void d_addr_hits(struct det_seg *ds);   /* street lines */
void d_medterm_hits(struct det_seg *ds);
void d_table_hits(struct det_seg *ds);  /* DOB/MRN/SSN columns of tables in text */
void d_pasted_hl7(struct det_seg *ds);  /* an HL7 v2 message pasted into text */
/* Dates: parse at p; returns bytes used (0 if none) and sets y/m/d. */
size_t date_parse(const unsigned char *p, size_t n, int *y, int *m, int *d);
int date_plausible_dob(const struct detect_engine *de, int y, int m, int d);

/* Character classes. */
#define DC_DIGIT 1
#define DC_ALPHA 2
#define DC_UPPER 4
#define DC_HEX 8
#define DC_SPACE 16
#define DC_MARK 32  /* '@' and ':': candidates of the one pass */
#define DC_U8 64    /* 0xC3-0xC5: lead byte of a Latin-1 / Latin Extended-A letter */
extern const unsigned char det_cls[256];
#define IS_DIGIT(c) (det_cls[(unsigned char)(c)] & DC_DIGIT)
#define IS_ALPHA(c) (det_cls[(unsigned char)(c)] & DC_ALPHA)
#define IS_ALNUM(c) (det_cls[(unsigned char)(c)] & (DC_DIGIT | DC_ALPHA))
#define IS_UPPER(c) (det_cls[(unsigned char)(c)] & DC_UPPER)
#define IS_HEX(c) (det_cls[(unsigned char)(c)] & DC_HEX)
#define IS_SPACE(c) (det_cls[(unsigned char)(c)] & DC_SPACE)

/* Accented Latin letters in UTF-8 (U+00C0-U+017F without the signs x and
 * division): "José García", "Dvořák", "diagnóstico". Words of
 * names and terms run over them. u8_letter: 2 when t[i], t[i+1] is one. */
static inline size_t u8_letter(const unsigned char *t, size_t n, size_t i)
{
	unsigned char c = t[i], d;

	if (c < 0xC3 || c > 0xC5 || i + 1 >= n)
		return 0;
	d = t[i + 1];
	if (d < 0x80 || d > 0xBF || (c == 0xC3 && (d == 0x97 || d == 0xB7)))
		return 0;
	return 2;
}
/* The same letter ending at t[i-1]. */
static inline size_t u8_letter_before(const unsigned char *t, size_t i)
{
	return i >= 2 && u8_letter(t, i, i - 2) ? 2 : 0;
}
/* Upper case: U+00C0-U+00DE; in U+0100-U+017F the usual even/odd pairs. */
static inline int u8_upper(const unsigned char *t, size_t n, size_t i)
{
	unsigned cp;

	if (!u8_letter(t, n, i))
		return 0;
	cp = ((unsigned)(t[i] & 0x1F) << 6) | (t[i + 1] & 0x3F);
	if (cp < 0x100)
		return cp <= 0xDE;
	if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
		return cp & 1;
	if (cp == 0x178)
		return 1;
	return !(cp & 1);
}
/* ASCII base letter (lower case) of the Latin-1 letter 0xC3 d; 0 if none. */
static inline unsigned char u8_fold(unsigned char d)
{
	static const char m[65] = "aaaaaaaceeeeiiiidnooooo\0ouuuuyts"
	                          "aaaaaaaceeeeiiiidnooooo\0ouuuuyty";
	return d >= 0x80 && d <= 0xBF ? (unsigned char)m[d - 0x80] : 0;
}

#endif
