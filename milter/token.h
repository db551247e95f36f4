/*
 * token.h - signed, expiring tokens: portal links and release tokens.
 *
 * Portal token: "ID.EXPIRY.N.MAC" where N is the recipient's index in the
 * stored (sealed) recipient list and MAC = hex HMAC-SHA256 under the
 * portal key over ("portal", ID, recipient in lower case, EXPIRY). The
 * token is self-contained so `phictl portal verify TOKEN` can check it
 * against the store; the recipient address itself never appears in it.
 * Release token (the X-PHI-Release header of a re-injected message):
 * "ID.EXPIRY.MAC" with MAC under the quarantine key over ("release", ID,
 * EXPIRY); phimilter accepts it once (qstore mark_used).
 * Tokens hold only [A-Za-z0-9.-], so they go into URLs unencoded.
 * No libmilter; never logs.
 */
#ifndef PHI_TOKEN_H
#define PHI_TOKEN_H

#include <stddef.h>
#include "qcrypt.h"
#include "qstore.h"

#define TOKEN_MAX 160

struct token {
	char id[QSTORE_ID_MAX];
	long long expires;
	unsigned rcpt;                    /* portal tokens only */
	unsigned char mac[QCRYPT_MAC_LEN];
};

/* Write a portal token for (id, rcpt, expires, index n). 0 or -1. */
int token_portal_make(const unsigned char key[QCRYPT_KEY_LEN], const char *id, const char *rcpt,
                      long long expires, unsigned n, char *out, size_t outlen);

/* Parse a portal token (or find one inside a URL). 0 or -1. */
int token_portal_parse(const char *s, struct token *t);

/* 1 when t's MAC is right for rcpt (expiry not checked here). */
int token_portal_check(const unsigned char key[QCRYPT_KEY_LEN], const struct token *t, const char *rcpt);

/* Release tokens. */
int token_release_make(const unsigned char key[QCRYPT_KEY_LEN], const char *id, long long expires,
                       char *out, size_t outlen);
/* 0 when s is a well-formed release token with the right MAC and not
 * expired at `now` (id in t->id); -1 otherwise. */
int token_release_verify(const unsigned char key[QCRYPT_KEY_LEN], const char *s, long long now,
                         struct token *t);

/* Notice tokens (X-PHI-Notice on the mail phimilter makes): as release
 * tokens with their own MAC label, so one can never stand for the other;
 * ID is the incident id. */
int token_notice_make(const unsigned char key[QCRYPT_KEY_LEN], const char *id, long long expires,
                      char *out, size_t outlen);
int token_notice_verify(const unsigned char key[QCRYPT_KEY_LEN], const char *s, long long now,
                        struct token *t);

/* Fill template tmpl's {id} and {token}. 0, or -1 when it does not fit. */
int token_url(const char *tmpl, const char *id, const char *tok, char *out, size_t outlen);

#endif
