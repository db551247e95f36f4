/*
 * t_metrics_http.c - metrics_http.c: address parsing, the listener on an
 * ephemeral loopback port, GET /metrics and /, 404, 405, an oversized and a
 * malformed request (400), a silent client (dropped after the timeout, the
 * next client answered), a clean stop, and the metrics_listen key
 * (checked by conf_load with FILE:LINE, reported as a restart key).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "conf.h"
#include "metrics.h"
#include "metrics_http.h"
#include "tap.h"

static int port;

static int connect_port(void)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons((unsigned short)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Everything the server sends until it closes (malloc'd), or NULL. */
static char *read_all(int fd, int timeout_ms)
{
	size_t cap = 65536, n = 0;
	char *b = malloc(cap + 1);
	struct pollfd p = { fd, POLLIN, 0 };
	ssize_t g;

	if (!b)
		return NULL;
	while (n < cap && poll(&p, 1, timeout_ms) == 1) {
		g = recv(fd, b + n, cap - n, 0);
		if (g <= 0)
			break;
		n += (size_t)g;
	}
	b[n] = 0;
	return b;
}

static char *fetch(const char *req, size_t len)
{
	int fd = connect_port();
	char *r;
	size_t off = 0;
	ssize_t w;

	if (fd < 0)
		return NULL;
	while (off < len && (w = send(fd, req + off, len - off, MSG_NOSIGNAL)) > 0)
		off += (size_t)w;
	r = read_all(fd, 5000);
	close(fd);
	return r;
}

static char *get(const char *req)
{
	return fetch(req, strlen(req));
}

static int starts(const char *s, const char *p)
{
	return s && strncmp(s, p, strlen(p)) == 0;
}

static const char *body_of(const char *r)
{
	const char *b = r ? strstr(r, "\r\n\r\n") : NULL;

	return b ? b + 4 : NULL;
}

/* conf_load of a one-line file; *errs gets the problems (malloc'd). */
static struct conf *load_line(const char *dir, const char *line, char **errs)
{
	char path[256];
	size_t elen = 0;
	FILE *f, *e;
	struct conf *c = NULL;

	*errs = NULL;
	snprintf(path, sizeof path, "%s/m.conf", dir);
	if (!(f = fopen(path, "w")))
		return NULL;
	fputs(line, f);
	fclose(f);
	e = open_memstream(errs, &elen);
	conf_load(path, &c, e);
	if (e)
		fclose(e);
	unlink(path);
	return c;
}

static void conf_key_checks(void)
{
	char dir[] = "/tmp/t_metrics_http.XXXXXX", *e1, *e2, *e3;
	struct conf *a, *b, *bad, *v6;
	const char *names[4];

	if (!mkdtemp(dir)) {
		T_OK(0, "temporary directory");
		return;
	}
	a = load_line(dir, "mode = enforce\n", &e1);
	T_OK(a && a->metrics_listen && !a->metrics_listen[0], "metrics_listen is empty (off) by default");
	free(e1);
	b = load_line(dir, "metrics_listen = 127.0.0.1:9725\n", &e1);
	T_OK(b && strcmp(b->metrics_listen, "127.0.0.1:9725") == 0, "metrics_listen = 127.0.0.1:9725 loads");
	v6 = load_line(dir, "metrics_listen = [::1]:9725\n", &e2);
	T_OK(v6 != NULL, "metrics_listen = [::1]:9725 loads");
	bad = load_line(dir, "mode = enforce\nmetrics_listen = localhost:80\n", &e3);
	T_OK(bad == NULL && e3 && strstr(e3, "/m.conf:2: metrics_listen: "), "a bad address is FILE:LINE: metrics_listen: ...");
	if (a && b) {
		size_t n = conf_restart_keys(a, b, names, 4);

		T_OK(n == 1 && strcmp(names[0], "metrics_listen") == 0, "a metrics_listen change waits for a restart");
	} else {
		T_OK(0, "a metrics_listen change waits for a restart");
	}
	free(e1);
	free(e2);
	free(e3);
	conf_release(a);
	conf_release(b);
	conf_release(v6);
	conf_release(bad);
	rmdir(dir);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(void)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	char err[256], *r, *big, hdr[64];
	const char *b;
	size_t blen;
	long long t0, t1;
	int silent;

	conf_key_checks();

	/* addresses */
	T_OK(metrics_http_parse_addr("127.0.0.1:9725", &ss, &sl) == 0 && ss.ss_family == AF_INET &&
	     metrics_http_port_of(&ss) == 9725, "127.0.0.1:9725 parses as IPv4, port 9725");
	T_OK(metrics_http_parse_addr("[::1]:9725", &ss, &sl) == 0 && ss.ss_family == AF_INET6,
	     "[::1]:9725 parses as IPv6");
	T_OK(metrics_http_parse_addr("localhost:9725", &ss, &sl) != 0, "a host name is refused (numeric only)");
	T_OK(metrics_http_parse_addr("127.0.0.1", &ss, &sl) != 0, "no port is refused");
	T_OK(metrics_http_parse_addr("127.0.0.1:70000", &ss, &sl) != 0, "port past 65535 is refused");
	T_OK(metrics_http_parse_addr("::1:9725", &ss, &sl) != 0, "IPv6 without brackets is refused");
	T_OK(metrics_http_parse_addr("127.0.0.1:9x", &ss, &sl) != 0, "a port with letters is refused");
	T_OK(metrics_http_open("nonsense", err, sizeof err) != 0 && strstr(err, "metrics_listen"),
	     "open of a bad address fails with a reason");
	T_OK(metrics_http_port() == -1, "no port before open");

	metrics_reset();
	metrics_message(PHI_VERDICT_PHI, POLICY_REJECT, NULL, 3);
	metrics_error("timeout");

	T_OK(metrics_http_open("127.0.0.1:0", err, sizeof err) == 0, "listener opens on 127.0.0.1:0");
	port = metrics_http_port();
	T_OK(port > 0, "the bound ephemeral port is known");
	T_OK(metrics_http_start(err, sizeof err) == 0, "listener thread starts");

	r = get("GET /metrics HTTP/1.0\r\n\r\n");
	T_OK(starts(r, "HTTP/1.0 200 OK\r\n"), "GET /metrics answers 200");
	T_OK(r && strstr(r, "\r\nContent-Type: text/plain; version=0.0.4\r\n"), "Prometheus content type");
	T_OK(r && strstr(r, "\r\nConnection: close\r\n"), "Connection: close");
	b = body_of(r);
	blen = b ? strlen(b) : 0;
	snprintf(hdr, sizeof hdr, "\r\nContent-Length: %zu\r\n", blen);
	T_OK(r && strstr(r, hdr), "Content-Length is the body's length");
	T_OK(b && strstr(b, "\nphimilter_messages_total 1\n"), "a known counter line is in the body");
	T_OK(b && strstr(b, "\nphimilter_errors_total{reason=\"timeout\"} 1\n"), "and the error counter");
	{
		size_t mlen;
		char *m = metrics_render(&mlen);

		T_OK(m && b && mlen == blen && memcmp(m, b, blen) == 0, "the body is metrics_render's text");
		free(m);
	}
	free(r);

	r = get("GET / HTTP/1.1\r\nHost: localhost\r\nUser-Agent: t\r\n\r\n");
	T_OK(starts(r, "HTTP/1.0 200 OK\r\n") && strstr(r, "phimilter_messages_total"), "GET / with headers is 200");
	free(r);
	r = get("GET /metrics?x=1 HTTP/1.1\n\n");
	T_OK(starts(r, "HTTP/1.0 200 OK\r\n"), "a query string and bare LF line ends are fine");
	free(r);
	r = get("HEAD /metrics HTTP/1.0\r\n\r\n");
	T_OK(starts(r, "HTTP/1.0 200 OK\r\n") && body_of(r) && !*body_of(r), "HEAD gives the headers only");
	free(r);

	r = get("GET /nope HTTP/1.0\r\n\r\n");
	T_OK(starts(r, "HTTP/1.0 404 "), "another path is 404");
	free(r);
	r = get("GET /metrics/../etc HTTP/1.0\r\n\r\n");
	T_OK(starts(r, "HTTP/1.0 404 "), "a path below /metrics is 404");
	free(r);
	r = get("POST /metrics HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc");
	T_OK(starts(r, "HTTP/1.0 405 ") && strstr(r, "\r\nAllow: GET, HEAD\r\n"), "POST is 405 with Allow");
	free(r);

	big = malloc(10 * 1024 + 32);
	if (big) {
		memcpy(big, "GET /", 5);
		memset(big + 5, 'a', 10 * 1024);
		memcpy(big + 5 + 10 * 1024, " HTTP/1.0\r\n\r\n", 14);
		r = fetch(big, strlen(big));
		T_OK(starts(r, "HTTP/1.0 400 "), "a 10 KiB request line is 400");
		free(r);
		free(big);
	} else {
		T_OK(0, "a 10 KiB request line is 400");
	}
	r = get("GARBAGE\r\n\r\n");
	T_OK(starts(r, "HTTP/1.0 400 "), "a request line without target and version is 400");
	free(r);
	r = get("GET /metrics HTTP/1.0\r\nno colon here\r\n\r\n");
	T_OK(starts(r, "HTTP/1.0 400 "), "a header line without ':' is 400");
	free(r);
	{
		static const char nul[] = "GET /metrics HTTP/1.0\r\nX: a\0b\r\n\r\n";

		r = fetch(nul, sizeof nul - 1);
	}
	T_OK(starts(r, "HTTP/1.0 400 "), "a NUL byte in the request is 400");
	free(r);
	r = get("get /metrics HTTP/1.0\r\n\r\n");
	T_OK(starts(r, "HTTP/1.0 400 "), "a lower-case method is malformed (400)");
	free(r);

	/* A client that connects and says nothing holds the server up to the
	 * timeout; the next client is answered after it. */
	silent = connect_port();
	T_OK(silent >= 0, "a silent client connects");
	t0 = now_ms();
	r = get("GET /metrics HTTP/1.0\r\n\r\n");
	t1 = now_ms();
	T_OK(starts(r, "HTTP/1.0 200 OK\r\n"), "the next client is answered after a silent one");
	T_OK(t1 - t0 >= METRICS_HTTP_TIMEOUT_MS - 200 && t1 - t0 < METRICS_HTTP_TIMEOUT_MS + 2500,
	     "... once the silent one's timeout is over");
	free(r);
	if (silent >= 0) {
		char *rest = read_all(silent, 1000);

		T_OK(rest && !*rest, "the silent client is closed without an answer");
		free(rest);
		close(silent);
	}

	/* A client that connects and closes at once costs nothing. */
	{
		int q = connect_port();

		if (q >= 0)
			close(q);
		r = get("GET /metrics HTTP/1.0\r\n\r\n");
		T_OK(starts(r, "HTTP/1.0 200 OK\r\n"), "a client that closes at once does not hurt the next");
		free(r);
	}

	/* Stop while a silent client is connected: no waiting for its timeout. */
	silent = connect_port();
	poll(NULL, 0, 100);
	t0 = now_ms();
	metrics_http_stop();
	t1 = now_ms();
	T_OK(t1 - t0 < 1000, "stop is prompt even with a client connected");
	if (silent >= 0)
		close(silent);
	T_OK(metrics_http_port() == -1, "the socket is closed after stop");
	T_OK(connect_port() < 0, "nothing listens after stop");
	metrics_http_stop();
	T_OK(1, "a second stop is harmless");
	T_OK(metrics_http_open("127.0.0.1:0", err, sizeof err) == 0 && metrics_http_start(err, sizeof err) == 0,
	     "it can be opened and started again");
	port = metrics_http_port();
	r = get("GET /metrics HTTP/1.0\r\n\r\n");
	T_OK(starts(r, "HTTP/1.0 200 OK\r\n"), "and answers again");
	free(r);
	metrics_http_stop();
	return tap_done();
}
