/*
 * x_tnef.c - Outlook's TNEF ([MS-OXTNEF]: winmail.dat, application/ms-tnef).
 *
 * A TNEF stream is a signature (0x223E9F78), a 16-bit key, then attributes:
 * level (1 message, 2 attachment), id (type << 16 | id), length, data and a
 * 16-bit checksum. What is read, and where it goes:
 *   - the subject (attSubject, PR_SUBJECT): a PHI_F_SUBJECT segment of the
 *     TNEF part itself;
 *   - the bodies become child parts read by the usual extractors: the plain
 *     text (attBody, PR_BODY) as text/plain, PR_RTF_COMPRESSED decompressed
 *     (lzfu.c) as application/rtf, PR_HTML as text/html; the same text given
 *     twice (attBody and PR_BODY) is kept once;
 *   - every attachment (from attAttachRenddata to the next) becomes a child
 *     part named by PR_ATTACH_LONG_FILENAME, else attAttachTitle, typed by
 *     PR_ATTACH_MIME_TAG, holding attAttachData or PR_ATTACH_DATA_BIN, and
 *     handed to extract_part() like any MIME attachment; an embedded message
 *     (PR_ATTACH_DATA_OBJ, IID_IMessage) is a nested TNEF child.
 * Every length is checked against the bytes left; property, value and
 * attachment counts are capped; nesting goes through doc_add_part (max_depth,
 * max_parts); decompressed RTF is bounded by its RAWSIZE and max_entry_bytes.
 * The checksum is not verified: a wrong one changes nothing about what can
 * be read, so the data is read either way and nothing is reported. A broken
 * structure keeps what was read before it and marks the part unscannable
 * ("tnef: ..."). Nothing is copied but converted strings. Never logs.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "extract.h"
#include "lzfu.h"
#include "mime/charset.h"

#define TNEF_SIGNATURE 0x223E9F78u
#define LVL_MESSAGE 1
#define LVL_ATTACHMENT 2

/* attribute ids (low 16 bits; the high 16 are the attribute's type) */
#define ATT_SUBJECT 0x8004
#define ATT_BODY 0x800C
#define ATT_ATTACH_DATA 0x800F
#define ATT_ATTACH_TITLE 0x8010
#define ATT_ATTACH_TRANSPORT_NAME 0x9001
#define ATT_ATTACH_RENDDATA 0x9002
#define ATT_MAPI_PROPS 0x9003
#define ATT_ATTACHMENT 0x9005
#define ATT_OEM_CODEPAGE 0x9007

/* MAPI property ids and types */
#define PR_SUBJECT 0x0037
#define PR_BODY 0x1000
#define PR_RTF_COMPRESSED 0x1009
#define PR_HTML 0x1013
#define PR_DISPLAY_NAME 0x3001
#define PR_ATTACH_DATA 0x3701 /* _BIN (PT_BINARY) or _OBJ (PT_OBJECT) */
#define PR_ATTACH_FILENAME 0x3704
#define PR_ATTACH_LONG_FILENAME 0x3707
#define PR_ATTACH_MIME_TAG 0x370E
#define PR_INTERNET_CPID 0x3FDE
#define PR_MESSAGE_CODEPAGE 0x3FFD

#define PT_I2 0x0002
#define PT_LONG 0x0003
#define PT_R4 0x0004
#define PT_DOUBLE 0x0005
#define PT_CURRENCY 0x0006
#define PT_APPTIME 0x0007
#define PT_ERROR 0x000A
#define PT_BOOLEAN 0x000B
#define PT_OBJECT 0x000D
#define PT_I8 0x0014
#define PT_STRING8 0x001E
#define PT_UNICODE 0x001F
#define PT_SYSTIME 0x0040
#define PT_CLSID 0x0048
#define PT_SVREID 0x00FB
#define PT_BINARY 0x0102
#define MV_FLAG 0x1000

/* Caps on counts an attacker chooses. Real messages have tens of
 * properties and a handful of attachments. */
#define TNEF_PROPS_MAX 65535u    /* properties in one attMAPIProps/attAttachment */
#define TNEF_VALUES_MAX 65535u   /* values of one multi-valued property */
#define TNEF_ATTACH_MAX 1000u    /* attachments in one stream */
#define TNEF_ATTRS_MAX 1000000u  /* attributes in one stream */
#define TNEF_NAME_MAX 255        /* bytes of a file name kept */
#define TNEF_SEEN_MAX 16         /* texts remembered to drop duplicates */

struct tnef_str {               /* borrowed from the input */
	const unsigned char *p;
	size_t n;
	int wide;                    /* UTF-16LE (PT_UNICODE) */
};

struct tnef_attach {
	int open;
	struct tnef_str title, longname, fname, dispname, transport, mime;
	struct tnef_str data;        /* attAttachData */
	struct tnef_str bin;         /* PR_ATTACH_DATA_BIN */
	struct tnef_str obj;         /* PR_ATTACH_DATA_OBJ (IID and all) */
};

struct tnef {
	struct phi_doc *d;           /* borrowed */
	int part;                    /* the TNEF part */
	unsigned codepage;           /* of 8-bit strings (attOemCodepage / PR_MESSAGE_CODEPAGE) */
	unsigned html_cpid;          /* PR_INTERNET_CPID, 0 = unknown */
	struct tnef_str subj_att, subj_prop, body_att, body_prop, rtf, html;
	struct tnef_attach a;
	unsigned nattach;
	size_t off;                  /* part_offset of the next segment of this part */
	int broken;                  /* an unscannable reason was given */
	uint64_t seen[TNEF_SEEN_MAX];
	size_t nseen;
};

static uint16_t le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int x_tnef_sniff(const unsigned char *p, size_t n)
{
	return n >= 6 && le32(p) == TNEF_SIGNATURE;
}

/* First reason wins: one unscannable finding per TNEF part. */
static void broken(struct tnef *t, const char *why)
{
	if (!t->broken) {
		t->broken = 1;
		doc_unscannable(t->d, t->part, why);
	}
}

/* iconv name of a Windows code page. */
static void cp_name(unsigned cp, char *o, size_t on)
{
	if (cp == 0)
		snprintf(o, on, "windows-1252");
	else if (cp == 65001)
		snprintf(o, on, "UTF-8");
	else if (cp == 1200)
		snprintf(o, on, "UTF-16LE");
	else if (cp == 1201)
		snprintf(o, on, "UTF-16BE");
	else if (cp == 20127)
		snprintf(o, on, "ASCII");
	else if (cp >= 28591 && cp <= 28605)
		snprintf(o, on, "ISO-8859-%u", cp - 28590);
	else if (cp == 20866)
		snprintf(o, on, "KOI8-R");
	else if (cp == 21866)
		snprintf(o, on, "KOI8-U");
	else if (cp >= 50220 && cp <= 50222)
		snprintf(o, on, "ISO-2022-JP");
	else if (cp == 51932)
		snprintf(o, on, "EUC-JP");
	else if (cp == 51949)
		snprintf(o, on, "EUC-KR");
	else if (cp == 54936)
		snprintf(o, on, "GB18030");
	else if (cp == 10000)
		snprintf(o, on, "MACINTOSH");
	else
		snprintf(o, on, "CP%u", cp);
}

/* A string value as UTF-8 in out: trailing NULs dropped, 8-bit strings in
 * code page cp. */
static int to_utf8(const struct tnef_str *s, unsigned cp, struct phi_buf *out)
{
	char cs[24];
	size_t n = s->n;

	if (s->wide) {
		n &= ~(size_t)1;
		while (n >= 2 && s->p[n - 1] == 0 && s->p[n - 2] == 0)
			n -= 2;
		return n ? charset_to_utf8("UTF-16LE", s->p, n, out) : PHI_OK;
	}
	while (n && s->p[n - 1] == 0)
		n--;
	if (!n)
		return PHI_OK;
	if (charset_is_utf8(s->p, n) && cp != 1200 && cp != 1201) {
		/* keep what fits, like charset_to_utf8 does */
		size_t room = n;
		if (out->max)
			room = out->max > out->len ? out->max - out->len : 0;
		int rc = phi_buf_append(out, s->p, n < room ? n : room);
		return rc == PHI_OK && n > room ? PHI_ELIMIT : rc;
	}
	cp_name(cp, cs, sizeof cs);
	return charset_to_utf8(cs, s->p, n, out);
}

/* Remember a text; 1 when the same text was met before. */
static int seen_before(struct tnef *t, int kind, const unsigned char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)kind;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	h ^= (uint64_t)n << 1;
	for (i = 0; i < t->nseen; i++)
		if (t->seen[i] == h)
			return 1;
	if (t->nseen < TNEF_SEEN_MAX)
		t->seen[t->nseen++] = h;
	return 0;
}

/* A child part of the TNEF part holding p[0..n), read by extract_part. */
static int child(struct tnef *t, const char *ct, const char *name, const unsigned char *p, size_t n,
                 int attachment, const char *why)
{
	int c = doc_add_part(t->d, t->part, ct, name, PHI_FMT_BINARY, n, attachment), rc;

	if (c < 0)
		return c == PHI_ENOMEM ? c : PHI_ELIMIT;
	if (why)
		doc_unscannable(t->d, c, why);
	rc = n ? extract_part(t->d, c, p, n) : PHI_OK;
	if ((rc == PHI_OK || rc == PHI_ELIMIT) && name && name[0])
		rc = doc_add_text(t->d, c, PHI_F_FILENAME, "filename", (const unsigned char *)name,
		                  strlen(name), 0);
	return rc;
}

static int emit_subject(struct tnef *t, struct tnef_str *s)
{
	struct phi_buf b;
	size_t k;
	int rc;

	if (!s->p)
		return PHI_OK;
	phi_buf_init(&b, t->d->lim.max_header_bytes + 64);
	rc = to_utf8(s, t->codepage, &b);
	s->p = NULL;
	if ((rc == PHI_OK || rc == PHI_ELIMIT) && b.len) { /* a cut subject is still read */
		for (k = 0; k < b.len && b.data[k]; k++)
			; /* a C string: stop at a NUL */
		if (k && !seen_before(t, 1, b.data, k)) {
			rc = doc_add_text(t->d, t->part, PHI_F_SUBJECT, "Subject", b.data, k, t->off);
			t->off += k + 1;
		}
	}
	phi_buf_free(&b);
	return rc == PHI_ELIMIT ? PHI_OK : rc;
}

static int emit_text(struct tnef *t, struct tnef_str *s, const char *ct, unsigned cp, int kind)
{
	struct phi_buf b;
	int rc;

	if (!s->p)
		return PHI_OK;
	phi_buf_init(&b, t->d->lim.max_entry_bytes);
	rc = to_utf8(s, cp, &b);
	s->p = NULL;
	if (rc == PHI_ELIMIT) {
		rc = child(t, ct, NULL, b.data, b.len, 0, "limit max_entry_bytes");
	} else if (rc == PHI_OK && b.len && !seen_before(t, kind, b.data, b.len)) {
		rc = child(t, ct, NULL, b.data, b.len, 0, NULL);
	}
	phi_buf_free(&b);
	return rc == PHI_ELIMIT ? PHI_OK : rc;
}

static int emit_rtf(struct tnef *t)
{
	struct phi_buf b;
	const char *why = NULL;
	int rc;

	if (!t->rtf.p)
		return PHI_OK;
	phi_buf_init(&b, t->d->lim.max_entry_bytes);
	rc = lzfu_decompress(t->d, t->rtf.p, t->rtf.n, t->d->lim.max_entry_bytes, &b, &why);
	t->rtf.p = NULL;
	if (rc == PHI_EINVAL) {
		broken(t, why);
		rc = PHI_OK;
	} else if (rc == PHI_OK && (b.len || why)) {
		rc = child(t, "application/rtf", NULL, b.data, b.len, 0, why);
	}
	phi_buf_free(&b);
	return rc == PHI_ELIMIT ? PHI_OK : rc;
}

/* The message's subject and bodies, once they have all been read. */
static int flush_message(struct tnef *t)
{
	int rc;

	if ((rc = emit_subject(t, &t->subj_prop)) != PHI_OK || (rc = emit_subject(t, &t->subj_att)) != PHI_OK)
		return rc;
	if ((rc = emit_text(t, &t->body_prop, "text/plain", t->codepage, 2)) != PHI_OK ||
	    (rc = emit_text(t, &t->body_att, "text/plain", t->codepage, 2)) != PHI_OK)
		return rc;
	if ((rc = emit_rtf(t)) != PHI_OK)
		return rc;
	return emit_text(t, &t->html, "text/html", t->html_cpid ? t->html_cpid : t->codepage, 3);
}

/* A file name or MIME tag as printable UTF-8 in o (at most TNEF_NAME_MAX bytes). */
static void name_of(const struct tnef *t, const struct tnef_str *s, char *o)
{
	struct phi_buf b;
	size_t k = 0, i;

	o[0] = 0;
	if (!s->p)
		return;
	phi_buf_init(&b, 4 * TNEF_NAME_MAX);
	if (to_utf8(s, t->codepage, &b) != PHI_ENOMEM && b.data) {
		for (i = 0; i < b.len && b.data[i] && k < TNEF_NAME_MAX; i++)
			o[k++] = (char)(b.data[i] < 0x20 || b.data[i] == 0x7F ? '?' : b.data[i]);
		/* a name cut at TNEF_NAME_MAX may end inside a UTF-8 sequence */
		while (k > 0 && !charset_is_utf8((const unsigned char *)o, k))
			k--;
		o[k] = 0;
	}
	phi_buf_free(&b);
}

/* A MIME tag we can hand on: "type/subtype", lower case, or "". */
static void mime_of(const struct tnef *t, const struct tnef_str *s, char *o)
{
	size_t i, slash = 0;

	name_of(t, s, o);
	for (i = 0; o[i]; i++) {
		char c = o[i];
		if (c >= 'A' && c <= 'Z')
			o[i] = (char)(c + 32);
		else if (c == '/' && !slash && i > 0)
			slash = i;
		else if (c == ';' || c == ' ') {
			o[i] = 0;
			break;
		} else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+'))
			break;
	}
	if (o[i] || !slash || !o[slash + 1])
		o[0] = 0;
}

static int tnef_read(struct tnef *t, const unsigned char *p, size_t n, size_t pos);

/* PR_ATTACH_DATA_OBJ: a 16-byte IID, then an embedded message (a TNEF
 * stream) or an OLE storage. */
static int emit_object(struct tnef *t, const struct tnef_str *o, const char *name)
{
	static const unsigned char iid_imessage[16] = { 0x07, 0x03, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
	                                                0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46 };
	const unsigned char *p = o->p + 16;
	size_t n = o->n - 16;
	int rc;

	if (x_tnef_sniff(p, n))
		return child(t, "application/ms-tnef", name, p, n, 1, NULL);
	if (memcmp(o->p, iid_imessage, 16) == 0) {
		/* an embedded message written without signature and key */
		struct tnef sub;
		int c = doc_add_part(t->d, t->part, "application/ms-tnef", name, PHI_FMT_TNEF, n, 1);
		if (c < 0)
			return c == PHI_ENOMEM ? c : PHI_ELIMIT;
		memset(&sub, 0, sizeof sub);
		sub.d = t->d;
		sub.part = c;
		sub.codepage = t->codepage;
		rc = tnef_read(&sub, p, n, 0);
		if ((rc == PHI_OK || rc == PHI_ELIMIT) && name && name[0])
			rc = doc_add_text(t->d, c, PHI_F_FILENAME, "filename", (const unsigned char *)name,
			                  strlen(name), 0);
		return rc;
	}
	return child(t, "application/octet-stream", name, p, n, 1, NULL);
}

/* The attachment gathered since its attAttachRenddata. */
static int flush_attach(struct tnef *t)
{
	struct tnef_attach *a = &t->a;
	char name[TNEF_NAME_MAX + 1], mime[TNEF_NAME_MAX + 1];
	const char *ct, *nm;
	int rc = PHI_OK, any = 0;

	if (!a->open)
		return PHI_OK;
	name_of(t, a->longname.p ? &a->longname : a->fname.p ? &a->fname : a->title.p ? &a->title :
	        a->transport.p ? &a->transport : &a->dispname, name);
	mime_of(t, &a->mime, mime);
	ct = mime[0] ? mime : "application/octet-stream";
	nm = name[0] ? name : NULL;
	if (a->data.p) {
		rc = child(t, ct, nm, a->data.p, a->data.n, 1, NULL);
		any = 1;
	}
	/* PR_ATTACH_DATA_BIN normally repeats attAttachData; read it too when it
	 * differs, so that nothing hides behind the other copy. */
	if ((rc == PHI_OK || rc == PHI_ELIMIT) && a->bin.p &&
	    (!a->data.p || a->bin.n != a->data.n || memcmp(a->bin.p, a->data.p, a->bin.n) != 0)) {
		rc = child(t, ct, nm, a->bin.p, a->bin.n, 1, NULL);
		any = 1;
	}
	if ((rc == PHI_OK || rc == PHI_ELIMIT) && a->obj.p) {
		rc = emit_object(t, &a->obj, nm);
		any = 1;
	}
	if ((rc == PHI_OK || rc == PHI_ELIMIT) && !any && name[0])
		rc = child(t, ct, nm, NULL, 0, 1, NULL); /* no data: the name is still text */
	memset(a, 0, sizeof *a);
	return rc;
}

/* One property value the extractor wants (the first value of a string,
 * binary or object property; a PT_LONG). */
static void prop_value(struct tnef *t, int level, unsigned id, unsigned type, const unsigned char *v, size_t vn)
{
	struct tnef_str s = { v, vn, type == PT_UNICODE };
	int str = type == PT_STRING8 || type == PT_UNICODE;

	if (level == LVL_MESSAGE) {
		if (id == PR_SUBJECT && str)
			t->subj_prop = s;
		else if (id == PR_BODY && str)
			t->body_prop = s;
		else if (id == PR_RTF_COMPRESSED && type == PT_BINARY)
			t->rtf = s;
		else if (id == PR_HTML && (str || type == PT_BINARY))
			t->html = s;
		else if (id == PR_INTERNET_CPID && type == PT_LONG && vn >= 4)
			t->html_cpid = le32(v);
		else if (id == PR_MESSAGE_CODEPAGE && type == PT_LONG && vn >= 4)
			t->codepage = le32(v);
		return;
	}
	if (id == PR_ATTACH_LONG_FILENAME && str)
		t->a.longname = s;
	else if (id == PR_ATTACH_FILENAME && str)
		t->a.fname = s;
	else if (id == PR_DISPLAY_NAME && str)
		t->a.dispname = s;
	else if (id == PR_ATTACH_MIME_TAG && str)
		t->a.mime = s;
	else if (id == PR_ATTACH_DATA && type == PT_BINARY)
		t->a.bin = s;
	else if (id == PR_ATTACH_DATA && type == PT_OBJECT && vn >= 16)
		t->a.obj = s;
}

/* Size of one value of a fixed-size type; 0 for variable-size types, -1
 * for a type this reader does not know (the rest cannot be framed). */
static long fixed_size(unsigned type)
{
	switch (type) {
	case PT_I2: case PT_BOOLEAN: /* 2 bytes padded to 4 */
	case PT_LONG: case PT_R4: case PT_ERROR:
		return 4;
	case PT_DOUBLE: case PT_CURRENCY: case PT_APPTIME: case PT_I8: case PT_SYSTIME:
		return 8;
	case PT_CLSID:
		return 16;
	case PT_STRING8: case PT_UNICODE: case PT_BINARY: case PT_OBJECT: case PT_SVREID:
		return 0;
	default:
		return -1;
	}
}

/* attMAPIProps / attAttachment: a counted list of properties. Returns
 * PHI_OK, or PHI_EINVAL with *why when the list cannot be framed (the
 * properties before the break have been used). */
static int props(struct tnef *t, int level, const unsigned char *p, size_t n, const char **why)
{
	size_t pos = 4, i;
	uint32_t count;

	if (n < 4) {
		*why = "tnef: truncated property list";
		return PHI_EINVAL;
	}
	count = le32(p);
	/* every property takes at least 8 bytes: a larger count is a lie */
	if (count > TNEF_PROPS_MAX || count > (n - 4) / 8) {
		*why = "tnef: property count too large";
		return PHI_EINVAL;
	}
	for (i = 0; i < count; i++) {
		unsigned type, id, base;
		uint32_t nv, k;
		long fs;

		if ((i & 255) == 255 && doc_budget(t->d) != PHI_OK)
			return PHI_ETIME;
		if (n - pos < 4)
			goto truncated;
		type = le16(p + pos);
		id = le16(p + pos + 2);
		pos += 4;
		if (id >= 0x8000) { /* named property: GUID, kind, id or name */
			uint32_t kind, nl;
			if (n - pos < 20)
				goto truncated;
			kind = le32(p + pos + 16);
			pos += 20;
			if (kind == 0) {
				if (n - pos < 4)
					goto truncated;
				pos += 4;
			} else if (kind == 1) {
				if (n - pos < 4)
					goto truncated;
				nl = le32(p + pos);
				pos += 4;
				if (nl > n - pos)
					goto truncated;
				pos += nl;
				pos += (4 - (nl & 3)) & 3;
				if (pos > n)
					goto truncated;
			} else {
				*why = "tnef: bad property name kind";
				return PHI_EINVAL;
			}
		}
		base = type & ~(unsigned)MV_FLAG;
		fs = fixed_size(base);
		if (fs < 0) {
			*why = "tnef: unknown property type";
			return PHI_EINVAL;
		}
		if (fs > 0 && !(type & MV_FLAG)) {
			if ((size_t)fs > n - pos)
				goto truncated;
			prop_value(t, level, id, base, p + pos, (size_t)fs);
			pos += (size_t)fs;
			continue;
		}
		/* multi-valued, or variable-size: a value count first */
		if (n - pos < 4)
			goto truncated;
		nv = le32(p + pos);
		pos += 4;
		if (nv > TNEF_VALUES_MAX || nv > (n - pos) / 4) {
			*why = "tnef: value count too large";
			return PHI_EINVAL;
		}
		for (k = 0; k < nv; k++) {
			uint32_t vl;
			if (fs > 0) {
				if ((size_t)fs > n - pos)
					goto truncated;
				pos += (size_t)fs;
				continue;
			}
			if (n - pos < 4)
				goto truncated;
			vl = le32(p + pos);
			pos += 4;
			if (vl > n - pos)
				goto truncated;
			if (k == 0 && !(type & MV_FLAG))
				prop_value(t, level, id, base, p + pos, vl);
			pos += vl;
			pos += (4 - (vl & 3)) & 3; /* padded to 4, not counted in vl */
			if (pos > n) {
				if (k + 1 == nv && i + 1 == count)
					pos = n; /* the last value's padding may be missing */
				else
					goto truncated;
			}
		}
	}
	return PHI_OK;
truncated:
	*why = "tnef: property past end of attribute";
	return PHI_EINVAL;
}

static int attribute(struct tnef *t, unsigned lvl, unsigned id, const unsigned char *v, size_t vn)
{
	const char *why = NULL;
	int rc = PHI_OK;

	if (lvl == LVL_ATTACHMENT && (rc = flush_message(t)) != PHI_OK)
		return rc;
	if (lvl == LVL_MESSAGE) {
		struct tnef_str s = { v, vn, 0 };
		if (id == ATT_SUBJECT)
			t->subj_att = s;
		else if (id == ATT_BODY)
			t->body_att = s;
		else if (id == ATT_OEM_CODEPAGE && vn >= 4)
			t->codepage = le32(v);
		else if (id == ATT_MAPI_PROPS)
			rc = props(t, LVL_MESSAGE, v, vn, &why);
		if (rc == PHI_EINVAL) {
			broken(t, why);
			rc = PHI_OK;
		}
		return rc;
	}
	if (id == ATT_ATTACH_RENDDATA) {
		if ((rc = flush_attach(t)) != PHI_OK && rc != PHI_ELIMIT)
			return rc;
		if (++t->nattach > TNEF_ATTACH_MAX) {
			broken(t, "tnef: too many attachments");
			return PHI_ELIMIT;
		}
		t->a.open = 1;
		return PHI_OK;
	}
	t->a.open = 1; /* attributes before any attAttachRenddata still belong somewhere */
	if (id == ATT_ATTACH_TITLE) {
		t->a.title = (struct tnef_str){ v, vn, 0 };
	} else if (id == ATT_ATTACH_TRANSPORT_NAME) {
		t->a.transport = (struct tnef_str){ v, vn, 0 };
	} else if (id == ATT_ATTACH_DATA) {
		t->a.data = (struct tnef_str){ v, vn, 0 };
	} else if (id == ATT_ATTACHMENT) {
		rc = props(t, LVL_ATTACHMENT, v, vn, &why);
		if (rc == PHI_EINVAL) {
			broken(t, why);
			rc = PHI_OK;
		}
	}
	return rc;
}

/* The attributes from p[pos] on. */
static int tnef_read(struct tnef *t, const unsigned char *p, size_t n, size_t pos)
{
	unsigned nattrs = 0;
	int rc = PHI_OK;

	t->off = 0;
	while (pos < n && rc == PHI_OK) {
		unsigned lvl, id;
		uint32_t len;
		size_t k;

		if ((rc = doc_budget(t->d)) != PHI_OK)
			break;
		if (++nattrs > TNEF_ATTRS_MAX) {
			broken(t, "tnef: too many attributes");
			break;
		}
		if (n - pos < 9) {
			for (k = pos; k < n && p[k] == 0; k++)
				;
			if (k < n)
				broken(t, "tnef: truncated attribute");
			break; /* zero padding after the last attribute is fine */
		}
		lvl = p[pos];
		id = le32(p + pos + 1) & 0xFFFF;
		len = le32(p + pos + 5);
		if (lvl != LVL_MESSAGE && lvl != LVL_ATTACHMENT) {
			for (k = pos; k < n && p[k] == 0; k++)
				;
			if (k < n)
				broken(t, "tnef: bad attribute level");
			break;
		}
		pos += 9;
		if (len > n - pos) {
			/* read what is there: a cut body or attachment still has text */
			broken(t, "tnef: attribute length past end of data");
			rc = attribute(t, lvl, id, p + pos, n - pos);
			break;
		}
		rc = attribute(t, lvl, id, p + pos, len);
		pos += len;
		/* the 16-bit checksum (sum of the data bytes): not verified, see above */
		if (n - pos < 2) {
			broken(t, "tnef: truncated attribute");
			break;
		}
		pos += 2;
	}
	if (rc == PHI_OK || rc == PHI_ELIMIT) {
		int r2 = flush_attach(t);
		if (r2 == PHI_OK || r2 == PHI_ELIMIT)
			r2 = flush_message(t);
		if (r2 != PHI_OK && r2 != PHI_ELIMIT)
			rc = r2;
	}
	return rc == PHI_ELIMIT ? PHI_OK : rc;
}

int x_tnef_extract(struct phi_doc *d, int part, const unsigned char *p, size_t n)
{
	struct tnef t;

	if (part < 0 || (size_t)part >= d->nparts)
		return PHI_EINVAL;
	d->parts[part].format = PHI_FMT_TNEF;
	memset(&t, 0, sizeof t);
	t.d = d;
	t.part = part;
	t.codepage = 1252; /* what Outlook writes when attOemCodepage is missing */
	if (!x_tnef_sniff(p, n)) {
		doc_unscannable(d, part, "tnef: bad signature");
		return PHI_OK;
	}
	return tnef_read(&t, p, n, 6);
}
