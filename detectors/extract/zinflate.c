/*
 * zinflate.c - bounded inflate (see zinflate.h).
 *
 * Why windows: a 40 KB deflate stream can expand to 40 MB; checking the
 * ratio only at the end would let the allocation happen first. Here the
 * output grows 64 KiB at a time and the ratio is checked against the input
 * actually consumed so far, so a bomb stops after one window past the limit.
 * Small outputs (under 64 KiB) are never a ratio problem and are not checked.
 */
#include <stdint.h>
#include <string.h>
#include <zlib.h>
#include "zinflate.h"

#define ZWIN (64u * 1024)

int zinf_inflate(struct phi_doc *d, const unsigned char *in, size_t n, int wbits,
                 size_t max_out, unsigned max_ratio, struct phi_buf *out, size_t *in_used,
                 const char **why)
{
	z_stream z;
	size_t start_len = out->len, produced;
	int zr, rc = PHI_OK;

	*why = NULL;
	if (in_used)
		*in_used = 0;
	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, wbits) != Z_OK)
		return PHI_ENOMEM;
	z.next_in = (unsigned char *)(uintptr_t)in;
	for (;;) {
		size_t room, chunk_in;

		if (d && doc_budget(d) != PHI_OK) {
			rc = PHI_ETIME;
			break;
		}
		produced = out->len - start_len;
		if (produced >= max_out) {
			*why = "limit max_entry_bytes";
			rc = PHI_ELIMIT;
			break;
		}
		room = max_out - produced;
		if (room > ZWIN)
			room = ZWIN;
		if ((rc = phi_buf_reserve(out, room)) != PHI_OK) {
			if (rc == PHI_ELIMIT)
				*why = "limit max_entry_bytes";
			break;
		}
		/* Feed input in windows too, so total_in tracks what was needed. */
		if (z.avail_in == 0) {
			size_t left = n - (size_t)((const unsigned char *)z.next_in - in);
			chunk_in = left > ZWIN ? ZWIN : left;
			z.avail_in = (uInt)chunk_in;
		}
		z.next_out = out->data + out->len;
		z.avail_out = (uInt)room;
		zr = inflate(&z, Z_NO_FLUSH);
		out->len += room - z.avail_out;
		out->data[out->len] = 0;
		if (zr == Z_STREAM_END) {
			rc = PHI_OK;
			break;
		}
		if (zr == Z_NEED_DICT || zr == Z_DATA_ERROR || zr == Z_STREAM_ERROR) {
			*why = "corrupt deflate data";
			rc = PHI_EINVAL;
			break;
		}
		if (zr == Z_MEM_ERROR) {
			rc = PHI_ENOMEM;
			break;
		}
		if (zr == Z_BUF_ERROR && z.avail_out != 0 &&
		    (size_t)((const unsigned char *)z.next_in - in) >= n) {
			*why = "truncated";
			rc = PHI_EINVAL;
			break;
		}
		produced = out->len - start_len;
		if (max_ratio && produced > ZWIN &&
		    (uint64_t)produced > (uint64_t)max_ratio * (uint64_t)(z.total_in ? z.total_in : 1)) {
			*why = "limit max_ratio";
			rc = PHI_ELIMIT;
			break;
		}
		if (z.avail_in == 0 && (size_t)((const unsigned char *)z.next_in - in) >= n &&
		    z.avail_out != 0) {
			*why = "truncated";
			rc = PHI_EINVAL;
			break;
		}
	}
	if (in_used)
		*in_used = (size_t)((const unsigned char *)z.next_in - in);
	inflateEnd(&z);
	return rc;
}
