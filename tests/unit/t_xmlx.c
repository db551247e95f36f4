/* t_xmlx.c - generic XML extractor: text runs, encodings, entity bombs. */
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "scan.h"
#include "extract/extract.h"

static char got[1 << 16];

static const char *run(const char *in, size_t n, int *unsc)
{
	struct phi_scan *s = phi_scan_new(NULL, NULL, NULL, NULL);
	int part = doc_add_part(&s->doc, -1, "application/xml", "x.xml", PHI_FMT_XML, n, 1);
	size_t o = 0, k;
	x_xml_extract(&s->doc, part, (const unsigned char *)in, n);
	for (k = 0; k < s->doc.nsegs && o + s->doc.segs[k].len < sizeof got; k++) {
		memcpy(got + o, s->doc.segs[k].text, s->doc.segs[k].len);
		o += s->doc.segs[k].len;
	}
	got[o] = 0;
	if (unsc)
		*unsc = s->doc.parts[0].unscannable;
	phi_scan_free(s);
	return got;
}

int main(void)
{
	static const char a[] = "<?xml version=\"1.0\"?>\n<r>\n  <name>Zed Quux</name>\n  <dob>1980-02-03</dob><!-- c -->\n  <n>a &amp; b</n>\n</r>";
	static const char latin[] = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r>caf\xe9</r>";
	static const char u16[] = "\xff\xfe<\0r\0>\0h\0i\0<\0/\0r\0>\0";
	static const char bomb[] = "<!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]><r>&b;</r>";
	int u = 0;

	T_OK(strcmp(run(a, sizeof a - 1, NULL), "Zed Quux\n1980-02-03\na & b\n") == 0, "text runs one per line, entities decoded");
	T_OK(strcmp(run(latin, sizeof latin - 1, NULL), "caf\xc3\xa9\n") == 0, "declared ISO-8859-1 converted");
	T_OK(strcmp(run(u16, sizeof u16 - 1, NULL), "hi\n") == 0, "UTF-16LE with BOM converted");
	T_OK(strcmp(run(bomb, sizeof bomb - 1, NULL), "&b;\n") == 0, "entity bomb not expanded");
	{
		static const char conv8[] = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><r>Zo\xc3\xab Roe</r>";
		T_OK(strcmp(run(conv8, sizeof conv8 - 1, NULL), "Zo\xc3\xab Roe\n") == 0,
		     "declared UTF-16 already converted to UTF-8 is not converted twice");
	}
	{
		size_t n = 5000 * 3, k;
		char *deep = malloc(n + 1);
		for (k = 0; k < 5000; k++)
			memcpy(deep + 3 * k, "<a>", 3);
		deep[n] = 0;
		run(deep, n, &u);
		T_OK(u, "deep nesting: unscannable max_depth");
		free(deep);
	}
	return tap_done();
}
