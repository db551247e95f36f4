/*
 * bench_scan.c - scan-engine throughput, no MTA.
 *
 *   bench_scan gen DIR MB        write ordinary.eml, phi.eml, attach.eml
 *                                (each about MB megabytes of messages)
 *   bench_scan run FILE THREADS [REPS]
 *                                scan every message of FILE (messages are
 *                                separated by a line "\x01\x01MSG\n")
 *                                with THREADS threads, REPS times; print the
 *                                medians: wall MB/s, msgs, flagged, seconds
 *                                of the last run, MB per CPU-second
 *   bench_scan msg KIND FILE     one message for the MTA bench (mta.sh):
 *                                KIND 4k, 64k (clean text) or pdf (~500 KB
 *                                PDF attachment)
 *   bench_scan dump FILE...      verdict, findings and a hash of the decoded
 *                                text of each file (before/after checks)
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
#include <zlib.h>
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

/* The messages of the MTA bench (tests/bench/mta.sh): clean business text
 * (no identifier-shaped numbers, so every variant accepts them), from the
 * internal domain to an external one. KIND 4k and 64k: text/plain of about
 * that size; pdf: a short note and a ~500 KB PDF attachment (four pages of
 * Flate-compressed text plus a scanned-image XObject, as office PDFs are). */
static void text_body(FILE *f, long size)
{
	long start = ftell(f);
	int i;

	while (ftell(f) - start < size) {
		for (i = 0; i < 12; i++)
			fprintf(f, "%s%s", words[rnd(NW)], i == 11 ? ".\r\n" : " ");
	}
}

static void pdf_attachment(FILE *f)
{
	static unsigned char pdf[700000], img[460000];
	unsigned char text[16000], z[20000];
	long off[16];
	size_t n = 0, tl, i;
	uLongf zl;
	int pg, obj = 0;

#define PUT(...) (n += (size_t)snprintf((char *)pdf + n, sizeof pdf - n, __VA_ARGS__))
	PUT("%%PDF-1.4\n%%\xe2\xe3\xcf\xd3\n");
	off[++obj] = (long)n; PUT("1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
	off[++obj] = (long)n; PUT("2 0 obj\n<< /Type /Pages /Count 4 /Kids [4 0 R 6 0 R 8 0 R 10 0 R] >>\nendobj\n");
	off[++obj] = (long)n; PUT("3 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>\nendobj\n");
	for (pg = 0; pg < 4; pg++) {
		tl = (size_t)snprintf((char *)text, sizeof text, "BT /F1 11 Tf 72 720 Td 14 TL\n");
		while (tl < 3000)
			tl += (size_t)snprintf((char *)text + tl, sizeof text - tl, "(%s %s %s %s %s) '\n",
			                       words[rnd(NW)], words[rnd(NW)], words[rnd(NW)], words[rnd(NW)],
			                       words[rnd(NW)]);
		tl += (size_t)snprintf((char *)text + tl, sizeof text - tl, "ET\n%s", pg == 0 ? "q 400 0 0 300 100 100 cm /Im1 Do Q\n" : "");
		zl = sizeof z;
		compress2(z, &zl, text, (uLong)tl, 6);
		off[++obj] = (long)n;
		PUT("%d 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
		    "/Resources << /Font << /F1 3 0 R >> /XObject << /Im1 12 0 R >> >> >>\nendobj\n", obj, obj + 1);
		off[++obj] = (long)n;
		PUT("%d 0 obj\n<< /Length %lu /Filter /FlateDecode >>\nstream\n", obj, (unsigned long)zl);
		memcpy(pdf + n, z, zl);
		n += zl;
		PUT("\nendstream\nendobj\n");
	}
	for (i = 0; i < sizeof img; i++)
		img[i] = (unsigned char)rnd(256);
	img[0] = 0xFF, img[1] = 0xD8;
	off[++obj] = (long)n;
	PUT("%d 0 obj\n<< /Type /XObject /Subtype /Image /Width 1200 /Height 900 /ColorSpace /DeviceRGB "
	    "/BitsPerComponent 8 /Filter /DCTDecode /Length %lu >>\nstream\n", obj, (unsigned long)sizeof img);
	memcpy(pdf + n, img, sizeof img);
	n += sizeof img;
	PUT("\nendstream\nendobj\n");
	{
		size_t xref = n;
		int k;
		PUT("xref\n0 %d\n0000000000 65535 f \n", obj + 1);
		for (k = 1; k <= obj; k++)
			PUT("%010ld 00000 n \n", off[k]);
		PUT("trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%lu\n%%%%EOF\n", obj + 1, (unsigned long)xref);
	}
#undef PUT
	b64(f, pdf, n);
}

static int mkmsg(const char *kind, const char *file)
{
	FILE *f = fopen(file, "wb");

	if (!f)
		return perror(file), 1;
	fprintf(f, "From: Staff Member <staff@example.org>\r\nTo: Vendor Desk <desk@supplier.example.com>\r\n"
	           "Subject: Quarterly project update\r\nMessage-ID: <bench-%s@example.org>\r\n"
	           "Date: Tue, 01 Dec 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n", kind);
	if (strcmp(kind, "pdf") == 0) {
		fputs("Content-Type: multipart/mixed; boundary=\"bench-b1\"\r\n\r\n--bench-b1\r\n"
		      "Content-Type: text/plain; charset=utf-8\r\n\r\n", f);
		text_body(f, 1500);
		fputs("--bench-b1\r\nContent-Type: application/pdf\r\n"
		      "Content-Disposition: attachment; filename=\"quarterly-update.pdf\"\r\n"
		      "Content-Transfer-Encoding: base64\r\n\r\n", f);
		pdf_attachment(f);
		fputs("--bench-b1--\r\n", f);
	} else {
		fputs("Content-Type: text/plain; charset=utf-8\r\n\r\n", f);
		text_body(f, strcmp(kind, "64k") == 0 ? 64 * 1024 - 400 : 4 * 1024 - 400);
	}
	fputs("-- bench end of message --\r\n", f);
	return fclose(f) != 0;
}

struct msg {
	const unsigned char *p;
	size_t len;
};

struct job {
	const struct phi_engine *e;
	const struct msg *m;
	size_t nm;
	int stride, first;
	size_t bytes, msgs, flagged;
	double cpu;
};

static double cpu_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void *worker(void *arg)
{
	struct job *j = arg;
	double c0 = cpu_now();
	size_t i;

	for (i = (size_t)j->first; i < j->nm; i += (size_t)j->stride) {
		struct phi_scan *s = phi_scan_new(j->e, NULL, NULL, NULL);
		if (s) {
			phi_scan_message(s, j->m[i].p, j->m[i].len);
			j->flagged += phi_scan_verdict(s) != PHI_VERDICT_CLEAN;
			phi_scan_free(s);
		}
		j->bytes += j->m[i].len;
		j->msgs++;
	}
	j->cpu = cpu_now() - c0;
	return NULL;
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Messages are indexed before the clock starts, so the timing is the
 * engine's alone (not the search for separators). Threads take every
 * THREADS-th message. Prints the median over REPS runs:
 *   wall-MB/s msgs flagged wall-s cpu-MB/s-per-core */
static int run(const char *file, int threads, int reps)
{
	FILE *f = fopen(file, "rb");
	struct phi_engine_opts o;
	struct phi_engine *e;
	struct job jobs[16];
	pthread_t tid[16];
	unsigned char *buf, *p, *end, *q;
	struct msg *m = NULL;
	size_t nm = 0, capm = 0;
	long len;
	char err[512];
	double wall[32], percore[32], secs = 0;
	size_t bytes = 0, msgs = 0, flagged = 0;
	int i, r;

	if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		return perror(file), 1;
	buf = malloc((size_t)len + 1);
	if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len)
		return perror(file), 1;
	fclose(f);
	for (p = buf, end = buf + len; p < end; p = q + (q < end ? sizeof SEP - 1 : 0)) {
		q = memmem(p, (size_t)(end - p), SEP, sizeof SEP - 1);
		if (!q)
			q = end;
		if (nm == capm) {
			capm = capm ? capm * 2 : 4096;
			if (!(m = realloc(m, capm * sizeof *m)))
				return perror("realloc"), 1;
		}
		m[nm].p = p;
		m[nm++].len = (size_t)(q - p);
	}
	/* BENCH_TERMS_DIR: the shipped health-term lists (conf/terms), as the
	 * daemon loads them with its default configuration. */
	memset(&o, 0, sizeof o);
	o.terms_dir = getenv("BENCH_TERMS_DIR");
	if (phi_engine_new(&o, &e, err, sizeof err) != 0)
		return fprintf(stderr, "%s\n", err), 1;
	if (threads < 1 || threads > 16)
		threads = 1;
	if (reps < 1 || reps > 32)
		reps = 1;
	for (r = 0; r < reps; r++) {
		struct timespec a, b;
		double cpu = 0;

		bytes = msgs = flagged = 0;
		clock_gettime(CLOCK_MONOTONIC, &a);
		for (i = 0; i < threads; i++) {
			jobs[i] = (struct job){ e, m, nm, threads, i, 0, 0, 0, 0 };
			pthread_create(&tid[i], NULL, worker, &jobs[i]);
		}
		for (i = 0; i < threads; i++) {
			pthread_join(tid[i], NULL);
			bytes += jobs[i].bytes;
			msgs += jobs[i].msgs;
			flagged += jobs[i].flagged;
			cpu += jobs[i].cpu;
		}
		clock_gettime(CLOCK_MONOTONIC, &b);
		secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
		wall[r] = (double)bytes / 1e6 / secs;
		percore[r] = (double)bytes / 1e6 / cpu;
	}
	qsort(wall, (size_t)reps, sizeof wall[0], cmp_dbl);
	qsort(percore, (size_t)reps, sizeof percore[0], cmp_dbl);
	printf("%.1f %zu %zu %.3f %.1f\n", wall[reps / 2], msgs, flagged, secs, percore[reps / 2]);
	phi_engine_free(e);
	free(m);
	free(buf);
	return 0;
}

/* dump FILE...: what the engine made of each file (verdict, findings, a
 * hash of every decoded segment), to check that an optimisation changed
 * nothing: run it with the library before and after, diff the outputs. */
static int dump(int argc, char **argv)
{
	struct phi_engine_opts o;
	struct phi_engine *e;
	char err[512];
	int i;

	memset(&o, 0, sizeof o);
	o.terms_dir = getenv("BENCH_TERMS_DIR");
	if (phi_engine_new(&o, &e, err, sizeof err) != 0)
		return fprintf(stderr, "%s\n", err), 1;
	for (i = 0; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		unsigned char *buf;
		long len;
		struct phi_scan *s;
		const struct phi_doc *d;
		size_t k, j;
		unsigned long long h = 0xcbf29ce484222325ull;

		if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
			return perror(argv[i]), 1;
		buf = malloc((size_t)len + 1);
		if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len)
			return perror(argv[i]), 1;
		fclose(f);
		s = phi_scan_new(e, NULL, NULL, NULL);
		if (!s)
			return 1;
		printf("%s rc=%d verdict=%s score=%.3f findings=%zu\n", argv[i], phi_scan_message(s, buf, (size_t)len),
		       phi_verdict_name(phi_scan_verdict(s)), phi_scan_score(s), phi_scan_nfindings(s));
		for (k = 0; k < phi_scan_nfindings(s); k++) {
			const struct phi_finding *x = phi_scan_finding(s, k);
			printf("  %s %s part=%s off=%zu len=%zu hc=%d why=%s\n", phi_type_name(x->type),
			       phi_confidence_name(x->confidence), x->part, x->offset, x->length, x->health_context,
			       x->why);
		}
		d = phi_scan_doc(s);
		for (k = 0; k < phi_doc_nsegments(d); k++) {
			const struct phi_segment *g = phi_doc_segment(d, k);
			for (j = 0; j < g->len; j++)
				h = (h ^ g->text[j]) * 0x100000001b3ull;
			h = (h ^ (unsigned long long)g->part_offset) * 0x100000001b3ull;
		}
		printf("  parts=%zu segments=%zu texthash=%016llx\n", phi_doc_nparts(d), phi_doc_nsegments(d), h);
		phi_scan_free(s);
		free(buf);
	}
	phi_engine_free(e);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "gen") == 0)
		return gen(argv[2], atoi(argv[3]));
	if (argc >= 3 && strcmp(argv[1], "dump") == 0)
		return dump(argc - 2, argv + 2);
	if (argc == 4 && strcmp(argv[1], "msg") == 0)
		return mkmsg(argv[2], argv[3]);
	if ((argc == 4 || argc == 5) && strcmp(argv[1], "run") == 0)
		return run(argv[2], atoi(argv[3]), argc == 5 ? atoi(argv[4]) : 1);
	fputs("usage: bench_scan gen DIR MB | msg 4k|64k|pdf FILE | run FILE THREADS [REPS] | dump FILE...\n", stderr);
	return 2;
}
