/*
 * extract.h - one extractor per format, and the dispatcher that picks one.
 *
 * Every extractor gets the transfer-decoded bytes of one part (`part` is an
 * index into the doc's parts, already added by the caller) and adds UTF-8
 * text segments with doc_add_text(), child parts with doc_add_part() (archive
 * entries, embedded messages) and calls extract_part() on those children.
 * Extractors never log, never allocate without a bound, call doc_budget() in
 * every loop over input, and end a part they cannot read with
 * doc_unscannable(d, part, "why"). They return PHI_OK unless memory ran out
 * (PHI_ENOMEM) or the time budget is spent (PHI_ETIME); malformed input is
 * not an error of the scan, it is an unscannable part or partial text.
 *
 * A sniff function says whether bytes look like its format (magic bytes or
 * structure), for parts sent as application/octet-stream or misnamed.
 */
#ifndef PHI_EXTRACT_H
#define PHI_EXTRACT_H

#include <stddef.h>
#include "../scan.h"

/* Plain UTF-8 text (the MIME layer has converted the charset). Also finds
 * uuencoded blocks and pasted HL7 v2 / FHIR / CDA inside text. */
int x_text_extract(struct phi_doc *d, int part, const unsigned char *p, size_t n);
/* HTML (UTF-8) to text: drops script/style, decodes entities, keeps breaks. */
int x_html_extract(struct phi_doc *d, int part, const unsigned char *p, size_t n);
/* message/rfc822 and message/global: recurse into mime_parse_message. */
int x_rfc822_extract(struct phi_doc *d, int part, const unsigned char *p, size_t n);

int x_zip_sniff(const unsigned char *p, size_t n);
/* ZIP, and the ZIP-based documents (DOCX, XLSX, PPTX, ODT, ODS, ODP). */
int x_zip_extract(struct phi_doc *d, int part, const unsigned char *p, size_t n);
int x_gzip_sniff(const unsigned char *p, size_t n);
int x_gzip_extract(struct phi_doc *d, int part, const unsigned char *p, size_t n);
int x_pdf_sniff(const unsigned char *p, size_t n);
int x_pdf_extract(struct phi_doc *d, int part, const unsigned char *p, size_t n);
int x_rtf_sniff(const unsigned char *p, size_t n);
int x_rtf_extract(struct phi_doc *d, int part, const unsigned char *p, size_t n);
/* Outlook TNEF (winmail.dat): subject as a segment, bodies and attachments as child parts. */
int x_tnef_sniff(const unsigned char *p, size_t n);
int x_tnef_extract(struct phi_doc *d, int part, const unsigned char *p, size_t n);
/* CSV/TSV (UTF-8): cells as PHI_F_TABLE_CELL segments named by their column header. */
int x_csv_extract(struct phi_doc *d, int part, const unsigned char *p, size_t n);
/* iCalendar and vCard (UTF-8). */
int x_ical_extract(struct phi_doc *d, int part, const unsigned char *p, size_t n);
/* Images: recorded as a part; EXIF/XMP/comment text extracted where present. */
int x_image_sniff(const unsigned char *p, size_t n);
int x_image_extract(struct phi_doc *d, int part, const unsigned char *p, size_t n);
/* Generic XML (UTF-8 or declared encoding): text content; hands CDA and FHIR
 * XML to their extractors. */
int x_xml_extract(struct phi_doc *d, int part, const unsigned char *p, size_t n);

/* Clinical formats: fields as named segments (PHI_F_PATIENT_* ...). */
int x_hl7_sniff(const unsigned char *p, size_t n);
int x_hl7_extract(struct phi_doc *d, int part, const unsigned char *p, size_t n);
int x_fhir_sniff(const unsigned char *p, size_t n);          /* JSON or XML FHIR */
int x_fhir_extract(struct phi_doc *d, int part, const unsigned char *p, size_t n);
int x_json_extract(struct phi_doc *d, int part, const unsigned char *p, size_t n); /* generic JSON */
int x_ccda_sniff(const unsigned char *p, size_t n);
int x_ccda_extract(struct phi_doc *d, int part, const unsigned char *p, size_t n);
int x_dicom_sniff(const unsigned char *p, size_t n);
int x_dicom_extract(struct phi_doc *d, int part, const unsigned char *p, size_t n);
/* ASC X12 EDI (837, 834, 270/271 ...): an ISA interchange; the persons' NM1
 * names, ids, addresses and DMG birth dates as patient fields, HI codes as
 * clinical text. x_x12_find: offset of an ISA header at a line start, or n. */
int x_x12_sniff(const unsigned char *p, size_t n);
size_t x_x12_find(const unsigned char *p, size_t n);
int x_x12_extract(struct phi_doc *d, int part, const unsigned char *p, size_t n);

#endif
