/*
 * code.h - one-time codes of the secure portal: generation, hashing,
 * checking, and the mail that carries a code to the recipient.
 *
 * A code is CODE_DIGITS decimal digits drawn uniformly (rejection sampling
 * over OpenSSL random bytes). Only its hash is kept: HMAC-SHA256 under a
 * key that phiportal draws at start-up, over ("code", message id,
 * recipient index, code), so a code is bound to one link and one message.
 * Checking compares hashes in constant time. No libmicrohttpd; never logs.
 */
#ifndef PHI_PORTAL_CODE_H
#define PHI_PORTAL_CODE_H

#include <stddef.h>
#include "qcrypt.h"

#define CODE_DIGITS 8
#define CODE_HASH_LEN QCRYPT_MAC_LEN

/* A fresh code: CODE_DIGITS digits and a NUL into out. 0 or -1. */
int code_new(char out[CODE_DIGITS + 1]);

/* The hash of code for (id, n) under key. 0 or -1. */
int code_hash(const unsigned char key[QCRYPT_KEY_LEN], const char *id, unsigned n, const char *code,
              unsigned char out[CODE_HASH_LEN]);

/* What the recipient typed, made into a code: blanks and dashes dropped;
 * anything else but digits, or the wrong length, gives -1. */
int code_normalise(const char *typed, char out[CODE_DIGITS + 1]);

/* 1 when typed (normalised) hashes to want for (id, n); 0 otherwise. The
 * hash comparison is constant time. */
int code_check(const unsigned char key[QCRYPT_KEY_LEN], const char *id, unsigned n, const char *typed,
               const unsigned char want[CODE_HASH_LEN]);

/* The mail that carries code to rcpt: From `from`, a Subject with the word
 * "code", and a plain-text body whose only run of 6 to 8 digits is the
 * code; CRLF line ends. Malloc'd (the caller wipes and frees), or NULL. */
char *code_message(const char *from, const char *rcpt, const char *code, unsigned ttl_minutes,
                   const char *org);

#endif
