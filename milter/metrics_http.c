/*
 * metrics_http.c - metrics_listen (metrics_http.h): one thread, one
 * connection at a time, HTTP/1.0 answers that close the connection.
 *
 * The thread polls the listening socket and a wake pipe (metrics_http_stop
 * writes to it), so stopping never waits for a client. A connection is
 * read with poll() against one deadline for the whole request, into a
 * fixed buffer of METRICS_HTTP_MAX_REQUEST bytes: a slow or silent client
 * costs at most METRICS_HTTP_TIMEOUT_MS and the next client is served
 * after it. Answers are sent with a send timeout of the same length, then
 * the write side is shut and what the client still sends is drained for a
 * moment, so a client that sent too much still reads its 400 instead of a
 * reset. Only the request line is parsed; nothing of it is logged or kept.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include "metrics.h"
#include "metrics_http.h"

#define DRAIN_MS 500          /* reading what a client still sends after the answer */
#define DRAIN_MAX (64 * 1024) /* ... and at most this much of it */

static int lfd = -1;
static int wake[2] = { -1, -1 };
static pthread_t thr;
static int running;

int metrics_http_parse_addr(const char *spec, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[64];
	const char *h, *he, *port;
	unsigned long v = 0;
	size_t n, i;
	int v6;

	if (!spec || !ss || !len)
		return -1;
	if (spec[0] == '[') {
		h = spec + 1;
		if (!(he = strchr(h, ']')) || he[1] != ':')
			return -1;
		port = he + 2;
		v6 = 1;
	} else {
		h = spec;
		if (!(he = strchr(h, ':')) || strchr(he + 1, ':'))
			return -1;
		port = he + 1;
		v6 = 0;
	}
	n = (size_t)(he - h);
	if (n == 0 || n >= sizeof host)
		return -1;
	memcpy(host, h, n);
	host[n] = 0;
	n = strlen(port);
	if (n == 0 || n > 5)
		return -1;
	for (i = 0; i < n; i++) {
		if (port[i] < '0' || port[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(port[i] - '0');
	}
	if (v > 65535)
		return -1;
	memset(ss, 0, sizeof *ss);
	if (v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1)
			return -1;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((unsigned short)v);
		*len = sizeof *a;
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
			return -1;
		a->sin_family = AF_INET;
		a->sin_port = htons((unsigned short)v);
		*len = sizeof *a;
	}
	return 0;
}

static void close_all(void)
{
	if (lfd >= 0)
		close(lfd);
	if (wake[0] >= 0)
		close(wake[0]);
	if (wake[1] >= 0)
		close(wake[1]);
	lfd = wake[0] = wake[1] = -1;
}

int metrics_http_open(const char *spec, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int one = 1;

	if (lfd >= 0) {
		snprintf(err, errlen, "metrics_listen: already open");
		return -1;
	}
	if (metrics_http_parse_addr(spec, &ss, &sl) != 0) {
		snprintf(err, errlen, "metrics_listen: '%s' is not ADDR:PORT or [ADDR]:PORT", spec ? spec : "");
		return -1;
	}
	if (pipe2(wake, O_CLOEXEC | O_NONBLOCK) != 0) {
		snprintf(err, errlen, "metrics_listen: pipe: %s", strerror(errno));
		wake[0] = wake[1] = -1;
		return -1;
	}
	lfd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
	    (ss.ss_family == AF_INET6 && setsockopt(lfd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) != 0) ||
	    bind(lfd, (struct sockaddr *)&ss, sl) != 0 || listen(lfd, 16) != 0) {
		snprintf(err, errlen, "metrics_listen %s: %s", spec, strerror(errno));
		close_all();
		return -1;
	}
	return 0;
}

int metrics_http_port_of(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return -1;
}

int metrics_http_port(void)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;

	if (lfd < 0 || getsockname(lfd, (struct sockaddr *)&ss, &sl) != 0)
		return -1;
	return metrics_http_port_of(&ss);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for fd readable until deadline; 1 readable, 0 timeout or stop, -1 error. */
static int wait_readable(int fd, long long deadline)
{
	for (;;) {
		struct pollfd p[2] = { { fd, POLLIN, 0 }, { wake[0], POLLIN, 0 } };
		long long left = deadline - now_ms();
		int r;

		if (left <= 0)
			return 0;
		r = poll(p, 2, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0 || p[1].revents)
			return 0;
		return 1;
	}
}

static int send_all(int fd, const char *b, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = send(fd, b, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

static void answer(int fd, const char *status, const char *extra, const char *body, size_t blen, int head_only)
{
	char hdr[256];
	int n;

	n = snprintf(hdr, sizeof hdr,
	             "HTTP/1.0 %s\r\n"
	             "Content-Type: %s\r\n"
	             "Content-Length: %zu\r\n"
	             "%s"
	             "Connection: close\r\n"
	             "\r\n",
	             status, body && strncmp(status, "200", 3) == 0 ? "text/plain; version=0.0.4" : "text/plain",
	             blen, extra ? extra : "");
	if (n < 0 || (size_t)n >= sizeof hdr)
		return;
	if (send_all(fd, hdr, (size_t)n) == 0 && !head_only && blen)
		send_all(fd, body, blen);
}

static void answer_text(int fd, const char *status, const char *extra, int head_only)
{
	char body[64];
	int n = snprintf(body, sizeof body, "%s\n", status);

	answer(fd, status, extra, body, n > 0 ? (size_t)n : 0, head_only);
}

/* The request line's parts, in place; 0, or -1 when it is malformed. */
static int parse_request(char *req, size_t n, char **method, char **target)
{
	char *eol, *sp1, *sp2, *ver, *p;

	if (strlen(req) != n) /* a NUL byte */
		return -1;
	if (!(eol = strchr(req, '\n')))
		return -1;
	if (eol > req && eol[-1] == '\r')
		eol[-1] = 0;
	*eol = 0;
	if (!(sp1 = strchr(req, ' ')) || !(sp2 = strchr(sp1 + 1, ' ')) || strchr(sp2 + 1, ' '))
		return -1;
	*sp1 = *sp2 = 0;
	*method = req;
	*target = sp1 + 1;
	ver = sp2 + 1;
	if (!**method || strlen(*method) > 16)
		return -1;
	for (p = *method; *p; p++)
		if (*p < 'A' || *p > 'Z')
			return -1;
	if ((*target)[0] != '/')
		return -1;
	for (p = *target; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return -1;
	if (strncmp(ver, "HTTP/", 5) != 0 || ver[5] < '0' || ver[5] > '9' || ver[6] != '.' || ver[7] < '0' ||
	    ver[7] > '9' || ver[8])
		return -1;
	/* Every header line (up to the blank one) is NAME: value. */
	for (p = eol + 1; *p && *p != '\r' && *p != '\n'; p = eol + 1) {
		char *colon = strchr(p, ':');

		if (!(eol = strchr(p, '\n')) || !colon || colon > eol || colon == p)
			return -1;
	}
	return 0;
}

/* Read one request and answer it; 1 when answered, 0 when dropped. */
static int serve_one(int fd)
{
	char req[METRICS_HTTP_MAX_REQUEST + 1], *method, *target, *q;
	long long deadline = now_ms() + METRICS_HTTP_TIMEOUT_MS;
	struct timeval tv = { METRICS_HTTP_TIMEOUT_MS / 1000, (METRICS_HTTP_TIMEOUT_MS % 1000) * 1000 };
	size_t n = 0;
	ssize_t g;
	int complete = 0, head;

	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	while (n < METRICS_HTTP_MAX_REQUEST) {
		if (wait_readable(fd, deadline) != 1)
			return 0; /* silent past the timeout, or stopping: drop it */
		g = recv(fd, req + n, METRICS_HTTP_MAX_REQUEST - n, MSG_DONTWAIT);
		if (g < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
			continue;
		if (g <= 0)
			break;
		n += (size_t)g;
		req[n] = 0;
		if (memmem(req, n, "\r\n\r\n", 4) || memmem(req, n, "\n\n", 2)) {
			complete = 1;
			break;
		}
	}
	req[n] = 0;
	if (!complete) {
		if (n == 0) /* connected and closed */
			return 0;
		answer_text(fd, "400 Bad Request", NULL, 0); /* too long, or cut short */
		return 1;
	}
	if (parse_request(req, n, &method, &target) != 0) {
		answer_text(fd, "400 Bad Request", NULL, 0);
		return 1;
	}
	head = strcmp(method, "HEAD") == 0;
	if (!head && strcmp(method, "GET") != 0) {
		answer_text(fd, "405 Method Not Allowed", "Allow: GET, HEAD\r\n", 0);
		return 1;
	}
	if ((q = strchr(target, '?')) != NULL)
		*q = 0;
	if (strcmp(target, "/metrics") == 0 || strcmp(target, "/") == 0) {
		size_t len;
		char *text = metrics_render(&len);

		if (text)
			answer(fd, "200 OK", NULL, text, len, head);
		else
			answer_text(fd, "500 Internal Server Error", NULL, head);
		free(text);
		return 1;
	}
	answer_text(fd, "404 Not Found", NULL, head);
	return 1;
}

/* After an answer: no more writes, read (and drop) what the client still
 * sends for a moment, so it reads the answer rather than a reset. */
static void linger_close(int fd)
{
	char sink[4096];
	long long deadline = now_ms() + DRAIN_MS;
	size_t total = 0;
	ssize_t g;

	shutdown(fd, SHUT_WR);
	while (total < DRAIN_MAX && wait_readable(fd, deadline) == 1) {
		g = recv(fd, sink, sizeof sink, MSG_DONTWAIT);
		if (g < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
			continue;
		if (g <= 0)
			break;
		total += (size_t)g;
	}
	close(fd);
}

static void *serve(void *arg)
{
	(void)arg;
	for (;;) {
		struct pollfd p[2] = { { lfd, POLLIN, 0 }, { wake[0], POLLIN, 0 } };
		int c, r = poll(p, 2, -1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || p[1].revents)
			break;
		if (!(p[0].revents & POLLIN))
			continue;
		c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
				poll(NULL, 0, 100); /* out of descriptors: do not spin */
			continue;
		}
		if (serve_one(c))
			linger_close(c);
		else
			close(c);
	}
	return NULL;
}

int metrics_http_start(char *err, size_t errlen)
{
	int rc;

	if (lfd < 0) {
		snprintf(err, errlen, "metrics_listen: not open");
		return -1;
	}
	if (running)
		return 0;
	if ((rc = pthread_create(&thr, NULL, serve, NULL)) != 0) {
		snprintf(err, errlen, "metrics_listen: thread: %s", strerror(rc));
		return -1;
	}
	running = 1;
	return 0;
}

void metrics_http_stop(void)
{
	if (running) {
		ssize_t w;

		do
			w = write(wake[1], "x", 1);
		while (w < 0 && errno == EINTR);
		pthread_join(thr, NULL);
		running = 0;
	}
	close_all();
}
