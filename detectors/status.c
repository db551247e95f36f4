/* status.c - names of the PHI_* return codes. */
#include "phi/status.h"

const char *phi_strerror(int code)
{
	switch (code) {
	case PHI_OK: return "success";
	case PHI_ENOMEM: return "out of memory";
	case PHI_ELIMIT: return "limit reached";
	case PHI_EINVAL: return "invalid input";
	case PHI_EIO: return "input/output error";
	case PHI_ETIME: return "time budget spent";
	case PHI_ECONFIG: return "bad configuration";
	default: return "unknown error";
	}
}
