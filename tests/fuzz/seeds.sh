#!/bin/sh
# seeds.sh OUTDIR - generate the fuzz seed corpora (see seeds.py).
exec python3 "$(dirname "$0")/seeds.py" "$1"
