/*
 * x_gzip.c - gzip (RFC 1952), one or several members, and the tar inside.
 *
 * All members are inflated (zinflate: max_entry_bytes over the whole output,
 * max_ratio per member) into one child part, named from the first member's
 * FNAME when present (else the part's file name without ".gz"), and handed
 * to extract_part(). When the output is a ustar/GNU tar archive (.tar.gz),
 * each regular file in it becomes a child part instead. Header fields are
 * read through bounds checks; a corrupt or truncated member keeps what was
 * decoded and marks the part unscannable. Never logs.
 */
#include <stdint.h>
#include <string.h>
#include "extract.h"
#include "zinflate.h"

#define GZ_NAME_MAX 255
#define GZ_MEMBERS 4096

int x_gzip_sniff(const unsigned char *p, size_t n)
{
	return n >= 10 && p[0] == 0x1f && p[1] == 0x8b && p[2] == 8;
}

/* Copy the FNAME of the member at p into name (printable, capped). */
static void gz_name(const unsigned char *p, size_t n, char *name)
{
	size_t pos = 10, k = 0;

	name[0] = 0;
	if (n < 10 || !(p[3] & 8))
		return;
	if (p[3] & 4) {
		size_t xl;
		if (n < 12)
			return;
		xl = (size_t)p[10] | (size_t)p[11] << 8;
		pos = 12 + xl;
	}
	while (pos < n && p[pos] && k < GZ_NAME_MAX) {
		unsigned c = p[pos++];
		name[k++] = (char)(c < 0x20 || c >= 0x7F ? '?' : c);
	}
	name[k] = 0;
}

static uint64_t tar_octal(const unsigned char *f, size_t n)
{
	uint64_t v = 0;
	size_t i = 0;
	while (i < n && (f[i] == ' ' || f[i] == 0))
		i++;
	for (; i < n && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v >> 60)
			return UINT64_MAX;
		v = v * 8 + (f[i] - '0');
	}
	return v;
}

static int is_tar(const unsigned char *p, size_t n)
{
	return n >= 512 && memcmp(p + 257, "ustar", 5) == 0;
}

/* Each regular file of a tar archive becomes a child part of `part`. */
static int tar_extract(struct phi_doc *d, int part, const unsigned char *p, size_t n)
{
	size_t pos = 0;
	int rc = PHI_OK;

	while (pos + 512 <= n) {
		const unsigned char *h = p + pos;
		char name[101];
		uint64_t size;
		size_t k, body = pos + 512;
		int child;

		if ((rc = doc_budget(d)) != PHI_OK)
			return rc;
		if (h[0] == 0)
			break; /* end-of-archive blocks */
		size = tar_octal(h + 124, 12);
		if (size == UINT64_MAX || size > n - body) {
			doc_unscannable(d, part, "truncated");
			size = n - body;
		}
		if (h[156] == '0' || h[156] == 0) {
			for (k = 0; k < 100 && h[k]; k++)
				name[k] = (char)(h[k] < 0x20 || h[k] >= 0x7F ? '?' : h[k]);
			name[k] = 0;
			child = doc_add_part(d, part, "application/octet-stream", name, PHI_FMT_BINARY,
			                     (size_t)size, 1);
			if (child == PHI_ENOMEM)
				return child;
			if (child < 0)
				return PHI_OK;
			if (name[0] && (rc = doc_add_text(d, child, PHI_F_FILENAME, "filename",
			                                  (const unsigned char *)name, strlen(name), 0)) != PHI_OK)
				return rc == PHI_ELIMIT ? PHI_OK : rc;
			rc = extract_part(d, child, p + body, (size_t)size);
			if (rc != PHI_OK && rc != PHI_ELIMIT)
				return rc;
		}
		/* size < n - body here, so the rounding cannot overflow */
		pos = body + (size_t)((size + 511) & ~(uint64_t)511);
	}
	return PHI_OK;
}

int x_gzip_extract(struct phi_doc *d, int part, const unsigned char *p, size_t n)
{
	struct phi_buf out;
	char name[GZ_NAME_MAX + 1];
	const char *why = NULL;
	size_t pos = 0, used;
	int rc = PHI_OK, child, members = 0;

	if (part >= 0 && (size_t)part < d->nparts)
		d->parts[part].format = PHI_FMT_GZIP;
	gz_name(p, n, name);
	if (!name[0] && part >= 0 && (size_t)part < d->nparts && d->parts[part].filename) {
		const char *f = d->parts[part].filename;
		size_t l = strlen(f);
		if (l > GZ_NAME_MAX)
			l = GZ_NAME_MAX;
		memcpy(name, f, l);
		name[l] = 0;
		if (l > 3 && strcmp(name + l - 3, ".gz") == 0)
			name[l - 3] = 0;
		else if (l > 4 && strcmp(name + l - 4, ".tgz") == 0)
			strcpy(name + l - 4, ".tar");
	}
	phi_buf_init(&out, d->lim.max_entry_bytes);
	while (pos < n && x_gzip_sniff(p + pos, n - pos)) {
		/* thousands of tiny members cost a zlib setup each: cap them */
		if (members >= GZ_MEMBERS) {
			doc_unscannable(d, part, "too many gzip members");
			break;
		}
		size_t room = d->lim.max_entry_bytes > out.len ? d->lim.max_entry_bytes - out.len : 0;
		rc = zinf_inflate(d, p + pos, n - pos, ZINF_GZIP, room, d->lim.max_ratio, &out, &used, &why);
		members++;
		if (rc != PHI_OK)
			break;
		pos += used;
		/* Padding of zeros between or after members is tolerated. */
		while (pos < n && p[pos] == 0)
			pos++;
	}
	if (rc == PHI_ENOMEM || rc == PHI_ETIME)
		goto out;
	if (!members) {
		doc_unscannable(d, part, "corrupt gzip header");
		rc = PHI_OK;
		goto out;
	}
	child = doc_add_part(d, part, "application/octet-stream", name[0] ? name : NULL,
	                     PHI_FMT_BINARY, out.len, 1);
	if (child < 0) {
		rc = child == PHI_ENOMEM ? child : PHI_OK;
		goto out;
	}
	if (why)
		doc_unscannable(d, child, why);
	if (name[0] && (rc = doc_add_text(d, child, PHI_F_FILENAME, "filename",
	                                  (const unsigned char *)name, strlen(name), 0)) != PHI_OK &&
	    rc != PHI_ELIMIT)
		goto out;
	rc = PHI_OK;
	if (why && strcmp(why, "limit max_ratio") == 0)
		goto out; /* a bomb: nothing worth reading */
	if (is_tar(out.data, out.len)) {
		d->parts[child].content_type = "application/x-tar";
		rc = tar_extract(d, child, out.data, out.len);
	} else if (out.len) {
		rc = extract_part(d, child, out.data, out.len);
	}
	if (rc == PHI_ELIMIT)
		rc = PHI_OK;
out:
	phi_buf_free(&out);
	return rc;
}
