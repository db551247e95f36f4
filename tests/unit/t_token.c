/*
 * t_token.c - portal and release tokens (token.c). The policy rows that
 * use them (quarantine instead of reject, the secure keyword) are in
 * t_policy.c.
 */
#include <stdio.h>
#include <string.h>
#include "tap.h"
#include "token.h"

int main(void)
{
	unsigned char key[QCRYPT_KEY_LEN], key2[QCRYPT_KEY_LEN];
	char tok[TOKEN_MAX], url[512], bad[TOKEN_MAX];
	const char *id = "20261201120000-0123456789abcdef";
	struct token t;
	size_t n;

	memset(key, 7, sizeof key);
	memset(key2, 8, sizeof key2);

	/* portal */
	T_EQ_INT(token_portal_make(key, id, "Bob@Outside.Example", 2000000000, 1, tok, sizeof tok), 0,
	         "portal token made");
	T_OK(!strstr(tok, "bob") && !strstr(tok, "Bob"), "portal token does not carry the recipient");
	T_EQ_INT(token_portal_parse(tok, &t), 0, "portal token parses");
	T_OK(strcmp(t.id, id) == 0 && t.expires == 2000000000 && t.rcpt == 1, "portal token fields");
	T_OK(token_portal_check(key, &t, "bob@outside.example"), "portal token checks (recipient case-insensitive)");
	T_OK(!token_portal_check(key, &t, "eve@outside.example"), "portal token refuses another recipient");
	T_OK(!token_portal_check(key2, &t, "bob@outside.example"), "portal token refuses another key");
	t.expires++;
	T_OK(!token_portal_check(key, &t, "bob@outside.example"), "portal token refuses a changed expiry");
	snprintf(bad, sizeof bad, "%s", tok);
	n = strlen(bad);
	bad[n - 1] = bad[n - 1] == '0' ? '1' : '0';
	T_OK(token_portal_parse(bad, &t) == 0 && !token_portal_check(key, &t, "bob@outside.example"),
	     "portal token refuses a flipped MAC digit");
	T_EQ_INT(token_url("https://p.example/m/{id}?t={token}", id, tok, url, sizeof url), 0, "url filled");
	T_OK(strstr(url, id) && strstr(url, tok), "url holds id and token");
	T_OK(token_portal_parse(url, &t) == 0 && token_portal_check(key, &t, "bob@outside.example"),
	     "a token is found inside its url");
	T_OK(token_portal_parse("https://p.example/m/x?t=abc", &t) != 0, "a url without a token does not parse");
	T_OK(token_url("{token}{token}{token}", id, tok, url, 40) != 0, "url that does not fit is refused");

	/* release */
	T_EQ_INT(token_release_make(key, id, 2000000000, tok, sizeof tok), 0, "release token made");
	T_EQ_INT(token_release_verify(key, tok, 1900000000, &t), 0, "release token verifies");
	T_OK(strcmp(t.id, id) == 0, "release token names its entry");
	T_OK(token_release_verify(key, tok, 2000000001, &t) != 0, "an expired release token is refused");
	T_OK(token_release_verify(key2, tok, 1900000000, &t) != 0, "a release token under another key is refused");
	snprintf(bad, sizeof bad, "%s.2000000000.%064d", id, 0);
	T_OK(token_release_verify(key, bad, 1900000000, &t) != 0, "a release header made without the key is refused");
	T_OK(token_release_verify(key, "../x.1.00", 0, &t) != 0, "a malformed release token is refused");

	return tap_done();
}
