/* ctl_file.c - read a whole input file for phictl, bounded. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ctl.h"

int ctl_read_file(const char *path, size_t max, unsigned char **out, size_t *len, int *truncated)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	unsigned char *buf = NULL, *nb;
	size_t cap = 0, n = 0, got;
	char sink[8192];

	*out = NULL;
	*len = 0;
	*truncated = 0;
	if (!fp)
		return -1;
	for (;;) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 65536;
			if (ncap > max)
				ncap = max;
			if (ncap <= n) { /* at the limit: count what is left, keep nothing */
				while ((got = fread(sink, 1, sizeof sink, fp)) > 0)
					*truncated = 1;
				break;
			}
			nb = realloc(buf, ncap + 1);
			if (!nb) {
				free(buf);
				if (fp != stdin)
					fclose(fp);
				errno = ENOMEM;
				return -1;
			}
			buf = nb;
			cap = ncap;
		}
		got = fread(buf + n, 1, cap - n, fp);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(fp)) {
		int e = errno;
		free(buf);
		if (fp != stdin)
			fclose(fp);
		errno = e ? e : EIO;
		return -1;
	}
	if (fp != stdin)
		fclose(fp);
	if (!buf) {
		buf = malloc(1);
		if (!buf)
			return -1;
	}
	buf[n] = 0;
	*out = buf;
	*len = n;
	return 0;
}
