/*
 * qcrypt.c - AES-256-GCM sealing, HMAC-SHA256 and key files for the
 * quarantine store and the tokens (see qcrypt.h).
 *
 * Every EVP return is checked. A nonce is never reused: each seal draws
 * 12 fresh bytes from RAND_bytes (a failure of the RNG is a failure of the
 * seal, never a fixed nonce). Decryption writes into a private buffer that
 * is only handed out after EVP_DecryptFinal_ex has verified the tag.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include "qcrypt.h"

void qcrypt_wipe(void *p, size_t n)
{
	if (p && n)
		OPENSSL_cleanse(p, n);
}

int qcrypt_random(unsigned char *p, size_t n)
{
	return n > (size_t)0x7fffffff || RAND_bytes(p, (int)n) != 1 ? -1 : 0;
}

int qcrypt_equal(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

void qcrypt_hex(const unsigned char *p, size_t n, char *out)
{
	static const char hx[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hx[p[i] >> 4];
		out[2 * i + 1] = hx[p[i] & 15];
	}
	out[2 * n] = 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int qcrypt_unhex(const char *s, size_t slen, unsigned char *out, size_t n)
{
	size_t i;

	if (slen != 2 * n)
		return -1;
	for (i = 0; i < n; i++) {
		int h = hexval((unsigned char)s[2 * i]), l = hexval((unsigned char)s[2 * i + 1]);

		if (h < 0 || l < 0)
			return -1;
		out[i] = (unsigned char)(h << 4 | l);
	}
	return 0;
}

int qcrypt_load_key(const char *path, unsigned char out[QCRYPT_KEY_LEN], char *why, size_t whylen)
{
	struct stat st;
	unsigned char buf[QCRYPT_KEY_LEN + 1];
	ssize_t n;
	int fd = -1, rc = -1;

	if (lstat(path, &st) != 0) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (S_ISLNK(st.st_mode)) {
		snprintf(why, whylen, "%s: is a symbolic link (give the file itself)", path);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, whylen, "%s: not a regular file", path);
		return -1;
	}
	if (st.st_nlink != 1) {
		snprintf(why, whylen, "%s: has %lu hard links (must have one)", path, (unsigned long)st.st_nlink);
		return -1;
	}
	if (st.st_mode & 077) {
		snprintf(why, whylen, "%s: mode %04o lets group or others read it (chmod 600)", path,
		         (unsigned)(st.st_mode & 07777));
		return -1;
	}
	if (st.st_uid != geteuid() && geteuid() != 0) {
		snprintf(why, whylen, "%s: owned by uid %lu, not by the user reading it (uid %lu)", path,
		         (unsigned long)st.st_uid, (unsigned long)geteuid());
		return -1;
	}
	if (st.st_size != QCRYPT_KEY_LEN) {
		snprintf(why, whylen, "%s: must hold exactly %d random bytes (head -c %d /dev/urandom), has %lld",
		         path, QCRYPT_KEY_LEN, QCRYPT_KEY_LEN, (long long)st.st_size);
		return -1;
	}
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return -1;
	}
	n = read(fd, buf, sizeof buf);
	if (n != QCRYPT_KEY_LEN) {
		snprintf(why, whylen, "%s: could not read %d bytes", path, QCRYPT_KEY_LEN);
		goto out;
	}
	memcpy(out, buf, QCRYPT_KEY_LEN);
	rc = 0;
out:
	qcrypt_wipe(buf, sizeof buf);
	close(fd);
	return rc;
}

int qcrypt_seal(const unsigned char key[QCRYPT_KEY_LEN], const unsigned char *aad, size_t aadlen,
                const unsigned char *pt, size_t ptlen, unsigned char **out, size_t *outlen)
{
	EVP_CIPHER_CTX *cx = NULL;
	unsigned char *o = NULL, *nonce, *ct;
	int len, rc = -1;

	*out = NULL;
	*outlen = 0;
	if (ptlen > 0x7fffff00u || aadlen > 0x7fffff00u)
		return -1;
	if (!(o = malloc(ptlen + QCRYPT_OVERHEAD)))
		return -1;
	o[0] = QCRYPT_VERSION;
	nonce = o + 1;
	ct = nonce + QCRYPT_NONCE_LEN;
	if (qcrypt_random(nonce, QCRYPT_NONCE_LEN) != 0 || !(cx = EVP_CIPHER_CTX_new()))
		goto out;
	if (EVP_EncryptInit_ex(cx, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(cx, EVP_CTRL_GCM_SET_IVLEN, QCRYPT_NONCE_LEN, NULL) != 1 ||
	    EVP_EncryptInit_ex(cx, NULL, NULL, key, nonce) != 1)
		goto out;
	if (aadlen && EVP_EncryptUpdate(cx, NULL, &len, aad, (int)aadlen) != 1)
		goto out;
	if (ptlen && EVP_EncryptUpdate(cx, ct, &len, pt, (int)ptlen) != 1)
		goto out;
	if (EVP_EncryptFinal_ex(cx, ct + ptlen, &len) != 1 ||
	    EVP_CIPHER_CTX_ctrl(cx, EVP_CTRL_GCM_GET_TAG, QCRYPT_TAG_LEN, ct + ptlen) != 1)
		goto out;
	*out = o;
	*outlen = ptlen + QCRYPT_OVERHEAD;
	o = NULL;
	rc = 0;
out:
	if (o) {
		qcrypt_wipe(o, ptlen + QCRYPT_OVERHEAD);
		free(o);
	}
	EVP_CIPHER_CTX_free(cx);
	return rc;
}

int qcrypt_open(const unsigned char key[QCRYPT_KEY_LEN], const unsigned char *aad, size_t aadlen,
                const unsigned char *in, size_t inlen, unsigned char **out, size_t *outlen)
{
	EVP_CIPHER_CTX *cx = NULL;
	unsigned char *p = NULL, tag[QCRYPT_TAG_LEN];
	size_t ctlen;
	int len, rc = -1;

	*out = NULL;
	*outlen = 0;
	if (inlen < QCRYPT_OVERHEAD || in[0] != QCRYPT_VERSION || inlen > 0x7fffff00u ||
	    aadlen > 0x7fffff00u)
		return -1;
	ctlen = inlen - QCRYPT_OVERHEAD;
	memcpy(tag, in + 1 + QCRYPT_NONCE_LEN + ctlen, QCRYPT_TAG_LEN);
	if (!(p = malloc(ctlen + 1)) || !(cx = EVP_CIPHER_CTX_new()))
		goto out;
	if (EVP_DecryptInit_ex(cx, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(cx, EVP_CTRL_GCM_SET_IVLEN, QCRYPT_NONCE_LEN, NULL) != 1 ||
	    EVP_DecryptInit_ex(cx, NULL, NULL, key, in + 1) != 1)
		goto out;
	if (aadlen && EVP_DecryptUpdate(cx, NULL, &len, aad, (int)aadlen) != 1)
		goto out;
	if (ctlen && EVP_DecryptUpdate(cx, p, &len, in + 1 + QCRYPT_NONCE_LEN, (int)ctlen) != 1)
		goto out;
	if (EVP_CIPHER_CTX_ctrl(cx, EVP_CTRL_GCM_SET_TAG, QCRYPT_TAG_LEN, tag) != 1 ||
	    EVP_DecryptFinal_ex(cx, p + ctlen, &len) != 1)
		goto out; /* tag mismatch: the plaintext so far is wiped below */
	p[ctlen] = 0;
	*out = p;
	*outlen = ctlen;
	p = NULL;
	rc = 0;
out:
	if (p) {
		qcrypt_wipe(p, ctlen + 1);
		free(p);
	}
	EVP_CIPHER_CTX_free(cx);
	return rc;
}

int qcrypt_mac(const unsigned char key[QCRYPT_KEY_LEN], const char *const *parts, size_t nparts,
               unsigned char out[QCRYPT_MAC_LEN])
{
	unsigned char *buf;
	unsigned int n = 0;
	size_t i, len = 0, k;
	int rc = -1;

	for (i = 0; i < nparts; i++) {
		k = strlen(parts[i]) + 1;
		if (k > 65536)
			return -1; /* tokens cover ids and addresses: short */
		len += k;
	}
	if (!(buf = malloc(len ? len : 1)))
		return -1;
	for (i = 0, len = 0; i < nparts; i++) {
		k = strlen(parts[i]) + 1;
		memcpy(buf + len, parts[i], k);
		len += k;
	}
	if (HMAC(EVP_sha256(), key, QCRYPT_KEY_LEN, buf, len, out, &n) && n == QCRYPT_MAC_LEN)
		rc = 0;
	qcrypt_wipe(buf, len);
	free(buf);
	return rc;
}
