/*
 * context.c - keyword vocabulary and the one-pass keyword matcher.
 *
 * Every word of a segment (ASCII letters then letters/digits) is lower-cased
 * and hashed once; an open-addressing table of 64-bit phrase hashes says
 * whether it is a term, and whether a longer phrase starts with it, in which
 * case the next words (joined by at most three bytes of space or
 * punctuation: "date of birth", "d.o.b.", "year-old") extend the hash. The
 * longest phrase wins. The hits (position and K_* categories) are what every
 * detector asks about: "is there an SSN label within 80 bytes before this?"
 *
 * Speed (make bench, "scan ordinary"): word boundaries come from bit masks
 * of 64 bytes at a time (SSE2), a word of ASCII letters and digits is
 * lower-cased and hashed from two 8-byte loads, and a 128 KB Bloom filter
 * of the table's hashes answers for most words before the table of several
 * megabytes is touched. It finds what the byte-at-a-time version found.
 *
 * The identifier labels are built in. Health words come from the *.txt files
 * of terms_dir (one term per line, lower case, '#' comments) or, without a
 * directory, from the short built-in list below. The table is built once and
 * only read while scanning. Never logs; load errors are "FILE:LINE: problem".
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "det.h"

const unsigned char det_cls[256] = {
	['0'] = DC_DIGIT | DC_HEX, ['1'] = DC_DIGIT | DC_HEX, ['2'] = DC_DIGIT | DC_HEX,
	['3'] = DC_DIGIT | DC_HEX, ['4'] = DC_DIGIT | DC_HEX, ['5'] = DC_DIGIT | DC_HEX,
	['6'] = DC_DIGIT | DC_HEX, ['7'] = DC_DIGIT | DC_HEX, ['8'] = DC_DIGIT | DC_HEX,
	['9'] = DC_DIGIT | DC_HEX,
	['A'] = DC_ALPHA | DC_UPPER | DC_HEX, ['B'] = DC_ALPHA | DC_UPPER | DC_HEX,
	['C'] = DC_ALPHA | DC_UPPER | DC_HEX, ['D'] = DC_ALPHA | DC_UPPER | DC_HEX,
	['E'] = DC_ALPHA | DC_UPPER | DC_HEX, ['F'] = DC_ALPHA | DC_UPPER | DC_HEX,
	['G'] = DC_ALPHA | DC_UPPER, ['H'] = DC_ALPHA | DC_UPPER, ['I'] = DC_ALPHA | DC_UPPER,
	['J'] = DC_ALPHA | DC_UPPER, ['K'] = DC_ALPHA | DC_UPPER, ['L'] = DC_ALPHA | DC_UPPER,
	['M'] = DC_ALPHA | DC_UPPER, ['N'] = DC_ALPHA | DC_UPPER, ['O'] = DC_ALPHA | DC_UPPER,
	['P'] = DC_ALPHA | DC_UPPER, ['Q'] = DC_ALPHA | DC_UPPER, ['R'] = DC_ALPHA | DC_UPPER,
	['S'] = DC_ALPHA | DC_UPPER, ['T'] = DC_ALPHA | DC_UPPER, ['U'] = DC_ALPHA | DC_UPPER,
	['V'] = DC_ALPHA | DC_UPPER, ['W'] = DC_ALPHA | DC_UPPER, ['X'] = DC_ALPHA | DC_UPPER,
	['Y'] = DC_ALPHA | DC_UPPER, ['Z'] = DC_ALPHA | DC_UPPER,
	['a'] = DC_ALPHA | DC_HEX, ['b'] = DC_ALPHA | DC_HEX, ['c'] = DC_ALPHA | DC_HEX,
	['d'] = DC_ALPHA | DC_HEX, ['e'] = DC_ALPHA | DC_HEX, ['f'] = DC_ALPHA | DC_HEX,
	['g'] = DC_ALPHA, ['h'] = DC_ALPHA, ['i'] = DC_ALPHA, ['j'] = DC_ALPHA, ['k'] = DC_ALPHA,
	['l'] = DC_ALPHA, ['m'] = DC_ALPHA, ['n'] = DC_ALPHA, ['o'] = DC_ALPHA, ['p'] = DC_ALPHA,
	['q'] = DC_ALPHA, ['r'] = DC_ALPHA, ['s'] = DC_ALPHA, ['t'] = DC_ALPHA, ['u'] = DC_ALPHA,
	['v'] = DC_ALPHA, ['w'] = DC_ALPHA, ['x'] = DC_ALPHA, ['y'] = DC_ALPHA, ['z'] = DC_ALPHA,
	[' '] = DC_SPACE, ['\t'] = DC_SPACE, ['\r'] = DC_SPACE, ['\n'] = DC_SPACE,
	['@'] = DC_MARK, [':'] = DC_MARK,
	[0xC3] = DC_U8, [0xC4] = DC_U8, [0xC5] = DC_U8,
};

/* Identifier labels and context words; always present. */
static const struct {
	const char *p;
	uint32_t cats, flags;
} builtin_labels[] = {
	{ "ssn", K_SSN, 0 }, { "ssns", K_SSN, 0 }, { "social security", K_SSN, 0 },
	{ "social security number", K_SSN, 0 }, { "social security no", K_SSN, 0 },
	{ "ss", K_SSN, TF_REQ_HASH }, { "soc sec", K_SSN, 0 }, { "social sec", K_SSN, 0 },
	{ "social sec no", K_SSN, 0 }, { "soc sec no", K_SSN, 0 },
	{ "ss no", K_SSN, 0 }, { "social", K_SSN, TF_REQ_HASH }, { "ssn no", K_SSN, 0 },
	{ "taxpayer id", K_SSN, 0 }, { "tin", K_SSN, TF_CASE },
	{ "mrn", K_MRN | K_PATIENT, 0 }, { "medical record", K_MRN | K_PATIENT, 0 },
	{ "medical record number", K_MRN | K_PATIENT, 0 }, { "medical record no", K_MRN | K_PATIENT, 0 },
	{ "medical records number", K_MRN | K_PATIENT, 0 }, { "mr", K_MRN, TF_REQ_HASH },
	{ "chart", K_MRN, TF_REQ_HASH }, { "chart no", K_MRN, 0 }, { "chart number", K_MRN, 0 },
	{ "patient id", K_MRN | K_PATIENT, 0 }, { "patient identifier", K_MRN | K_PATIENT, 0 },
	{ "patient number", K_MRN | K_PATIENT, 0 }, { "patient no", K_MRN | K_PATIENT, 0 },
	{ "patient account", K_MRN | K_PATIENT, 0 }, { "patient account number", K_MRN | K_PATIENT, 0 },
	{ "med rec", K_MRN, 0 }, { "med rec no", K_MRN, 0 }, { "record number", K_MRN, 0 },
	{ "mrn no", K_MRN | K_PATIENT, 0 },
	{ "dob", K_DOB, 0 }, { "d o b", K_DOB, 0 }, { "born", K_DOB, 0 }, { "born on", K_DOB, 0 },
	{ "birth date", K_DOB, 0 }, { "date of birth", K_DOB, 0 }, { "birthdate", K_DOB, 0 },
	{ "birthday", K_DOB, 0 }, { "b day", K_DOB, 0 }, { "date of b", K_DOB, 0 },
	{ "bday", K_DOB, 0 }, { "birth", K_DOB, TF_REQ_COLON }, { "birth dt", K_DOB, 0 },
	{ "patient", K_PATIENT | K_NAMELBL, 0 }, { "patients", K_PATIENT, 0 },
	{ "pt", K_PATIENT | K_NAMELBL, TF_REQ_COLON }, { "patient name", K_PATIENT | K_NAMELBL, 0 },
	{ "patient s name", K_PATIENT | K_NAMELBL, 0 }, { "name of patient", K_PATIENT | K_NAMELBL, 0 },
	{ "pt name", K_PATIENT | K_NAMELBL, 0 }, { "client name", K_NAMELBL, 0 },
	{ "name", K_NAMELBL, TF_REQ_COLON }, { "full name", K_NAMELBL, 0 }, { "re", K_NAMELBL, TF_REQ_COLON },
	{ "regarding", K_NAMELBL, TF_REQ_COLON }, { "dear", K_NAMELBL | K_GREET, 0 }, { "hello", K_NAMELBL | K_GREET, 0 }, { "hi", K_NAMELBL | K_GREET, 0 }, { "insured", K_NAMELBL, TF_REQ_COLON },
	{ "beneficiary", K_NAMELBL, TF_REQ_COLON }, { "enrollee", K_NAMELBL, TF_REQ_COLON },
	{ "patient s", K_PATIENT, 0 }, { "member name", K_NAMELBL, 0 },
	{ "resident", K_PATIENT | K_NAMELBL, TF_REQ_COLON }, { "client", K_NAMELBL, TF_REQ_COLON },
	{ "patient full name", K_PATIENT | K_NAMELBL, 0 },
	{ "patient last name", K_PATIENT | K_NAMELBL, 0 }, { "name of resident", K_PATIENT | K_NAMELBL, 0 },
	{ "resident name", K_PATIENT | K_NAMELBL, 0 },
	{ "insured name", K_NAMELBL, 0 }, { "beneficiary name", K_NAMELBL, 0 },
	{ "employee", K_NAMELBL, TF_REQ_COLON }, { "student", K_NAMELBL, TF_REQ_COLON },
	{ "child", K_NAMELBL, TF_REQ_COLON }, { "child s name", K_NAMELBL, 0 },
	/* Spanish, as US clinics write to their patients */
	{ "paciente", K_PATIENT | K_NAMELBL, 0 }, { "pacientes", K_PATIENT, 0 },
	{ "nombre del paciente", K_PATIENT | K_NAMELBL, 0 }, { "nombre de la paciente", K_PATIENT | K_NAMELBL, 0 },
	{ "nombre", K_NAMELBL, TF_REQ_COLON }, { "nombre completo", K_NAMELBL, 0 },
	{ "estimado", K_NAMELBL | K_GREET, 0 }, { "estimada", K_NAMELBL | K_GREET, 0 },
	{ "estimado a", K_NAMELBL | K_GREET, 0 }, { "estimada o", K_NAMELBL | K_GREET, 0 },
	{ "querido", K_NAMELBL | K_GREET, 0 }, { "querida", K_NAMELBL | K_GREET, 0 },
	{ "hola", K_NAMELBL | K_GREET, 0 },
	{ "fecha de nacimiento", K_DOB, 0 }, { "f de nacimiento", K_DOB, 0 }, { "fecha de nac", K_DOB, 0 },
	{ "fecha nacimiento", K_DOB, 0 }, { "f nac", K_DOB, 0 }, { "fec nac", K_DOB, 0 },
	{ "nacido el", K_DOB, 0 }, { "nacida el", K_DOB, 0 }, { "nacido", K_DOB, 0 }, { "nacida", K_DOB, 0 },
	{ "nacimiento", K_DOB, TF_REQ_COLON },
	{ "expediente medico", K_MRN | K_PATIENT, 0 }, { "historia clinica", K_MRN | K_PATIENT, 0 },
	{ "seguro social", K_SSN, 0 }, { "numero de seguro social", K_SSN, 0 },
	{ "phone", K_PHONE, 0 }, { "tel", K_PHONE, 0 }, { "telephone", K_PHONE, 0 },
	{ "cell", K_PHONE, 0 }, { "mobile", K_PHONE, 0 }, { "ph", K_PHONE, TF_REQ_COLON },
	{ "call", K_PHONE, 0 }, { "phone number", K_PHONE, 0 }, { "t", K_PHONE, TF_REQ_COLON },
	{ "fax", K_FAX, 0 }, { "facsimile", K_FAX, 0 }, { "f", K_FAX, TF_REQ_COLON },
	{ "member id", K_PLAN, 0 }, { "member", K_NAMELBL, TF_REQ_COLON }, { "member number", K_PLAN, 0 },
	{ "subscriber id", K_PLAN, 0 }, { "subscriber", K_PLAN, TF_REQ_HASH },
	{ "subscriber number", K_PLAN, 0 }, { "policy", K_PLAN, TF_REQ_HASH },
	{ "policy number", K_PLAN, 0 }, { "policy no", K_PLAN, 0 }, { "policy id", K_PLAN, 0 },
	{ "group number", K_PLAN, 0 }, { "group no", K_PLAN, 0 }, { "group", K_PLAN, TF_REQ_HASH },
	{ "insurance id", K_PLAN, 0 }, { "insurance number", K_PLAN, 0 }, { "plan id", K_PLAN, 0 },
	{ "health plan id", K_PLAN, 0 }, { "medicaid id", K_PLAN, 0 }, { "medicaid", K_PLAN, 0 },
	{ "medicaid number", K_PLAN, 0 }, { "beneficiary id", K_PLAN, 0 }, { "insured id", K_PLAN, 0 },
	{ "id card", K_PLAN, 0 }, { "member id number", K_PLAN, 0 },
	{ "account", K_ACCT, 0 }, { "acct", K_ACCT, 0 }, { "account number", K_ACCT, 0 },
	{ "account no", K_ACCT, 0 }, { "bank account", K_ACCT | K_BANK, 0 },
	{ "checking account", K_ACCT | K_BANK, 0 }, { "savings account", K_ACCT | K_BANK, 0 },
	{ "acct no", K_ACCT, 0 }, { "iban", K_ACCT | K_BANK, 0 }, { "bank", K_BANK, 0 },
	{ "banking", K_BANK, 0 }, { "checking", K_BANK, 0 }, { "savings", K_BANK, 0 },
	{ "direct deposit", K_BANK, 0 }, { "wire transfer", K_BANK, 0 }, { "wire", K_BANK, 0 },
	{ "deposit", K_BANK, 0 }, { "swift", K_BANK, 0 }, { "payroll", K_BANK, 0 },
	{ "bank account number", K_ACCT | K_BANK, 0 }, { "checking account number", K_ACCT | K_BANK, 0 },
	{ "savings account number", K_ACCT | K_BANK, 0 },
	{ "routing", K_ROUTING, 0 }, { "routing number", K_ROUTING, 0 }, { "aba", K_ROUTING, 0 },
	{ "routing no", K_ROUTING, 0 }, { "transit number", K_ROUTING, 0 },
	{ "npi", K_NPI, 0 }, { "national provider identifier", K_NPI, 0 }, { "provider identifier", K_NPI, 0 },
	{ "provider id", K_NPI, 0 }, { "npi number", K_NPI, 0 },
	{ "dea", K_DEA, 0 }, { "dea number", K_DEA, 0 }, { "dea registration", K_DEA, 0 },
	{ "license", K_LICENSE, 0 }, { "licence", K_LICENSE, 0 }, { "lic", K_LICENSE, 0 },
	{ "license number", K_LICENSE, 0 }, { "driver s license", K_LICENSE, 0 },
	{ "drivers license", K_LICENSE, 0 }, { "driver license", K_LICENSE, 0 }, { "dl", K_LICENSE, TF_REQ_HASH },
	{ "certificate number", K_LICENSE, 0 }, { "certificate no", K_LICENSE, 0 },
	{ "passport", K_LICENSE, 0 }, { "passport number", K_LICENSE, 0 },
	{ "vin", K_VIN, 0 }, { "vehicle identification number", K_VIN, 0 }, { "vehicle", K_VIN, 0 },
	{ "udi", K_DEVICE, 0 }, { "device id", K_DEVICE, 0 }, { "device identifier", K_DEVICE, 0 },
	{ "serial number", K_DEVICE | K_NEG, 0 }, { "serial no", K_DEVICE | K_NEG, 0 },
	{ "implant", K_DEVICE | K_HEALTH, 0 }, { "pacemaker", K_DEVICE | K_HEALTH, 0 },
	{ "credit card", K_CARD, 0 }, { "card number", K_CARD, 0 }, { "card", K_CARD, 0 },
	{ "visa", K_CARD, 0 }, { "mastercard", K_CARD, 0 }, { "amex", K_CARD, 0 },
	{ "american express", K_CARD, 0 }, { "discover", K_CARD, 0 }, { "debit card", K_CARD, 0 },
	{ "cc", K_CARD, TF_REQ_HASH | TF_REQ_COLON }, { "payment", K_CARD, 0 }, { "cardholder", K_CARD, 0 },
	{ "exp", K_CARD, 0 }, { "expires", K_CARD, 0 }, { "expiry", K_CARD, 0 }, { "expiration", K_CARD, 0 },
	{ "cvv", K_CARD, 0 }, { "cvc", K_CARD, 0 }, { "charge", K_CARD, 0 }, { "charged", K_CARD, 0 },
	{ "icd", K_ICD, 0 }, { "icd 10", K_ICD, 0 }, { "icd 9", K_ICD, 0 }, { "icd10", K_ICD, 0 },
	{ "icd9", K_ICD, 0 }, { "icd 10 cm", K_ICD, 0 }, { "diagnosis", K_ICD | K_HEALTH, 0 },
	{ "diagnoses", K_ICD | K_HEALTH, 0 }, { "dx", K_ICD | K_HEALTH, 0 }, { "diagnosis code", K_ICD | K_HEALTH, 0 },
	{ "diagnosed", K_ICD | K_HEALTH, 0 }, { "code", K_CODE, 0 }, { "codes", K_CODE, 0 },
	{ "cpt", K_CPT, 0 }, { "procedure code", K_CPT | K_HEALTH, 0 }, { "hcpcs", K_CPT, 0 },
	{ "cpt code", K_CPT, 0 }, { "billing code", K_CPT, 0 },
	{ "ndc", K_NDC, 0 }, { "national drug code", K_NDC | K_HEALTH, 0 },
	{ "mbi", K_MBI, 0 }, { "medicare", K_MBI | K_HICN, 0 }, { "medicare id", K_MBI | K_HICN, 0 },
	{ "medicare number", K_MBI | K_HICN, 0 }, { "medicare beneficiary identifier", K_MBI, 0 },
	{ "hicn", K_HICN, 0 }, { "hic", K_HICN, 0 }, { "hic no", K_HICN, 0 }, { "claim number", K_HICN, 0 },
	{ "invoice", K_NEG | K_BIZ, 0 }, { "invoices", K_NEG | K_BIZ, 0 }, { "remit", K_BIZ, 0 },
	{ "remit to", K_BIZ, 0 }, { "remittance", K_BIZ, 0 }, { "vendor", K_BIZ, 0 }, { "supplier", K_BIZ, 0 },
	{ "accounts payable", K_BIZ, 0 }, { "accounts receivable", K_BIZ, 0 }, { "purchase order", K_NEG | K_BIZ, 0 },
	{ "payee", K_BIZ, 0 }, { "beneficiary bank", K_BIZ, 0 }, { "order", K_NEG, 0 }, { "order number", K_NEG, 0 }, { "tracking", K_NEG, 0 },
	{ "isbn", K_NEG, 0 }, { "part", K_NEG | K_PARTNO, 0 }, { "part number", K_NEG | K_PARTNO, 0 },
	{ "ticket", K_NEG, 0 }, { "serial", K_NEG, 0 }, { "confirmation", K_NEG, 0 },
	{ "reference", K_NEG, 0 }, { "ref", K_NEG, 0 }, { "po", K_NEG, TF_CASE }, { "sku", K_NEG | K_PARTNO, 0 },
	{ "booking", K_NEG, 0 }, { "flight", K_NEG, 0 }, { "meeting id", K_NEG, 0 },
	{ "conference id", K_NEG, 0 }, { "case number", K_NEG, 0 }, { "shipment", K_NEG, 0 },
	{ "model", K_NEG | K_PARTNO, 0 }, { "catalog", K_NEG | K_PARTNO, 0 }, { "item", K_NEG | K_PARTNO, 0 },
	{ "product", K_NEG | K_PARTNO, 0 }, { "passcode", K_NEG, 0 }, { "pin", K_NEG, 0 },
	{ "build", K_NEG, 0 }, { "version", K_NEG, 0 }, { "receipt", K_NEG, 0 }, { "transaction", K_NEG, 0 },
	{ "customer", K_NEG, 0 }, { "zoom", K_NEG, 0 }, { "webinar", K_NEG, 0 }, { "dial in", K_NEG, 0 },
	{ "ups", K_NEG, TF_CASE }, { "fedex", K_NEG, 0 }, { "usps", K_NEG, 0 }, { "rma", K_NEG, 0 },
	{ "reservation", K_NEG, 0 }, { "claim", K_NEG, 0 }, { "case", K_NEG, 0 }, { "docket", K_NEG, 0 },
	{ "voucher", K_NEG, 0 }, { "coupon", K_NEG, 0 }, { "promo", K_NEG, 0 }, { "gift card", K_NEG, 0 },
	{ "itinerary", K_NEG, 0 }, { "record locator", K_NEG, 0 }, { "quote", K_NEG, 0 },
	{ "estimate", K_NEG, 0 }, { "work order", K_NEG, 0 }, { "incident", K_NEG, 0 },
	{ "requisition", K_NEG, 0 }, { "extension", K_NEG, 0 }, { "ext", K_NEG, 0 }, { "room", K_NEG, 0 },
	{ "seat", K_NEG, 0 }, { "gate", K_NEG, 0 }, { "job", K_NEG, 0 }, { "tax id", K_NEG, 0 },
	{ "ein", K_NEG, TF_CASE }, { "shipping", K_NEG, 0 }, { "delivery", K_NEG, 0 }, { "package", K_NEG, 0 },
	{ "parcel", K_NEG, 0 }, { "asset", K_NEG, 0 }, { "inventory", K_NEG, 0 }, { "barcode", K_NEG, 0 },
	{ "lot", K_NEG | K_PARTNO, 0 }, { "batch", K_NEG, 0 }, { "ref no", K_NEG, 0 }, { "pnr", K_NEG, 0 },
	{ "zip", K_ZIP, 0 }, { "zip code", K_ZIP, 0 }, { "zipcode", K_ZIP, 0 }, { "postal code", K_ZIP, 0 },
	{ "age", K_AGE_PRE, 0 }, { "aged", K_AGE_PRE, 0 }, { "age of", K_AGE_PRE, 0 },
	{ "year old", K_AGE_POST, 0 }, { "years old", K_AGE_POST, 0 }, { "yo", K_AGE_POST, 0 },
	{ "y o", K_AGE_POST, 0 }, { "yr old", K_AGE_POST, 0 }, { "years of age", K_AGE_POST, 0 },
	{ "street", K_STREET, 0 }, { "st", K_STREET, 0 }, { "avenue", K_STREET, 0 }, { "ave", K_STREET, 0 },
	{ "road", K_STREET, 0 }, { "rd", K_STREET, 0 }, { "boulevard", K_STREET, 0 }, { "blvd", K_STREET, 0 },
	{ "lane", K_STREET, 0 }, { "ln", K_STREET, 0 }, { "drive", K_STREET, 0 }, { "dr", K_STREET, 0 },
	{ "way", K_STREET, 0 }, { "court", K_STREET, 0 }, { "ct", K_STREET, 0 }, { "place", K_STREET, 0 },
	{ "pl", K_STREET, 0 }, { "parkway", K_STREET, 0 }, { "pkwy", K_STREET, 0 }, { "highway", K_STREET, 0 },
	{ "hwy", K_STREET, 0 }, { "terrace", K_STREET, 0 }, { "circle", K_STREET, 0 }, { "cir", K_STREET, 0 },
	{ "square", K_STREET, 0 }, { "sq", K_STREET, 0 }, { "trail", K_STREET, 0 }, { "pike", K_STREET, 0 },
	{ "suite", K_STREET, 0 }, { "apt", K_STREET, 0 },
};

/*
 * Phrase hashes. A word is hashed in its canonical form: ASCII lower case,
 * a Latin-1 letter (0xC3 xx) as its ASCII base, a Latin Extended-A letter
 * as its two bytes, which is how norm_phrase writes terms. The canonical
 * bytes of a word of at most WORD_MAX bytes are packed little-endian into
 * four 64-bit words, zero-padded (no canonical byte is 0, so the padding
 * is unambiguous), and mixed by one 64x64->128-bit multiply-fold per 16
 * bytes; the words of a phrase are chained, each hash seeded with the hash
 * of the words before it. A word of ASCII letters and digits is packed from
 * the text by 8-byte loads (| 0x20 lower-cases letters and keeps digits; the
 * bytes after the word are masked off): nothing is hashed byte by byte.
 */
#define WORD_MAX 32 /* longer words are never looked up */
#define LC8 0x2020202020202020ull
#define HP0 0xa0761d6478bd6400ull /* low byte 0: w[0] ^ HP0 is never 0 */
#define HP1 0xe7037ed1a0b42800ull /* w[1] ^ HP1 neither (w[1] is 0 or has a low byte) */
#define HP2 0x8ebc6af09c88c600ull
#define HP3 0x589965cc75374c00ull

static inline uint64_t mum(uint64_t a, uint64_t b)
{
#ifdef __SIZEOF_INT128__
	unsigned __int128 r = (unsigned __int128)a * b;

	return (uint64_t)r ^ (uint64_t)(r >> 64);
#else
	uint64_t h = (a ^ (b << 32 | b >> 32)) * 0x9E3779B97F4A7C15ull;

	h ^= h >> 31;
	h *= 0xD6E8FEB86659FD93ull;
	return h ^ (h >> 32);
#endif
}

static inline uint64_t load64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

/* Hash of the packed canonical word w (len bytes), continuing a phrase
 * whose words so far hash to seed (0 for a first word). */
static inline uint64_t word_hash(uint64_t seed, const uint64_t w[4], size_t len)
{
	uint64_t h = mum(w[0] ^ seed ^ HP0, w[1] ^ HP1);

	if (len > 16)
		h = mum(h ^ w[2] ^ HP2, w[3] ^ HP3);
	return h;
}

/* Byte k of the packed word. */
static inline unsigned packed_byte(const uint64_t w[4], size_t k)
{
	return (unsigned)(w[k / 8] >> (8 * (k % 8))) & 0xFF;
}

/* The packed word without its last byte (len - 1 bytes). */
static inline void packed_drop_last(uint64_t w[4], size_t len)
{
	w[(len - 1) / 8] &= ~(0xFFull << (8 * ((len - 1) % 8)));
}

static const uint64_t lomask[9] = {
	0, 0xFF, 0xFFFF, 0xFFFFFF, 0xFFFFFFFF, 0xFFFFFFFFFFull, 0xFFFFFFFFFFFFull, 0xFFFFFFFFFFFFFFull, ~0ull
};

static __attribute__((noinline)) void pack_ascii_long(const unsigned char *t, size_t n, size_t i, size_t len,
                                                       uint64_t w[4])
{
	size_t k;

	w[0] = w[1] = w[2] = w[3] = 0;
	for (k = 0; k * 8 < len; k++) {
		size_t m = len - k * 8 < 8 ? len - k * 8 : 8;
		uint64_t v;
		if (n - i - k * 8 >= 8) {
			v = load64(t + i + k * 8);
		} else {
			unsigned char b[8] = { 0 };
			memcpy(b, t + i + k * 8, m);
			v = load64(b);
		}
		w[k] = (v | LC8) & lomask[m];
	}
}

/* The ASCII letters and digits t[i, i + len) (len 1..WORD_MAX, i + len <= n), packed. */
static inline void pack_ascii(const unsigned char *t, size_t n, size_t i, size_t len, uint64_t w[4])
{
	if (len <= 16 && n - i >= 16) {
		w[0] = (load64(t + i) | LC8) & lomask[len > 8 ? 8 : len];
		w[1] = (load64(t + i + 8) | LC8) & lomask[len > 8 ? len - 8 : 0];
		w[2] = w[3] = 0;
		return;
	}
	pack_ascii_long(t, n, i, len, w);
}

/* Any word [i, j) of at most WORD_MAX bytes, canonical and packed; returns
 * the canonical length (<= j - i). */
static __attribute__((noinline)) size_t pack_word(const unsigned char *t, size_t i, size_t j, uint64_t w[4])
{
	unsigned char b[WORD_MAX] = { 0 };
	size_t o = 0, k;

	for (; i < j && o < WORD_MAX; i++) {
		unsigned char c = t[i];
		if (c == 0xC3 && i + 1 < j && u8_fold(t[i + 1]))
			c = u8_fold(t[++i]);
		else if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		b[o++] = c;
	}
	for (k = 0; k < 4; k++)
		w[k] = load64(b + 8 * k);
	return o;
}

/* Hash of the canonical word p[0, len), continuing seed (terms_add's side). */
static uint64_t hash_canon(uint64_t seed, const char *p, size_t len)
{
	uint64_t w[4], h;
	size_t i;

	if (len <= WORD_MAX) {
		pack_word((const unsigned char *)p, 0, len, w);
		return word_hash(seed, w, len);
	}
	/* never matched (the scanner skips such words); hashed apart from them */
	h = seed ^ HP2 ^ len;
	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)p[i]) * 0x100000001b3ULL;
	return mum(h ^ HP3, HP1 | 1);
}

/* Hash of a normalised phrase (canonical words joined by one space). */
static uint64_t hash_phrase(const char *p)
{
	uint64_t h = 0;

	while (*p) {
		size_t l = strcspn(p, " ");
		h = hash_canon(h, p, l);
		p += l;
		if (*p == ' ')
			p++;
	}
	return h ? h : 1;
}

/*
 * The table: open addressing on the 64-bit hash key (never 0), half full
 * at most. With conf/terms it has several megabytes, so a probe is a cache
 * miss; before it, a Bloom filter of every key in the table (2 bits in
 * one of 2^14 64-bit words, 128 KB, stored after the entries in the same
 * allocation) turns
 * away almost every hash that is not there: ordinary words, and the next
 * word after a first word that starts no phrase with it.
 */
#define BLOOM_WORDS_LOG 14 /* 2^14 64-bit words: 128 KB */
#define BLOOM_BYTES (((size_t)8) << BLOOM_WORDS_LOG)

static inline uint64_t *bloom_of(const struct term_table *tt)
{
	return (uint64_t *)(void *)(tt->ent + tt->cap);
}

/* The two bits of hash h, both in one 64-bit word (one load a test). */
static inline uint64_t bloom_bits(uint64_t h)
{
	return 1ull << ((h >> 20) & 63) | 1ull << ((h >> 26) & 63);
}

static inline void bloom_add(uint64_t *b, uint64_t h)
{
	b[h >> (64 - BLOOM_WORDS_LOG)] |= bloom_bits(h);
}

static inline int bloom_has(const uint64_t *b, uint64_t h)
{
	uint64_t m = bloom_bits(h);

	return (b[h >> (64 - BLOOM_WORDS_LOG)] & m) == m;
}

static struct term_ent *slot(const struct term_table *tt, uint64_t h)
{
	size_t i = (size_t)(h ^ (h >> 29)) & (tt->cap - 1);

	while (tt->ent[i].h && tt->ent[i].h != h)
		i = (i + 1) & (tt->cap - 1);
	return &tt->ent[i];
}

/* The entry of hash h (a phrase hash; 0 is looked up as 1), or NULL. */
static inline const struct term_ent *lookup(const struct term_table *tt, uint64_t h)
{
	const struct term_ent *e;

	h = h ? h : 1;
	if (!bloom_has(bloom_of(tt), h))
		return NULL;
	e = slot(tt, h);
	return e->h ? e : NULL;
}

static int grow(struct term_table *tt)
{
	struct term_table nt;
	size_t i;

	nt.cap = tt->cap ? tt->cap * 2 : 1024;
	nt.n = 0;
	if (nt.cap > (SIZE_MAX - BLOOM_BYTES) / sizeof *nt.ent)
		return PHI_ENOMEM;
	memcpy(nt.filt, tt->filt, sizeof nt.filt);
	nt.ent = calloc(1, nt.cap * sizeof *nt.ent + BLOOM_BYTES);
	if (!nt.ent)
		return PHI_ENOMEM;
	for (i = 0; i < tt->cap; i++)
		if (tt->ent[i].h) {
			*slot(&nt, tt->ent[i].h) = tt->ent[i];
			nt.n++;
		}
	if (tt->ent)
		memcpy(bloom_of(&nt), bloom_of(tt), BLOOM_BYTES);
	free(tt->ent);
	*tt = nt;
	return PHI_OK;
}

static int put(struct term_table *tt, uint64_t h, uint32_t cats, uint32_t flags)
{
	struct term_ent *e;

	if ((tt->n + 1) * 2 > tt->cap && grow(tt) != PHI_OK)
		return PHI_ENOMEM;
	e = slot(tt, h);
	if (!e->h) {
		e->h = h;
		tt->n++;
		bloom_add(bloom_of(tt), h);
	}
	e->cats |= cats;
	e->flags |= flags;
	return PHI_OK;
}

/* A prefix's entry also says which bytes the next word of its phrases can
 * start with (its canonical first byte: a letter, a digit or other), in
 * flag bits the TF_* flags do not use; the matcher tries to extend a phrase
 * only over a word that starts so. */
static inline uint32_t next_bit(unsigned c)
{
	if (c >= 'a' && c <= 'z')
		return 1u << (4 + (c - 'a'));
	if (c >= '0' && c <= '9')
		return 1u << 30;
	return 1u << 31;
}

/* Normalise a phrase: lower case, runs of non-alphanumerics -> one space. */
static size_t norm_phrase(const char *in, char *out, size_t cap)
{
	size_t o = 0;
	int sp = 0;

	for (; *in; in++) {
		unsigned char c = (unsigned char)*in;
		if (IS_ALNUM(c) || u8_letter((const unsigned char *)in, 2, 0)) {
			if (sp && o)
				out[o++] = ' ';
			sp = 0;
			if (o + 3 >= cap)
				return 0;
			if (c == 0xC3) { /* an accented letter: its ASCII base ("diagnóstico") */
				out[o++] = (char)u8_fold((unsigned char)*++in);
			} else if (c >= 0xC4) { /* Latin Extended-A: kept as it is */
				out[o++] = (char)c;
				out[o++] = *++in;
			} else {
				out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
			}
		} else {
			sp = 1;
		}
	}
	out[o] = 0;
	return o;
}

/* Filter bit of the word w[0..len), len >= 1; letters folded to lower case
 * by |0x20 (digits are unchanged by it). */
static inline uint32_t filt_mix(unsigned first, unsigned second, unsigned last, size_t len)
{
	uint32_t h = (uint32_t)(first | 0x20) << 16 | (uint32_t)(len > 1 ? second | 0x20 : 0) << 8 |
	             (uint32_t)(last | 0x20);

	h ^= (uint32_t)(len > 255 ? 255 : len) << 24;
	return (h * 0x9E3779B1u) >> (32 - TERM_FILT_LOG);
}

static inline uint32_t filt_key(const unsigned char *w, size_t len)
{
	return filt_mix(w[0], len > 1 ? w[1] : 0, w[len - 1], len);
}

/* The filter bit of a packed canonical word (the same bit as filt_key of its bytes). */
static inline int filt_packed(const struct term_table *tt, const uint64_t w[4], size_t len)
{
	uint32_t k = filt_mix(packed_byte(w, 0), packed_byte(w, 1), packed_byte(w, len - 1), len);

	return (int)(tt->filt[k / 64] >> (k % 64) & 1u);
}

int terms_add(struct term_table *tt, const char *phrase, uint32_t cats, uint32_t flags)
{
	char buf[128];
	size_t n = norm_phrase(phrase, buf, sizeof buf), i;
	unsigned words = 1;

	if (!n)
		return PHI_EINVAL;
	for (i = 0; i < n; i++)
		if (buf[i] == ' ')
			words++;
	if (words > 4)
		return PHI_EINVAL;
	{
		size_t fl = strcspn(buf, " ");
		uint32_t k = filt_key((const unsigned char *)buf, fl);
		tt->filt[k / 64] |= 1ull << (k % 64);
	}
	/* Every proper prefix of the phrase is marked so the matcher extends. */
	for (i = 0; i < n; i++)
		if (buf[i] == ' ') {
			buf[i] = 0;
			if (put(tt, hash_phrase(buf), 0, TF_PREFIX | next_bit((unsigned char)buf[i + 1])) != PHI_OK)
				return PHI_ENOMEM;
			buf[i] = ' ';
		}
	return put(tt, hash_phrase(buf), cats, flags);
}

uint32_t terms_lookup(const struct term_table *tt, const char *phrase)
{
	char buf[128];

	if (!tt->cap || !norm_phrase(phrase, buf, sizeof buf))
		return 0;
	return slot(tt, hash_phrase(buf))->cats;
}

int terms_init_builtin(struct term_table *tt)
{
	size_t i;

	for (i = 0; i < sizeof builtin_labels / sizeof builtin_labels[0]; i++)
		if (terms_add(tt, builtin_labels[i].p, builtin_labels[i].cats, builtin_labels[i].flags) != PHI_OK)
			return PHI_ENOMEM;
	return PHI_OK;
}

static int add_builtin_health(struct term_table *tt)
{
	size_t i;

	for (i = 0; i < terms_builtin_health_n; i++)
		if (terms_add(tt, terms_builtin_health[i], K_HEALTH, 0) != PHI_OK)
			return PHI_ENOMEM;
	return PHI_OK;
}

static void errf(char *err, size_t errlen, const char *file, unsigned line, const char *what)
{
	size_t used = err && errlen ? strlen(err) : 0;

	if (!err || used + 1 >= errlen)
		return;
	snprintf(err + used, errlen - used, "%s%s:%u: %s", used ? "\n" : "", file, line, what);
}

static int load_file(struct term_table *tt, const char *path, char *err, size_t errlen)
{
	FILE *fp = fopen(path, "r");
	char line[256];
	unsigned ln = 0;
	int rc = PHI_OK;

	if (!fp) {
		errf(err, errlen, path, 0, strerror(errno));
		return PHI_ECONFIG;
	}
	while (fgets(line, sizeof line, fp)) {
		char *p = line, *e;
		size_t len = strlen(line);
		ln++;
		if (len == sizeof line - 1 && line[len - 1] != '\n') {
			int c;
			errf(err, errlen, path, ln, "line too long");
			rc = PHI_ECONFIG;
			while ((c = fgetc(fp)) != EOF && c != '\n')
				;
			continue;
		}
		e = strchr(p, '#');
		if (e)
			*e = 0;
		while (*p == ' ' || *p == '\t')
			p++;
		e = p + strlen(p);
		while (e > p && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
			*--e = 0;
		if (!*p)
			continue;
		switch (terms_add(tt, p, K_HEALTH, 0)) {
		case PHI_OK:
			break;
		case PHI_ENOMEM:
			fclose(fp);
			return PHI_ENOMEM;
		default:
			errf(err, errlen, path, ln, "term must have 1 to 4 words of letters or digits");
			rc = PHI_ECONFIG;
		}
	}
	fclose(fp);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int terms_load_dir(struct term_table *tt, const char *dir, char *err, size_t errlen)
{
	DIR *d;
	struct dirent *de;
	char *names[256];
	size_t nn = 0, i;
	int rc = PHI_OK, r;

	if (!dir || !*dir)
		return add_builtin_health(tt);
	d = opendir(dir);
	if (!d) {
		errf(err, errlen, dir, 0, strerror(errno));
		return PHI_ECONFIG;
	}
	while ((de = readdir(d)) != NULL && nn < sizeof names / sizeof names[0]) {
		size_t l = strlen(de->d_name);
		if (l < 5 || strcmp(de->d_name + l - 4, ".txt") != 0 || de->d_name[0] == '.')
			continue;
		names[nn] = malloc(strlen(dir) + l + 2);
		if (!names[nn]) {
			rc = PHI_ENOMEM;
			break;
		}
		sprintf(names[nn], "%s/%s", dir, de->d_name);
		nn++;
	}
	closedir(d);
	qsort(names, nn, sizeof names[0], cmp_str);
	for (i = 0; i < nn; i++) {
		if (rc != PHI_ENOMEM) {
			r = load_file(tt, names[i], err, errlen);
			if (r != PHI_OK && rc == PHI_OK)
				rc = r;
			if (r == PHI_ENOMEM)
				rc = r;
		}
		free(names[i]);
	}
	if (rc == PHI_OK && nn == 0) {
		errf(err, errlen, dir, 0, "no *.txt term files");
		rc = PHI_ECONFIG;
	}
	return rc;
}

void terms_free(struct term_table *tt)
{
	free(tt->ent);
	tt->ent = NULL;
	tt->cap = tt->n = 0;
	memset(tt->filt, 0, sizeof tt->filt);
}

static __attribute__((noinline)) int hits_grow(struct det_seg *ds)
{
	size_t nc = ds->caphits ? ds->caphits * 2 : 64;
	struct kw_hit *nh = realloc(ds->hits, nc * sizeof *nh);

	if (!nh) {
		ds->oom = 1;
		return 0;
	}
	ds->hits = nh;
	ds->caphits = nc;
	return 1;
}

static inline __attribute__((always_inline)) void push_hit(struct det_seg *ds, size_t a, size_t b, uint32_t cats)
{
	if (ds->nhits == ds->caphits && !hits_grow(ds))
		return;
	ds->hits[ds->nhits].start = (uint32_t)a;
	ds->hits[ds->nhits].end = (uint32_t)b;
	ds->hits[ds->nhits].cats = cats;
	ds->nhits++;
	ds->allcats |= cats;
}

/* Where a word ends: 16 bytes at a time with SSE2 (a bit per byte: an
 * ASCII letter or digit), else a byte at a time; both say the same. Loads
 * never pass t + n: the last bytes of a segment go through a zero-padded
 * copy (0 is neither). The inline part is the common case (the word ends
 * within 16 bytes, not near the end of the segment). */
#if defined(__SSE2__)
#include <emmintrin.h>

/* Bit k: p[k] is an ASCII letter or digit; *dig the same for digits. */
static inline unsigned vec_alnum(const unsigned char *p, unsigned *dig)
{
	const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
	const __m128i d = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8(0x50)), _mm_set1_epi8(-118));
	const __m128i a = _mm_cmplt_epi8(_mm_add_epi8(_mm_or_si128(v, _mm_set1_epi8(0x20)), _mm_set1_epi8(0x1F)),
	                                 _mm_set1_epi8(-102));

	*dig = (unsigned)_mm_movemask_epi8(d);
	return (unsigned)_mm_movemask_epi8(_mm_or_si128(d, a));
}

#else
static inline unsigned vec_alnum(const unsigned char *p, unsigned *dig)
{
	unsigned m = 0, d = 0, k;

	for (k = 0; k < 16; k++) {
		m |= (unsigned)((det_cls[p[k]] & (DC_ALPHA | DC_DIGIT)) != 0) << k;
		d |= (unsigned)((det_cls[p[k]] & DC_DIGIT) != 0) << k;
	}
	*dig = d;
	return m;
}

#endif

/* alnum_end past the first 16 bytes or near the end of the segment. */
static __attribute__((noinline)) size_t alnum_end_long(const unsigned char *t, size_t n, size_t i, unsigned *dig)
{
	while (i < n) {
		unsigned d, m;
		if (n - i >= 16) {
			m = ~vec_alnum(t + i, &d) & 0xFFFFu;
		} else {
			unsigned char b[16] = { 0 };
			memcpy(b, t + i, n - i);
			m = ~vec_alnum(b, &d) & 0xFFFFu;
		}
		if (m) {
			unsigned k = (unsigned)__builtin_ctz(m);
			*dig |= d & ((1u << k) - 1);
			return i + k;
		}
		*dig |= d;
		i += 16;
	}
	return i;
}

/* End of the run of ASCII letters and digits at i <= n (i itself when t[i]
 * is none); *dig gets a bit set when the run holds a digit. */
static inline size_t alnum_end(const unsigned char *t, size_t n, size_t i, unsigned *dig)
{
	if (n - i >= 16) {
		unsigned d, m = ~vec_alnum(t + i, &d) & 0xFFFFu;
		if (m) {
			unsigned k = (unsigned)__builtin_ctz(m);
			*dig |= d & ((1u << k) - 1);
			return i + k;
		}
	}
	return alnum_end_long(t, n, i, dig);
}

/* The word at j goes on with accented letters ("diagnóstico"). */
static __attribute__((noinline)) size_t word_end_u8(const unsigned char *t, size_t n, size_t j, unsigned *dig,
                                                    int *acc)
{
	while (j < n && (det_cls[t[j]] & DC_U8) && u8_letter(t, n, j)) {
		*acc = 1;
		j = alnum_end(t, n, j + 2, dig);
	}
	return j;
}

/* End of the word at i: letters, digits and accented letters. */
static inline size_t word_end(const unsigned char *t, size_t n, size_t i, unsigned *dig, int *acc)
{
	size_t j = alnum_end(t, n, i, dig);

	if (j < n && (det_cls[t[j]] & DC_U8))
		j = word_end_u8(t, n, j, dig, acc);
	return j;
}

/* DC_* bits of the word [i, j) for a candidate (an accented letter counts as DC_ALPHA). */
static unsigned word_cls(const unsigned char *t, size_t i, size_t j, int acc)
{
	unsigned fl = acc ? DC_ALPHA : 0;

	for (; i < j; i++)
		fl |= det_cls[t[i]] & (DC_ALPHA | DC_DIGIT | DC_UPPER | DC_HEX);
	return fl;
}

/* The packed canonical form of the word [i, j) (j - i <= WORD_MAX); returns its length. */
static inline size_t pack_text(const unsigned char *t, size_t n, size_t i, size_t j, int acc, uint64_t w[4])
{
	if (acc)
		return pack_word(t, i, j, w);
	pack_ascii(t, n, i, j - i, w);
	return j - i;
}

/*
 * The pass's window: bit k of a, d and s says what t[b + k] is (a letter or
 * digit; a digit; a byte the pass stops at), for 64 bytes from b, zero
 * past n. ctx_scan finds the end of a word and the start of the next one
 * with a shift and a count of trailing zeros in it, not by loading the
 * text at each word, so one word's end does not wait on loads that depend
 * on the last one's.
 */
struct win {
	size_t b;
	uint64_t a, d, s;
};

#if defined(__SSE2__)
static inline void win_masks(const unsigned char *p, uint64_t *a, uint64_t *d, uint64_t *s)
{
	unsigned k;

	*a = *d = *s = 0;
	for (k = 0; k < 4; k++) {
		const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
		const __m128i dv = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8(0x50)), _mm_set1_epi8(-118));
		const __m128i av = _mm_or_si128(dv, _mm_cmplt_epi8(_mm_add_epi8(_mm_or_si128(v, _mm_set1_epi8(0x20)),
		                                                                _mm_set1_epi8(0x1F)),
		                                                  _mm_set1_epi8(-102)));
		const __m128i uv = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8(-0x43)), _mm_set1_epi8(-125));
		const __m128i mv = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('@')), _mm_cmpeq_epi8(v, _mm_set1_epi8(':')));
		*a |= (uint64_t)(unsigned)_mm_movemask_epi8(av) << (16 * k);
		*d |= (uint64_t)(unsigned)_mm_movemask_epi8(dv) << (16 * k);
		*s |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_or_si128(av, _mm_or_si128(uv, mv))) << (16 * k);
	}
}
#else
static inline void win_masks(const unsigned char *p, uint64_t *a, uint64_t *d, uint64_t *s)
{
	unsigned k;

	*a = *d = *s = 0;
	for (k = 0; k < 64; k++) {
		unsigned char cl = det_cls[p[k]];
		*a |= (uint64_t)((cl & (DC_ALPHA | DC_DIGIT)) != 0) << k;
		*d |= (uint64_t)((cl & DC_DIGIT) != 0) << k;
		*s |= (uint64_t)((cl & (DC_ALPHA | DC_DIGIT | DC_MARK | DC_U8)) != 0) << k;
	}
}
#endif

static __attribute__((noinline)) void win_load_end(struct win *w, const unsigned char *t, size_t n, size_t b)
{
	unsigned char pad[64] = { 0 };

	memcpy(pad, t + b, n - b);
	win_masks(pad, &w->a, &w->d, &w->s);
	w->b = b;
}

/* The window at b (< n). */
static inline void win_load(struct win *w, const unsigned char *t, size_t n, size_t b)
{
	if (n - b < 64) {
		win_load_end(w, t, n, b);
		return;
	}
	win_masks(t + b, &w->a, &w->d, &w->s);
	w->b = b;
}

static int all_upper(const unsigned char *t, size_t i, size_t j)
{
	for (; i < j; i++)
		if (IS_ALPHA(t[i]) && !IS_UPPER(t[i]))
			return 0;
	return 1;
}

/* The '#' / ':' requirements of a term: with both flags either will do ("CC#", "CC:"). */
static int flags_ok(const unsigned char *t, size_t n, size_t a, size_t *b, uint32_t flags)
{
	size_t k = *b;
	int need_hash = (flags & TF_REQ_HASH) != 0, need_colon = (flags & TF_REQ_COLON) != 0;

	if ((flags & TF_CASE) && !all_upper(t, a, *b))
		return 0;
	if (!need_hash && !need_colon)
		return 1;
	if (need_colon && k < n && t[k] == '.')
		k++;
	while (k < n && t[k] == ' ')
		k++;
	if (k < n && t[k] == '#' && need_hash) {
		*b = k + 1;
		return 1;
	}
	return k < n && t[k] == ':' && need_colon;
}

static void push_cand(struct det_seg *ds, size_t a, size_t b, unsigned kind, unsigned cls)
{
	if (ds->ncands == ds->capcands) {
		size_t nc = ds->capcands ? ds->capcands * 2 : 64;
		struct cand_tok *nt = realloc(ds->cands, nc * sizeof *nt);
		if (!nt) {
			ds->oom = 1;
			return;
		}
		ds->cands = nt;
		ds->capcands = nc;
	}
	ds->cands[ds->ncands].a = (uint32_t)a;
	ds->cands[ds->ncands].b = (uint32_t)b;
	ds->cands[ds->ncands].kind = (uint16_t)kind;
	ds->cands[ds->ncands].cls = (uint16_t)cls;
	ds->ncands++;
}

/* Bytes that may join the words of a phrase ("date of birth", "d.o.b.", "year-old"). */
static inline int is_gap(unsigned char c)
{
	return c == ' ' || c == '.' || c == '-' || c == '\'' || c == '/' || c == '\t' || c == '\r' || c == '_';
}

/* The keyword match that starts with the word [i, j), whose entry (its
 * phrase hash h) is e: the term itself, or the longest phrase over the
 * next words. Returns the end of the match (> i) or 0. */
static __attribute__((noinline)) size_t match_phrase(struct det_seg *ds, size_t i, size_t j, uint64_t h,
                                                     const struct term_ent *e)
{
	const unsigned char *t = ds->t;
	size_t n = ds->n, best_end = 0, k, w;
	const struct term_table *tt = &ds->de->terms;
	uint32_t best = 0;
	uint64_t pw[4];

	if (e->cats) {
		size_t b = j;
		if (flags_ok(t, n, i, &b, e->flags)) {
			best = e->cats;
			best_end = b;
		}
	}
	/* extend a phrase over the next words */
	k = j;
	for (w = 1; w < 4 && (e->flags & TF_PREFIX); w++) {
		size_t gap = 0, ws, we, wl;
		uint64_t hp = h;
		unsigned dig = 0;
		int wacc = 0;
		while (k < n && gap < 3 && is_gap(t[k])) {
			k++;
			gap++;
		}
		if (!gap || k >= n || !(IS_ALNUM(t[k]) || u8_letter(t, n, k)))
			break;
		ws = k;
		/* no phrase goes on with a word that starts so: done */
		if (!(e->flags & next_bit(t[ws] < 0x80 ? t[ws] | 0x20u : t[ws] == 0xC3 ? u8_fold(t[ws + 1]) : t[ws])))
			break;
		we = word_end(t, n, ws, &dig, &wacc);
		if (we - ws > WORD_MAX)
			break;
		wl = pack_text(t, n, ws, we, wacc, pw);
		h = word_hash(hp, pw, wl);
		e = lookup(tt, h);
		if (!e) {
			/* the plural of a phrase's last word: "kidney stones" */
			if (we - ws > 3 && (t[we - 1] | 0x20) == 's') {
				const struct term_ent *e2;
				packed_drop_last(pw, wl);
				e2 = lookup(tt, word_hash(hp, pw, wl - 1));
				if (e2 && (e2->cats & K_HEALTH)) {
					best = e2->cats & K_HEALTH;
					best_end = we;
				}
			}
			break;
		}
		if (e->cats) {
			size_t b = we;
			if (flags_ok(t, n, i, &b, e->flags)) {
				best = e->cats;
				best_end = b;
			}
		}
		k = we;
	}
	if (!best)
		return 0;
	push_hit(ds, i, best_end, best);
	return best_end;
}

/* A word [i, j) that is no term and starts none: the plural of a health
 * word ("tumors") is one. pw/len: the word packed. */
static size_t match_plural(struct det_seg *ds, size_t i, size_t j, uint64_t pw[4], size_t len)
{
	const struct term_ent *e;

	if (j - i <= 4 || (ds->t[j - 1] | 0x20) != 's')
		return 0;
	packed_drop_last(pw, len);
	e = lookup(&ds->de->terms, word_hash(0, pw, len - 1));
	if (!e || !(e->cats & K_HEALTH))
		return 0;
	push_hit(ds, i, j, K_HEALTH);
	return j;
}

/* The keyword match of any word [i, j) of at most WORD_MAX bytes (acc: it
 * has accented letters); returns the end of the match (> i) or 0. The
 * words of ordinary text take ctx_scan's inline path instead. */
static __attribute__((noinline)) size_t match_word(struct det_seg *ds, size_t i, size_t j, int acc)
{
	const struct term_table *tt = &ds->de->terms;
	uint64_t pw[4], h;
	size_t len;
	const struct term_ent *e;

	if (acc) {
		/* filtered first by the canonical form, as it always was: for
		 * the plural of a word of 4 letters or fewer the filter decides */
		len = pack_word(ds->t, i, j, pw);
		if (!filt_packed(tt, pw, len) &&
		    !(len > 4 && packed_byte(pw, len - 1) == 's' && filt_packed(tt, pw, len - 1)))
			return 0;
	} else {
		len = j - i;
		pack_ascii(ds->t, ds->n, i, len, pw);
	}
	h = word_hash(0, pw, len);
	e = lookup(tt, h);
	if (e)
		return match_phrase(ds, i, j, h, e);
	return match_plural(ds, i, j, pw, len);
}

/* The keyword match of the word [i, j) (j - i <= WORD_MAX). An ASCII word
 * of up to 16 bytes, not at the end of the segment, is packed and hashed
 * here from two 8-byte loads, and most go no further than the Bloom filter. */
static inline __attribute__((always_inline)) size_t match_any(struct det_seg *ds, const uint64_t *bloom, size_t i,
                                                          size_t j, int acc)
{
	const unsigned char *t = ds->t;
	size_t len = j - i;
	uint64_t w0, w1, h;

	if (acc || len > 16 || ds->n - i < 16)
		return match_word(ds, i, j, acc);
	w0 = load64(t + i) | LC8;
	w1 = load64(t + i + 8) | LC8;
	w1 &= lomask[len > 8 ? len - 8 : 0];
	w0 &= lomask[len > 8 ? 8 : len];
	h = mum(w0 ^ HP0, w1 ^ HP1);
	if (bloom_has(bloom, h ? h : 1)) {
		const struct term_ent *e = slot(&ds->de->terms, h ? h : 1);
		if (e->h) {
			if (e->flags)
				return match_phrase(ds, i, j, h, e);
			/* no flags: the term as it is, and no phrase starts with it */
			if (!e->cats)
				return 0;
			push_hit(ds, i, j, e->cats);
			return j;
		}
	}
	/* not a first word: the plural of a health word ("tumors") may be a
	 * term. The word less its last byte is hashed and filtered whether or
	 * not that byte is an 's': a branch on it would go either way too
	 * often to be predicted. */
	{
		size_t l = len - 1;
		int pl = (len > 4) & ((t[j - 1] | 0x20) == 's');
		uint64_t h2 = mum((w0 & lomask[l > 8 ? 8 : l]) ^ HP0, (w1 & lomask[l > 8 ? l - 8 : 0]) ^ HP1);
		h2 = h2 ? h2 : 1;
		if (pl & bloom_has(bloom, h2)) {
			const struct term_ent *e = slot(&ds->de->terms, h2);
			if (e->h && (e->cats & K_HEALTH)) {
				push_hit(ds, i, j, K_HEALTH);
				return j;
			}
		}
	}
	return 0;
}

void ctx_scan(struct det_seg *ds)
{
	const unsigned char *t = ds->t;
	size_t n = ds->n, i = 0;
	int have_terms = ds->de->terms.cap != 0;
	const uint64_t *bloom = have_terms ? bloom_of(&ds->de->terms) : NULL;
	struct win w;

	ds->nhits = 0;
	ds->ncands = 0;
	ds->allcats = 0;
	if (!n)
		return;
	win_load(&w, t, n, 0);
	while (i < n) {
		unsigned char c;
		unsigned dig = 0;
		int acc = 0;
		size_t j, s;
		uint64_t y, x;

		/* the next letter, digit, '@', ':' or lead byte: in this window or a later one */
		if (i - w.b >= 64)
			win_load(&w, t, n, i);
		y = w.s >> (i - w.b);
		while (!y) {
			if (w.b + 64 >= n)
				return;
			win_load(&w, t, n, w.b + 64);
			i = w.b;
			y = w.s;
		}
		i += (size_t)__builtin_ctzll(y);
		c = t[i];
		if (det_cls[c] & DC_MARK) {
			if (c == '@')
				push_cand(ds, i, i + 1, CT_AT, 0);
			else if (i + 1 < n && (t[i + 1] == ':' || IS_HEX(t[i + 1])))
				push_cand(ds, i, i + 1, CT_COLON, 0);
			i++;
			continue;
		}
		s = i - w.b;
		x = ~w.a >> s;
		if (!x && s) {
			/* the word goes on past the window: a window from its start */
			win_load(&w, t, n, i);
			s = 0;
			x = ~w.a;
		}
		if (x) {
			unsigned k = (unsigned)__builtin_ctzll(x);
			j = i + k;
			dig = ((w.d >> s) & ((1ull << k) - 1)) != 0;
		} else {
			j = alnum_end(t, n, i, &dig);
		}
		if (j < n && (det_cls[t[j]] & DC_U8))
			j = word_end_u8(t, n, j, &dig, &acc);
		if (j == i) { /* a lone lead byte */
			i++;
			continue;
		}
		if (dig) {
			push_cand(ds, i, j, CT_TOKEN, word_cls(t, i, j, acc));
			/* "hba1c", "icd10", "b12" are words too */
			if (have_terms && IS_ALPHA(c) && j - i <= 8)
				match_any(ds, bloom, i, j, acc);
			i = j;
			continue;
		}
		/* a word: joined to more by '-', '.' or "://" it is a candidate too */
		if (j + 1 < n && (((t[j] == '-' || t[j] == '.') && IS_ALNUM(t[j + 1])) ||
		                  (t[j] == ':' && t[j + 1] == '/')))
			push_cand(ds, i, j, CT_TOKEN, word_cls(t, i, j, acc));
		if (have_terms && j - i <= WORD_MAX) {
			size_t e = match_any(ds, bloom, i, j, acc);
			if (e > j) {
				/* candidates inside a phrase ("year-old") are not numbers: skip */
				i = e;
				continue;
			}
		}
		i = j;
	}
}

/* First hit with end > a (hits are in order of start and do not overlap). */
static size_t first_after(const struct det_seg *ds, size_t a)
{
	size_t lo = 0, hi = ds->nhits;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (ds->hits[mid].end <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t ctx_first_hit(const struct det_seg *ds, size_t a)
{
	return first_after(ds, a);
}

uint32_t ctx_near(const struct det_seg *ds, size_t a, size_t b, size_t before, size_t after)
{
	size_t lo = a > before ? a - before : 0, hi = b + after, i;
	uint32_t c = 0;

	for (i = first_after(ds, lo); i < ds->nhits && ds->hits[i].start < hi; i++)
		c |= ds->hits[i].cats;
	return c;
}

const struct kw_hit *ctx_before(const struct det_seg *ds, size_t a, size_t maxd, uint32_t cat)
{
	size_t lo = a > maxd ? a - maxd : 0, i = first_after(ds, lo);
	const struct kw_hit *best = NULL;

	for (; i < ds->nhits && ds->hits[i].end <= a; i++)
		if (ds->hits[i].cats & cat)
			best = &ds->hits[i];
	return best;
}
