/*
 * fuzz_portal_input.c - libFuzzer target for what phiportal parses itself
 * (libmicrohttpd parses the request line, headers, query and cookies):
 * urlencoded form bodies (portal/form.c) and the stored message it shows
 * (portal/msgview.c: MIME walk, decoding, HTML to text). The first byte
 * picks the parser. Built and run by tests/e2e/portal_fuzz.sh, outside the
 * shared driver (tests/fuzz/fuzz_target.c).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "form.h"
#include "msgview.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const fields[] = { "csrf", "code", "", "=", "&", "c" };
	struct msgview v;
	struct phi_buf b;
	size_t i;

	if (size == 0)
		return 0;
	switch (data[0] % 3) {
	case 0:
		for (i = 0; i < sizeof fields / sizeof fields[0]; i++) {
			char out[80];

			form_get(data + 1, size - 1, fields[i], out, sizeof out);
			form_get(data + 1, size - 1, fields[i], out, 1);
		}
		break;
	case 1:
		if (msgview_parse(data + 1, size - 1, &v) == 0)
			msgview_free(&v);
		break;
	default:
		phi_buf_init(&b, 1 << 20);
		msgview_html_text(data + 1, size - 1, &b);
		phi_buf_free(&b);
		break;
	}
	return 0;
}
