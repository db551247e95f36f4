/*
 * d_labels.c - more label words for the keyword pass, added to the term
 * table next to context.c's built-in labels when the engine is built.
 *
 * Record-number labels that EHRs print besides "MRN" ("Hospital Number",
 * "Hosp No.", Meditech's "Unit No.", encounter and visit numbers, Epic's
 * "CSN"), and the birth-date, record and
 * patient labels of the letters clinic staff write in French, German and
 * Portuguese ("date de naissance", "né le", "geb.", "Geburtsdatum", "data
 * de nascimento"). Every phrase is normalised like the built-in ones
 * (lower case, accents to their ASCII base, punctuation to one space), so
 * "né(e) le" is "ne e le" and "N° de dossier" is "n de dossier". A "unit"
 * label only counts as a record number with a patient near (d_kv.c).
 * Greetings ("Good morning", "Bonjour", "Sehr geehrte") work like "Dear":
 * the name after them is medium only with health words addressed to the
 * reader (d_name.c).
 */
#include "det.h"

static const struct {
	const char *p;
	uint32_t cats, flags;
} extra_labels[] = {
	/* record numbers */
	{ "hospital number", K_MRN | K_PATIENT, 0 }, { "hospital no", K_MRN | K_PATIENT, 0 },
	{ "hospital id", K_MRN | K_PATIENT, 0 }, { "hosp no", K_MRN | K_PATIENT, 0 },
	{ "hosp", K_MRN, TF_REQ_HASH }, { "hosp num", K_MRN | K_PATIENT, 0 },
	{ "unit no", K_MRN, 0 }, { "unit number", K_MRN, 0 }, { "unit", K_MRN, TF_REQ_HASH },
	{ "mr no", K_MRN, 0 }, { "mr number", K_MRN, 0 }, { "emr", K_MRN, TF_REQ_HASH },
	{ "encounter number", K_MRN, 0 }, { "encounter no", K_MRN, 0 }, { "encounter id", K_MRN, 0 },
	{ "encounter", K_MRN, TF_REQ_HASH }, { "visit number", K_MRN, 0 }, { "visit id", K_MRN, 0 },
	{ "csn", K_MRN, TF_CASE },
	{ "numero de dossier", K_MRN | K_PATIENT, 0 }, { "n de dossier", K_MRN | K_PATIENT, 0 },
	{ "no de dossier", K_MRN | K_PATIENT, 0 }, { "dossier patient", K_MRN | K_PATIENT, 0 },
	{ "patientennummer", K_MRN | K_PATIENT, 0 }, { "patienten nr", K_MRN | K_PATIENT, 0 },
	{ "fallnummer", K_MRN | K_PATIENT, 0 }, { "prontuario", K_MRN | K_PATIENT, 0 },
	{ "numero do prontuario", K_MRN | K_PATIENT, 0 }, { "n do prontuario", K_MRN | K_PATIENT, 0 },
	/* dates of birth */
	{ "date de naissance", K_DOB, 0 }, { "date naissance", K_DOB, 0 }, { "date de naiss", K_DOB, 0 },
	{ "ne le", K_DOB, 0 }, { "nee le", K_DOB, 0 }, { "ne e le", K_DOB, 0 },
	{ "geburtsdatum", K_DOB, 0 }, { "geb", K_DOB, 0 }, { "geb am", K_DOB, 0 },
	{ "geboren", K_DOB, 0 }, { "geboren am", K_DOB, 0 },
	{ "data de nascimento", K_DOB, 0 }, { "data de nasc", K_DOB, 0 }, { "data nasc", K_DOB, 0 },
	{ "data nascimento", K_DOB, 0 }, { "nascido em", K_DOB, 0 }, { "nascida em", K_DOB, 0 },
	{ "nascimento", K_DOB, TF_REQ_COLON },
	/* patients and their names */
	{ "patiente", K_PATIENT | K_NAMELBL, 0 }, { "patientin", K_PATIENT | K_NAMELBL, 0 },
	{ "nom du patient", K_PATIENT | K_NAMELBL, 0 }, { "nom de la patiente", K_PATIENT | K_NAMELBL, 0 },
	{ "name des patienten", K_PATIENT | K_NAMELBL, 0 }, { "nome do paciente", K_PATIENT | K_NAMELBL, 0 },
	{ "nome da paciente", K_PATIENT | K_NAMELBL, 0 }, { "nom", K_NAMELBL, TF_REQ_COLON },
	{ "nome", K_NAMELBL, TF_REQ_COLON },
	/* greetings before the reader's name */
	{ "good morning", K_NAMELBL | K_GREET, 0 }, { "good afternoon", K_NAMELBL | K_GREET, 0 },
	{ "good evening", K_NAMELBL | K_GREET, 0 }, { "bonjour", K_NAMELBL | K_GREET, 0 },
	{ "cher", K_NAMELBL | K_GREET, 0 }, { "chere", K_NAMELBL | K_GREET, 0 },
	{ "liebe", K_NAMELBL | K_GREET, 0 }, { "lieber", K_NAMELBL | K_GREET, 0 },
	{ "sehr geehrte", K_NAMELBL | K_GREET, 0 }, { "sehr geehrter", K_NAMELBL | K_GREET, 0 },
	{ "prezado", K_NAMELBL | K_GREET, 0 }, { "prezada", K_NAMELBL | K_GREET, 0 },
	{ "ola", K_NAMELBL | K_GREET, 0 },
};

int labels_extra_add(struct term_table *tt)
{
	size_t i;

	for (i = 0; i < sizeof extra_labels / sizeof extra_labels[0]; i++)
		if (terms_add(tt, extra_labels[i].p, extra_labels[i].cats, extra_labels[i].flags) != PHI_OK)
			return PHI_ENOMEM;
	return PHI_OK;
}
