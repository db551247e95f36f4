#!/bin/sh
# packaging/debian/mkdeb.sh OUTDIR: build the Debian package (make deb).
#
# Works on a copy of the source, so the build never writes into the tree:
# the committed tree (git archive HEAD) when this is a git checkout, else
# (or with PHI_DEB_TREE=1) the working tree as it is. packaging/debian is
# copied to debian/, then `dpkg-buildpackage -b -us -uc` (no network, no
# signing). The .deb files end up in OUTDIR; the last line printed is the
# path of the phimilter .deb.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$top/build/deb}
for t in dpkg-buildpackage dh fakeroot; do
  command -v "$t" >/dev/null 2>&1 || {
    echo "mkdeb.sh: $t not found: apt-get install dpkg-dev debhelper fakeroot (make deps)" >&2; exit 2; }
done
ver=$(sed -n '1s/^phimilter (\([^)]*\)).*/\1/p' "$top/packaging/debian/changelog")
work=$(mktemp -d "${TMPDIR:-/tmp}/phideb.XXXXXX")
trap 'rm -rf "$work"' EXIT
src=$work/phimilter-$ver
mkdir -p "$src" "$out"
if [ "${PHI_DEB_TREE:-0}" != 1 ] && git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git -C "$top" archive --format=tar HEAD | tar -x -C "$src"
  if [ -n "$(git -C "$top" status --porcelain -- packaging milter detectors include conf Makefile 2>/dev/null)" ]; then
    echo "mkdeb.sh: note: building the committed tree (HEAD); uncommitted changes are not in the package (PHI_DEB_TREE=1 takes them)" >&2
  fi
else
  ( cd "$top" && tar -c --exclude=./.git --exclude=./build --exclude=./tests/out \
      --exclude=./phimilter --exclude=./phictl --exclude='*.o' --exclude='*.a' . ) | tar -x -C "$src"
fi
rm -rf "$src/debian"
cp -R "$src/packaging/debian" "$src/debian"
rm -f "$src/debian/mkdeb.sh"
( cd "$src" && dpkg-buildpackage -b -us -uc ) >"$work/build.log" 2>&1 || {
  tail -40 "$work/build.log" >&2; echo "mkdeb.sh: dpkg-buildpackage failed" >&2; exit 1; }
cp "$work"/*.deb "$work"/*.changes "$out"/ 2>/dev/null || true
cp "$work/build.log" "$out/build.log"
ls "$out"/phimilter_"$ver"_*.deb
