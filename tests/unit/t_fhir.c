/*
 * t_fhir.c - FHIR extractor: Patient demographics as named fields from a
 * JSON Bundle (nested Bundle, contained resources, RelatedPerson), NDJSON,
 * a resource pasted in text and FHIR XML; clinical text as PHI_F_CLINICAL;
 * hostile input ends. Synthetic patients; values compared, never printed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "scanfix.h"
#include "scan.h"
#include "extract/extract.h"

static struct phi_scan *run(const char *msg)
{
	size_t n = strlen(msg);
	struct phi_scan *s = phi_scan_new(NULL, NULL, NULL, NULL);
	int part = doc_add_part(&s->doc, -1, "application/fhir+json", NULL, PHI_FMT_BINARY, n, 0);
	int rc = x_fhir_extract(&s->doc, part, (const unsigned char *)msg, n);
	T_EQ_INT(rc, PHI_OK, "extract returns ok");
	return s;
}


static int has_sub(const struct phi_scan *s, enum phi_field f, const char *want)
{
	size_t i;

	for (i = 0; i < s->doc.nsegs; i++) {
		const struct phi_segment *g = &s->doc.segs[i];
		if (g->field == f && memmem(g->text, g->len, want, strlen(want)))
			return 1;
	}
	return 0;
}

static const char bundle[] =
	"{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
	" {\"fullUrl\":\"urn:uuid:1\",\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p1\","
	"  \"identifier\":[{\"type\":{\"coding\":[{\"code\":\"MR\"}]},\"value\":\"MRN-480021\"},"
	"   {\"system\":\"http://hl7.org/fhir/sid/us-ssn\",\"value\":\"999-41-2233\"}],"
	"  \"name\":[{\"use\":\"official\",\"family\":\"Quayle\",\"given\":[\"Orla\",\"Maeve\"]},{\"text\":\"Orly Q\"}],"
	"  \"telecom\":[{\"system\":\"phone\",\"value\":\"555-201-3344\"},{\"system\":\"email\",\"value\":\"orla@example.org\"}],"
	"  \"gender\":\"female\",\"birthDate\":\"1958-03-09\","
	"  \"address\":[{\"line\":[\"41 Larch St\",\"Apt 2\"],\"city\":\"Hollis\",\"state\":\"NH\",\"postalCode\":\"03049\"}],"
	"  \"contact\":[{\"name\":{\"family\":\"Quayle\",\"given\":[\"Dermot\"]},\"telecom\":[{\"system\":\"phone\",\"value\":\"555-201-9999\"}]}]}},"
	" {\"resource\":{\"resourceType\":\"Condition\",\"code\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"44054006\",\"display\":\"Diabetes mellitus type 2\"}],\"text\":\"T2DM\"},"
	"  \"subject\":{\"reference\":\"Patient/p1\",\"display\":\"Orla Quayle\"}}},"
	" {\"resource\":{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{\"resourceType\":\"RelatedPerson\",\"name\":[{\"family\":\"Quayle\",\"given\":[\"Una\"]}]}}]}},"
	" {\"resource\":{\"resourceType\":\"Observation\",\"contained\":[{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Inner\",\"given\":[\"Ida\"]}]}],"
	"  \"valueString\":\"glucose elevated\"}}"
	"]}";

static void test_bundle(void)
{
	struct phi_scan *s = run(bundle);

	T_OK(x_fhir_sniff((const unsigned char *)bundle, strlen(bundle)), "sniff json bundle");
	T_EQ_INT(s->doc.parts[0].format, PHI_FMT_FHIR, "format set to fhir");
	T_OK(seg_has(s, "Patient.name", PHI_F_PATIENT_NAME, "Orla Maeve Quayle"), "name given+family");
	T_OK(seg_has(s, "Patient.name", PHI_F_PATIENT_NAME, "Orly Q"), "name from text");
	T_OK(seg_has(s, "Patient.identifier", PHI_F_PATIENT_ID, "MRN-480021"), "MR identifier is patient id");
	T_OK(seg_has(s, "Patient.identifier", PHI_F_SSN, "999-41-2233"), "us-ssn system is ssn");
	T_OK(seg_has(s, "Patient.birthDate", PHI_F_BIRTH_DATE, "1958-03-09"), "birthDate");
	T_OK(seg_has(s, "Patient.address", PHI_F_ADDRESS, "41 Larch St Apt 2 Hollis NH 03049"), "address joined");
	T_OK(seg_has(s, "Patient.telecom", PHI_F_PHONE, "555-201-3344"), "telecom phone");
	T_OK(seg_has(s, "Patient.telecom", PHI_F_PATIENT_OTHER, "orla@example.org"), "telecom email is other");
	T_OK(seg_has(s, "Patient.gender", PHI_F_PATIENT_OTHER, "female"), "gender is other");
	T_OK(seg_has(s, "Patient.contact.name", PHI_F_RELATIVE_NAME, "Dermot Quayle"), "contact name is relative");
	T_OK(seg_has(s, "Patient.contact.telecom", PHI_F_PHONE, "555-201-9999"), "contact phone");
	T_OK(has_sub(s, PHI_F_CLINICAL, "Diabetes mellitus type 2\n"), "condition display is clinical");
	T_OK(has_sub(s, PHI_F_CLINICAL, "\nT2DM"), "code text is clinical");
	T_OK(has_sub(s, PHI_F_CLINICAL, "44054006"), "codes gathered per resource");
	T_OK(seg_has(s, "Condition.subject.display", PHI_F_PATIENT_NAME, "Orla Quayle"), "subject display is patient name");
	T_OK(seg_has(s, "RelatedPerson.name", PHI_F_RELATIVE_NAME, "Una Quayle"), "nested bundle related person");
	T_OK(seg_has(s, "Patient.name", PHI_F_PATIENT_NAME, "Ida Inner"), "contained patient");
	T_OK(seg_has(s, NULL, PHI_F_CLINICAL, "glucose elevated"), "valueString is clinical");
	T_OK(has_sub(s, PHI_F_NONE, "fullUrl: urn:uuid:1"), "other strings are key: value text");
	phi_scan_free(s);
}

static void test_ndjson_and_pasted(void)
{
	struct phi_scan *s = run("{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"One\",\"given\":[\"Ann\"]}]}\n"
	                         "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Two\",\"given\":[\"Bea\"]}]}\n");
	T_OK(seg_has(s, "Patient.name", PHI_F_PATIENT_NAME, "Ann One") &&
	     seg_has(s, "Patient.name", PHI_F_PATIENT_NAME, "Bea Two"), "ndjson: both patients");
	phi_scan_free(s);

	s = run("Hello, the resource below fails:\n{ \"resourceType\": \"Patient\", \"birthDate\": \"1990-12-01\" }\nregards, Zed\n");
	T_OK(seg_has(s, "Patient.birthDate", PHI_F_BIRTH_DATE, "1990-12-01"), "pasted resource in text");
	T_OK(has_sub(s, PHI_F_NONE, "Hello, the resource") && has_sub(s, PHI_F_NONE, "regards, Zed"),
	     "text around a pasted resource kept");
	phi_scan_free(s);
}

static const char xmlpat[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<Bundle xmlns=\"http://hl7.org/fhir\"><type value=\"collection\"/>"
	"<entry><resource><Patient><id value=\"x1\"/>"
	"<text><status value=\"generated\"/><div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Narrative for <b>patient</b></p></div></text>"
	"<identifier><type><coding><code value=\"SS\"/></coding></type><value value=\"999-55-1212\"/></identifier>"
	"<identifier><value value=\"MRN-7\"/></identifier>"
	"<name><family value=\"Roe\"/><given value=\"Jane\"/><given value=\"K\"/></name>"
	"<telecom><system value=\"phone\"/><value value=\"555-0109\"/></telecom>"
	"<birthDate value=\"1971-07-04\"/>"
	"<address><line value=\"9 Oak Rd\"/><city value=\"Elm\"/></address>"
	"</Patient></resource></entry>"
	"<entry><resource><Condition><code><text value=\"Asthma\"/></code></Condition></resource></entry>"
	"</Bundle>";

static void test_xml(void)
{
	struct phi_scan *s = run(xmlpat);

	T_OK(x_fhir_sniff((const unsigned char *)xmlpat, strlen(xmlpat)), "sniff fhir xml");
	T_OK(!x_fhir_sniff((const unsigned char *)"<ClinicalDocument xmlns=\"urn:hl7-org:v3\"/>", 42), "cda is not fhir");
	T_OK(seg_has(s, "Patient.name", PHI_F_PATIENT_NAME, "Jane K Roe"), "xml name from value attributes");
	T_OK(seg_has(s, "Patient.identifier", PHI_F_SSN, "999-55-1212"), "xml identifier typed SS");
	T_OK(seg_has(s, "Patient.identifier", PHI_F_PATIENT_ID, "MRN-7"), "xml identifier");
	T_OK(seg_has(s, "Patient.birthDate", PHI_F_BIRTH_DATE, "1971-07-04"), "xml birthDate");
	T_OK(seg_has(s, "Patient.telecom", PHI_F_PHONE, "555-0109"), "xml telecom");
	T_OK(seg_has(s, "Patient.address", PHI_F_ADDRESS, "9 Oak Rd Elm"), "xml address");
	T_OK(seg_has(s, NULL, PHI_F_CLINICAL, "Asthma"), "xml condition text clinical");
	T_OK(has_sub(s, PHI_F_NONE, "Narrative for"), "xml narrative kept as text");
	phi_scan_free(s);
}

static void test_attachment(void)
{
	struct phi_scan *s = run("{\"resourceType\":\"DocumentReference\",\"content\":[{\"attachment\":"
	                         "{\"contentType\":\"text/plain; charset=utf-8\",\"data\":\"RGlzY2hhcmdlIG5vdGUgZm9yIEFkYSBCeXJuZQ==\"}}]}");
	size_t i;
	int child = 0, text = 0, raw = 0;

	for (i = 0; i < s->doc.nparts; i++)
		if (s->doc.parts[i].parent == 0 && strcmp(s->doc.parts[i].content_type, "text/plain") == 0)
			child = 1;
	for (i = 0; i < s->doc.nsegs; i++) {
		const struct phi_segment *g = &s->doc.segs[i];
		if (g->part == 1 && memmem(g->text, g->len, "Ada Byrne", 9))
			text = 1;
		if (memmem(g->text, g->len, "RGlzY2hh", 8))
			raw = 1;
	}
	T_OK(child, "attachment data becomes a child part");
	T_OK(text, "attachment child is extracted");
	T_OK(!raw, "attachment base64 not emitted as text");
	phi_scan_free(s);
}

static void test_hostile(void)
{
	size_t n = 300000, i;
	char *b = malloc(n + 1);
	struct phi_scan *s;

	memcpy(b, "{\"resourceType\":\"Patient\",\"name\":", 33);
	for (i = 33; i < n; i++)
		b[i] = "[{\"a\":"[i % 6];
	b[n] = 0;
	s = run(b);
	T_OK(1, "deeply nested json ends");
	phi_scan_free(s);
	memcpy(b, "<Patient xmlns=\"http://hl7.org/fhir\">", 37);
	for (i = 37; i < n; i++)
		b[i] = "<name>"[i % 6];
	b[n] = 0;
	s = run(b);
	T_OK(1, "deeply nested xml ends");
	phi_scan_free(s);
	{
		/* more values than the tree holds: unscannable, rest kept as text */
		size_t m = 1400000, k = 0;
		char *big = malloc(m + 64);
		k += (size_t)sprintf(big, "{\"resourceType\":\"Bundle\",\"x\":[");
		while (k + 40 < m)
			memcpy(big + k, "1,", 2), k += 2;
		k += (size_t)sprintf(big + k, "\"TAILMARK\"]}");
		s = run(big);
		T_EQ_INT(s->doc.parts[0].unscannable, 1, "node cap: part unscannable");
		T_OK(has_sub(s, PHI_F_NONE, "TAILMARK"), "node cap: rest read as text");
		phi_scan_free(s);
		free(big);
	}
	s = run("{\"resourceType\":\"Patient\",\"name\":[{\"given\":[\"A\\ud800\"],\"family\":");
	T_OK(1, "truncated json ends");
	phi_scan_free(s);
	free(b);
}

int main(void)
{
	test_bundle();
	test_ndjson_and_pasted();
	test_xml();
	test_attachment();
	test_hostile();
	return tap_done();
}
