/*
 * x_json.c - generic JSON: string and number values as free text.
 *
 * Each scalar becomes a "key: value" line, so a value stays next to the name
 * that says what it is ("birthDate: 1970-01-01"); array elements take the
 * key of their array. Lines are gathered into text segments of up to
 * JSON_CHUNK bytes (part_offset is that of the chunk's first value). FHIR
 * resources are handed to x_fhir_extract. Broken JSON: what was read is
 * kept and the rest of the part is read as plain text. Never logs.
 */
#include <string.h>
#include "phi/buf.h"
#include "json.h"
#include "extract.h"

#define JSON_CHUNK   (32u * 1024)
#define JSON_KEY_MAX 64u          /* bytes of a key kept for the line */

struct xjson {
	struct phi_doc *d;        /* borrowed */
	int part;
	struct phi_buf out;       /* owned: pending lines */
	size_t out_off;           /* part offset of the first pending line */
	int rc;
};

static void flush(struct xjson *x)
{
	int rc;

	if (x->out.len && x->rc == PHI_OK) {
		rc = doc_add_text(x->d, x->part, PHI_F_NONE, NULL, x->out.data, x->out.len, x->out_off);
		if (rc != PHI_OK)
			x->rc = rc;
	}
	phi_buf_reset(&x->out);
}

static void line(struct xjson *x, const unsigned char *key, size_t klen,
                 const unsigned char *v, size_t vlen, size_t off)
{
	if (vlen == 0)
		return;
	if (x->out.len == 0)
		x->out_off = off;
	if (klen) {
		phi_buf_append(&x->out, key, klen);
		phi_buf_append(&x->out, ": ", 2);
	}
	phi_buf_append(&x->out, v, vlen);
	phi_buf_putc(&x->out, '\n');
	if (x->out.len >= JSON_CHUNK)
		flush(x);
}

int x_json_extract(struct phi_doc *d, int part, const unsigned char *p, size_t n)
{
	struct json_reader r;
	struct xjson x;
	unsigned char keys[JSON_DEPTH_CAP + 1][JSON_KEY_MAX];
	size_t klen[JSON_DEPTH_CAP + 1];
	enum json_tok t = JSON_EOF;
	size_t ntok = 0, last = 0;

	if (x_fhir_sniff(p, n))
		return x_fhir_extract(d, part, p, n);
	memset(&x, 0, sizeof x);
	x.d = d;
	x.part = part;
	phi_buf_init(&x.out, JSON_CHUNK + 2 * 1024 * 1024);
	json_init(&r, p, n, 0, 1024 * 1024);
	memset(klen, 0, sizeof klen);
	while (x.rc == PHI_OK) {
		if ((++ntok & 255) == 0 && (x.rc = doc_budget(d)) != PHI_OK)
			break;
		t = json_next(&r);
		if (t == JSON_EOF || t == JSON_ERROR)
			break;
		last = (size_t)(r.p - p);
		switch (t) {
		case JSON_KEY:
			klen[r.depth] = r.text.len < JSON_KEY_MAX ? r.text.len : JSON_KEY_MAX;
			memcpy(keys[r.depth], r.text.data, klen[r.depth]);
			break;
		case JSON_OBJ_BEGIN:
		case JSON_ARR_BEGIN:
			/* elements of an array inherit the array's key */
			if (t == JSON_ARR_BEGIN && r.depth >= 1) {
				klen[r.depth] = klen[r.depth - 1];
				memcpy(keys[r.depth], keys[r.depth - 1], klen[r.depth]);
			} else {
				klen[r.depth] = 0;
			}
			break;
		case JSON_STRING:
		case JSON_NUMBER:
			line(&x, keys[r.depth], klen[r.depth], r.text.data, r.text.len, r.tok_offset);
			break;
		default:
			break;
		}
	}
	flush(&x);
	if (x.rc == PHI_OK && t == JSON_ERROR && last < n) {
		/* not JSON past here (or not JSON at all): keep it as text */
		x.rc = doc_add_text(d, part, PHI_F_NONE, NULL, p + last, n - last, last);
	} else if (x.rc == PHI_OK) {
		d->parts[part].format = PHI_FMT_JSON;
	}
	json_free(&r);
	phi_buf_free(&x.out);
	return x.rc == PHI_ELIMIT ? PHI_OK : x.rc;
}
