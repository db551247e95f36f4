/*
 * t_ccda.c - C-CDA extractor: recordTarget fields get the right PHI_F_* and
 * field name, providers stay free text, narrative and entries are clinical,
 * UTF-16 documents are converted, sniffing, hostile input ends. Synthetic
 * patients; values compared, never printed.
 */
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "scanfix.h"
#include "scan.h"
#include "extract/extract.h"

static struct phi_scan *run(const unsigned char *p, size_t n)
{
	struct phi_scan *s = phi_scan_new(NULL, NULL, NULL, NULL);
	int part = doc_add_part(&s->doc, -1, "text/xml", NULL, PHI_FMT_XML, n, 0);
	int rc = x_ccda_extract(&s->doc, part, p, n);
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

static const char cda[] =
	"\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<!-- a synthetic document -->\n"
	"<?xml-stylesheet type=\"text/xsl\" href=\"CDA.xsl\"?>\n"
	"<ClinicalDocument xmlns=\"urn:hl7-org:v3\" xmlns:sdtc=\"urn:hl7-org:sdtc\">\n"
	"<title>Continuity of Care Document</title>\n"
	"<recordTarget><patientRole>\n"
	" <id root=\"2.16.840.1.113883.19.5\" extension=\"MRN-66120\"/>\n"
	" <id root=\"2.16.840.1.113883.4.1\" extension=\"999-31-4455\"/>\n"
	" <addr use=\"HP\"><streetAddressLine>88 Quarry Rd</streetAddressLine><city>Milton</city>"
	"<state>VT</state><postalCode>05468</postalCode></addr>\n"
	" <telecom use=\"HP\" value=\"tel:+1(802)555-0177\"/><telecom value=\"mailto:pat@example.org\"/>\n"
	" <patient><name use=\"L\"><prefix>Ms.</prefix><given>Wren</given><given>T</given><family>Oakes</family></name>\n"
	"  <administrativeGenderCode code=\"F\" codeSystem=\"2.16.840.1.113883.5.1\" displayName=\"Female\"/>\n"
	"  <birthTime value=\"19770412\"/>\n"
	"  <raceCode code=\"2106-3\" displayName=\"White\"/>\n"
	"  <guardian><guardianPerson><name><given>Hal</given><family>Oakes</family></name></guardianPerson></guardian>\n"
	" </patient></patientRole></recordTarget>\n"
	"<author><assignedAuthor><assignedPerson><name><given>Gregory</given><family>House</family></name>"
	"</assignedPerson></assignedAuthor></author>\n"
	"<component><structuredBody><component><section>\n"
	" <title>Problems</title>\n"
	" <text><table><thead><tr><th>Problem</th><th>Status</th></tr></thead>"
	"<tbody><tr><td>Migraine</td><td>Active</td></tr></tbody></table></text>\n"
	" <entry><act><entryRelationship><observation><value code=\"37796009\" displayName=\"Migraine disorder\"/>"
	"<text>seen in clinic</text></observation></entryRelationship></act></entry>\n"
	"</section></component></structuredBody></component>\n"
	"</ClinicalDocument>\n";

static void test_fields(void)
{
	struct phi_scan *s = run((const unsigned char *)cda, sizeof cda - 1);

	T_OK(x_ccda_sniff((const unsigned char *)cda, sizeof cda - 1), "sniff after BOM, decl, comment, PI");
	T_EQ_INT(s->doc.parts[0].format, PHI_FMT_CCDA, "format set to ccda");
	T_OK(seg_has(s, "recordTarget/patientRole/patient/name", PHI_F_PATIENT_NAME, "Wren T Oakes"), "patient name given family");
	T_OK(seg_has(s, "recordTarget/patientRole/id", PHI_F_PATIENT_ID, "MRN-66120"), "id extension is patient id");
	T_OK(seg_has(s, "recordTarget/patientRole/id", PHI_F_SSN, "999-31-4455"), "id under SSA root is ssn");
	T_OK(seg_has(s, "recordTarget/patientRole/addr", PHI_F_ADDRESS, "88 Quarry Rd Milton VT 05468"), "addr joined");
	T_OK(seg_has(s, "recordTarget/patientRole/telecom", PHI_F_PHONE, "+1(802)555-0177"), "tel: is phone");
	T_OK(seg_has(s, "recordTarget/patientRole/telecom", PHI_F_PATIENT_OTHER, "pat@example.org"), "mailto: is other");
	T_OK(seg_has(s, "recordTarget/patientRole/patient/birthTime", PHI_F_BIRTH_DATE, "19770412"), "birthTime");
	T_OK(seg_has(s, "recordTarget/patientRole/patient/administrativeGenderCode", PHI_F_PATIENT_OTHER, "Female"), "gender");
	T_OK(seg_has(s, "recordTarget/patientRole/patient/raceCode", PHI_F_PATIENT_OTHER, "White"), "race");
	T_OK(seg_has(s, "recordTarget/patientRole/patient/guardian/guardianPerson/name", PHI_F_RELATIVE_NAME, "Hal Oakes"),
	     "guardian name is relative");
	T_OK(!has_sub(s, PHI_F_PATIENT_NAME, "House"), "author is not a patient name");
	T_OK(has_sub(s, PHI_F_NONE, "Gregory"), "author name kept as free text");
	T_OK(seg_has(s, "section/title", PHI_F_CLINICAL, "Problems"), "section title clinical");
	T_OK(has_sub(s, PHI_F_CLINICAL, "Problem | Status\nMigraine | Active"), "table rows on lines, cells split");
	T_OK(has_sub(s, PHI_F_CLINICAL, "Migraine disorder"), "entry displayName clinical");
	T_OK(has_sub(s, PHI_F_CLINICAL, "seen in clinic"), "entry text clinical");
	phi_scan_free(s);
}

static void test_utf16(void)
{
	static const char doc[] =
		"<?xml version=\"1.0\" encoding=\"UTF-16\"?><ClinicalDocument xmlns=\"urn:hl7-org:v3\">"
		"<recordTarget><patientRole><patient><name><given>Ines</given><family>Varga</family></name>"
		"</patient></patientRole></recordTarget></ClinicalDocument>";
	size_t n = sizeof doc - 1, i;
	unsigned char *w = malloc(2 * n + 2);
	struct phi_scan *s;

	w[0] = 0xFF;
	w[1] = 0xFE;
	for (i = 0; i < n; i++) {
		w[2 + 2 * i] = (unsigned char)doc[i];
		w[3 + 2 * i] = 0;
	}
	T_OK(x_ccda_sniff(w, 2 * n + 2), "sniff utf-16");
	s = run(w, 2 * n + 2);
	T_OK(seg_has(s, "recordTarget/patientRole/patient/name", PHI_F_PATIENT_NAME, "Ines Varga"), "utf-16 converted");
	phi_scan_free(s);
	free(w);
	/* the same document already brought to 8 bits on the way (a text
	 * part's charset), its declaration still saying UTF-16: read as it is */
	s = run((const unsigned char *)doc, n);
	T_OK(seg_has(s, "recordTarget/patientRole/patient/name", PHI_F_PATIENT_NAME, "Ines Varga"),
	     "declared utf-16 without a BOM or NULs read as 8-bit");
	phi_scan_free(s);
}

static void test_embedded(void)
{
	/* "Discharge note for Ada Byrne" in base64, as nonXMLBody text */
	static const char doc[] =
		"<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><component><nonXMLBody>"
		"<text mediaType=\"text/plain\" representation=\"B64\">RGlzY2hhcmdl\nIG5vdGUgZm9yIEFkYSBCeXJuZQ==</text>"
		"</nonXMLBody></component></ClinicalDocument>";
	struct phi_scan *s = run((const unsigned char *)doc, sizeof doc - 1);
	size_t i;
	int child = 0, text = 0;

	for (i = 0; i < s->doc.nparts; i++)
		if (s->doc.parts[i].parent == 0 && strcmp(s->doc.parts[i].content_type, "text/plain") == 0)
			child = 1;
	for (i = 0; i < s->doc.nsegs; i++)
		if (s->doc.segs[i].part == 1 && memmem(s->doc.segs[i].text, s->doc.segs[i].len, "Ada Byrne", 9))
			text = 1;
	T_OK(child, "base64 body becomes a child part with its media type");
	T_OK(text, "child part is extracted");
	T_OK(!has_sub(s, PHI_F_NONE, "RGlzY2hh"), "base64 not emitted as text");
	phi_scan_free(s);
}

static void test_sniff(void)
{
	static const char a[] = "<html><body>ClinicalDocument mentioned</body></html>";
	static const char b[] = "<cda:ClinicalDocument xmlns:cda=\"urn:hl7-org:v3\">";

	T_OK(!x_ccda_sniff((const unsigned char *)a, sizeof a - 1), "sniff rejects a mention");
	T_OK(x_ccda_sniff((const unsigned char *)b, sizeof b - 1), "sniff accepts a prefixed root");
	T_OK(!x_ccda_sniff((const unsigned char *)"", 0), "sniff of empty input");
}

static void test_hostile(void)
{
	size_t n = 400000, i;
	char *b = malloc(n);
	struct phi_scan *s;

	memcpy(b, "<ClinicalDocument><recordTarget><patientRole><patient><name>", 61);
	for (i = 61; i < n; i++)
		b[i] = "<given>"[i % 7];
	s = run((unsigned char *)b, n);
	T_OK(1, "deep nesting ends");
	phi_scan_free(s);
	memcpy(b, "<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>"
	          "<ClinicalDocument><title>&b;&b;&b;</title></ClinicalDocument>", 126);
	s = run((unsigned char *)b, 126);
	T_OK(!has_sub(s, PHI_F_NONE, "aaaa"), "entities are not expanded");
	phi_scan_free(s);
	s = run((const unsigned char *)"<ClinicalDocument><recordTarget><patientRole><patient><name><given>Cut", 70);
	T_OK(1, "truncated document ends");
	phi_scan_free(s);
	free(b);
}

int main(void)
{
	test_fields();
	test_utf16();
	test_embedded();
	test_sniff();
	test_hostile();
	return tap_done();
}
