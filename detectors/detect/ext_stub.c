/* ext_stub.c - STUB of ext.h until roster.c, msgroster.c and rules.c land.
 * Their owner deletes this file when the real ones compile. */
#include "ext.h"

int roster_load(const char *index_path, const char *key_path, struct roster **out, char *err, size_t errlen)
{ (void)index_path; (void)key_path; (void)err; (void)errlen; *out = NULL; return PHI_OK; }
void roster_free(struct roster *r) { (void)r; }
int roster_scan(const struct roster *r, struct phi_scan *s) { (void)r; (void)s; return PHI_OK; }
int msgroster_scan(struct phi_scan *s) { (void)s; return PHI_OK; }
int rules_load(const char *rules_file, const char *allowlist_file, struct rules **out, char *err, size_t errlen)
{ (void)rules_file; (void)allowlist_file; (void)err; (void)errlen; *out = NULL; return PHI_OK; }
void rules_free(struct rules *r) { (void)r; }
int rules_scan(const struct rules *r, struct phi_scan *s) { (void)r; (void)s; return PHI_OK; }
int rules_allowed(const struct rules *r, enum phi_type t, const unsigned char *v, size_t n)
{ (void)r; (void)t; (void)v; (void)n; return 0; }
