/*
 * zinflate.h - bounded zlib inflate shared by the ZIP, gzip, PDF and PNG
 * extractors.
 *
 * Inflates in 64 KiB windows into a phi_buf, checking after every window the
 * output size against max_out and the running ratio output/input against
 * max_ratio, and calling doc_budget(). Nothing is allocated past max_out.
 */
#ifndef PHI_ZINFLATE_H
#define PHI_ZINFLATE_H

#include <stddef.h>
#include "phi/buf.h"
#include "extract.h"

#define ZINF_RAW   (-15) /* raw deflate (ZIP) */
#define ZINF_ZLIB  15    /* zlib wrapper (PDF FlateDecode, PNG) */
#define ZINF_GZIP  31    /* one gzip member */

/* Inflate in[0..n) (wbits one of ZINF_*) appending to out, at most max_out
 * bytes in all (max_ratio 0 = no ratio check). *in_used gets the input
 * bytes consumed (for multi-member gzip). Returns PHI_OK when the stream
 * ended, PHI_ELIMIT with *why "limit max_entry_bytes" or "limit max_ratio",
 * PHI_EINVAL with *why "corrupt deflate data" or "truncated" (out keeps what
 * was decoded), PHI_ENOMEM, or PHI_ETIME. `d` may be NULL (no budget). */
int zinf_inflate(struct phi_doc *d, const unsigned char *in, size_t n, int wbits,
                 size_t max_out, unsigned max_ratio, struct phi_buf *out, size_t *in_used,
                 const char **why);

#endif
