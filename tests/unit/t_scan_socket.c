/*
 * t_scan_socket.c - the scan socket served in-process (scan_socket.c,
 * scan_request.c) and driven through libphiscan: decisions as for mail,
 * pipelining, oversized and malformed requests with the connection kept
 * usable, a client gone mid-request, 50 concurrent clients, max_scans,
 * and no PHI in the log lines written meanwhile. Synthetic data only.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "tap.h"
#include "conf.h"
#include "log.h"
#include "scan_request.h"
#include "scan_socket.h"
#include "phi/scan_client.h"

#define PHI_TEXT "Patient John Smith, MRN: 4821937, diagnosed with type 2 diabetes mellitus (E11.9)."
#define CLEAN_TEXT "Lunch at noon in the usual place?"

static char dir[64], sock_path[96], addr[128], logfile[128], auditfile[128];

static struct conf *load(const char *extra)
{
	char path[128];
	struct conf *c = NULL;
	FILE *f;

	snprintf(path, sizeof path, "%s/phi.conf", dir);
	f = fopen(path, "w");
	if (!f)
		return NULL;
	fprintf(f, "internal_domains = example.org\npartner_domains = partner.example\n%s%s",
	        strstr(extra, "scan_max_request") ? "" : "scan_max_request = 64k\n", extra);
	fclose(f);
	if (conf_load(path, &c, stderr) != 0)
		return NULL;
	return c;
}

static char *call(struct phiscan *c, const char *line)
{
	char *reply = NULL;
	size_t rl;

	if (phiscan_call(c, line, strlen(line), &reply, &rl) != 0)
		return NULL;
	return reply;
}

static char *scan(struct phiscan *c, const char *id, const char *rcpt, const char *text)
{
	const char *r[1] = { rcpt };
	char *req = NULL, *reply;
	size_t len;

	if (phiscan_request_json(id, "chat", "alice@example.org", r, 1, (const unsigned char *)text,
	                         strlen(text), NULL, 0, &req, &len) != 0)
		return NULL;
	reply = call(c, req);
	free(req);
	return reply;
}

static struct phiscan *open_client(void)
{
	struct phiscan *c = NULL;
	char err[200];

	if (phiscan_connect(addr, 20000, &c, err, sizeof err) != 0)
		printf("# connect: %s\n", err);
	return c;
}

static void str_member(const char *reply, const char *key, char *out, size_t n)
{
	if (phiscan_reply_str(reply, key, out, n) != 0)
		snprintf(out, n, "(none)");
}

static void test_decisions(void)
{
	struct phiscan *c = open_client();
	char v[64], notice[4096], inc[64];
	char *r;

	if (!T_OK(c, "client connects to the scan socket"))
		return;
	r = scan(c, "r1", "bob@outside.test", PHI_TEXT);
	str_member(r, "verdict", v, sizeof v);
	T_EQ_STR(v, "phi", "name, MRN and diagnosis to an outside address: verdict phi");
	T_EQ_INT(phiscan_reply_bool(r, "deliver"), 0, "... not delivered");
	str_member(r, "action", v, sizeof v);
	T_EQ_STR(v, "reject", "... action reject (same table as mail)");
	str_member(r, "id", v, sizeof v);
	T_EQ_STR(v, "r1", "... the reply carries the request id");
	str_member(r, "incident", inc, sizeof inc);
	str_member(r, "notice", notice, sizeof notice);
	T_OK(strncmp(inc, "PHI-", 4) == 0 && strstr(notice, inc), "... the notice names the incident id");
	T_OK(!strstr(notice, "4821937") && !strstr(notice, "Smith") && !strstr(notice, "diabetes"),
	     "... the notice carries no matched text");
	T_OK(r && strstr(r, "\"type\":\"mrn\""), "... findings list the MRN type");
	T_OK(r && !strstr(r, "4821937") && !strstr(r, "Smith"), "... the reply holds redacted samples only");
	free(r);

	r = scan(c, "r2", "carol@example.org", PHI_TEXT);
	T_EQ_INT(phiscan_reply_bool(r, "deliver"), 1, "same message to an internal user is delivered");
	str_member(r, "action", v, sizeof v);
	T_EQ_STR(v, "tag", "... with action tag, as mail");
	free(r);

	r = scan(c, "r3", "bob@outside.test", CLEAN_TEXT);
	str_member(r, "verdict", v, sizeof v);
	T_EQ_STR(v, "clean", "clean chat to outside: clean");
	T_EQ_INT(phiscan_reply_bool(r, "deliver"), 1, "... delivered");
	free(r);

	{
		/* An attachment goes through the same extractors (here CSV). */
		const char *rc[1] = { "bob@outside.test" };
		static const char csv[] = "name,mrn,diagnosis\nJohn Smith,MRN 4821937,type 2 diabetes mellitus E11.9\n";
		struct phiscan_file f = { "list.csv", "text/csv", (const unsigned char *)csv, sizeof csv - 1 };
		char *req = NULL;
		size_t len;

		phiscan_request_json("r4", "chat", "alice@example.org", rc, 1, NULL, 0, &f, 1, &req, &len);
		r = call(c, req);
		free(req);
		T_EQ_INT(phiscan_reply_bool(r, "deliver"), 0, "a CSV attachment with patient data is not delivered");
		T_OK(r && strstr(r, "\"filename\":\"list.csv\""), "... its findings name the file");
		free(r);
	}
	r = call(c, "{\"id\":\"cfg\",\"op\":\"config\"}");
	T_OK(r && strstr(r, "\"internal_domains\":[\"example.org\"]"), "op config returns internal_domains");
	free(r);
	r = call(c, "{\"id\":7,\"op\":\"ping\"}");
	T_OK(r && strcmp(r, "{\"id\":7,\"ok\":true}") == 0, "op ping answers, a numeric id is echoed as a number");
	free(r);
	phiscan_close(c);
}

static void test_pipelined(void)
{
	struct phiscan *c = open_client();
	char id[32], got[32], v[32];
	int i, order_ok = 1, verdict_ok = 1;

	if (!c)
		return;
	for (i = 0; i < 40; i++) {
		const char *rc[1] = { "bob@outside.test" };
		const char *t = i % 2 ? PHI_TEXT : CLEAN_TEXT;
		char *req = NULL;
		size_t len;

		snprintf(id, sizeof id, "p%d", i);
		phiscan_request_json(id, "chat", NULL, rc, 1, (const unsigned char *)t, strlen(t), NULL, 0, &req, &len);
		if (phiscan_send(c, req, len) != 0)
			order_ok = 0;
		free(req);
	}
	for (i = 0; i < 40; i++) {
		char *r = NULL;
		size_t rl;

		if (phiscan_recv(c, &r, &rl) != 0) {
			order_ok = 0;
			break;
		}
		snprintf(id, sizeof id, "p%d", i);
		str_member(r, "id", got, sizeof got);
		str_member(r, "verdict", v, sizeof v);
		if (strcmp(got, id) != 0)
			order_ok = 0;
		if (strcmp(v, i % 2 ? "phi" : "clean") != 0)
			verdict_ok = 0;
		free(r);
	}
	T_OK(order_ok, "40 pipelined requests: replies in request order");
	T_OK(verdict_ok, "... each with its own verdict");
	phiscan_close(c);
}

static void test_malformed(void)
{
	static const struct { const char *name, *line, *id; } rows[] = {
		{ "truncated object gets an error with id null", "{", "null" },
		{ "a trailing comma is an error, id kept", "{\"id\":\"a\",}", "\"a\"" },
		{ "an array is not a request", "[1,2]", "null" },
		{ "two strings without a comma", "{\"id\":\"b\",\"text\":\"x\" \"y\"}", "\"b\"" },
		{ "a raw control character in a string", "{\"id\":\"c\",\"text\":\"a\001b\"}", "\"c\"" },
		{ "a bad escape", "{\"id\":\"d\",\"text\":\"\\q\"}", "\"d\"" },
		{ "recipients that are not an array", "{\"id\":\"e\",\"recipients\":\"x@y\",\"text\":\"t\"}", "\"e\"" },
		{ "attachment data that is not base64", "{\"id\":\"f\",\"attachments\":[{\"data\":\"a*b\"}]}", "\"f\"" },
		{ "an unknown op", "{\"id\":\"g\",\"op\":\"drop\"}", "\"g\"" },
		{ "an unknown channel", "{\"id\":\"h\",\"channel\":\"fax\",\"text\":\"t\"}", "\"h\"" },
		{ "nothing to scan", "{\"id\":\"i\"}", "\"i\"" },
		{ "two values on one line", "{\"id\":\"j\",\"text\":\"t\"} {}", "\"j\"" },
		{ "not JSON at all", "hello there", "null" },
		{ "nesting past the cap", "{\"id\":\"k\",\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}", "\"k\"" },
	};
	struct phiscan *c = open_client();
	size_t i;

	if (!c)
		return;
	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		char *r = call(c, rows[i].line), want[64], err[128];
		const char *idp;
		size_t idl;

		snprintf(want, sizeof want, "%s", rows[i].id);
		T_OK(r && phiscan_reply_str(r, "error", err, sizeof err) == 0 && err[0] &&
		     phiscan_reply_raw(r, "id", &idp, &idl) == 0 && idl == strlen(want) &&
		     memcmp(idp, want, idl) == 0, rows[i].name);
		if (r && !(phiscan_reply_str(r, "error", err, sizeof err) == 0))
			printf("#   reply %s\n", r);
		free(r);
	}
	{
		char *r = scan(c, "after", "bob@outside.test", CLEAN_TEXT), v[32];
		str_member(r, "verdict", v, sizeof v);
		T_EQ_STR(v, "clean", "after malformed requests the connection still answers");
		free(r);
	}
	phiscan_close(c);
}

static void test_oversize(void)
{
	struct phiscan *c = open_client();
	size_t n = 10u * 1024 * 1024, i;
	char *big, *r, err[128], v[32];

	if (!c)
		return;
	big = malloc(n + 64);
	if (!big)
		return;
	i = (size_t)snprintf(big, 64, "{\"id\":\"big\",\"text\":\"");
	memset(big + i, 'a', n - i - 3);
	memcpy(big + n - 3, "\"}\n", 3);
	r = call(c, big);
	free(big);
	T_OK(r && phiscan_reply_str(r, "error", err, sizeof err) == 0 && strstr(err, "too large"),
	     "a 10 MB request over scan_max_request gets a 'too large' error");
	str_member(r, "id", v, sizeof v);
	T_EQ_STR(v, "big", "... carrying the id read from its start");
	free(r);
	r = scan(c, "next", "bob@outside.test", PHI_TEXT);
	str_member(r, "verdict", v, sizeof v);
	T_EQ_STR(v, "phi", "... and the next request on that connection is answered");
	free(r);
	phiscan_close(c);
}

static int raw_connect(void)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", sock_path);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static void test_disconnect(void)
{
	int fd = raw_connect(), i;
	struct phiscan *c;
	char *r, v[32];
	static const char part[] = "{\"id\":\"half\",\"text\":\"Patient John Sm";

	T_OK(fd >= 0, "raw client connects");
	if (fd >= 0) {
		(void)!write(fd, part, sizeof part - 1);
		usleep(100000);
		close(fd);
	}
	for (i = 0; i < 50 && scan_socket_connections() > 0; i++)
		usleep(20000);
	T_EQ_INT(scan_socket_connections(), 0, "a client gone mid-request leaves no connection behind");
	c = open_client();
	r = c ? scan(c, "later", "bob@outside.test", CLEAN_TEXT) : NULL;
	str_member(r, "verdict", v, sizeof v);
	T_EQ_STR(v, "clean", "... and the socket still serves new clients");
	free(r);
	phiscan_close(c);
}

struct worker {
	int no, ok;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct phiscan *c = open_client();
	int k;

	w->ok = c != NULL;
	for (k = 0; c && k < 5; k++) {
		char id[32], got[32], v[32];
		int phi = (w->no + k) % 2;
		char *r;

		snprintf(id, sizeof id, "w%d-%d", w->no, k);
		r = scan(c, id, phi ? "bob@outside.test" : "carol@example.org", phi ? PHI_TEXT : CLEAN_TEXT);
		str_member(r, "id", got, sizeof got);
		str_member(r, "verdict", v, sizeof v);
		if (strcmp(got, id) != 0 || strcmp(v, phi ? "phi" : "clean") != 0 ||
		    phiscan_reply_bool(r, "deliver") != !phi)
			w->ok = 0;
		free(r);
	}
	phiscan_close(c);
	return NULL;
}

static void test_concurrent(void)
{
	pthread_t t[50];
	struct worker w[50];
	int i, all = 1;

	for (i = 0; i < 50; i++) {
		w[i].no = i;
		w[i].ok = 0;
		pthread_create(&t[i], NULL, worker_main, &w[i]);
	}
	for (i = 0; i < 50; i++) {
		pthread_join(t[i], NULL);
		all &= w[i].ok;
	}
	T_OK(all, "50 concurrent clients, 5 requests each: every reply correct");
}

static void *slow_main(void *arg)
{
	char **out = arg;
	struct phiscan *c = open_client();

	*out = c ? scan(c, "slow", "bob@outside.test", CLEAN_TEXT " " SCAN_REQUEST_TEST_DELAY_MARK) : NULL;
	phiscan_close(c);
	return NULL;
}

static void test_max_scans_and_monitor(void)
{
	struct conf *c = load("max_scans = 1\nmode = monitor\n");
	pthread_t t;
	char *slow = NULL, *r, v[32];
	struct phiscan *cl;

	if (!T_OK(c, "monitor config with max_scans = 1 loads"))
		return;
	conf_set_current(c);
	/* Monitor: decided and logged, delivered anyway. */
	cl = open_client();
	r = cl ? scan(cl, "m1", "bob@outside.test", PHI_TEXT) : NULL;
	T_EQ_INT(phiscan_reply_bool(r, "deliver"), 1, "monitor mode delivers a phi message to outside");
	str_member(r, "would", v, sizeof v);
	T_EQ_STR(v, "reject", "... and says enforce would reject");
	free(r);
	/* A slow scan holds the one slot: a second scan gets on_error. */
	scan_request_set_test_delay(800);
	pthread_create(&t, NULL, slow_main, &slow);
	usleep(300000);
	r = cl ? scan(cl, "m2", "bob@outside.test", CLEAN_TEXT) : NULL;
	str_member(r, "action", v, sizeof v);
	T_EQ_STR(v, "tempfail", "past max_scans a request gets on_error (tempfail)");
	T_EQ_INT(phiscan_reply_bool(r, "deliver"), 0, "... and is held back");
	free(r);
	pthread_join(t, NULL);
	str_member(slow, "verdict", v, sizeof v);
	T_EQ_STR(v, "clean", "... while the slow scan still finishes");
	free(slow);
	scan_request_set_test_delay(0);
	phiscan_close(cl);
}

/* Request bytes of all connections stay under max_inflight_bytes. */
static void test_inflight(void)
{
	struct conf *c = load("max_inflight_bytes = 1m\nscan_max_request = 8m\n");
	struct phiscan *cl;
	size_t n = 3u * 1024 * 1024, i;
	char *big, *r, err[160], v[32];

	if (!T_OK(c, "config with max_inflight_bytes = 1m loads"))
		return;
	conf_set_current(c);
	cl = open_client();
	big = malloc(n + 64);
	if (!cl || !big) {
		free(big);
		phiscan_close(cl);
		return;
	}
	i = (size_t)snprintf(big, 64, "{\"id\":\"huge\",\"text\":\"");
	memset(big + i, 'a', n - i - 3);
	memcpy(big + n - 3, "\"}\n", 3);
	r = call(cl, big);
	free(big);
	T_OK(r && phiscan_reply_str(r, "error", err, sizeof err) == 0 && strstr(err, "busy"),
	     "a request that would pass max_inflight_bytes is answered busy");
	str_member(r, "id", v, sizeof v);
	T_EQ_STR(v, "huge", "... with its id");
	free(r);
	r = scan(cl, "small", "bob@outside.test", CLEAN_TEXT);
	str_member(r, "verdict", v, sizeof v);
	T_EQ_STR(v, "clean", "... and a small request after it is answered");
	free(r);
	phiscan_close(cl);
}

static int file_has(const char *path, const char *needle)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	int hit = 0;

	while (f && fgets(line, sizeof line, f))
		if (strstr(line, needle))
			hit = 1;
	if (f)
		fclose(f);
	return hit;
}

/* A chat decision by a notify_officer rule mails the privacy officer, as
 * mail does; the notice names the incident and rule, never the text. */
static void test_officer(void)
{
	char path[160], mbox[160], extra[600], inc[64];
	struct phiscan *cl;
	struct conf *c;
	FILE *f;
	char *r;

	snprintf(path, sizeof path, "%s/officer.rules", dir);
	snprintf(mbox, sizeof mbox, "%s/officer.mbox", dir);
	if (!(f = fopen(path, "w")))
		return;
	fputs("rule chat.officer\n    dest = external\n    verdict = phi\n    action = reject\n"
	      "    notify_officer = yes\n    description = \"Patient information may not leave by chat\"\n"
	      "rule rest\n    action = accept\n", f);
	fclose(f);
	snprintf(extra, sizeof extra, "privacy_officer = privacy@example.org\npolicy_file = officer.rules\n"
	         "submission = cat >> %s; true\n", mbox);
	c = load(extra);
	if (!T_OK(c, "officer: config with a notify_officer rule loads"))
		return;
	conf_set_current(c);
	cl = open_client();
	r = cl ? scan(cl, "o1", "bob@outside.test", PHI_TEXT) : NULL;
	str_member(r, "incident", inc, sizeof inc);
	T_EQ_INT(phiscan_reply_bool(r, "deliver"), 0, "officer: the rule refuses the chat message");
	T_OK(strncmp(inc, "PHI-", 4) == 0 && file_has(mbox, inc), "officer: the notice names the incident");
	T_OK(file_has(mbox, "To: <privacy@example.org>") || file_has(mbox, "privacy@example.org"),
	     "officer: the notice goes to privacy_officer");
	T_OK(file_has(mbox, "chat.officer"), "officer: the notice names the rule");
	T_OK(!file_has(mbox, "4821937") && !file_has(mbox, "Smith") && !file_has(mbox, "diabetes") &&
	     !file_has(mbox, "bob@"),
	     "officer: no matched text and no recipient's local part in the notice");
	free(r);
	r = cl ? scan(cl, "o2", "carol@example.org", PHI_TEXT) : NULL;
	T_EQ_INT(phiscan_reply_bool(r, "deliver"), 1, "officer: another rule decides inside");
	free(r);
	phiscan_close(cl);
	unlink(path);
	unlink(mbox);
}

static void test_b64(void)
{
	unsigned char b[32];
	size_t n = 0;

	memcpy(b, "aGVs\r\nbG8=", 10);
	T_OK(scan_request_b64(b, 10, &n) == 0 && n == 5 && memcmp(b, "hello", 5) == 0,
	     "base64 with a line break decodes");
	memcpy(b, "aGVsbG8=x", 9);
	T_OK(scan_request_b64(b, 9, &n) != 0, "base64 with data after padding is refused");
	memcpy(b, "a", 1);
	T_OK(scan_request_b64(b, 1, &n) != 0, "base64 of one character is refused");
}

/* Two recipients, one inside and one outside: one reply, a decision each. */
static void test_per_recipient(void)
{
	struct phiscan *c = open_client();
	const char *rc[2] = { "carol@example.org", "bob@outside.test" };
	char *req = NULL, *r, v[64];
	size_t len;

	if (!T_OK(c, "per recipient: client connects"))
		return;
	phiscan_request_json("pr", "chat", "alice@example.org", rc, 2, (const unsigned char *)PHI_TEXT,
	                     strlen(PHI_TEXT), NULL, 0, &req, &len);
	r = call(c, req);
	free(req);
	T_EQ_INT(phiscan_reply_bool(r, "deliver"), 0, "per recipient: an outside recipient stops the message");
	T_OK(r && strstr(r, "\"recipients\":[{\"class\":\"internal\",\"action\":\"tag\",\"deliver\":true},"
	                  "{\"class\":\"external\",\"action\":\"reject\",\"deliver\":false}]"),
	     "per recipient: internal tagged and delivered, external rejected, in request order");
	str_member(r, "rule", v, sizeof v);
	T_EQ_STR(v, "default.external.phi", "per recipient: the reply names the deciding rule");
	free(r);
	phiscan_close(c);
}

static int log_has(const char *needle)
{
	FILE *f = fopen(logfile, "r");
	char line[2048];
	int hit = 0;

	while (f && fgets(line, sizeof line, f))
		if (strstr(line, needle))
			hit = 1;
	if (f)
		fclose(f);
	return hit;
}

int main(void)
{
	struct conf *c;
	char err[256];
	struct stat st;
	int saved = dup(2);

	snprintf(dir, sizeof dir, "/tmp/t_scan_socket.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	snprintf(sock_path, sizeof sock_path, "%s/scan.sock", dir);
	snprintf(addr, sizeof addr, "unix:%s", sock_path);
	snprintf(logfile, sizeof logfile, "%s/log", dir);
	/* The daemon's log lines go to a file, checked for PHI at the end. */
	if (!freopen(logfile, "w", stderr))
		return 1;
	log_open(LOG_MAIL, 1);
	log_set_level(LOG_DEBUG);
	/* 50 concurrent clients must all be scanned: the default max_scans (32)
	 * would answer some of them with on_error when the machine is slow and
	 * their scans overlap. */
	snprintf(auditfile, sizeof auditfile, "%s/audit.log", dir);
	{
		char extra[256];

		snprintf(extra, sizeof extra, "max_scans = 64\naudit_log = %s\n", auditfile);
		c = load(extra);
	}
	if (!T_OK(c, "test config loads"))
		return tap_done();
	conf_set_current(c);
	T_EQ_INT(scan_socket_open(addr, "", err, sizeof err), 0, "scan socket opens");
	T_EQ_INT(scan_socket_start(err, sizeof err), 0, "scan socket starts");
	test_b64();
	test_decisions();
	test_per_recipient();
	test_pipelined();
	test_malformed();
	test_oversize();
	test_disconnect();
	test_concurrent();
	test_max_scans_and_monitor();
	test_inflight();
	test_officer();
	scan_socket_stop(10);
	T_OK(stat(sock_path, &st) != 0, "stop removes the socket file");
	T_EQ_INT(scan_socket_connections(), 0, "stop leaves no connection open");
	conf_set_current(NULL);
	fflush(stderr);
	T_OK(log_has("channel=chat"), "decisions are logged with channel=chat");
	T_OK(!log_has("4821937") && !log_has("Smith") && !log_has("diabetes") && !log_has("alice") &&
	     !log_has("outside.test\" ") && !log_has("bob@"),
	     "the log holds no PHI, no addresses' local parts");
	T_OK(file_has(auditfile, "\"kind\":\"decision\",\"channel\":\"chat\""),
	     "each gateway decision is in the audit log with its channel");
	T_OK(file_has(auditfile, "\"rule\":\"default.external.phi\"") &&
	     file_has(auditfile, "\"recipients\":{\"internal\":1,\"external\":1}"),
	     "the audit record names the rule and counts recipients per class");
	T_OK(!file_has(auditfile, "4821937") && !file_has(auditfile, "Smith") && !file_has(auditfile, "diabetes") &&
	     !file_has(auditfile, "alice") && !file_has(auditfile, "bob@") && !file_has(auditfile, "carol"),
	     "the audit log holds no PHI, no addresses' local parts");
	if (saved >= 0)
		dup2(saved, 2);
	unlink(logfile);
	unlink(auditfile);
	{
		char p[160];
		snprintf(p, sizeof p, "%s/phi.conf", dir);
		unlink(p);
	}
	rmdir(dir);
	return tap_done();
}
