/*
 * fuzz_target.c - one libFuzzer driver for every parser, chosen at compile
 * time with -DFUZZ_<NAME>:
 *   FUZZ_MESSAGE   the whole scan of one RFC 5322 message (MIME walker,
 *                  every extractor reachable from it, detectors, verdict)
 *   FUZZ_TEXT      the whole scan of plain text
 *   FUZZ_X=fn      one extractor (x_pdf_extract, x_zip_extract, ...) fed
 *                  the input as the bytes of a single part
 * Limits are tightened so the fuzzer explores structure, not size.
 */
#include <stddef.h>
#include <stdint.h>
#include "scan.h"
#include "extract/extract.h"

static struct phi_engine *engine;

static void limits(struct phi_limits *l)
{
	phi_limits_default(l);
	l->max_decoded_bytes = 4u << 20;
	l->max_entry_bytes = 4u << 20;
	l->max_parts = 200;
	l->time_budget_ms = 2000;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct phi_limits l;
	struct phi_scan *s;
	char err[256];

	if (!engine && phi_engine_new(NULL, &engine, err, sizeof err) != PHI_OK)
		return 0;
	limits(&l);
	s = phi_scan_new(engine, &l, NULL, NULL);
	if (!s)
		return 0;
#if defined(FUZZ_MESSAGE)
	phi_scan_message(s, data, size);
#elif defined(FUZZ_TEXT)
	phi_scan_text(s, data, size);
#elif defined(FUZZ_X)
	{
		int part = doc_add_part(&s->doc, -1, "application/octet-stream", "fuzz", PHI_FMT_BINARY, size, 1);
		if (part >= 0)
			FUZZ_X(&s->doc, part, data, size);
		detect_run(s);
		score_verdict(s);
	}
#else
#error "define FUZZ_MESSAGE, FUZZ_TEXT or FUZZ_X=extractor"
#endif
	phi_scan_free(s);
	return 0;
}
