/*
 * roster.c - the patient roster: exact data match over keyed hashes.
 *
 * `phictl roster import` (roster_import) reads an EHR export CSV, normalises
 * each value (norm.c) and keeps only HMAC-SHA256 of (type tag || value),
 * truncated to 16 bytes, sorted, for values (MRN, DOB, SSN, phone, ZIP,
 * e-mail) and for (first || last) name pairs. The clear CSV content is never
 * written anywhere; the stdio buffer and field buffers are wiped.
 *
 * Index file (little-endian), written crash-safely (temp, fsync, rename):
 *   0  "PHIROSTR"  magic             48 u64 rows imported
 *   8  u32 version (1)               56 16 bytes key check value
 *  12  u32 hash length (16)          72 8 bytes zero (reserved)
 *  16  u64 n entries                 80 entries: n x 16 bytes, sorted, unique
 *  24  u32 a, u32 kA  (Bloom A)         Bloom A over the entries (2^a bits)
 *  32  u32 b, u32 kB  (Bloom B)         Bloom B over SipHash of the items
 *  40  u32 w, u32 kW  (Bloom W)         Bloom W over SipHash of name words
 *                                       32 bytes HMAC of everything before
 * The Bloom filters are blocked (k bits in one 64-byte block: one cache
 * miss a lookup). Keys are derived from the key file: item, prefilter
 * (SipHash, 16 bytes), file MAC and key check, each HMAC(key, label).
 *
 * At scan time each word is tested once against Bloom W (is it any
 * patient's first or last name word?); only name words are combined into
 * pairs. Every candidate (pair, digit run, date, e-mail address) is then
 * tested against Bloom B with a keyed SipHash-2-4, a few nanoseconds; only
 * survivors (members and ~0.1% of the rest) get the HMAC, Bloom A and a
 * binary search. Never logs; findings carry no roster values.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include "ext.h"
#include "norm.h"

#define R_MAGIC "PHIROSTR"
#define R_VERSION 1u
#define R_HASH 16
#define R_HDR 80
#define R_MAC 32
#define R_KEY_MIN 32
#define R_KEY_MAX 1024
#define R_MAX_ENTRIES (1u << 28)
#define R_MAX_MATCHES 256

/* type tags inside the hashed items */
#define TAG_PAIR 'N'
#define TAG_MRN 'M'
#define TAG_DOB 'D'
#define TAG_SSN 'S'
#define TAG_PHONE 'P'
#define TAG_ZIP 'Z'
#define TAG_EMAIL 'E'
#define TAG_WORD 'W'  /* Bloom W only: one name word */

struct roster_keys {
	unsigned char item[32];     /* HMAC key of the items */
	unsigned char sip[16];      /* SipHash key of Bloom B */
	unsigned char mac[32];      /* HMAC key of the file MAC */
	unsigned char check[32];    /* first 16 bytes: key check value */
};

struct roster {
	unsigned char *file;        /* owned: the whole index file */
	size_t size;
	const unsigned char *ent;   /* into file: n x R_HASH, sorted */
	uint64_t n;
	const unsigned char *bloom_a, *bloom_b, *bloom_w; /* into file */
	unsigned a_log2, a_k, b_log2, b_k, w_log2, w_k;
	struct roster_keys k;       /* owned, wiped on free */
};

/* ---------- SipHash-2-4 (Aumasson & Bernstein), 64-bit output ---------- */

#define ROTL64(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

static uint64_t le64(const unsigned char *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
	       (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
	       (uint64_t)p[7] << 56;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static void put64(unsigned char *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

#define SIPROUND do { \
	v0 += v1; v1 = ROTL64(v1, 13); v1 ^= v0; v0 = ROTL64(v0, 32); \
	v2 += v3; v3 = ROTL64(v3, 16); v3 ^= v2; \
	v0 += v3; v3 = ROTL64(v3, 21); v3 ^= v0; \
	v2 += v1; v1 = ROTL64(v1, 17); v1 ^= v2; v2 = ROTL64(v2, 32); \
} while (0)

static uint64_t siphash24(const unsigned char key[16], const unsigned char *m, size_t n)
{
	uint64_t k0 = le64(key), k1 = le64(key + 8);
	uint64_t v0 = 0x736f6d6570736575ULL ^ k0, v1 = 0x646f72616e646f6dULL ^ k1;
	uint64_t v2 = 0x6c7967656e657261ULL ^ k0, v3 = 0x7465646279746573ULL ^ k1;
	uint64_t b = (uint64_t)n << 56, x;
	size_t i, left = n & 7;

	for (i = 0; i + 8 <= n; i += 8) {
		x = le64(m + i);
		v3 ^= x;
		SIPROUND;
		SIPROUND;
		v0 ^= x;
	}
	switch (left) {
	case 7: b |= (uint64_t)m[i + 6] << 48; /* fall through */
	case 6: b |= (uint64_t)m[i + 5] << 40; /* fall through */
	case 5: b |= (uint64_t)m[i + 4] << 32; /* fall through */
	case 4: b |= (uint64_t)m[i + 3] << 24; /* fall through */
	case 3: b |= (uint64_t)m[i + 2] << 16; /* fall through */
	case 2: b |= (uint64_t)m[i + 1] << 8;  /* fall through */
	case 1: b |= (uint64_t)m[i]; break;
	default: break;
	}
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

/* ---------- Bloom filters ---------- */

/*
 * Blocked Bloom filters: h1 picks one 64-byte block (one cache line, so a
 * lookup costs one memory access, not k), h2 gives k <= 7 bit positions of
 * 9 bits each inside it. m = 2^log2 bits, log2 >= 12.
 */
#define BLOOM_BLOCK_LOG2 9
#define BLOOM_K_MAX 7

static void bloom_set(unsigned char *bits, unsigned log2, unsigned k, uint64_t h1, uint64_t h2)
{
	uint64_t nblocks = (uint64_t)1 << (log2 - BLOOM_BLOCK_LOG2);
	unsigned char *blk = bits + (h1 & (nblocks - 1)) * 64;
	unsigned i;

	for (i = 0; i < k; i++) {
		unsigned b = (unsigned)(h2 >> (9 * i)) & 511u;
		blk[b >> 3] |= (unsigned char)(1u << (b & 7));
	}
}

static int bloom_has(const unsigned char *bits, unsigned log2, unsigned k, uint64_t h1, uint64_t h2)
{
	uint64_t nblocks = (uint64_t)1 << (log2 - BLOOM_BLOCK_LOG2);
	const unsigned char *blk = bits + (h1 & (nblocks - 1)) * 64;
	unsigned i;

	for (i = 0; i < k; i++) {
		unsigned b = (unsigned)(h2 >> (9 * i)) & 511u;
		if (!(blk[b >> 3] >> (b & 7) & 1))
			return 0;
	}
	return 1;
}

/* Bloom B positions from one SipHash value: the halves, remixed. */
static void sip_split(uint64_t h, uint64_t *h1, uint64_t *h2)
{
	*h1 = h;
	*h2 = (h >> 32 | h << 32) * 0x9E3779B97F4A7C15ULL;
}

/* ---------- keys ---------- */

static int hmac(const unsigned char *key, size_t klen, const void *m, size_t n, unsigned char out[32])
{
	unsigned int olen = 0;

	if (!HMAC(EVP_sha256(), key, (int)klen, m, n, out, &olen) || olen != 32)
		return PHI_ENOMEM;
	return PHI_OK;
}

static int derive_keys(const unsigned char *key, size_t klen, struct roster_keys *k)
{
	unsigned char tmp[32];
	int rc = PHI_OK;

	if (hmac(key, klen, "phimilter roster item v1", 24, k->item) ||
	    hmac(key, klen, "phimilter roster prefilter v1", 29, tmp) ||
	    hmac(key, klen, "phimilter roster file mac v1", 28, k->mac) ||
	    hmac(key, klen, "phimilter roster key check v1", 29, k->check))
		rc = PHI_ENOMEM;
	memcpy(k->sip, tmp, sizeof k->sip);
	OPENSSL_cleanse(tmp, sizeof tmp);
	return rc;
}

/* Read (or with create, make) the key file; refuses one that group or
 * others may read or write. The key never appears in messages. */
static int key_read(const char *path, int create, unsigned char *key, size_t *klen, char *err,
                    size_t errlen)
{
	struct stat st;
	ssize_t r;
	int fd, rc = PHI_ECONFIG;

	if (!path || !*path) {
		snprintf(err, errlen, "roster: no key file configured (roster_key_file)");
		return PHI_ECONFIG;
	}
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && create) {
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0) {
			snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
			return PHI_EIO;
		}
		if (RAND_bytes(key, 32) != 1) {
			snprintf(err, errlen, "%s: no random bytes for a new key", path);
			close(fd);
			unlink(path);
			return PHI_EIO;
		}
		if (write(fd, key, 32) != 32 || fsync(fd) != 0) {
			snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
			close(fd);
			unlink(path);
			OPENSSL_cleanse(key, 32);
			return PHI_EIO;
		}
		close(fd);
		*klen = 32;
		return PHI_OK;
	}
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return errno == ENOENT ? PHI_ECONFIG : PHI_EIO;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		goto out;
	}
	if (st.st_mode & 077) {
		snprintf(err, errlen, "%s: key file is accessible by group or others (chmod 600)", path);
		goto out;
	}
	if (st.st_size < R_KEY_MIN || st.st_size > R_KEY_MAX) {
		snprintf(err, errlen, "%s: key must be %d to %d bytes", path, R_KEY_MIN, R_KEY_MAX);
		goto out;
	}
	r = read(fd, key, (size_t)st.st_size);
	if (r != (ssize_t)st.st_size) {
		snprintf(err, errlen, "%s: short read", path);
		rc = PHI_EIO;
		goto out;
	}
	*klen = (size_t)r;
	rc = PHI_OK;
out:
	close(fd);
	return rc;
}

static int load_keys(const char *path, int create, struct roster_keys *k, char *err, size_t errlen)
{
	unsigned char key[R_KEY_MAX];
	size_t klen = 0;
	int rc = key_read(path, create, key, &klen, err, errlen);

	if (rc == PHI_OK)
		rc = derive_keys(key, klen, k);
	OPENSSL_cleanse(key, sizeof key);
	return rc;
}

/* ---------- items ---------- */

/* item = tag || a [|| 0x1F || b] into buf; returns its length. */
static size_t item_make(unsigned char *buf, char tag, const char *a, size_t an, const char *b,
                        size_t bn)
{
	size_t n = 0;

	buf[n++] = (unsigned char)tag;
	memcpy(buf + n, a, an);
	n += an;
	if (b) {
		buf[n++] = 0x1F;
		memcpy(buf + n, b, bn);
		n += bn;
	}
	return n;
}

static int ent_cmp(const void *x, const void *y)
{
	return memcmp(x, y, R_HASH);
}

/* ---------- import ---------- */

enum col {
	C_NONE, C_MRN, C_FIRST, C_LAST, C_NAME, C_DOB, C_SSN, C_PHONE, C_ZIP, C_EMAIL, C__COUNT
};

static const struct {
	const char *alias; /* lower-case alphanumerics only */
	enum col col;
} col_alias[] = {
	{ "mrn", C_MRN }, { "medicalrecordnumber", C_MRN }, { "patientid", C_MRN },
	{ "mrnnumber", C_MRN }, { "medicalrecord", C_MRN }, { "recordnumber", C_MRN },
	{ "chartnumber", C_MRN }, { "patientnumber", C_MRN }, { "patientmrn", C_MRN },
	{ "firstname", C_FIRST }, { "first", C_FIRST }, { "given", C_FIRST },
	{ "givenname", C_FIRST }, { "fname", C_FIRST }, { "patientfirstname", C_FIRST },
	{ "lastname", C_LAST }, { "last", C_LAST }, { "family", C_LAST }, { "familyname", C_LAST },
	{ "surname", C_LAST }, { "lname", C_LAST }, { "patientlastname", C_LAST },
	{ "name", C_NAME }, { "patientname", C_NAME }, { "fullname", C_NAME },
	{ "dob", C_DOB }, { "birthdate", C_DOB }, { "dateofbirth", C_DOB }, { "birthday", C_DOB },
	{ "patientdob", C_DOB }, { "birthdt", C_DOB },
	{ "ssn", C_SSN }, { "socialsecuritynumber", C_SSN }, { "socialsecurity", C_SSN },
	{ "ssnumber", C_SSN }, { "patientssn", C_SSN },
	{ "phone", C_PHONE }, { "phonenumber", C_PHONE }, { "telephone", C_PHONE },
	{ "homephone", C_PHONE }, { "mobile", C_PHONE }, { "mobilephone", C_PHONE },
	{ "cellphone", C_PHONE }, { "cell", C_PHONE }, { "tel", C_PHONE },
	{ "zip", C_ZIP }, { "zipcode", C_ZIP }, { "postalcode", C_ZIP }, { "postcode", C_ZIP },
	{ "zip5", C_ZIP },
	{ "email", C_EMAIL }, { "emailaddress", C_EMAIL }, { "mail", C_EMAIL },
};

#define CSV_COLS 64
#define CSV_FIELD 256

struct csv {
	FILE *f;                    /* borrowed */
	unsigned long line;         /* line where the current row started */
	unsigned long next_line;
	int delim;
	char fld[CSV_COLS][CSV_FIELD + 1]; /* clear values: wiped after each row */
	size_t len[CSV_COLS];
	int over[CSV_COLS];         /* field was longer than CSV_FIELD */
	int nf;
};

/* One CSV record (RFC 4180 quoting, CRLF or LF). 1 = row, 0 = end, -1 =
 * unterminated quote. */
static int csv_row(struct csv *c)
{
	int ch, q = 0, any = 0, col = 0;

	c->line = c->next_line;
	c->nf = 0;
	c->len[0] = 0;
	c->over[0] = 0;
	for (;;) {
		ch = getc(c->f);
		if (ch == EOF) {
			if (q)
				return -1;
			if (!any)
				return 0;
			break;
		}
		any = 1;
		if (q) {
			if (ch == '"') {
				int nx = getc(c->f);
				if (nx == '"')
					goto add;
				q = 0;
				if (nx == EOF)
					break;
				ch = nx;
				/* fall out of the quote and handle ch below */
			} else {
				if (ch == '\n')
					c->next_line++;
				goto add;
			}
		}
		if (ch == '"' && c->len[col] == 0) {
			q = 1;
			continue;
		}
		if (ch == '\r')
			continue;
		if (ch == '\n') {
			c->next_line++;
			break;
		}
		if (ch == c->delim) {
			if (col + 1 < CSV_COLS) {
				col++;
				c->len[col] = 0;
				c->over[col] = 0;
			} else {
				col = CSV_COLS - 1;
				c->over[col] = 1;
			}
			continue;
		}
add:
		if (c->len[col] < CSV_FIELD)
			c->fld[col][c->len[col]++] = (char)ch;
		else
			c->over[col] = 1;
	}
	c->nf = col + 1;
	return 1;
}

static void csv_wipe(struct csv *c)
{
	int i;

	for (i = 0; i < c->nf && i < CSV_COLS; i++)
		OPENSSL_cleanse(c->fld[i], c->len[i]);
}

struct builder {
	unsigned char *ent;          /* owned: entries */
	uint64_t *sip;               /* owned: SipHash values, parallel to ent */
	size_t n, cap;
	uint64_t *wsip;              /* owned: SipHash values of name words */
	size_t wn, wcap;
	const struct roster_keys *k; /* borrowed */
};

static int builder_add(struct builder *b, const unsigned char *item, size_t n)
{
	unsigned char mac[32];

	if (b->n == b->cap) {
		size_t ncap = b->cap ? b->cap * 2 : 4096;
		unsigned char *ne;
		uint64_t *ns;
		if (ncap > R_MAX_ENTRIES)
			return PHI_ELIMIT;
		ne = realloc(b->ent, ncap * R_HASH);
		if (!ne)
			return PHI_ENOMEM;
		b->ent = ne;
		ns = realloc(b->sip, ncap * sizeof *ns);
		if (!ns)
			return PHI_ENOMEM;
		b->sip = ns;
		b->cap = ncap;
	}
	if (hmac(b->k->item, sizeof b->k->item, item, n, mac) != PHI_OK)
		return PHI_ENOMEM;
	memcpy(b->ent + b->n * R_HASH, mac, R_HASH);
	b->sip[b->n] = siphash24(b->k->sip, item, n);
	b->n++;
	OPENSSL_cleanse(mac, sizeof mac);
	return PHI_OK;
}

/* A name word for Bloom W. */
static int add_word(struct builder *b, const char *w, size_t n)
{
	unsigned char item[NORM_MAX + 2];

	if (n < 2)
		return PHI_OK;
	if (b->wn == b->wcap) {
		size_t ncap = b->wcap ? b->wcap * 2 : 4096;
		uint64_t *nw;
		if (ncap > R_MAX_ENTRIES)
			return PHI_ELIMIT;
		nw = realloc(b->wsip, ncap * sizeof *nw);
		if (!nw)
			return PHI_ENOMEM;
		b->wsip = nw;
		b->wcap = ncap;
	}
	b->wsip[b->wn++] = siphash24(b->k->sip, item, item_make(item, TAG_WORD, w, n, NULL, 0));
	OPENSSL_cleanse(item, sizeof item);
	return PHI_OK;
}

/* Add the items of one value. */
static int add_value(struct builder *b, char tag, const char *v, size_t n)
{
	unsigned char item[2 * NORM_MAX + 3];
	int rc;

	if (n == 0)
		return PHI_OK;
	rc = builder_add(b, item, item_make(item, tag, v, n, NULL, 0));
	OPENSSL_cleanse(item, sizeof item);
	return rc;
}

/* A (first, last) pair; lfirst is the first word of a multi-word family
 * name ("van" of "Van der Brook"), which is what a scan meets first. */
static int add_pair(struct builder *b, const char *first, size_t fn, const char *last, size_t ln,
                    const char *lfirst, size_t lfn)
{
	unsigned char item[2 * NORM_MAX + 3];
	int rc;

	if (fn < 2 || ln < 2)
		return PHI_OK;
	if ((rc = add_word(b, first, fn)) != PHI_OK || (rc = add_word(b, last, ln)) != PHI_OK ||
	    (lfn && (rc = add_word(b, lfirst, lfn)) != PHI_OK))
		return rc;
	rc = builder_add(b, item, item_make(item, TAG_PAIR, first, fn, last, ln));
	OPENSSL_cleanse(item, sizeof item);
	return rc;
}

/* first word of s (up to a blank) */
static size_t first_word(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	while (i < n && s[i] != ' ' && s[i] != '\t')
		i++;
	return i;
}

static int import_row(struct builder *b, struct csv *c, const enum col *map, const char *csv_path,
                      FILE *errs, unsigned long *warned, int *used)
{
	const char *val[C__COUNT] = { 0 };
	size_t vlen[C__COUNT] = { 0 };
	char f1[NORM_MAX + 1], f2[NORM_MAX + 1], l1[NORM_MAX + 1], l2[NORM_MAX + 1];
	char v[NORM_MAX + 1];
	size_t f1n = 0, f2n = 0, l1n = 0, l2n = 0, n;
	const char *lraw = NULL;
	size_t lrawn = 0;
	int i, rc = PHI_OK;

	*used = 0;
	for (i = 0; i < c->nf; i++) {
		if (map[i] == C_NONE || c->over[i] || c->len[i] == 0)
			continue;
		val[map[i]] = c->fld[i];
		vlen[map[i]] = c->len[i];
	}
#define WARN(what) do { \
	if (errs && (*warned)++ < 20) \
		fprintf(errs, "%s:%lu: %s\n", csv_path, c->line, what); \
} while (0)
	/* names */
	if (val[C_FIRST] && val[C_LAST]) {
		f1n = norm_name((const unsigned char *)val[C_FIRST], vlen[C_FIRST], f1, sizeof f1);
		f2n = norm_name((const unsigned char *)val[C_FIRST],
		                first_word(val[C_FIRST], vlen[C_FIRST]), f2, sizeof f2);
		l1n = norm_name((const unsigned char *)val[C_LAST], vlen[C_LAST], l1, sizeof l1);
		lraw = val[C_LAST];
		lrawn = vlen[C_LAST];
	} else if (val[C_NAME]) {
		const char *nm = val[C_NAME], *comma = memchr(nm, ',', vlen[C_NAME]);
		size_t nn = vlen[C_NAME], k;
		if (comma) { /* "Doe, John Q" */
			size_t lk = (size_t)(comma - nm), rest = nn - lk - 1;
			l1n = norm_name((const unsigned char *)nm, lk, l1, sizeof l1);
			lraw = nm;
			lrawn = lk;
			f1n = norm_name((const unsigned char *)comma + 1,
			                first_word(comma + 1, rest), f1, sizeof f1);
		} else { /* "John Q Doe": first word, last word */
			k = nn;
			while (k > 0 && nm[k - 1] == ' ')
				k--;
			nn = k;
			while (k > 0 && nm[k - 1] != ' ')
				k--;
			l1n = norm_name((const unsigned char *)nm + k, nn - k, l1, sizeof l1);
			lraw = nm + k;
			lrawn = nn - k;
			if (k > 0)
				f1n = norm_name((const unsigned char *)nm, first_word(nm, nn), f1, sizeof f1);
		}
	}
	if (lraw) { /* first word of the family name: up to a blank or hyphen */
		size_t e = 0;
		while (e < lrawn && (lraw[e] == ' ' || lraw[e] == '\t'))
			e++;
		while (e < lrawn && lraw[e] != ' ' && lraw[e] != '\t' && lraw[e] != '-')
			e++;
		l2n = norm_name((const unsigned char *)lraw, e, l2, sizeof l2);
	}
	if (f1n && l1n) {
		if ((rc = add_pair(b, f1, f1n, l1, l1n, l2, l2n)) != PHI_OK)
			goto out;
		if (f2n && (f2n != f1n || memcmp(f1, f2, f1n) != 0) &&
		    (rc = add_pair(b, f2, f2n, l1, l1n, l2, l2n)) != PHI_OK)
			goto out;
		*used = 1;
	}
	if (val[C_MRN]) {
		n = norm_alnum((const unsigned char *)val[C_MRN], vlen[C_MRN], v, sizeof v);
		if (n >= 4) {
			if ((rc = add_value(b, TAG_MRN, v, n)) != PHI_OK)
				goto out;
			*used = 1;
		} else {
			WARN("mrn: too short (under 4 letters and digits), skipped");
		}
	}
	if (val[C_DOB]) {
		if (norm_date((const unsigned char *)val[C_DOB], vlen[C_DOB], v)) {
			if ((rc = add_value(b, TAG_DOB, v, 8)) != PHI_OK)
				goto out;
			*used = 1;
		} else {
			WARN("dob: not a date, skipped");
		}
	}
	if (val[C_SSN]) {
		n = norm_digits((const unsigned char *)val[C_SSN], vlen[C_SSN], v, sizeof v);
		if (n == 9) {
			if ((rc = add_value(b, TAG_SSN, v, n)) != PHI_OK)
				goto out;
			*used = 1;
		} else {
			WARN("ssn: not 9 digits, skipped");
		}
	}
	if (val[C_PHONE]) {
		n = norm_digits((const unsigned char *)val[C_PHONE], vlen[C_PHONE], v, sizeof v);
		const char *pv = v;
		if (n == 11 && v[0] == '1') {
			pv++;
			n--;
		}
		if (n == 10) {
			if ((rc = add_value(b, TAG_PHONE, pv, n)) != PHI_OK)
				goto out;
			*used = 1;
		} else {
			WARN("phone: not a 10-digit number, skipped");
		}
	}
	if (val[C_ZIP]) {
		n = norm_digits((const unsigned char *)val[C_ZIP], vlen[C_ZIP], v, sizeof v);
		if (n == 5 || n == 9) {
			if ((rc = add_value(b, TAG_ZIP, v, 5)) != PHI_OK)
				goto out;
		} else {
			WARN("zip: not a ZIP code, skipped");
		}
	}
	if (val[C_EMAIL]) {
		n = norm_lower((const unsigned char *)val[C_EMAIL], vlen[C_EMAIL], v, sizeof v);
		if (n >= 3 && memchr(v, '@', n)) {
			if ((rc = add_value(b, TAG_EMAIL, v, n)) != PHI_OK)
				goto out;
		} else {
			WARN("email: not an address, skipped");
		}
	}
#undef WARN
out:
	OPENSSL_cleanse(f1, sizeof f1);
	OPENSSL_cleanse(f2, sizeof f2);
	OPENSSL_cleanse(l1, sizeof l1);
	OPENSSL_cleanse(l2, sizeof l2);
	OPENSSL_cleanse(v, sizeof v);
	return rc;
}

/* Map header names (case, blanks and punctuation ignored) to columns. */
static int map_header(struct csv *c, enum col *map)
{
	int i, any = 0;
	size_t j, a;
	char h[CSV_FIELD + 1];

	for (i = 0; i < CSV_COLS; i++)
		map[i] = C_NONE;
	for (i = 0; i < c->nf; i++) {
		const unsigned char *f = (const unsigned char *)c->fld[i];
		size_t fl = c->len[i], o = 0;
		if (i == 0 && fl >= 3 && f[0] == 0xEF && f[1] == 0xBB && f[2] == 0xBF) {
			f += 3; /* byte order mark */
			fl -= 3;
		}
		for (j = 0; j < fl; j++) {
			unsigned char ch = f[j];
			if (ch >= 'A' && ch <= 'Z')
				h[o++] = (char)(ch | 0x20);
			else if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
				h[o++] = (char)ch;
		}
		h[o] = 0;
		for (a = 0; a < sizeof col_alias / sizeof col_alias[0]; a++) {
			if (strcmp(h, col_alias[a].alias) == 0) {
				map[i] = col_alias[a].col;
				any = 1;
				break;
			}
		}
	}
	return any;
}

/* Pick the delimiter from the header line: , ; or TAB, whichever is most
 * frequent outside quotes. */
static int sniff_delim(FILE *f)
{
	int counts[3] = { 0, 0, 0 }, q = 0, ch, best = ',';
	long start = ftell(f);

	while ((ch = getc(f)) != EOF && (q || ch != '\n')) {
		if (ch == '"')
			q = !q;
		else if (!q && ch == ',')
			counts[0]++;
		else if (!q && ch == ';')
			counts[1]++;
		else if (!q && ch == '\t')
			counts[2]++;
	}
	if (counts[1] > counts[0] && counts[1] >= counts[2])
		best = ';';
	else if (counts[2] > counts[0] && counts[2] > counts[1])
		best = '\t';
	if (start < 0 || fseek(f, start, SEEK_SET) != 0)
		return -1;
	return best;
}

static size_t next_pow2_log2(uint64_t bits)
{
	size_t l = 12;

	while (((uint64_t)1 << l) < bits && l < 34)
		l++;
	return l;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int write_index(const char *path, struct builder *b, uint64_t rows, const struct roster_keys *k,
                       char *err, size_t errlen)
{
	unsigned a_log2, b_log2, w_log2, a_k = 6, b_k = 7, w_k = 7;
	size_t i, n = 0, abytes, bbytes, wbytes, total, plen;
	unsigned char *file = NULL, *ent, *ba, *bb, *bw;
	char *tmp = NULL, *dir = NULL, *slash;
	int fd = -1, rc = PHI_EIO;

	/* sort and drop duplicates (the SipHash values stay all in Bloom B) */
	a_log2 = (unsigned)next_pow2_log2((uint64_t)b->n * 12);
	b_log2 = (unsigned)next_pow2_log2((uint64_t)b->n * 16);
	w_log2 = (unsigned)next_pow2_log2((uint64_t)b->wn * 16);
	abytes = (size_t)1 << (a_log2 - 3);
	bbytes = (size_t)1 << (b_log2 - 3);
	wbytes = (size_t)1 << (w_log2 - 3);
	total = R_HDR + b->n * R_HASH + abytes + bbytes + wbytes + R_MAC;
	file = calloc(1, total);
	if (!file) {
		snprintf(err, errlen, "%s: out of memory", path);
		return PHI_ENOMEM;
	}
	ent = file + R_HDR;
	if (b->n) {
		memcpy(ent, b->ent, b->n * R_HASH);
		qsort(ent, b->n, R_HASH, ent_cmp);
	}
	for (i = 0; i < b->n; i++)
		if (n == 0 || memcmp(ent + (n - 1) * R_HASH, ent + i * R_HASH, R_HASH) != 0)
			memmove(ent + n++ * R_HASH, ent + i * R_HASH, R_HASH);
	total = R_HDR + n * R_HASH + abytes + bbytes + wbytes + R_MAC;
	ba = ent + n * R_HASH;
	bb = ba + abytes;
	bw = bb + bbytes;
	memset(ba, 0, abytes + bbytes + wbytes + R_MAC);
	for (i = 0; i < n; i++)
		bloom_set(ba, a_log2, a_k, le64(ent + i * R_HASH), le64(ent + i * R_HASH + 8));
	for (i = 0; i < b->n; i++) {
		uint64_t h1, h2;
		sip_split(b->sip[i], &h1, &h2);
		bloom_set(bb, b_log2, b_k, h1, h2);
	}
	for (i = 0; i < b->wn; i++) {
		uint64_t h1, h2;
		sip_split(b->wsip[i], &h1, &h2);
		bloom_set(bw, w_log2, w_k, h1, h2);
	}
	memcpy(file, R_MAGIC, 8);
	put32(file + 8, R_VERSION);
	put32(file + 12, R_HASH);
	put64(file + 16, n);
	put32(file + 24, a_log2);
	put32(file + 28, a_k);
	put32(file + 32, b_log2);
	put32(file + 36, b_k);
	put32(file + 40, w_log2);
	put32(file + 44, w_k);
	put64(file + 48, rows);
	memcpy(file + 56, k->check, 16);
	if (hmac(k->mac, sizeof k->mac, file, total - R_MAC, file + total - R_MAC) != PHI_OK) {
		rc = PHI_ENOMEM;
		goto out;
	}

	plen = strlen(path);
	tmp = malloc(plen + 8);
	dir = strdup(path);
	if (!tmp || !dir) {
		rc = PHI_ENOMEM;
		goto out;
	}
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, ".XXXXXX", 8);
	fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot create a temporary file: %s", path, strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	if (fchmod(fd, 0640) != 0 || write_all(fd, file, total) != 0 || fsync(fd) != 0) {
		snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		snprintf(err, errlen, "%s: cannot rename into place: %s", path, strerror(errno));
		goto out;
	}
	free(tmp);
	tmp = NULL;
	slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = 0;
	fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd); /* best effort: the rename is already done */
		close(fd);
		fd = -1;
	}
	rc = PHI_OK;
out:
	if (fd >= 0)
		close(fd);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	free(dir);
	free(file);
	return rc;
}

int roster_import(const char *csv_path, const char *index_path, const char *key_path, FILE *errs)
{
	static const char *const col_names[C__COUNT] = {
		"", "mrn", "first name", "last name", "name", "dob", "ssn", "phone", "zip", "email"
	};
	struct roster_keys k;
	struct builder b;
	struct csv *c = NULL;
	enum col map[CSV_COLS];
	char err[512];
	unsigned char *iobuf = NULL;
	unsigned long rows = 0, unused = 0, warned = 0;
	int r, rc, used, i, seen[C__COUNT] = { 0 };
	FILE *f = NULL;

	memset(&b, 0, sizeof b);
	err[0] = 0;
	if (!csv_path || !index_path || !*index_path) {
		if (errs)
			fprintf(errs, "roster import: no roster_file configured\n");
		return PHI_ECONFIG;
	}
	rc = load_keys(key_path, 1, &k, err, sizeof err);
	if (rc != PHI_OK)
		goto out;
	b.k = &k;
	c = calloc(1, sizeof *c);
	iobuf = malloc(65536);
	if (!c || !iobuf) {
		rc = PHI_ENOMEM;
		snprintf(err, sizeof err, "roster import: out of memory");
		goto out;
	}
	f = strcmp(csv_path, "-") == 0 ? stdin : fopen(csv_path, "r");
	if (!f) {
		snprintf(err, sizeof err, "%s: cannot open: %s", csv_path, strerror(errno));
		rc = PHI_EIO;
		goto out;
	}
	/* our own stdio buffer, so that the clear rows can be wiped at the end */
	setvbuf(f, (char *)iobuf, _IOFBF, 65536);
	c->f = f;
	c->next_line = 1;
	c->delim = f == stdin ? ',' : sniff_delim(f);
	if (c->delim < 0) {
		snprintf(err, sizeof err, "%s: cannot read", csv_path);
		rc = PHI_EIO;
		goto out;
	}
	r = csv_row(c);
	if (r <= 0 || !map_header(c, map)) {
		snprintf(err, sizeof err,
		         "%s:1: no known column in the header (want mrn, first_name, last_name, dob, "
		         "ssn, phone, zip, email)", csv_path);
		rc = PHI_EINVAL;
		goto out;
	}
	for (i = 0; i < c->nf && i < CSV_COLS; i++)
		if (map[i] != C_NONE && seen[map[i]]++ && errs)
			fprintf(errs, "%s:1: column %d repeats %s; the last one is used\n", csv_path,
			        i + 1, col_names[map[i]]);
	csv_wipe(c);
	while ((r = csv_row(c)) > 0) {
		if (c->nf == 1 && c->len[0] == 0)
			continue; /* blank line */
		rows++;
		rc = import_row(&b, c, map, csv_path, errs, &warned, &used);
		csv_wipe(c);
		if (rc != PHI_OK) {
			snprintf(err, sizeof err, "%s:%lu: %s", csv_path, c->line,
			         rc == PHI_ELIMIT ? "too many values for one index" : "out of memory");
			goto out;
		}
		if (!used)
			unused++;
	}
	if (r < 0) {
		snprintf(err, sizeof err, "%s:%lu: unterminated quoted field", csv_path, c->line);
		rc = PHI_EINVAL;
		goto out;
	}
	if (ferror(f)) {
		snprintf(err, sizeof err, "%s: read error", csv_path);
		rc = PHI_EIO;
		goto out;
	}
	if (warned > 20 && errs)
		fprintf(errs, "%s: %lu problems in all (the first 20 shown)\n", csv_path, warned);
	if (unused && errs)
		fprintf(errs, "%s: %lu of %lu rows had no usable name pair or identifier\n", csv_path,
		        unused, rows);
	rc = write_index(index_path, &b, rows, &k, err, sizeof err);
out:
	if (f && f != stdin)
		fclose(f);
	else if (f)
		setvbuf(f, NULL, _IONBF, 0); /* stop stdin using the buffer freed below */
	if (iobuf) {
		OPENSSL_cleanse(iobuf, 65536);
		free(iobuf);
	}
	if (c) {
		OPENSSL_cleanse(c, sizeof *c);
		free(c);
	}
	if (b.ent)
		OPENSSL_cleanse(b.ent, b.cap * R_HASH);
	free(b.ent);
	free(b.sip);
	free(b.wsip);
	OPENSSL_cleanse(&k, sizeof k);
	if (rc != PHI_OK && errs && err[0])
		fprintf(errs, "%s\n", err);
	return rc;
}

/* ---------- load ---------- */

int roster_load(const char *index_path, const char *key_path, struct roster **out, char *err,
                size_t errlen)
{
	struct roster *r = NULL;
	struct stat st;
	unsigned char mac[32];
	uint64_t n, i;
	size_t need, abytes, bbytes, wbytes;
	int fd = -1, rc = PHI_ECONFIG;
	ssize_t got;

	*out = NULL;
	if (err && errlen)
		err[0] = 0;
	if (!index_path || !*index_path)
		return PHI_OK;
	r = calloc(1, sizeof *r);
	if (!r)
		return PHI_ENOMEM;
	rc = load_keys(key_path, 0, &r->k, err, errlen);
	if (rc != PHI_OK)
		goto fail;
	rc = PHI_ECONFIG;
	fd = open(index_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		snprintf(err, errlen, "%s: cannot open: %s", index_path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode) || st.st_size < R_HDR + R_MAC ||
	    (uint64_t)st.st_size > ((uint64_t)R_MAX_ENTRIES * R_HASH) + ((uint64_t)3 << 31)) {
		snprintf(err, errlen, "%s: not a roster index (size)", index_path);
		goto fail;
	}
	r->size = (size_t)st.st_size;
	r->file = malloc(r->size);
	if (!r->file) {
		rc = PHI_ENOMEM;
		snprintf(err, errlen, "%s: out of memory", index_path);
		goto fail;
	}
	for (need = 0; need < r->size; need += (size_t)got) {
		got = read(fd, r->file + need, r->size - need);
		if (got < 0 && errno == EINTR) {
			got = 0;
			continue;
		}
		if (got <= 0) {
			snprintf(err, errlen, "%s: short read", index_path);
			goto fail;
		}
	}
	if (memcmp(r->file, R_MAGIC, 8) != 0) {
		snprintf(err, errlen, "%s: not a roster index (magic)", index_path);
		goto fail;
	}
	if (le32(r->file + 8) != R_VERSION || le32(r->file + 12) != R_HASH) {
		snprintf(err, errlen, "%s: unsupported roster index version %u", index_path,
		         (unsigned)le32(r->file + 8));
		goto fail;
	}
	n = le64(r->file + 16);
	r->a_log2 = le32(r->file + 24);
	r->a_k = le32(r->file + 28);
	r->b_log2 = le32(r->file + 32);
	r->b_k = le32(r->file + 36);
	r->w_log2 = le32(r->file + 40);
	r->w_k = le32(r->file + 44);
	if (n > R_MAX_ENTRIES || r->a_log2 < 12 || r->a_log2 > 34 || r->b_log2 < 12 ||
	    r->b_log2 > 34 || r->w_log2 < 12 || r->w_log2 > 34 || r->a_k < 1 ||
	    r->a_k > BLOOM_K_MAX || r->b_k < 1 || r->b_k > BLOOM_K_MAX || r->w_k < 1 ||
	    r->w_k > BLOOM_K_MAX) {
		snprintf(err, errlen, "%s: roster index header out of range", index_path);
		goto fail;
	}
	abytes = (size_t)1 << (r->a_log2 - 3);
	bbytes = (size_t)1 << (r->b_log2 - 3);
	wbytes = (size_t)1 << (r->w_log2 - 3);
	need = R_HDR + (size_t)n * R_HASH + abytes + bbytes + wbytes + R_MAC;
	if (need != r->size) {
		snprintf(err, errlen, "%s: roster index is %zu bytes, header says %zu (truncated?)",
		         index_path, r->size, need);
		goto fail;
	}
	if (CRYPTO_memcmp(r->file + 56, r->k.check, 16) != 0) {
		snprintf(err, errlen, "%s: made with another key than %s", index_path, key_path);
		goto fail;
	}
	if (hmac(r->k.mac, sizeof r->k.mac, r->file, r->size - R_MAC, mac) != PHI_OK) {
		rc = PHI_ENOMEM;
		goto fail;
	}
	if (CRYPTO_memcmp(mac, r->file + r->size - R_MAC, R_MAC) != 0) {
		snprintf(err, errlen, "%s: roster index damaged or altered (MAC mismatch)", index_path);
		goto fail;
	}
	r->n = n;
	r->ent = r->file + R_HDR;
	r->bloom_a = r->ent + n * R_HASH;
	r->bloom_b = r->bloom_a + abytes;
	r->bloom_w = r->bloom_b + bbytes;
	for (i = 1; i < n; i++)
		if (memcmp(r->ent + (i - 1) * R_HASH, r->ent + i * R_HASH, R_HASH) >= 0) {
			snprintf(err, errlen, "%s: roster index entries not sorted", index_path);
			goto fail;
		}
	close(fd);
	*out = r;
	return PHI_OK;
fail:
	if (fd >= 0)
		close(fd);
	roster_free(r);
	return rc;
}

void roster_free(struct roster *r)
{
	if (!r)
		return;
	if (r->file) {
		OPENSSL_cleanse(r->file, r->size);
		free(r->file);
	}
	OPENSSL_cleanse(&r->k, sizeof r->k);
	free(r);
}

/* ---------- scan ---------- */

/* 1 when the item is in the roster: SipHash prefilter, then HMAC. */
static int roster_has(const struct roster *r, const unsigned char *item, size_t n)
{
	unsigned char mac[32];
	uint64_t h1, h2, lo, hi;
	int found = 0;

	sip_split(siphash24(r->k.sip, item, n), &h1, &h2);
	if (!bloom_has(r->bloom_b, r->b_log2, r->b_k, h1, h2))
		return 0;
	if (hmac(r->k.item, sizeof r->k.item, item, n, mac) != PHI_OK)
		return 0;
	if (bloom_has(r->bloom_a, r->a_log2, r->a_k, le64(mac), le64(mac + 8))) {
		lo = 0;
		hi = r->n;
		while (lo < hi) {
			uint64_t mid = lo + (hi - lo) / 2;
			int c = memcmp(r->ent + mid * R_HASH, mac, R_HASH);
			if (c == 0) {
				found = 1;
				break;
			}
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	OPENSSL_cleanse(mac, sizeof mac);
	return found;
}

static int has_value(const struct roster *r, char tag, const char *v, size_t n)
{
	unsigned char item[NORM_MAX + 2];
	int hit;

	if (n == 0 || n > NORM_MAX)
		return 0;
	hit = roster_has(r, item, item_make(item, tag, v, n, NULL, 0));
	OPENSSL_cleanse(item, sizeof item);
	return hit;
}

enum mkind { MK_PAIR, MK_MRN, MK_SSN, MK_DOB, MK_PHONE, MK_ZIP, MK_EMAIL };

struct match {
	size_t seg, off, len;
	enum mkind kind;
	int birth_ctx;              /* a DOB with "dob"/"born"/"birth" just before it */
};

struct rscan {
	const struct roster *r;     /* borrowed */
	struct match m[R_MAX_MATCHES];
	size_t nm;
	int health;                 /* health words seen */
	unsigned kinds;             /* bit per enum mkind seen */
};

static void add_match(struct rscan *st, size_t seg, size_t off, size_t len, enum mkind k, int bctx)
{
	if (st->nm >= R_MAX_MATCHES)
		return;
	st->m[st->nm].seg = seg;
	st->m[st->nm].off = off;
	st->m[st->nm].len = len;
	st->m[st->nm].kind = k;
	st->m[st->nm].birth_ctx = bctx;
	st->nm++;
	st->kinds |= 1u << k;
}

static int word_in(const char *w, size_t n, const char *const *list)
{
	for (; *list; list++)
		if ((*list)[0] == w[0] && strlen(*list) == n && memcmp(*list, w, n) == 0)
			return 1;
	return 0;
}

static const char *const health_words[] = {
	"patient", "patients", "diagnosis", "diagnosed", "dx", "prescription", "prescribed",
	"medication", "medications", "treatment", "admitted", "admission", "discharge",
	"discharged", "labs", "biopsy", "pathology", "radiology", "oncology", "chemotherapy",
	"surgery", "surgical", "hiv", "cancer", "diabetes", "pregnancy", "pregnant", "psychiatric",
	"therapy", "clinical", "symptoms", "mrn", "chart", "allergies", "vitals", "icu", NULL
};

static const char *const birth_words[] = {
	"dob", "born", "birth", "birthdate", "birthday", "dateofbirth", NULL
};

#define WIN 6

static int is_name_word(const struct norm_tok *t)
{
	return t->kind == NORM_WORD && t->nlen >= 2;
}

/* 1 when the word may be some patient's first or family name (Bloom W):
 * one SipHash and one cache line per word of text. */
static int roster_word(const struct roster *r, const struct norm_tok *t)
{
	unsigned char item[NORM_MAX + 2];
	uint64_t h1, h2;

	if (!is_name_word(t))
		return 0;
	sip_split(siphash24(r->k.sip, item, item_make(item, TAG_WORD, t->norm, t->nlen, NULL, 0)),
	          &h1, &h2);
	OPENSSL_cleanse(item, sizeof item);
	return bloom_has(r->bloom_w, r->w_log2, r->w_k, h1, h2);
}

/* Name pairs starting at w[0]: "First [I.] Last[ Last2[ Last3]]" and
 * "Last[ Last2[ Last3]], First". */
static void scan_pairs(struct rscan *st, size_t seg, const struct norm_tok *w,
                       const unsigned char *inw, size_t nw)
{
	unsigned char item[2 * NORM_MAX + 3];
	char last[NORM_MAX + 1];
	size_t j, L, ln;

	if (!inw[0])
		return;
	/* forward: first = w[0] */
	j = 1;
	if (nw > 2 && w[1].kind == NORM_WORD && w[1].nlen == 1 && w[1].adj && !w[1].comma)
		j = 2; /* middle initial */
	ln = 0;
	for (L = 0; j + L < nw && L < 3; L++) {
		const struct norm_tok *t = &w[j + L];
		if (!is_name_word(t) || !t->adj || t->comma || ln + t->nlen > NORM_MAX ||
		    (L == 0 && !inw[j]))
			break;
		memcpy(last + ln, t->norm, t->nlen);
		ln += t->nlen;
		if (roster_has(st->r, item, item_make(item, TAG_PAIR, w[0].norm, w[0].nlen, last, ln))) {
			add_match(st, seg, w[0].off, t->off + t->len - w[0].off, MK_PAIR, 0);
			goto out;
		}
	}
	/* reverse: last = w[0..L], then first ("Doe, John", HL7 "DOE^JOHN") */
	ln = 0;
	for (L = 0; L + 1 < nw && L < 3; L++) {
		const struct norm_tok *t = &w[L], *f = &w[L + 1];
		if (!is_name_word(t) || (L > 0 && (!t->adj || t->comma)) || ln + t->nlen > NORM_MAX)
			break;
		memcpy(last + ln, t->norm, t->nlen);
		ln += t->nlen;
		if (inw[L + 1] && f->adj &&
		    roster_has(st->r, item, item_make(item, TAG_PAIR, f->norm, f->nlen, last, ln))) {
			add_match(st, seg, w[0].off, f->off + f->len - w[0].off, MK_PAIR, 0);
			break;
		}
	}
out:
	OPENSSL_cleanse(item, sizeof item);
	OPENSSL_cleanse(last, sizeof last);
}

static void scan_token(struct rscan *st, size_t seg, const struct norm_tok *t, int bctx)
{
	size_t i;

	switch (t->kind) {
	case NORM_WORD:
		if (word_in(t->norm, t->nlen, health_words))
			st->health = 1;
		break;
	case NORM_DATE:
		if (has_value(st->r, TAG_DOB, t->norm, 8))
			add_match(st, seg, t->off, t->len, MK_DOB, bctx);
		break;
	case NORM_EMAIL:
		if (has_value(st->r, TAG_EMAIL, t->norm, t->nlen))
			add_match(st, seg, t->off, t->len, MK_EMAIL, 0);
		break;
	case NORM_ALNUM:
		if (t->nlen >= 4 && has_value(st->r, TAG_MRN, t->norm, t->nlen))
			add_match(st, seg, t->off, t->len, MK_MRN, 0);
		break;
	case NORM_NUM:
		if (t->nlen == 9 && has_value(st->r, TAG_SSN, t->norm, 9)) {
			add_match(st, seg, t->off, t->len, MK_SSN, 0);
			break;
		}
		if ((t->nlen == 10 && has_value(st->r, TAG_PHONE, t->norm, 10)) ||
		    (t->nlen == 11 && t->norm[0] == '1' && has_value(st->r, TAG_PHONE, t->norm + 1, 10))) {
			add_match(st, seg, t->off, t->len, MK_PHONE, 0);
			break;
		}
		if (t->nlen >= 4 && has_value(st->r, TAG_MRN, t->norm, t->nlen)) {
			add_match(st, seg, t->off, t->len, MK_MRN, 0);
			break;
		}
		if (t->nlen == 5 && has_value(st->r, TAG_ZIP, t->norm, 5)) {
			add_match(st, seg, t->off, t->len, MK_ZIP, 0);
			break;
		}
		/* digit groups run together by blanks: "1234567 5551234" */
		for (i = 0; t->npieces > 1 && i < t->npieces; i++)
			if (t->piece_len[i] >= 4 &&
			    has_value(st->r, TAG_MRN, t->norm + t->piece_off[i], t->piece_len[i])) {
				add_match(st, seg, t->off, t->len, MK_MRN, 0);
				break;
			}
		break;
	}
}

static void scan_segment(struct rscan *st, struct phi_scan *s, size_t si)
{
	const struct phi_segment *sg = &s->doc.segs[si];
	/* a window of WIN tokens sliding over buf; moved down once per WIN */
	struct norm_tok buf[2 * WIN], *w;
	unsigned char inw[2 * WIN];       /* buf[i] may be a roster name word */
	struct norm_iter it;
	size_t start = 0, end = 0, count = 0, last_birth = (size_t)-1;
	int more = 1;

	norm_iter_init(&it, sg->text, sg->len);
	for (;;) {
		while (more && end - start < WIN) {
			if (end == 2 * WIN) {
				memmove(buf, buf + start, (end - start) * sizeof buf[0]);
				memmove(inw, inw + start, end - start);
				end -= start;
				start = 0;
			}
			more = norm_iter_next(&it, &buf[end]);
			if (more) {
				inw[end] = (unsigned char)roster_word(st->r, &buf[end]);
				end++;
			}
		}
		if (end == start)
			break;
		w = buf + start;
		if (w[0].kind == NORM_WORD && word_in(w[0].norm, w[0].nlen, birth_words))
			last_birth = count;
		scan_token(st, si, &w[0], last_birth != (size_t)-1 && count - last_birth <= 3);
		scan_pairs(st, si, w, inw + start, end - start);
		start++;
		count++;
		if ((count & 1023) == 0 && doc_budget(&s->doc) != PHI_OK)
			break;
	}
	OPENSSL_cleanse(buf, sizeof buf);
}

/* Health context from what the detectors before us found. */
static int findings_health(const struct phi_scan *s)
{
	size_t i;

	for (i = 0; i < s->nf; i++) {
		enum phi_type_class c = phi_type_class(s->f[i].type);
		if (c == PHI_CLASS_HEALTH || c == PHI_CLASS_CLINICAL || s->f[i].health_context)
			return 1;
	}
	return 0;
}

int roster_scan(const struct roster *r, struct phi_scan *s)
{
	struct rscan *st;
	size_t i;
	int health, pair, nsens, rc = PHI_OK;

	if (!r || r->n == 0)
		return PHI_OK;
	st = calloc(1, sizeof *st);
	if (!st)
		return PHI_ENOMEM;
	st->r = r;
	for (i = 0; i < s->doc.nsegs && !s->doc.timed_out; i++)
		scan_segment(st, s, i);
	health = st->health || findings_health(s);
	pair = (st->kinds >> MK_PAIR) & 1;
	nsens = (int)((st->kinds >> MK_MRN & 1) + (st->kinds >> MK_SSN & 1) + (st->kinds >> MK_DOB & 1));
	for (i = 0; i < st->nm && rc != PHI_ELIMIT; i++) {
		const struct match *m = &st->m[i];
		const struct phi_segment *sg = &s->doc.segs[m->seg];
		enum phi_confidence c;
		const char *why;
		size_t before = s->nf;

		switch (m->kind) {
		case MK_PAIR:
			c = (st->kinds & ~1u) || health ? PHI_CONF_HIGH : PHI_CONF_MEDIUM;
			why = (st->kinds & ~1u) ? "roster name +roster field" :
			      health ? "roster name +health" : "roster name";
			break;
		case MK_MRN:
		case MK_SSN:
			c = pair || nsens >= 2 ? PHI_CONF_HIGH : PHI_CONF_MEDIUM;
			why = m->kind == MK_MRN ? "roster mrn" : "roster ssn";
			break;
		case MK_DOB:
			/* nearly every date is some patient's birthday in a large
			 * roster: alone, a date counts only after a birth word */
			c = pair || nsens >= 2 ? PHI_CONF_HIGH :
			    m->birth_ctx ? PHI_CONF_MEDIUM : PHI_CONF_LOW;
			why = "roster dob";
			break;
		default:
			/* phone, zip, e-mail: contact details, only with a name */
			if (!pair)
				continue;
			c = PHI_CONF_HIGH;
			why = m->kind == MK_PHONE ? "roster phone" : m->kind == MK_ZIP ? "roster zip" :
			      "roster email";
			break;
		}
		rc = finding_add(s, sg, PHI_T_PATIENT_ROSTER, c, m->off, m->len, why);
		/* a name is sampled as a name (initials only), a date as a date
		 * (nothing kept), not as a number with its last four */
		if ((m->kind == MK_PAIR || m->kind == MK_DOB) && s->nf > before)
			finding_redact(m->kind == MK_PAIR ? PHI_T_PERSON_NAME : PHI_T_DATE_OF_BIRTH,
			               sg->text + m->off, m->len, s->f[s->nf - 1].sample);
		if (rc == PHI_ENOMEM)
			break;
	}
	OPENSSL_cleanse(st, sizeof *st);
	free(st);
	return rc == PHI_ELIMIT ? PHI_OK : rc;
}
