#!/usr/bin/env python3
"""terms_builtin.py [--check]

Regenerates detectors/detect/terms_builtin.c (the health vocabulary compiled
in for an engine without terms_dir) from the hand-curated lists of
conf/terms/ named in FILES, joined in that order. With --check, exits 1 when
the C file is out of date instead of writing it. Run from anywhere.
"""
import os, sys

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FILES = ["clinical", "conditions", "medications", "procedures", "spanish", "european"]
OUT = os.path.join(TOP, "detectors", "detect", "terms_builtin.c")

HEAD = """/*
 * terms_builtin.c - the health vocabulary compiled in, for an engine built
 * without terms_dir. Generated from conf/terms/{clinical,conditions,
 * medications,procedures,spanish,european}.txt (the hand-curated lists; the large derived
 * med_glut.txt is only read from terms_dir) by joining their terms in file
 * order; regenerate with tests/gen/terms_builtin.py when those files change.
 */
#include <stddef.h>
#include "det.h"

const char *const terms_builtin_health[] = {
"""
TAIL = """};

const size_t terms_builtin_health_n = sizeof terms_builtin_health / sizeof terms_builtin_health[0];
"""


def c_str(s):
    out = []
    for b in s.encode("utf-8"):
        if b == 0x22 or b == 0x5c:
            out.append("\\" + chr(b))
        elif 0x20 <= b < 0x7f:
            out.append(chr(b))
        else:
            out.append("\\%03o" % b)
    return '"' + "".join(out) + '"'


def main():
    terms = []
    for f in FILES:
        p = os.path.join(TOP, "conf", "terms", f + ".txt")
        if not os.path.exists(p):
            continue
        for line in open(p, encoding="utf-8"):
            t = line.split("#")[0].strip()
            if t:
                terms.append(t)
    lines, cur = [], "\t"
    for t in terms:
        s = c_str(t) + ","
        if len(cur) + len(s) + 1 > 100 and cur.strip():
            lines.append(cur.rstrip())
            cur = "\t"
        cur += s + " "
    if cur.strip():
        lines.append(cur.rstrip())
    text = HEAD + "\n".join(lines) + "\n" + TAIL
    if "--check" in sys.argv:
        sys.exit(0 if open(OUT).read() == text else 1)
    with open(OUT, "w") as fp:
        fp.write(text)
    print("%d terms -> %s" % (len(terms), OUT))


if __name__ == "__main__":
    main()
