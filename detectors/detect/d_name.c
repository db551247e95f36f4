/*
 * d_name.c - names given as a patient's in free text.
 *
 * Only labelled names: "Patient: Jane Roe", "Patient Name: ROE, JANE",
 * "Pt: J. Roe", "Re: Jane Roe (DOB ...)", "Name: ..." and "Dear Jane Roe,"
 * followed by two to three capitalised words (an initial, O'Brien and
 * Smith-Jones allowed; "Last, First" too). A list of capitalised words that
 * are no first name ("The", "Health", "Information" ...) stops headings
 * from being taken for names. Patient labels give medium (high with health
 * words near); "Name:", "Re:" and "Dear" give medium only with a DOB or MRN
 * label near or health words addressed to the reader ("you were treated
 * for"), else low: a newsletter that greets its reader and mentions cancer
 * names no patient. Unlabelled names are the roster's business (ext.h).
 */
#include <string.h>
#include <strings.h>
#include "det.h"

static const char *const stop[] = {
	"the", "a", "an", "this", "that", "these", "your", "our", "my", "his", "her", "their",
	"information", "health", "medical", "care", "record", "records", "name", "names", "date",
	"patient", "patients", "rights", "privacy", "policy", "policies", "notice", "portal",
	"services", "service", "center", "hospital", "clinic", "department", "team", "safety",
	"education", "access", "request", "form", "number", "id", "re", "fw", "fwd", "urgent",
	"new", "update", "meeting", "lab", "labs", "results", "appointment", "follow", "summary",
	"report", "sir", "madam", "colleague", "colleagues", "friend", "friends", "customer",
	"member", "members", "all", "everyone", "team", "staff", "doctor", "dr", "prof", "to",
	"from", "subject", "and", "or", "of", "for", "in", "on", "at", "with", "hello", "hi",
	"dear", "thank", "thanks", "please", "referral", "discharge", "instructions", "status",
	"visit", "test", "list", "identifiable", "protected", "phi", "hipaa", "data", "user",
	"account", "family", "january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december", "monday", "tuesday",
	"wednesday", "thursday", "friday", "saturday", "sunday", "is", "was", "has", "will",
	"should", "must", "can", "who", "what", "when", "care", "plan", "privacy", "officer",
	"unknown", "none", "n", "na", "tbd", "doe", "sample", "test", "example", "demo",
	"security", "compliance", "workforce", "breach", "minimum", "necessary", "authorization",
	"consent", "business", "associate", "covered", "entity", "entities", "agreement",
	"mr", "mrs", "ms", "miss", "mx", "st", "street", "ave", "road", "suite", "po", "box",
	"project", "quarterly", "weekly", "monthly", "annual", "board", "office", "budget",
	"schedule", "training", "holiday", "welcome", "important", "reminder", "invitation",
	"full", "first", "last", "middle", "given", "legal", "preferred", "printed", "print",
	"signature", "insert", "enter", "type", "xxx", "yes", "no", "see", "attached", "same",
	"above", "below", "redacted", "withheld", "anonymous", "confidential", "private",
};

static int is_stop(const unsigned char *t, size_t a, size_t b)
{
	char w[24];
	size_t i, n = b - a;

	if (n >= sizeof w)
		return 0;
	for (i = 0; i < n; i++)
		w[i] = (char)(t[a + i] >= 'A' && t[a + i] <= 'Z' ? t[a + i] + 32 : t[a + i]);
	w[n] = 0;
	for (i = 0; i < sizeof stop / sizeof stop[0]; i++)
		if (stop[i][0] == w[0] && !strcmp(w, stop[i]))
			return 1;
	return 0;
}

static int is_title(const unsigned char *t, size_t a, size_t b)
{
	size_t n = b - a;
	char w[8];
	size_t i;

	if (n > 5)
		return 0;
	for (i = 0; i < n; i++)
		w[i] = (char)(t[a + i] | 0x20);
	w[n] = 0;
	/* English, Spanish, French (Mme, Mlle), German (Frau, Herr, Herrn) */
	return !strcmp(w, "mr") || !strcmp(w, "mrs") || !strcmp(w, "ms") || !strcmp(w, "miss") ||
	       !strcmp(w, "mx") || !strcmp(w, "sr") || !strcmp(w, "sra") || !strcmp(w, "srta") ||
	       !strcmp(w, "mme") || !strcmp(w, "mlle") || !strcmp(w, "frau") || !strcmp(w, "herr") ||
	       !strcmp(w, "herrn");
}

/* A capitalised name word at i: "Jane", "O'Brien", "Smith-Jones", "JANE", "J.",
 * and names with accented letters ("José", "Álvarez", "Dvořák"); returns end or 0. */
static size_t name_word(const unsigned char *t, size_t n, size_t i)
{
	size_t j = i, u;

	if (i >= n)
		return 0;
	if (IS_UPPER(t[i]))
		j++;
	else if (u8_upper(t, n, i))
		j += 2;
	else
		return 0;
	if (j < n && t[j] == '.' && j - i == 1)
		return j + 1; /* initial */
	for (;;) {
		if (j < n && IS_ALPHA(t[j])) {
			j++;
		} else if (j < n && (u = u8_letter(t, n, j)) != 0) {
			j += u;
		} else if (j + 1 < n && (t[j] == '\'' || t[j] == '-') &&
		           (IS_ALPHA(t[j + 1]) || u8_letter(t, n, j + 1))) {
			j++;
		} else {
			break;
		}
	}
	if (j - i < 2 || j - i > 24)
		return 0;
	if (j < n && (IS_DIGIT(t[j]) || t[j] >= 0x80))
		return 0;
	return j;
}

/* Labels that end a name: "Jane Roe DOB ...". */
static int is_label_word(const unsigned char *t, size_t a, size_t b)
{
	static const char *const w[] = { "dob", "mrn", "ssn", "age", "sex", "dx", "id", "phone", "tel",
		                         "date", "born", "md", "rn", "do" };
	char buf[8];
	size_t i, n = b - a;

	if (n >= sizeof buf)
		return 0;
	for (i = 0; i < n; i++)
		buf[i] = (char)(t[a + i] | 0x20);
	buf[n] = 0;
	for (i = 0; i < sizeof w / sizeof w[0]; i++)
		if (w[i][0] == buf[0] && !strcmp(buf, w[i]))
			return 1;
	return 0;
}

/* Lower-case surname particles at i ("van der ", "de la "): the offset
 * after them and their spaces, or 0. */
static size_t particles(const unsigned char *t, size_t n, size_t i)
{
	static const char *const w[] = { "van", "der", "den", "de", "la", "le", "del", "della", "di",
		                         "da", "dos", "das", "du", "von", "zu", "bin", "ter", "ten", NULL };
	size_t k, got = 0, e;

	while (got < 2) {
		for (e = i; e < n && t[e] >= 'a' && t[e] <= 'z'; e++)
			;
		if (e == i || e >= n || t[e] != ' ')
			break;
		for (k = 0; w[k]; k++)
			if (strlen(w[k]) == e - i && !strncmp((const char *)t + i, w[k], e - i))
				break;
		if (!w[k])
			break;
		got++;
		i = e + 1;
	}
	return got ? i : 0;
}

/* Names after label end e; returns the number of words and sets [*a, *b). */
static int name_after(const struct det_seg *ds, size_t e, size_t *a, size_t *b, int *titled)
{
	const unsigned char *t = ds->t;
	size_t n = ds->n, i = e, words = 0, j, last = 0, first = 0;
	int comma = 0;

	*titled = 0;
	/* a hint of the form: "Patient Name (Last, First): Roe, Jane" */
	if (i + 1 < n && (t[i] == '(' || (t[i] == ' ' && t[i + 1] == '('))) {
		const unsigned char *cp = memchr(t + i, ')', n - i < 28 ? n - i : 28);
		if (cp)
			i = (size_t)(cp - t) + 1;
	}
	while (i < n && i < e + 4 && (t[i] == ' ' || t[i] == ':' || t[i] == '\t' || t[i] == '-'))
		i++;
	if (i > e + 3 && i < n && (t[i] == ' ' || t[i] == ':'))
		while (i < n && (t[i] == ' ' || t[i] == ':'))
			i++;
	/* Mr. / Mrs. / Ms. */
	j = i;
	while (j < n && IS_ALPHA(t[j]))
		j++;
	if (j > i && is_title(t, i, j)) {
		*titled = 1;
		if (j < n && t[j] == '.')
			j++;
		while (j < n && t[j] == ' ')
			j++;
		i = j;
	}
	first = i;
	while (words < 3) {
		size_t w = name_word(t, n, i);
		if (!w)
			break;
		if (words >= 1 && is_label_word(t, i, w))
			break;
		/* an initial ("Ximena A. Okonkwo", "A. Kettering") is never a stop word */
		if (!(w - i == 2 && t[w - 1] == '.') && is_stop(t, i, t[w - 1] == '.' ? w - 1 : w))
			return 0;
		words++;
		last = w;
		i = w;
		if (i < n && t[i] == ',' && words == 1 && !comma && i + 2 < n && t[i + 1] == ' ' &&
		    (IS_UPPER(t[i + 2]) || u8_upper(t, n, i + 2))) {
			comma = 1; /* ROE, JANE */
			i += 2;
			continue;
		}
		if (i < n && t[i] == ' ' && i + 1 < n && (IS_UPPER(t[i + 1]) || u8_upper(t, n, i + 1))) {
			i++;
		} else if (i < n && t[i] == ' ' && words >= 1 && (j = particles(t, n, i + 1)) != 0 &&
		           j < n && (IS_UPPER(t[j]) || u8_upper(t, n, j))) {
			i = j; /* "Chiara van der Berg", "Ana de la Cruz" */
		} else {
			break;
		}
	}
	if (words < 2 && !(words == 1 && *titled))
		return 0;
	/* a name is followed by the end of the phrase, not by more letters */
	if (last < n && IS_ALPHA(t[last]))
		return 0;
	*a = first;
	*b = last;
	return (int)words;
}

/* After "you" at e (up to lim): "your", or "you" as the subject of a verb
 * that tells of the reader's health ("you were treated", "you have", "you
 * tested"), not "can you send the diabetes registry". */
static int you_health(const unsigned char *t, size_t e, size_t lim)
{
	static const char *const verbs[] = { "were", "are", "have", "had", "re", "ve", "received",
		                             "underwent", "tested", "completed", "started", "missed", NULL };
	size_t k = e, s, i;

	if (k < lim && (t[k] | 0x20) == 'r')
		return k + 1 >= lim || !IS_ALPHA(t[k + 1]);
	if (k < lim && IS_ALPHA(t[k]))
		return 0;
	if (k < lim && t[k] == '\'')
		k++;
	else
		while (k < lim && t[k] == ' ')
			k++;
	s = k;
	while (k < lim && IS_ALPHA(t[k]))
		k++;
	for (i = 0; verbs[i]; i++)
		if (strlen(verbs[i]) == k - s && !strncasecmp((const char *)t + s, verbs[i], k - s))
			return 1;
	return 0;
}

/* A health word that names an organisation or a campaign ("Cancer Research
 * Fund", "Diabetes Association", "Heart Month"): no one's health. */
static int org_after(const unsigned char *t, size_t n, size_t e)
{
	static const char *const w[] = { "research", "fund", "foundation", "society", "association",
		                         "awareness", "institute", "alliance", "walk", "month", "charity",
		                         "league", "council", "appeal", "gala", "run", NULL };
	size_t k = e, s, i;

	while (k < n && t[k] == ' ')
		k++;
	s = k;
	while (k < n && IS_ALPHA(t[k]))
		k++;
	for (i = 0; w[i]; i++)
		if (strlen(w[i]) == k - s && !strncasecmp((const char *)t + s, w[i], k - s))
			return 1;
	return 0;
}

/* Words between [a, b): "your recent diagnosis" has one before the term. */
static size_t words_between(const unsigned char *t, size_t a, size_t b)
{
	size_t k, w = 0;

	for (k = a; k < b; k++)
		if (IS_ALPHA(t[k]) && (k == a || !IS_ALPHA(t[k - 1])))
			w++;
	return w;
}

/* Health words addressed to the reader ("you were treated for", "your
 * diagnosis") within span bytes after a: a letter to a patient, not a
 * newsletter that mentions illnesses, nor "your gift to the Cancer Fund". */
static unsigned health_to_you(const struct det_seg *ds, size_t a, size_t span)
{
	const unsigned char *t = ds->t;
	size_t i, k;
	unsigned found = 0;

	for (i = ctx_first_hit(ds, a); i < ds->nhits; i++) {
		const struct kw_hit *h = &ds->hits[i];
		size_t lo;
		if (h->start < a)
			continue;
		if (h->start > a + span)
			break;
		if (!(h->cats & K_HEALTH) || org_after(t, ds->n, h->end))
			continue;
		lo = h->start > 28 ? h->start - 28 : 0;
		if (lo < a)
			lo = a;
		for (k = lo; k + 3 <= h->start; k++) {
			if (k > 0 && IS_ALPHA(t[k - 1]))
				continue;
			/* your, "you were/have/had ..."; Spanish su, sus, usted */
			if (((t[k] | 0x20) == 'y' && (t[k + 1] | 0x20) == 'o' && (t[k + 2] | 0x20) == 'u' &&
			     you_health(t, k + 3, h->start) && words_between(t, k + 3, h->start) <= 4) ||
			    ((t[k] | 0x20) == 's' && (t[k + 1] | 0x20) == 'u' &&
			     (t[k + 2] == ' ' || ((t[k + 2] | 0x20) == 's' && k + 3 < h->start && t[k + 3] == ' '))) ||
			    (k + 5 <= h->start && !strncasecmp((const char *)t + k, "usted", 5))) {
				found++;
				break;
			}
		}
	}
	return found;
}

static void one(struct det_seg *ds, const struct kw_hit *h)
{
	const unsigned char *t = ds->t;
	size_t a, b, k;
	int titled, words, patient = (h->cats & K_PATIENT) != 0, colon;
	int dear = (h->cats & K_GREET) != 0;
	enum phi_confidence c;

	k = h->end;
	if (k + 1 < ds->n && t[k] == ' ' && t[k + 1] == '(')
		k++;
	if (k < ds->n && t[k] == '(') { /* "Patient Name (Last, First):" */
		const unsigned char *cp = memchr(t + k, ')', ds->n - k < 28 ? ds->n - k : 28);
		if (cp)
			k = (size_t)(cp - t) + 1;
	}
	while (k < ds->n && t[k] == ' ')
		k++;
	/* "Patient: Jane Roe", "Patient - Jane Roe", a table's "Patient<TAB>Jane Roe" */
	colon = k < ds->n && (t[k] == ':' || t[k] == '-' || t[k] == '\t');
	/* "the patient, Jane Roe, was admitted": a name set off by commas */
	if (patient && !colon && k + 2 < ds->n && t[k] == ',' && t[k + 1] == ' ') {
		words = name_after(ds, k + 1, &a, &b, &titled);
		if (words && b < ds->n && t[b] == ',') {
			c = det_health_near(ds, a, b) ? PHI_CONF_HIGH : PHI_CONF_MEDIUM;
			det_add(ds, PHI_T_PERSON_NAME, c, a, b - a, "+patient apposition");
		}
		return;
	}
	words = name_after(ds, h->end, &a, &b, &titled);
	if (!words)
		return;
	if (titled && !dear && !patient)
		return;
	if (dear && !titled && words < 2)
		return;
	if (patient && !colon) {
		/* "patient Jane Roe (DOB ...)": only with an identifier label right after */
		if (!(ctx_near(ds, b, b, 0, 30) & (K_DOB | K_MRN)))
			return;
	}
	if (patient) {
		c = det_health_near(ds, a, b) ? PHI_CONF_HIGH : PHI_CONF_MEDIUM;
	} else if (dear) {
		c = health_to_you(ds, b, 600) >= 1 ? PHI_CONF_MEDIUM : PHI_CONF_LOW;
	} else {
		/* in a clinical document only when it names a patient: "name:" in
		 * a FHIR bundle of practitioners and organizations is staff's */
		c = (ctx_near(ds, a, b, 200, 200) & (K_DOB | K_MRN)) || ds->clinical_named ||
		            health_to_you(ds, b, 300) >= 1
		        ? PHI_CONF_MEDIUM
		        : PHI_CONF_LOW;
	}
	det_add(ds, PHI_T_PERSON_NAME, c, a, b - a, patient ? "+patient label" : dear ? "+dear" : "+name label");
}

/* "Jane Roe (DOB 01/02/1960)", "Allen Vitalis, MRN 4471023": two or three
 * capitalised words just before a DOB or MRN label name its person. */
static void before_label(struct det_seg *ds, const struct kw_hit *h)
{
	const unsigned char *t = ds->t;
	size_t e = h->start, a, b, words = 0, s;

	if (e >= 1 && (t[e - 1] == '(' || t[e - 1] == '['))
		e--;
	while (e > 0 && (t[e - 1] == ' ' || t[e - 1] == ','  || t[e - 1] == '-'))
		e--;
	if (e == 0 || !(IS_ALPHA(t[e - 1]) || u8_letter_before(t, e)) || h->start - e > 4)
		return;
	b = e;
	a = e;
	while (words < 3 && a > 0) {
		size_t ws = a, we = a;
		for (;;) {
			if (ws > 0 && (IS_ALPHA(t[ws - 1]) || t[ws - 1] == '\'' || t[ws - 1] == '-'))
				ws--;
			else if (u8_letter_before(t, ws))
				ws -= 2;
			else
				break;
		}
		if (ws == we || !(IS_UPPER(t[ws]) || u8_upper(t, ds->n, ws)) || we - ws < 2 ||
		    is_stop(t, ws, we) || is_label_word(t, ws, we))
			break;
		words++;
		a = ws;
		if (a > 1 && t[a - 1] == ' ' && IS_UPPER(t[a - 2]) == 0 && !IS_ALPHA(t[a - 2]) &&
		    !u8_letter_before(t, a - 1))
			break;
		if (a > 1 && t[a - 1] == ' ' && (IS_ALPHA(t[a - 2]) || u8_letter_before(t, a - 1)))
			a--;
		else
			break;
	}
	while (a < b && !IS_ALPHA(t[a]) && !u8_letter(t, b, a))
		a++;
	if (words < 2)
		return;
	s = a;
	det_add(ds, PHI_T_PERSON_NAME, PHI_CONF_MEDIUM, s, b - s, "+dob/mrn after name");
}

void d_name_hits(struct det_seg *ds)
{
	size_t i;

	if (!(ds->allcats & (K_NAMELBL | K_DOB | K_MRN)))
		return;
	for (i = 0; i < ds->nhits; i++) {
		if (ds->hits[i].cats & K_NAMELBL)
			one(ds, &ds->hits[i]);
		if (ds->hits[i].cats & (K_DOB | K_MRN))
			before_label(ds, &ds->hits[i]);
	}
}
