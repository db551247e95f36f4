/* limits.c - the shipped defaults of struct phi_limits. */
#include "phi/limits.h"

void phi_limits_default(struct phi_limits *l)
{
	l->max_message_bytes = PHI_DEFAULT_MAX_MESSAGE_BYTES;
	l->max_header_bytes = PHI_DEFAULT_MAX_HEADER_BYTES;
	l->max_decoded_bytes = PHI_DEFAULT_MAX_DECODED_BYTES;
	l->max_depth = PHI_DEFAULT_MAX_DEPTH;
	l->max_parts = PHI_DEFAULT_MAX_PARTS;
	l->max_entry_bytes = PHI_DEFAULT_MAX_ENTRY_BYTES;
	l->max_ratio = PHI_DEFAULT_MAX_RATIO;
	l->max_pdf_objects = PHI_DEFAULT_MAX_PDF_OBJECTS;
	l->max_findings = PHI_DEFAULT_MAX_FINDINGS;
	l->time_budget_ms = PHI_DEFAULT_TIME_BUDGET_MS;
}
