/*
 * scan_socket.c - listener and connections of the scan socket (see
 * scan_socket.h); every line read is handed to scan_request_handle.
 *
 * Reading: a connection keeps one buffer, grown up to scan_max_request
 * (read from the current configuration at each request, so a reload
 * applies). Past it, the bytes up to the next '\n' are dropped, but the
 * first SCAN_KEEP bytes are kept so that the error reply can still carry
 * the request's id. A client that disconnects in the middle of a request
 * only ends its own connection. Writes use MSG_NOSIGNAL (a gone client
 * is an error return, not SIGPIPE).
 * Never logs what a client sent; only counts and reasons.
 */
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include "scan_socket.h"
#include "scan_request.h"
#include "conf.h"
#include "log.h"
#include "mctx.h"

#define SCAN_KEEP 512            /* bytes of an oversized request kept for its id */
#define SCAN_READ 65536

struct conn {
	int fd;
	unsigned long no;        /* connection number, for the log */
	struct conn *next, *prev;/* in the list of open connections (under lock) */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gone = PTHREAD_COND_INITIALIZER;
static struct conn *conns;       /* open connections (under lock) */
static unsigned nconns;          /* under lock */
static int listen_fd = -1;
static int stopping;             /* under lock */
static int started;
static pthread_t accept_thr;
static char *unix_path;          /* owned: the socket file we made, or NULL */
static struct stat unix_st;
static unsigned long conn_counter;
/* atomic: request buffer bytes of all connections. With the mail bytes
 * (mctx_inflight_bytes) it stays under max_inflight_bytes: past it a
 * request is answered "busy" instead of being read. */
static size_t inflight;

unsigned scan_socket_connections(void)
{
	unsigned n;

	pthread_mutex_lock(&lock);
	n = nconns;
	pthread_mutex_unlock(&lock);
	return n;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int send_reply(int fd, char *reply, size_t len)
{
	int rc;

	if (!reply)
		return write_all(fd, scan_request_oom_reply(), strlen(scan_request_oom_reply()));
	rc = write_all(fd, reply, len);
	OPENSSL_cleanse(reply, len);
	free(reply);
	return rc;
}

static size_t current_max(size_t *budget)
{
	struct conf *c = conf_acquire_current();
	size_t m = c ? c->scan_max_request : 16u << 20;

	*budget = c ? c->max_inflight_bytes : (size_t)1 << 30;
	conf_release(c);
	return m;
}

static void set_rcv_timeout(int fd, long secs)
{
	struct timeval tv;

	tv.tv_sec = secs > 0 ? secs : 1;
	tv.tv_usec = 0;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

/* scan_socket_timeout for this connection; set as its send and receive
 * timeouts (the receive one is narrowed while a request arrives). */
static long set_timeout(int fd)
{
	struct conf *c = conf_acquire_current();
	struct timeval tv;
	long secs = c ? (long)c->scan_socket_timeout : 120;

	conf_release(c);
	tv.tv_sec = secs;
	tv.tv_usec = 0;
	set_rcv_timeout(fd, secs);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	return secs;
}

static long now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec;
}

/* Serve one connection until it closes, times out or we stop. */
static void serve(struct conn *cn)
{
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0, budget, max = current_max(&budget), scanned = 0;
	int skipping = 0;           /* dropping a line up to its '\n': 1 too large, 2 busy */
	unsigned long seq = 0;
	/* SO_RCVTIMEO alone bounds silence, not a request sent a byte at a
	 * time, which would hold this thread for ever: a request must be
	 * complete within scan_socket_timeout of its first byte. */
	long tmo = set_timeout(cn->fd), req_start = -1, rcv_tmo = tmo;

	for (;;) {
		unsigned char *nl;
		ssize_t r;

		/* Answer every whole line in the buffer, in order. */
		while (len > scanned && (nl = memchr(buf + scanned, '\n', len - scanned)) != NULL) {
			size_t ll = (size_t)(nl - buf);
			char *reply = NULL;
			size_t rl = 0;

			seq++;
			if (skipping == 2) {
				scan_request_error(buf, len < SCAN_KEEP ? len : SCAN_KEEP,
				                   "busy: too many bytes in flight (max_inflight_bytes), try again",
				                   &reply, &rl);
				LOG_AT(LOG_WARNING, "sock-%lu-%lu: error=max_inflight_bytes", cn->no, seq);
				skipping = 0;
			} else if (skipping || ll > max) {
				scan_request_error(buf, len < SCAN_KEEP ? len : SCAN_KEEP,
				                   "request too large (scan_max_request)", &reply, &rl);
				LOG_AT(LOG_NOTICE, "sock-%lu-%lu: bad request: over scan_max_request (%zu bytes)",
				       cn->no, seq, max);
				skipping = 0;
			} else if (ll && buf[ll - 1] == '\r') {
				scan_request_handle(buf, ll - 1, cn->no, seq, &reply, &rl);
			} else if (ll == 0 || (ll == 1 && buf[0] == '\r')) {
				seq--; /* blank lines are keep-alives, not requests */
				memmove(buf, nl + 1, len - ll - 1);
				len -= ll + 1;
				scanned = 0;
				req_start = -1;
				continue;
			} else {
				scan_request_handle(buf, ll, cn->no, seq, &reply, &rl);
			}
			if (send_reply(cn->fd, reply, rl) != 0)
				goto out;
			OPENSSL_cleanse(buf, ll + 1);
			memmove(buf, nl + 1, len - ll - 1);
			len -= ll + 1;
			scanned = 0;
			req_start = -1; /* what follows is the next request: its own clock */
			max = current_max(&budget);
		}
		scanned = len;
		if (!skipping && len > max) {
			/* Over the limit without a '\n': keep the start (for the
			 * id), drop the rest until the end of the line. */
			skipping = 1;
			OPENSSL_cleanse(buf + SCAN_KEEP, len - SCAN_KEEP);
			len = scanned = SCAN_KEEP;
		}
		if (skipping && len >= SCAN_KEEP + SCAN_READ) {
			len = scanned = SCAN_KEEP;
		}
		if (cap - len < SCAN_READ) {
			size_t ncap = len + SCAN_READ + (skipping ? 0 : len / 2);
			unsigned char *nb;

			if (!skipping && ncap > max + SCAN_READ + 1)
				ncap = max + SCAN_READ + 1;
			if (ncap < len + SCAN_READ)
				ncap = len + SCAN_READ;
			if (ncap < SCAN_KEEP + SCAN_READ)
				ncap = SCAN_KEEP + SCAN_READ; /* so a kept prefix leaves room to read */
			/* Charge the growth; the first SCAN_KEEP + SCAN_READ bytes
			 * always, so that even a busy answer can be read. */
			if (ncap > SCAN_KEEP + SCAN_READ &&
			    __atomic_add_fetch(&inflight, ncap - cap, __ATOMIC_RELAXED) + mctx_inflight_bytes() > budget) {
				__atomic_sub_fetch(&inflight, ncap - cap, __ATOMIC_RELAXED);
				skipping = 2;
				OPENSSL_cleanse(buf + SCAN_KEEP, len - SCAN_KEEP);
				len = scanned = SCAN_KEEP;
				continue;
			}
			if (ncap <= SCAN_KEEP + SCAN_READ)
				__atomic_add_fetch(&inflight, ncap - cap, __ATOMIC_RELAXED);
			if (!(nb = malloc(ncap))) {
				__atomic_sub_fetch(&inflight, ncap - cap, __ATOMIC_RELAXED);
				send_reply(cn->fd, NULL, 0);
				goto out;
			}
			if (buf) {
				memcpy(nb, buf, len);
				OPENSSL_cleanse(buf, cap);
				free(buf);
			}
			buf = nb;
			cap = ncap;
		}
		if (len == 0) {
			req_start = -1; /* between requests: idle, the full timeout */
			if (rcv_tmo != tmo)
				set_rcv_timeout(cn->fd, rcv_tmo = tmo);
		} else {
			long now = now_s(), left;

			if (req_start < 0)
				req_start = now;
			if ((left = tmo - (now - req_start)) <= 0) {
				LOG_AT(LOG_NOTICE, "sock-%lu: request not complete after %ld s (scan_socket_timeout): closing",
				       cn->no, tmo);
				break;
			}
			if (left != rcv_tmo)
				set_rcv_timeout(cn->fd, rcv_tmo = left);
		}
		r = recv(cn->fd, buf + len, cap - len, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			/* Closed, timed out or shut down by scan_socket_stop. A
			 * partial request is dropped: nobody is left to answer. */
			if (len && r == 0)
				LOG_AT(LOG_DEBUG, "sock-%lu: client closed in the middle of a request (%zu bytes)",
				       cn->no, len);
			else if (len && (errno == EAGAIN || errno == EWOULDBLOCK))
				LOG_AT(LOG_NOTICE, "sock-%lu: request not complete after %ld s (scan_socket_timeout): closing",
				       cn->no, tmo);
			break;
		}
		len += (size_t)r;
	}
out:
	if (buf) {
		OPENSSL_cleanse(buf, cap);
		free(buf);
	}
	__atomic_sub_fetch(&inflight, cap, __ATOMIC_RELAXED);
}

static void *conn_main(void *arg)
{
	struct conn *cn = arg;

	serve(cn);
	pthread_mutex_lock(&lock);
	if (cn->prev)
		cn->prev->next = cn->next;
	else
		conns = cn->next;
	if (cn->next)
		cn->next->prev = cn->prev;
	nconns--;
	close(cn->fd);
	pthread_cond_broadcast(&gone);
	pthread_mutex_unlock(&lock);
	free(cn);
	return NULL;
}

static void *accept_main(void *arg)
{
	(void)arg;
	for (;;) {
		int fd = accept(listen_fd, NULL, NULL), full, rc, st;
		struct conn *cn;
		pthread_t t;
		pthread_attr_t at;

		pthread_mutex_lock(&lock);
		st = stopping;
		pthread_mutex_unlock(&lock);
		if (st) {
			if (fd >= 0)
				close(fd);
			break;
		}
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
				LOG_AT(LOG_WARNING, "scan socket: accept: %s", strerror(errno));
				usleep(100000);
				continue;
			}
			LOG_AT(LOG_ERR, "scan socket: accept: %s; no longer serving", strerror(errno));
			break;
		}
		pthread_mutex_lock(&lock);
		full = nconns >= SCAN_SOCKET_MAX_CONNS;
		pthread_mutex_unlock(&lock);
		if (full) {
			static const char busy[] = "{\"id\":null,\"error\":\"too many connections\"}\n";
			LOG_AT(LOG_WARNING, "scan socket: %u connections open, refusing one", SCAN_SOCKET_MAX_CONNS);
			(void)!send(fd, busy, sizeof busy - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
			close(fd);
			continue;
		}
		if (!(cn = calloc(1, sizeof *cn))) {
			close(fd);
			continue;
		}
		cn->fd = fd;
		cn->no = ++conn_counter;
		pthread_mutex_lock(&lock);
		cn->next = conns;
		if (conns)
			conns->prev = cn;
		conns = cn;
		nconns++;
		pthread_mutex_unlock(&lock);
		pthread_attr_init(&at);
		pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
		pthread_attr_setstacksize(&at, 512 * 1024);
		rc = pthread_create(&t, &at, conn_main, cn);
		pthread_attr_destroy(&at);
		if (rc != 0) {
			LOG_AT(LOG_WARNING, "scan socket: thread: %s", strerror(rc));
			pthread_mutex_lock(&lock);
			if (cn->next)
				cn->next->prev = NULL;
			conns = cn->next;
			nconns--;
			pthread_mutex_unlock(&lock);
			close(fd);
			free(cn);
		}
	}
	return NULL;
}

/* "inet:PORT@HOST" / "inet6:PORT@HOST" -> a listening TCP socket. */
static int open_inet(const char *spec, int family, char *err, size_t errlen)
{
	const char *rest = strchr(spec, ':') + 1, *at = strchr(rest, '@');
	char port[16], host[256];
	struct addrinfo hints, *res = NULL, *ai;
	int fd = -1, one = 1, rc;

	if (!at || (size_t)(at - rest) >= sizeof port || strlen(at + 1) >= sizeof host) {
		snprintf(err, errlen, "bad scan_socket %s (inet:PORT@HOST)", spec);
		return -1;
	}
	memcpy(port, rest, (size_t)(at - rest));
	port[at - rest] = 0;
	snprintf(host, sizeof host, "%s", at + 1);
	memset(&hints, 0, sizeof hints);
	hints.ai_family = family;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	if ((rc = getaddrinfo(host[0] ? host : NULL, port, &hints, &res)) != 0) {
		snprintf(err, errlen, "scan_socket %s: %s", spec, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 128) == 0)
			break;
		snprintf(err, errlen, "scan_socket %s: %s", spec, strerror(errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

static int open_unix(const char *path, const char *user, char *err, size_t errlen)
{
	struct sockaddr_un sa;
	struct stat st;
	int fd;
	mode_t old;

	if (strlen(path) >= sizeof sa.sun_path) {
		snprintf(err, errlen, "scan_socket path too long: %s", path);
		return -1;
	}
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path));
	/* A stale socket from an earlier run: replace it (never another kind of file). */
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen, "scan_socket %s exists and is not a socket", path);
			return -1;
		}
		unlink(path);
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		snprintf(err, errlen, "scan_socket: %s", strerror(errno));
		return -1;
	}
	old = umask(0117); /* 0660 from the start */
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 128) != 0) {
		umask(old);
		snprintf(err, errlen, "scan_socket %s: %s (does its directory exist?)", path, strerror(errno));
		close(fd);
		return -1;
	}
	umask(old);
	if (chmod(path, 0660) != 0 || stat(path, &unix_st) != 0) {
		snprintf(err, errlen, "scan_socket %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (user && *user && geteuid() == 0) {
		struct passwd *pw = getpwnam(user);
		if (pw && pw->pw_uid != 0 && chown(path, pw->pw_uid, (gid_t)-1) != 0) {
			snprintf(err, errlen, "chown %s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
	}
	if (!(unix_path = strdup(path))) {
		snprintf(err, errlen, "out of memory");
		close(fd);
		return -1;
	}
	return fd;
}

int scan_socket_open(const char *spec, const char *user, char *err, size_t errlen)
{
	int fd;

	if (listen_fd >= 0) {
		snprintf(err, errlen, "scan socket already open");
		return -1;
	}
	if (strncmp(spec, "inet:", 5) == 0)
		fd = open_inet(spec, AF_INET, err, errlen);
	else if (strncmp(spec, "inet6:", 6) == 0)
		fd = open_inet(spec, AF_INET6, err, errlen);
	else if (strncmp(spec, "unix:", 5) == 0)
		fd = open_unix(spec + 5, user, err, errlen);
	else if (strncmp(spec, "local:", 6) == 0)
		fd = open_unix(spec + 6, user, err, errlen);
	else if (spec[0] == '/')
		fd = open_unix(spec, user, err, errlen);
	else {
		snprintf(err, errlen, "bad scan_socket %s (unix:/path or inet:PORT@HOST)", spec);
		return -1;
	}
	if (fd < 0)
		return -1;
	listen_fd = fd;
	return 0;
}

int scan_socket_start(char *err, size_t errlen)
{
	const char *d = getenv("PHIMILTER_TEST_SCAN_DELAY_MS");
	int rc;

	if (listen_fd < 0) {
		snprintf(err, errlen, "scan socket not open");
		return -1;
	}
	/* Test only: tests/e2e make one scan slow on purpose. */
	if (d && *d) {
		scan_request_set_test_delay((unsigned)strtoul(d, NULL, 10));
		LOG_AT(LOG_WARNING, "scan socket: PHIMILTER_TEST_SCAN_DELAY_MS is set (a test setting)");
	}
	pthread_mutex_lock(&lock);
	stopping = 0;
	pthread_mutex_unlock(&lock);
	if ((rc = pthread_create(&accept_thr, NULL, accept_main, NULL)) != 0) {
		snprintf(err, errlen, "scan socket thread: %s", strerror(rc));
		return -1;
	}
	started = 1;
	return 0;
}

void scan_socket_stop(unsigned seconds)
{
	struct conn *cn;
	struct timespec until;
	struct stat st;

	if (listen_fd < 0)
		return;
	pthread_mutex_lock(&lock);
	stopping = 1;
	pthread_mutex_unlock(&lock);
	/* Wake accept(): shutdown on a listening socket makes it return. */
	shutdown(listen_fd, SHUT_RDWR);
	if (started)
		pthread_join(accept_thr, NULL);
	started = 0;
	close(listen_fd);
	listen_fd = -1;
	pthread_mutex_lock(&lock);
	for (cn = conns; cn; cn = cn->next)
		shutdown(cn->fd, SHUT_RD); /* a request being scanned still gets its reply */
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += seconds;
	while (nconns && pthread_cond_timedwait(&gone, &lock, &until) == 0)
		;
	if (nconns)
		LOG_AT(LOG_WARNING, "scan socket: stopping with %u connection(s) still open", nconns);
	pthread_mutex_unlock(&lock);
	if (unix_path && stat(unix_path, &st) == 0 && st.st_ino == unix_st.st_ino && st.st_dev == unix_st.st_dev)
		unlink(unix_path);
	free(unix_path);
	unix_path = NULL;
}
