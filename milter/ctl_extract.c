/* ctl_extract.c - STUB until the decoder owner lands `phictl extract`. */
#include <stdio.h>
#include "ctl.h"

int ctl_extract(int argc, char **argv)
{
	(void)argc; (void)argv;
	fputs("phictl extract: not built yet\n", stderr);
	return 2;
}
