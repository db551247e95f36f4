/*
 * bench_scan.c - scan-engine throughput, no MTA.
 *
 *   bench_scan gen DIR MB        write ordinary.eml, phi.eml, attach.eml
 *                                (each about MB megabytes of messages)
 *   bench_scan run FILE THREADS  scan every message of FILE (messages are
 *                                separated by a line "\x01\x01MSG\n")
 *                                with THREADS threads, print MB/s
 *
 * The generator is deterministic (fixed seed) and invents every value:
 * ordinary mail carries the look-alikes that trip keyword filters (order
 * and tracking numbers, phone numbers in signatures, meeting dates);
 * PHI-dense mail carries synthetic patients; attachment-heavy mail carries
 * base64 ZIP and PDF parts.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "phi/engine.h"

#define SEP "\x01\x01MSG\n"

static unsigned long long rng = 0x9E3779B97F4A7C15ull;
static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static const char *const words[] = {
	"the", "meeting", "project", "budget", "schedule", "please", "review", "attached", "report",
	"quarterly", "team", "update", "thanks", "regards", "customer", "order", "delivery", "invoice",
	"contract", "draft", "proposal", "agenda", "minutes", "follow", "up", "next", "week", "office",
	"policy", "training", "deadline", "approval", "vendor", "shipment", "status", "call", "room",
};
#define NW (sizeof words / sizeof words[0])

static void para(FILE *f, int n)
{
	int i;
	for (i = 0; i < n; i++)
		fprintf(f, "%s%s", words[rnd(NW)], (i % 12 == 11) ? ".\r\n" : " ");
	fputs("\r\n", f);
}

static void ordinary(FILE *f, int k)
{
	fprintf(f, "From: staff%d@clinic.example.org\r\nTo: vendor%d@supplier.example.com\r\n"
	           "Subject: Order %u status\r\nMessage-ID: <%d.bench@clinic.example.org>\r\n"
	           "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n", k, k,
	        100000000u + rnd(800000000u), k);
	para(f, 120);
	fprintf(f, "Order number %u-%u, tracking 1Z%06u%08u, invoice INV-%u.\r\n", rnd(900) + 100,
	        rnd(900000) + 100000, rnd(999999), rnd(99999999), rnd(99999));
	fprintf(f, "The meeting is on %u/%u/2026 at 10:00 in room %u.\r\n", rnd(12) + 1, rnd(28) + 1, rnd(500));
	para(f, 200);
	fprintf(f, "--\r\nAlex Smith, Facilities\r\nPhone (617) 555-%04u  Fax (617) 555-%04u\r\n"
	           "1 Main Street, Boston, MA 02110\r\n", 200 + rnd(7000), 200 + rnd(7000));
}

static void phi(FILE *f, int k)
{
	fprintf(f, "From: nurse%d@clinic.example.org\r\nTo: dr%d@partner.example.net\r\n"
	           "Subject: Follow-up for patient\r\nMIME-Version: 1.0\r\n"
	           "Content-Type: text/plain; charset=utf-8\r\n\r\n", k, k);
	fprintf(f, "Patient: Jane Roe%d, DOB %02u/%02u/19%02u, MRN %07u.\r\n", k, rnd(12) + 1, rnd(28) + 1,
	        rnd(60) + 30, rnd(9999999));
	fprintf(f, "SSN %03u-%02u-%04u. Diagnosis: type 2 diabetes mellitus, hypertension.\r\n",
	        rnd(600) + 100, rnd(98) + 1, rnd(9998) + 1);
	para(f, 80);
	fprintf(f, "Medications: metformin 500 mg, lisinopril 10 mg. HbA1c 8.%u%%.\r\n", rnd(9));
	para(f, 80);
}

static void b64(FILE *f, const unsigned char *p, size_t n)
{
	static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, col = 0;
	for (i = 0; i + 2 < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
		fputc(t[v >> 18 & 63], f); fputc(t[v >> 12 & 63], f); fputc(t[v >> 6 & 63], f); fputc(t[v & 63], f);
		if ((col += 4) >= 76) { fputs("\r\n", f); col = 0; }
	}
	fputs("\r\n", f);
}

static void attach(FILE *f, int k)
{
	unsigned char pdf[24000];
	size_t n = 0, i;
	n += (size_t)snprintf((char *)pdf, sizeof pdf, "%%PDF-1.4\n1 0 obj\n<< /Length 20000 >>\nstream\nBT ");
	for (i = 0; n < 20000; i++)
		n += (size_t)snprintf((char *)pdf + n, sizeof pdf - n, "(%s %s) Tj ", words[rnd(NW)], words[rnd(NW)]);
	n += (size_t)snprintf((char *)pdf + n, sizeof pdf - n, "ET\nendstream\nendobj\ntrailer\n<<>>\n%%%%EOF\n");
	fprintf(f, "From: staff%d@clinic.example.org\r\nTo: vendor@supplier.example.com\r\nSubject: Documents\r\n"
	           "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n--b%d\r\n"
	           "Content-Type: text/plain\r\n\r\n", k, k, k);
	para(f, 60);
	fprintf(f, "--b%d\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"report%d.pdf\"\r\n"
	           "Content-Transfer-Encoding: base64\r\n\r\n", k, k);
	b64(f, pdf, n);
	fprintf(f, "--b%d--\r\n", k);
}

static int gen(const char *dir, int mb)
{
	static void (*const fn[3])(FILE *, int) = { ordinary, phi, attach };
	static const char *const name[3] = { "ordinary.eml", "phi.eml", "attach.eml" };
	char path[4096];
	int i, k;

	for (i = 0; i < 3; i++) {
		FILE *f;
		snprintf(path, sizeof path, "%s/%s", dir, name[i]);
		if (!(f = fopen(path, "wb")))
			return perror(path), 1;
		for (k = 0; ftell(f) < (long)mb * 1000000L; k++) {
			fn[i](f, k);
			fputs(SEP, f);
		}
		fclose(f);
	}
	return 0;
}

struct job {
	const struct phi_engine *e;
	unsigned char *buf;
	size_t len;
	int stride, first;
	size_t bytes, msgs, flagged;
};

static void *worker(void *arg)
{
	struct job *j = arg;
	unsigned char *p = j->buf, *end = j->buf + j->len, *q;
	int idx = 0;

	while (p < end) {
		q = memmem(p, (size_t)(end - p), SEP, sizeof SEP - 1);
		if (!q)
			q = end;
		if (idx++ % j->stride == j->first) {
			struct phi_scan *s = phi_scan_new(j->e, NULL, NULL, NULL);
			if (s) {
				phi_scan_message(s, p, (size_t)(q - p));
				j->flagged += phi_scan_verdict(s) != PHI_VERDICT_CLEAN;
				phi_scan_free(s);
			}
			j->bytes += (size_t)(q - p);
			j->msgs++;
		}
		p = q + (q < end ? sizeof SEP - 1 : 0);
	}
	return NULL;
}

static int run(const char *file, int threads)
{
	FILE *f = fopen(file, "rb");
	struct phi_engine *e;
	struct job jobs[16];
	pthread_t tid[16];
	unsigned char *buf;
	long len;
	char err[512];
	struct timespec a, b;
	double secs;
	size_t bytes = 0, msgs = 0, flagged = 0;
	int i;

	if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		return perror(file), 1;
	buf = malloc((size_t)len + 1);
	if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len)
		return perror(file), 1;
	fclose(f);
	if (phi_engine_new(NULL, &e, err, sizeof err) != 0)
		return fprintf(stderr, "%s\n", err), 1;
	if (threads < 1 || threads > 16)
		threads = 1;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < threads; i++) {
		jobs[i] = (struct job){ e, buf, (size_t)len, threads, i, 0, 0, 0 };
		pthread_create(&tid[i], NULL, worker, &jobs[i]);
	}
	for (i = 0; i < threads; i++) {
		pthread_join(tid[i], NULL);
		bytes += jobs[i].bytes;
		msgs += jobs[i].msgs;
		flagged += jobs[i].flagged;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	printf("%.1f %zu %zu %.3f\n", (double)bytes / 1e6 / secs, msgs, flagged, secs);
	phi_engine_free(e);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "gen") == 0)
		return gen(argv[2], atoi(argv[3]));
	if (argc == 4 && strcmp(argv[1], "run") == 0)
		return run(argv[2], atoi(argv[3]));
	fputs("usage: bench_scan gen DIR MB | run FILE THREADS\n", stderr);
	return 2;
}
