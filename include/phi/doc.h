/*
 * doc.h - the decoded message as the detectors see it.
 *
 * The decoders (detectors/mime, detectors/extract) turn one message into a
 * flat list of parts (every MIME part, archive entry and embedded message)
 * and a list of segments: runs of UTF-8 text, each remembering its part,
 * its file name, the format it came from and, for structured clinical
 * formats, which field it is (HL7 PID-5, FHIR Patient.name, C-CDA
 * recordTarget name, DICOM PatientName ...). The detectors walk the
 * segments; policy looks at the parts (e.g. an image to a social network).
 *
 * Everything here is owned by the phi_doc and lives until phi_scan_free().
 * Text is always valid UTF-8 (decoders replace bad sequences with U+FFFD).
 */
#ifndef PHI_DOC_H
#define PHI_DOC_H

#include <stddef.h>

enum phi_format {
	PHI_FMT_TEXT,    /* text/plain or anything read as text */
	PHI_FMT_HEADER,  /* an RFC 5322 header field value (decoded) */
	PHI_FMT_HTML,
	PHI_FMT_PDF,
	PHI_FMT_DOCX,
	PHI_FMT_XLSX,
	PHI_FMT_PPTX,
	PHI_FMT_ODT,
	PHI_FMT_ODS,
	PHI_FMT_ODP,
	PHI_FMT_RTF,
	PHI_FMT_CSV,
	PHI_FMT_ICAL,
	PHI_FMT_VCARD,
	PHI_FMT_XML,     /* generic XML (text content) */
	PHI_FMT_JSON,    /* generic JSON (string values) */
	PHI_FMT_HL7V2,
	PHI_FMT_FHIR,
	PHI_FMT_CCDA,
	PHI_FMT_DICOM,
	PHI_FMT_ZIP,
	PHI_FMT_GZIP,
	PHI_FMT_RFC822,  /* message/rfc822 or a forwarded message */
	PHI_FMT_MULTIPART,
	PHI_FMT_IMAGE,
	PHI_FMT_AUDIO,
	PHI_FMT_VIDEO,
	PHI_FMT_BINARY,  /* unknown binary: recorded, not read */
	PHI_FMT_TNEF,    /* Outlook winmail.dat (application/ms-tnef) */
	PHI_FMT_X12,     /* ASC X12 EDI (837 claims, 834 enrollment, 270/271 ...) */
	PHI_FMT__COUNT
};

/* What a segment is, when the decoder knows (structured formats). */
enum phi_field {
	PHI_F_NONE = 0,       /* free text */
	PHI_F_SUBJECT,        /* the Subject header */
	PHI_F_HEADER,         /* another header field worth scanning */
	PHI_F_FILENAME,       /* an attachment's file name */
	PHI_F_PATIENT_NAME,   /* HL7 PID-5, FHIR Patient.name, CDA patient/name, DICOM (0010,0010) */
	PHI_F_PATIENT_ID,     /* HL7 PID-3, FHIR Patient.identifier, CDA patientRole/id, DICOM (0010,0020) */
	PHI_F_BIRTH_DATE,     /* HL7 PID-7, FHIR birthDate, CDA birthTime, DICOM (0010,0030) */
	PHI_F_SSN,            /* HL7 PID-19, identifier typed SS/SSN */
	PHI_F_ADDRESS,        /* HL7 PID-11, FHIR address, CDA addr, DICOM (0010,1040) */
	PHI_F_PHONE,          /* HL7 PID-13/14, FHIR telecom, CDA telecom */
	PHI_F_PATIENT_OTHER,  /* other patient-identifying field (sex, race, account PID-18, ...) */
	PHI_F_RELATIVE_NAME,  /* next of kin / guardian / mother's maiden name */
	PHI_F_CLINICAL,       /* clinical content: diagnosis, observation, study description */
	PHI_F_TABLE_CELL,     /* a CSV/XLSX cell; field_name holds the column header */
	PHI_F__COUNT
};

struct phi_part {
	const char *path;         /* "1", "2.1", "2.1/report.pdf" for archive entries */
	const char *filename;     /* decoded file name, or NULL */
	const char *content_type; /* lower case "type/subtype" as declared (or guessed) */
	enum phi_format format;   /* what the bytes turned out to be */
	size_t size;              /* decoded size in bytes */
	unsigned depth;           /* nesting depth, 0 = top-level message */
	int attachment;           /* Content-Disposition attachment or archive entry */
	int unscannable;          /* 1 when a limit or an error stopped its reading */
	int parent;               /* index of the enclosing part, -1 for the message */
};

struct phi_segment {
	int part;                 /* index into the doc's parts */
	enum phi_format format;   /* format of the part the text came from */
	enum phi_field field;     /* PHI_F_NONE for free text */
	const char *field_name;   /* "PID-5", "Patient.name", "(0010,0010) PatientName",
	                             "Subject", a CSV column header ...; or NULL */
	const unsigned char *text;/* UTF-8, not NUL-terminated; len bytes */
	size_t len;
	size_t part_offset;       /* where this text starts in the part's decoded text */
};

struct phi_doc;

/* The parts, in the order they were met. */
size_t phi_doc_nparts(const struct phi_doc *d);
const struct phi_part *phi_doc_part(const struct phi_doc *d, size_t i);

/* The segments, in the order they were produced. */
size_t phi_doc_nsegments(const struct phi_doc *d);
const struct phi_segment *phi_doc_segment(const struct phi_doc *d, size_t i);

/* Contract-ish lower-case name of a format ("pdf", "hl7v2"). */
const char *phi_format_name(enum phi_format f);

#endif
