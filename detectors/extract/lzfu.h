/*
 * lzfu.h - compressed RTF ([MS-OXRTFCP]): the PR_RTF_COMPRESSED body of
 * Outlook messages (TNEF winmail.dat, .msg).
 *
 * A 16-byte header (COMPSIZE, RAWSIZE, COMPTYPE, CRC, little-endian) then
 * either "LZFu" (LZ77 over a 4096-byte ring dictionary preloaded with a
 * 207-byte RTF prefix) or "MELA" (stored as is). Output stops at RAWSIZE,
 * at max_out, or at the end marker, whichever comes first.
 */
#ifndef PHI_LZFU_H
#define PHI_LZFU_H

#include <stddef.h>
#include "phi/buf.h"
#include "extract.h"

#define LZFU_HEADER 16

/* 1 when p looks like a compressed-RTF header ("LZFu" or "MELA" at 8). */
int lzfu_sniff(const unsigned char *p, size_t n);

/* Decompress p[0..n) appending to out (which should have been initialised
 * with a maximum of at most max_out), never more than max_out bytes nor
 * more than the header's RAWSIZE. Returns PHI_OK (*why NULL, or a reason
 * when the data was short or broken but what was decoded is in out),
 * PHI_EINVAL (*why says why: not compressed RTF), PHI_ENOMEM or PHI_ETIME.
 * *why is "limit max_entry_bytes" when max_out cut the output. `d` may be
 * NULL (no time budget). The CRC is not checked: a wrong one would not
 * change what is read. */
int lzfu_decompress(struct phi_doc *d, const unsigned char *p, size_t n, size_t max_out,
                    struct phi_buf *out, const char **why);

#endif
