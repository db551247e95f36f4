/*
 * qcrypt.h - the cryptography of the quarantine store and of the signed
 * tokens: AES-256-GCM sealing (OpenSSL EVP), HMAC-SHA256, key files.
 *
 * Sealed layout (as OpenSMTPD crypto.c, plus AAD): version byte
 * QCRYPT_VERSION, a fresh random 12-byte nonce, the ciphertext, the 16-byte
 * GCM tag. The caller's AAD (message id and metadata) is bound in, so a
 * sealed blob moved to another id, or metadata edited, fails the tag check.
 * qcrypt_open verifies the tag before it hands out any plaintext: the
 * plaintext buffer is wiped and freed when the check fails.
 *
 * Key files hold exactly QCRYPT_KEY_LEN random bytes; qcrypt_load_key
 * refuses links, other file types, extra hard links, group or other
 * permission bits, and a file owned by someone other than the caller
 * (root may read any owner's key: it starts the daemon before the drop).
 * No libmilter, never logs; keys never leave these buffers in any message.
 */
#ifndef PHI_QCRYPT_H
#define PHI_QCRYPT_H

#include <stddef.h>

#define QCRYPT_KEY_LEN 32
#define QCRYPT_NONCE_LEN 12
#define QCRYPT_TAG_LEN 16
#define QCRYPT_VERSION 1
#define QCRYPT_OVERHEAD (1 + QCRYPT_NONCE_LEN + QCRYPT_TAG_LEN)
#define QCRYPT_MAC_LEN 32

/* Read and check a key file. Returns 0 with the key in out; -1 with a
 * plain reason (never the key) in why. */
int qcrypt_load_key(const char *path, unsigned char out[QCRYPT_KEY_LEN], char *why, size_t whylen);

/* Seal pt (ptlen bytes) under key with aad. *out is malloc'd (caller
 * frees), *outlen = ptlen + QCRYPT_OVERHEAD. Returns 0 or -1. */
int qcrypt_seal(const unsigned char key[QCRYPT_KEY_LEN], const unsigned char *aad, size_t aadlen,
                const unsigned char *pt, size_t ptlen, unsigned char **out, size_t *outlen);

/* Open a sealed blob. Returns 0 with *out (malloc'd, NUL-terminated past
 * *outlen; the caller wipes and frees it) only when the version, length
 * and tag check out; -1 otherwise with *out NULL. */
int qcrypt_open(const unsigned char key[QCRYPT_KEY_LEN], const unsigned char *aad, size_t aadlen,
                const unsigned char *in, size_t inlen, unsigned char **out, size_t *outlen);

/* HMAC-SHA256 of the parts (nparts strings, each followed by a NUL byte
 * so that ("ab","c") and ("a","bc") differ). Returns 0 or -1. */
int qcrypt_mac(const unsigned char key[QCRYPT_KEY_LEN], const char *const *parts, size_t nparts,
               unsigned char out[QCRYPT_MAC_LEN]);

/* Constant-time comparison of n bytes: 1 when equal. */
int qcrypt_equal(const void *a, const void *b, size_t n);

/* Lower-case hex of n bytes into out (2n+1 bytes). */
void qcrypt_hex(const unsigned char *p, size_t n, char *out);

/* Parse 2n hex digits into n bytes. Returns 0 or -1. */
int qcrypt_unhex(const char *s, size_t slen, unsigned char *out, size_t n);

/* Fill p with n random bytes. Returns 0 or -1. */
int qcrypt_random(unsigned char *p, size_t n);

/* Wipe n bytes (not optimised away). NULL is fine. */
void qcrypt_wipe(void *p, size_t n);

#endif
