/* t_ical.c - iCalendar and vCard: unfolding, escapes, QP, CN, structured values. */
#include <string.h>
#include "tap.h"
#include "scan.h"
#include "extract/extract.h"

static struct phi_scan *run(const char *in)
{
	struct phi_scan *s = phi_scan_new(NULL, NULL, NULL, NULL);
	int part = doc_add_part(&s->doc, -1, "text/calendar", NULL, PHI_FMT_ICAL, strlen(in), 1);
	x_ical_extract(&s->doc, part, (const unsigned char *)in, strlen(in));
	return s;
}

static int seg(struct phi_scan *s, const char *name, const char *text)
{
	size_t k;
	for (k = 0; k < s->doc.nsegs; k++) {
		const struct phi_segment *g = &s->doc.segs[k];
		if (g->field_name && strcmp(g->field_name, name) == 0 && g->len == strlen(text) &&
		    memcmp(g->text, text, g->len) == 0)
			return 1;
	}
	return 0;
}

int main(void)
{
	struct phi_scan *s = run(
		"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:123@x\r\n"
		"SUMMARY:Follow-up visit\\, Quux\r\n"
		"DESCRIPTION:Line one\\nLine two with a fold\r\n  that continues\r\n"
		"LOCATION:Clinic\\; Room 4\r\n"
		"ATTENDEE;CN=\"Zed Quux\";ROLE=REQ-PARTICIPANT:mailto:zed@example.org\r\n"
		"DTSTART:20260101T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
	T_EQ_INT(s->doc.parts[0].format, PHI_FMT_ICAL, "icalendar: format");
	T_OK(seg(s, "SUMMARY", "Follow-up visit, Quux"), "summary with escaped comma");
	T_OK(seg(s, "DESCRIPTION", "Line one\nLine two with a fold that continues"), "description unfolded, \\n decoded");
	T_OK(seg(s, "LOCATION", "Clinic; Room 4"), "escaped semicolon kept");
	T_OK(seg(s, "ATTENDEE", "Zed Quux"), "attendee CN parameter");
	T_OK(seg(s, "ATTENDEE", "zed@example.org"), "attendee mailto value");
	T_EQ_INT(s->doc.nsegs, 5, "UID and DTSTART are not text segments");
	phi_scan_free(s);

	s = run("BEGIN:VCARD\nVERSION:2.1\nN:Quux;Zed;;;\nFN:Zed Quux\n"
	        "item1.TEL;TYPE=CELL:+1 555 0100\nADR;HOME:;;12 Main St;Springfield;IL;62701;USA\n"
	        "BDAY:1980-02-03\n"
	        "NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=ISO-8859-1:Allergie: P=E9nicilline =\net autres=\nfin\n"
	        "END:VCARD\n");
	T_EQ_INT(s->doc.parts[0].format, PHI_FMT_VCARD, "vcard: format");
	T_OK(seg(s, "N", "Quux Zed"), "structured N joined");
	T_OK(seg(s, "FN", "Zed Quux"), "FN");
	T_OK(seg(s, "TEL", "+1 555 0100"), "grouped TEL");
	T_OK(seg(s, "ADR", "12 Main St Springfield IL 62701 USA"), "structured ADR joined");
	T_OK(seg(s, "BDAY", "1980-02-03"), "BDAY");
	T_OK(seg(s, "NOTE", "Allergie: P\xc3\xa9nicilline et autresfin"), "quoted-printable with soft breaks and charset");
	{
		size_t k;
		for (k = 0; k < s->doc.nsegs; k++)
			if (strcmp(s->doc.segs[k].field_name, "BDAY") == 0)
				T_EQ_INT(s->doc.segs[k].field, PHI_F_BIRTH_DATE, "BDAY is a birth date field");
	}
	phi_scan_free(s);
	s = run("SUMMARY");
	T_EQ_INT(s->doc.nsegs, 0, "line without colon ignored");
	phi_scan_free(s);
	return tap_done();
}
