/*
 * mctx.c - per-connection / per-message state (see mctx.h).
 *
 * Why the buffer stores a prefix when it overflows: the part that fits is
 * still worth scanning (a PHI hit there is as real as anywhere), and the
 * scan is marked unscannable "limit max_message_bytes" so policy does not
 * trust a clean verdict for mail leaving the organisation.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <openssl/crypto.h>
#include "mctx.h"
#include "phi/status.h"

static size_t inflight; /* atomic: bytes stored by all contexts (max_inflight_bytes) */

size_t mctx_inflight_bytes(void)
{
	return __atomic_load_n(&inflight, __ATOMIC_RELAXED);
}

static const char *own_names[MCTX_H__COUNT] = { "X-PHI-Scanned", "X-PHI-Verdict", "X-PHI-Findings",
                                               "X-PHI-Release", "X-PHI-Notice" };
static const char *hc_names[MCTX_HC__COUNT] = { "Subject", "Content-Type", "Content-Transfer-Encoding",
                                              "Thread-Topic" };

const char *mctx_hc_name(int i)
{
	return i >= 0 && i < MCTX_HC__COUNT ? hc_names[i] : "";
}

struct mctx *mctx_new(void)
{
	struct mctx *m = calloc(1, sizeof *m);

	if (!m)
		return NULL;
	strcpy(m->queue_id, "-");
	strcpy(m->client_addr, "-");
	phi_buf_init(&m->msg, PHI_DEFAULT_MAX_MESSAGE_BYTES);
	return m;
}

static void free_addr(char *a)
{
	if (a) {
		OPENSSL_cleanse(a, strlen(a));
		free(a);
	}
}

void mctx_end(struct mctx *m)
{
	size_t i;

	phi_buf_free(&m->msg);
	if (m->charged) {
		__atomic_sub_fetch(&inflight, m->charged, __ATOMIC_RELAXED);
		m->charged = 0;
	}
	free_addr(m->sender);
	m->sender = NULL;
	for (i = 0; i < m->nrcpt; i++)
		free_addr(m->rcpts[i]);
	free(m->rcpts);
	m->rcpts = NULL;
	m->nrcpt = m->caprcpt = m->rcpt_dropped = 0;
	m->size = 0;
	m->truncated = 0;
	m->in_body = 0;
	memset(m->own_headers, 0, sizeof m->own_headers);
	memset(m->hdr_count, 0, sizeof m->hdr_count);
	free_addr(m->subject);
	free_addr(m->message_id);
	free_addr(m->thread_refs);
	m->subject = m->message_id = m->thread_refs = NULL;
	m->release[0] = 0;
	m->notice[0] = 0;
	strcpy(m->queue_id, "-");
	conf_release(m->conf);
	m->conf = NULL;
}

void mctx_free(struct mctx *m)
{
	if (!m)
		return;
	mctx_end(m);
	free(m);
}

void mctx_begin(struct mctx *m, struct conf *c)
{
	mctx_end(m);
	m->conf = c;
	phi_buf_init(&m->msg, c ? c->limits.max_message_bytes : PHI_DEFAULT_MAX_MESSAGE_BYTES);
	m->messages++;
}

static char *copy_addr(const char *a)
{
	size_t n = strnlen(a, MCTX_ADDR_MAX);
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, a, n);
		d[n] = 0;
	}
	return d;
}

int mctx_set_sender(struct mctx *m, const char *addr)
{
	char *d = copy_addr(addr ? addr : "");

	if (!d)
		return -1;
	free_addr(m->sender);
	m->sender = d;
	return 0;
}

int mctx_add_rcpt(struct mctx *m, const char *addr)
{
	char *d;

	if (!addr)
		addr = "";
	/* A recipient we cannot store is still a recipient: counting it makes
	 * the message be judged as if it went outside. */
	if (m->nrcpt >= MCTX_MAX_RCPTS || strnlen(addr, MCTX_ADDR_MAX + 1) > MCTX_ADDR_MAX) {
		m->rcpt_dropped++;
		return 0;
	}
	if (m->nrcpt == m->caprcpt) {
		size_t ncap = m->caprcpt ? m->caprcpt * 2 : 8;
		char **nv = realloc(m->rcpts, ncap * sizeof *nv);

		if (!nv)
			return -1;
		m->rcpts = nv;
		m->caprcpt = ncap;
	}
	if (!(d = copy_addr(addr)))
		return -1;
	m->rcpts[m->nrcpt++] = d;
	return 0;
}

/* Store what fits under the buffer's maximum, count everything. */
static int append(struct mctx *m, const void *p, size_t n)
{
	size_t max = m->msg.max ? m->msg.max : SIZE_MAX;
	size_t room = m->msg.len < max ? max - m->msg.len : 0;
	int rc;

	m->size = n > SIZE_MAX - m->size ? SIZE_MAX : m->size + n;
	if (m->truncated)
		return 0;
	if (n > room) {
		m->truncated = 1;
		n = room;
	}
	if (n == 0)
		return 0;
	/* Every connection may hold up to max_message_bytes; the process-wide
	 * budget keeps many of them at once from exhausting memory. */
	if (m->conf) {
		size_t now = __atomic_add_fetch(&inflight, n, __ATOMIC_RELAXED);

		if (now > m->conf->max_inflight_bytes) {
			__atomic_sub_fetch(&inflight, n, __ATOMIC_RELAXED);
			return MCTX_EBUDGET;
		}
		m->charged += n;
	}
	rc = phi_buf_append(&m->msg, p, n);
	if (rc == PHI_ELIMIT) {
		m->truncated = 1;
		return 0;
	}
	return rc == PHI_OK ? 0 : -1;
}

int mctx_own_header(const char *name)
{
	int i;

	for (i = 0; i < MCTX_H__COUNT; i++)
		if (strcasecmp(name, own_names[i]) == 0)
			return i;
	return -1;
}

/* Headers that say which thread or list a message answers. */
static int thread_header(const char *name)
{
	return strcasecmp(name, "In-Reply-To") == 0 || strcasecmp(name, "References") == 0 ||
	       strncasecmp(name, "List-", 5) == 0;
}

/* Keep the first MCTX_THREAD_MAX bytes of every thread header's value. */
static int add_thread_ref(struct mctx *m, const char *value)
{
	size_t have = m->thread_refs ? strlen(m->thread_refs) : 0, n = strlen(value);
	char *p;

	if (have >= MCTX_THREAD_MAX)
		return 0;
	if (n > MCTX_THREAD_MAX - have)
		n = MCTX_THREAD_MAX - have;
	if (!(p = realloc(m->thread_refs, have + n + 2)))
		return -1;
	if (have)
		p[have++] = ' ';
	memcpy(p + have, value, n);
	p[have + n] = 0;
	m->thread_refs = p;
	return 0;
}

int mctx_add_header(struct mctx *m, const char *name, const char *value)
{
	int own = mctx_own_header(name ? name : ""), rc;

	int i;

	if (own >= 0)
		m->own_headers[own]++;
	if (!name)
		name = "";
	if (!value)
		value = "";
	for (i = 0; i < MCTX_HC__COUNT; i++)
		if (strcasecmp(name, hc_names[i]) == 0)
			m->hdr_count[i]++;
	if (own == MCTX_H_RELEASE && m->own_headers[own] == 1)
		snprintf(m->release, sizeof m->release, "%s", value);
	if (own == MCTX_H_NOTICE && m->own_headers[own] == 1)
		snprintf(m->notice, sizeof m->notice, "%s", value);
	if (!m->subject && strcasecmp(name, "Subject") == 0 && !(m->subject = copy_addr(value)))
		return -1;
	if (!m->message_id && strcasecmp(name, "Message-ID") == 0 && !(m->message_id = copy_addr(value)))
		return -1;
	if (thread_header(name) && add_thread_ref(m, value) != 0)
		return -1;

	if ((rc = append(m, name, strlen(name))) || (rc = append(m, ": ", 2)) ||
	    (rc = append(m, value, strlen(value))) || (rc = append(m, "\r\n", 2)))
		return rc;
	return 0;
}

int mctx_end_headers(struct mctx *m)
{
	if (m->in_body)
		return 0;
	m->in_body = 1;
	return append(m, "\r\n", 2);
}

int mctx_add_body(struct mctx *m, const unsigned char *p, size_t n)
{
	int rc;

	if (!m->in_body && (rc = mctx_end_headers(m)) != 0)
		return rc;
	return append(m, p, n);
}
