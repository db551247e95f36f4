/*
 * t_json.c - the JSON pull tokenizer and the generic JSON extractor:
 * token sequence, string unescaping (surrogates, bad escapes to U+FFFD),
 * depth cap, NDJSON, truncated and hostile input, "key: value" lines.
 */
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "scan.h"
#include "extract/json.h"
#include "extract/extract.h"

/* The token types of s as a string of letters, e.g. "{k\"}" . */
static void shape(const char *s, char *out, size_t outn)
{
	struct json_reader r;
	enum json_tok t;
	size_t k = 0;

	json_init(&r, (const unsigned char *)s, strlen(s), 4, 64);
	while (k + 1 < outn) {
		t = json_next(&r);
		out[k++] = "E!{}[]k\"ntfz"[t];
		if (t == JSON_EOF || t == JSON_ERROR)
			break;
	}
	out[k] = 0;
	json_free(&r);
}

/* The decoded text of the first string token of s. */
static int first_string(const char *s, const char *want, size_t wantlen)
{
	struct json_reader r;
	enum json_tok t;
	int ok = 0;

	json_init(&r, (const unsigned char *)s, strlen(s), 0, 64);
	while ((t = json_next(&r)) != JSON_EOF && t != JSON_ERROR)
		if (t == JSON_STRING) {
			ok = r.text.len == wantlen && memcmp(r.text.data, want, wantlen) == 0;
			break;
		}
	json_free(&r);
	return ok;
}

static void test_tokens(void)
{
	char sh[64];

	shape("{\"a\": [1, \"x\", true, false, null], \"b\": {}}", sh, sizeof sh);
	T_EQ_STR(sh, "{k[n\"tfz]k{}}E", "object with array of every scalar");
	shape("{\"a\":1}\n{\"b\":2}\n", sh, sizeof sh);
	T_EQ_STR(sh, "{kn}{kn}E", "ndjson: two top-level objects");
	shape("[[[[[1]]]]]", sh, sizeof sh);
	T_EQ_STR(sh, "[[[[!", "depth cap stops with an error");
	shape("{\"a\": \"unterminated", sh, sizeof sh);
	T_EQ_STR(sh, "{k!", "unterminated string is an error");
	shape("{\"a\": 1", sh, sizeof sh);
	T_EQ_STR(sh, "{kn!", "truncated object is an error");
	shape("[1,2,]", sh, sizeof sh);
	T_EQ_STR(sh, "[nn]E", "trailing comma tolerated");
	shape("{\"a\" 1}", sh, sizeof sh);
	T_EQ_STR(sh, "{!", "missing colon is an error");
	shape("", sh, sizeof sh);
	T_EQ_STR(sh, "E", "empty input is eof");
}

static void test_strings(void)
{
	T_OK(first_string("[\"a\\nb\\\"c\\\\d\\/\"]", "a\nb\"c\\d/", 8), "simple escapes");
	T_OK(first_string("[\"\\u00e9\"]", "\xC3\xA9", 2), "\\u00e9 to UTF-8");
	T_OK(first_string("[\"\\ud83d\\ude00\"]", "\xF0\x9F\x98\x80", 4), "surrogate pair to one code point");
	T_OK(first_string("[\"\\ud83dx\"]", "\xEF\xBF\xBDx", 4), "lone high surrogate is U+FFFD");
	T_OK(first_string("[\"\\ude00\"]", "\xEF\xBF\xBD", 3), "lone low surrogate is U+FFFD");
	T_OK(first_string("[\"\\q\"]", "\xEF\xBF\xBD", 3), "bad escape is U+FFFD");
	T_OK(first_string("[\"\\u12\"]", "\xEF\xBF\xBD" "12", 5), "short \\u is U+FFFD");
	T_OK(first_string("[\"\\u0000\"]", "\xEF\xBF\xBD", 3), "NUL escape is U+FFFD");
}

static void test_long_string(void)
{
	size_t n = 10000, i;
	char *b = malloc(n + 8);
	struct json_reader r;
	enum json_tok t;

	b[0] = '[';
	b[1] = '"';
	for (i = 2; i < n; i++)
		b[i] = 'a';
	memcpy(b + n, "\"]", 3);
	json_init(&r, (unsigned char *)b, n + 2, 0, 100);
	t = json_next(&r);
	t = json_next(&r);
	T_EQ_INT(t, JSON_STRING, "long string still a string");
	T_OK(r.truncated && r.text.len <= 100, "long string cut at max_text");
	T_EQ_INT(json_next(&r), JSON_ARR_END, "reading goes on after a cut string");
	json_free(&r);
	free(b);
}

static void test_extract(void)
{
	static const char j[] = "{\"patient\": {\"birthDate\": \"1970-01-01\", \"ids\": [\"A1\", 42]}}";
	struct phi_scan *s = phi_scan_new(NULL, NULL, NULL, NULL);
	int part = doc_add_part(&s->doc, -1, "application/json", NULL, PHI_FMT_BINARY, sizeof j - 1, 0);
	const struct phi_segment *g;
	int rc = x_json_extract(&s->doc, part, (const unsigned char *)j, sizeof j - 1);

	T_EQ_INT(rc, PHI_OK, "generic json extract ok");
	T_EQ_INT(s->doc.nsegs, 1, "generic json gives one text chunk");
	g = s->doc.nsegs ? &s->doc.segs[0] : NULL;
	T_OK(g && memmem(g->text, g->len, "birthDate: 1970-01-01\n", 22), "key kept next to its value");
	T_OK(g && memmem(g->text, g->len, "ids: A1\nids: 42\n", 16), "array elements take the array key");
	T_EQ_INT(s->doc.parts[part].format, PHI_FMT_JSON, "format set to json");
	phi_scan_free(s);
}

static void test_hostile(void)
{
	size_t n = 200000, i;
	char *b = malloc(n);
	struct phi_scan *s = phi_scan_new(NULL, NULL, NULL, NULL);
	int part = doc_add_part(&s->doc, -1, "application/json", NULL, PHI_FMT_BINARY, n, 0);

	for (i = 0; i < n; i++)
		b[i] = "[{\"a\":"[i % 6];
	T_EQ_INT(x_json_extract(&s->doc, part, (unsigned char *)b, n), PHI_OK, "deep nesting ends ok");
	for (i = 0; i < n; i++)
		b[i] = (char)(i * 7 + 3);
	T_EQ_INT(x_json_extract(&s->doc, part, (unsigned char *)b, n), PHI_OK, "binary garbage ends ok");
	phi_scan_free(s);
	free(b);
}

int main(void)
{
	test_tokens();
	test_strings();
	test_long_string();
	test_extract();
	test_hostile();
	return tap_done();
}
