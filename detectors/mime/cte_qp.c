/*
 * cte_qp.c - tolerant quoted-printable decoding (RFC 2045 6.7) and the
 * RFC 2047 "Q" variant.
 *
 * Soft breaks may have blanks between '=' and the line end (old mailers
 * padded lines); '=' not followed by two hex digits is kept literally, as
 * readers show it; trailing blanks of a hard line are dropped. Line ends
 * stay what they were (CRLF or LF). Bounded by out->max. Never logs.
 */
#include "mime.h"
#include "phi/status.h"

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int cte_qp_decode(const unsigned char *p, size_t n, struct phi_buf *out)
{
	size_t i = 0, ls, le, j;
	int rc, soft, h, l;

	if ((rc = phi_buf_reserve(out, n < out->max ? n : 0)) == PHI_ENOMEM)
		return rc;
	while (i < n) {
		/* One line: [ls, le) without its line end and trailing blanks. */
		ls = i;
		while (i < n && p[i] != '\n')
			i++;
		le = i;
		if (le > ls && p[le - 1] == '\r')
			le--;
		while (le > ls && (p[le - 1] == ' ' || p[le - 1] == '\t'))
			le--;
		soft = 0;
		for (j = ls; j < le; j++) {
			unsigned char c = p[j];
			if (c == '=') {
				if (j + 1 == le) {
					soft = 1;
					break;
				}
				if (j + 2 < le && (h = hexval(p[j + 1])) >= 0 && (l = hexval(p[j + 2])) >= 0) {
					c = (unsigned char)(h << 4 | l);
					j += 2;
				}
			}
			if ((rc = phi_buf_putc(out, c)) != PHI_OK)
				return rc;
		}
		if (i >= n)
			break;
		if (!soft) {
			if (i > ls && p[i - 1] == '\r' && (rc = phi_buf_putc(out, '\r')) != PHI_OK)
				return rc;
			if ((rc = phi_buf_putc(out, '\n')) != PHI_OK)
				return rc;
		}
		i++;
	}
	return PHI_OK;
}

int cte_qp_decode_q(const unsigned char *p, size_t n, struct phi_buf *out)
{
	size_t j;
	int rc, h, l;

	for (j = 0; j < n; j++) {
		unsigned char c = p[j];
		if (c == '_')
			c = ' ';
		else if (c == '=' && j + 2 < n && (h = hexval(p[j + 1])) >= 0 &&
		         (l = hexval(p[j + 2])) >= 0) {
			c = (unsigned char)(h << 4 | l);
			j += 2;
		}
		if ((rc = phi_buf_putc(out, c)) != PHI_OK)
			return rc;
	}
	return PHI_OK;
}
