/*
 * lzfu.c - compressed RTF decoder ([MS-OXRTFCP] 2.1.3, see lzfu.h).
 *
 * Every input byte is read through a bounds check; the ring dictionary is
 * 4096 bytes on the stack and the output goes into a phi_buf capped by the
 * caller (max_entry_bytes) and by the declared RAWSIZE, so a lying header
 * cannot make it allocate more. LZFu expands at most 8 x 17/16 per control
 * run, so the work is linear in the input. Never logs.
 */
#include <stdint.h>
#include <string.h>
#include "lzfu.h"

#define LZFU_DICT 4096u
#define LZFU_MAGIC_COMPRESSED 0x75465A4Cu   /* "LZFu" */
#define LZFU_MAGIC_UNCOMPRESSED 0x414C454Du /* "MELA" */

/* [MS-OXRTFCP] 2.1.2.1: the dictionary starts with this (207 bytes). */
static const char lzfu_prefix[] =
	"{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss \\fmodern \\fscript "
	"\\fdecor MS Sans SerifSymbolArialTimes New RomanCourier{\\colortbl\\red0\\green0\\blue0\r\n\\par "
	"\\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx";

_Static_assert(sizeof lzfu_prefix - 1 == 207, "MS-OXRTFCP initial dictionary is 207 bytes");

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int lzfu_sniff(const unsigned char *p, size_t n)
{
	uint32_t t;

	if (n < LZFU_HEADER)
		return 0;
	t = le32(p + 8);
	return t == LZFU_MAGIC_COMPRESSED || t == LZFU_MAGIC_UNCOMPRESSED;
}

int lzfu_decompress(struct phi_doc *d, const unsigned char *p, size_t n, size_t max_out,
                    struct phi_buf *out, const char **why)
{
	unsigned char dict[LZFU_DICT], ob[4096];
	uint32_t compsize, rawsize, type;
	size_t limit, i, end, made = 0, ol = 0;
	unsigned wpos = sizeof lzfu_prefix - 1;
	int rc = PHI_OK, ended = 0, runs = 0;

	*why = NULL;
	if (n < LZFU_HEADER) {
		*why = "compressed rtf: short header";
		return PHI_EINVAL;
	}
	compsize = le32(p);
	rawsize = le32(p + 4);
	type = le32(p + 8);
	limit = rawsize < max_out ? rawsize : max_out;
	if (type == LZFU_MAGIC_UNCOMPRESSED) {
		size_t have = n - LZFU_HEADER, k = have < limit ? have : limit;
		rc = phi_buf_append(out, p + LZFU_HEADER, k);
		if (rc == PHI_ELIMIT) {
			*why = "limit max_entry_bytes";
			return PHI_OK;
		}
		if (rc == PHI_OK && k < rawsize)
			*why = have < rawsize ? "compressed rtf: truncated" : "limit max_entry_bytes";
		return rc;
	}
	if (type != LZFU_MAGIC_COMPRESSED) {
		*why = "compressed rtf: unknown type";
		return PHI_EINVAL;
	}
	if (compsize < LZFU_HEADER - 4) {
		*why = "compressed rtf: bad header";
		return PHI_EINVAL;
	}
	/* COMPSIZE counts the bytes after itself; a larger one than what we
	 * have is a truncated body, read as far as it goes. */
	end = (size_t)compsize <= n - 4 ? (size_t)compsize + 4 : n;
	memcpy(dict, lzfu_prefix, sizeof lzfu_prefix - 1);
	memset(dict + (sizeof lzfu_prefix - 1), 0, LZFU_DICT - (sizeof lzfu_prefix - 1));
	i = LZFU_HEADER;
	while (i < end && !ended && made < limit) {
		unsigned ctl = p[i++], bit;

		if ((++runs & 1023) == 0 && d && (rc = doc_budget(d)) != PHI_OK)
			return rc;
		for (bit = 0; bit < 8 && !ended && made < limit; bit++) {
			if (ctl & (1u << bit)) {
				unsigned v, off, len, k;
				if (end - i < 2) {
					i = end;
					break;
				}
				v = (unsigned)p[i] << 8 | p[i + 1];
				i += 2;
				off = v >> 4;
				len = (v & 15u) + 2;
				if (off == wpos) { /* the end marker: a reference to where we write */
					ended = 1;
					break;
				}
				for (k = 0; k < len && made < limit; k++) {
					unsigned char c = dict[(off + k) & (LZFU_DICT - 1)];
					dict[wpos] = c;
					wpos = (wpos + 1) & (LZFU_DICT - 1);
					ob[ol++] = c;
					made++;
					if (ol == sizeof ob) {
						if ((rc = phi_buf_append(out, ob, ol)) != PHI_OK)
							goto flush_failed;
						ol = 0;
					}
				}
			} else {
				if (i >= end)
					break;
				dict[wpos] = p[i];
				wpos = (wpos + 1) & (LZFU_DICT - 1);
				ob[ol++] = p[i++];
				made++;
				if (ol == sizeof ob) {
					if ((rc = phi_buf_append(out, ob, ol)) != PHI_OK)
						goto flush_failed;
					ol = 0;
				}
			}
		}
	}
	if (ol && (rc = phi_buf_append(out, ob, ol)) != PHI_OK)
		goto flush_failed;
	if (!ended && made < rawsize)
		*why = made >= max_out ? "limit max_entry_bytes" : "compressed rtf: truncated";
	return PHI_OK;
flush_failed:
	if (rc == PHI_ELIMIT) {
		*why = "limit max_entry_bytes";
		return PHI_OK;
	}
	return rc;
}
