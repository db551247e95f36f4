/*
 * status.h - return codes shared by every phimilter library function.
 *
 * Library functions return 0 (PHI_OK) or one of the negative PHI_E* codes
 * below; the detail of what went wrong lives in the handle that was used
 * (for a scan: phi_scan_error()). Codes never carry message content.
 */
#ifndef PHI_STATUS_H
#define PHI_STATUS_H

#define PHI_OK       0
#define PHI_ENOMEM  -1 /* allocation failed: becomes unscannable or tempfail */
#define PHI_ELIMIT  -2 /* a configured limit was hit */
#define PHI_EINVAL  -3 /* bad argument or malformed input that cannot be used */
#define PHI_EIO     -4 /* a file could not be read or written */
#define PHI_ETIME   -5 /* the scan ran past its time budget */
#define PHI_ECONFIG -6 /* bad configuration (rule, term file, key) */

/* A short, constant English description of a PHI_* code. */
const char *phi_strerror(int code);

#endif
