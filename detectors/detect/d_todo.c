/* d_todo.c - placeholders for validators still being written; removed as they land. */
#include "det.h"

void d_phone_num(struct det_seg *ds, const struct numrun *r) { (void)ds; (void)r; }
void d_card_num(struct det_seg *ds, const struct numrun *r) { (void)ds; (void)r; }
void d_npi_num(struct det_seg *ds, const struct numrun *r) { (void)ds; (void)r; }
void d_ip4_num(struct det_seg *ds, const struct numrun *r) { (void)ds; (void)r; }
void d_codes_num(struct det_seg *ds, const struct numrun *r) { (void)ds; (void)r; }
void d_zip_num(struct det_seg *ds, const struct numrun *r) { (void)ds; (void)r; }
void d_ids_token(struct det_seg *ds, size_t a, size_t b) { (void)ds; (void)a; (void)b; }
void d_codes_token(struct det_seg *ds, size_t a, size_t b) { (void)ds; (void)a; (void)b; }
void d_email_at(struct det_seg *ds, size_t at, size_t *resume) { (void)ds; (void)at; (void)resume; }
void d_url_at(struct det_seg *ds, size_t i, size_t *resume) { (void)ds; (void)i; (void)resume; }
void d_ip6_at(struct det_seg *ds, size_t colon, size_t *resume) { (void)ds; (void)colon; (void)resume; }
void d_kv_hits(struct det_seg *ds) { (void)ds; }
void d_dob_hits(struct det_seg *ds) { (void)ds; }
void d_name_hits(struct det_seg *ds) { (void)ds; }
void d_addr_hits(struct det_seg *ds) { (void)ds; }
void d_medterm_hits(struct det_seg *ds) { (void)ds; }
size_t date_parse(const unsigned char *p, size_t n, int *y, int *m, int *d)
{ (void)p; (void)n; (void)y; (void)m; (void)d; return 0; }
int date_plausible_dob(const struct detect_engine *de, int y, int m, int d)
{ (void)de; (void)y; (void)m; (void)d; return 0; }
