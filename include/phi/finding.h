/*
 * finding.h - what a detector reports, and the vocabulary of finding types.
 *
 * A finding never holds the matched bytes: only the type, a confidence, the
 * place (MIME part id, attachment file name, offset and length in bytes of
 * the part's decoded UTF-8 text) and a redacted sample made by finding.c.
 * The type names are those of ../shared/docs/CONTRACTS.md; one table in
 * detectors/finding.c maps enum <-> name for JSON, headers, logs and bounces.
 */
#ifndef PHI_FINDING_H
#define PHI_FINDING_H

#include <stddef.h>

enum phi_type {
	PHI_T_US_SSN,
	PHI_T_MRN,
	PHI_T_DATE_OF_BIRTH,
	PHI_T_PERSON_NAME,
	PHI_T_PHONE,
	PHI_T_FAX,
	PHI_T_EMAIL,
	PHI_T_ADDRESS,
	PHI_T_ZIP_CODE,
	PHI_T_HEALTH_PLAN_ID,
	PHI_T_MEDICARE_MBI,
	PHI_T_ACCOUNT_NUMBER,
	PHI_T_LICENSE_NUMBER,
	PHI_T_DEA_NUMBER,
	PHI_T_NPI,
	PHI_T_VEHICLE_ID,
	PHI_T_DEVICE_ID,
	PHI_T_URL,
	PHI_T_IP_ADDRESS,
	PHI_T_CREDIT_CARD,
	PHI_T_ICD10,
	PHI_T_ICD9,
	PHI_T_NDC,
	PHI_T_CPT,
	PHI_T_MEDICAL_TERM,
	PHI_T_HL7V2,
	PHI_T_FHIR,
	PHI_T_CCDA,
	PHI_T_DICOM,
	PHI_T_PATIENT_ROSTER,
	PHI_T_UNSCANNABLE,
	PHI_T_CUSTOM, /* custom:NAME; the name is in phi_finding.custom */
	PHI_T__COUNT
};

enum phi_confidence {
	PHI_CONF_LOW = 1,
	PHI_CONF_MEDIUM = 2,
	PHI_CONF_HIGH = 3
};

/* Broad role of a type in the verdict (CONTRACTS.md "verdict"). */
enum phi_type_class {
	PHI_CLASS_CONTACT,   /* phone, fax, email, url, ip, address, zip: never pii alone */
	PHI_CLASS_SENSITIVE, /* ssn, mrn, dob, plan id, mbi, account, card, roster ... */
	PHI_CLASS_HEALTH,    /* icd, cpt, ndc, medical_term: health information */
	PHI_CLASS_CLINICAL,  /* hl7v2, fhir, ccda, dicom documents naming a patient */
	PHI_CLASS_PROVIDER,  /* npi, dea: provider identifiers, context only */
	PHI_CLASS_OTHER      /* person_name, unscannable, custom, license, vin, device */
};

#define PHI_PART_MAX 48     /* "1.2.3" part paths; deeper paths are cut */
#define PHI_SAMPLE_MAX 40   /* redacted sample, NUL-terminated */
#define PHI_WHY_MAX 64      /* context words that raised/lowered it, or limit name */
#define PHI_CUSTOM_MAX 48   /* NAME of custom:NAME */

struct phi_finding {
	enum phi_type type;
	enum phi_confidence confidence;
	char part[PHI_PART_MAX];      /* MIME part path: "1", "2.1"; "0" = headers */
	const char *filename;         /* borrowed from the scan; NULL if none */
	size_t offset;                /* byte offset in the part's decoded text */
	size_t length;                /* byte length of the match */
	char sample[PHI_SAMPLE_MAX];  /* redacted, never the whole identifier */
	char why[PHI_WHY_MAX];        /* e.g. "+ssn +patient", "limit max_depth" */
	char custom[PHI_CUSTOM_MAX];  /* for PHI_T_CUSTOM: the rule NAME */
	int health_context;           /* 1 when health words were near it */
};

/* Contract name of a type ("us_ssn"); never NULL. */
const char *phi_type_name(enum phi_type t);

/* Reverse of phi_type_name; -1 when unknown. Accepts "custom:..." as PHI_T_CUSTOM. */
int phi_type_from_name(const char *name);

/* Which role the type plays in the verdict. */
enum phi_type_class phi_type_class(enum phi_type t);

/* "high" / "medium" / "low". */
const char *phi_confidence_name(enum phi_confidence c);

#endif
