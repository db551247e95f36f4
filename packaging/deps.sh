#!/bin/sh
# packaging/deps.sh: install the Debian packages listed in packaging/deps.txt
# that are not installed yet (make deps; make check and make run call it).
#
# Silent and quick when everything is present. Otherwise, as root: preseeds
# Postfix to "No configuration" (nothing is written to /etc/postfix/main.cf),
# keeps Debian from starting any daemon while installing (a temporary
# /usr/sbin/policy-rc.d that exits 101, only when none existed), installs
# non-interactively, and on failure runs apt-get update and tries once more.
# Not root and something missing: names the packages and fails.
set -u
here=$(cd "$(dirname "$0")" && pwd)
list=$here/deps.txt

die() { echo "deps.sh: $*" >&2; exit 1; }

[ -r "$list" ] || die "cannot read $list"
command -v dpkg-query >/dev/null 2>&1 || die "dpkg-query not found: this script installs Debian packages (Debian 12)"

pkgs=$(sed 's/#.*//' "$list" | tr -s ' \t' '\n\n' | grep -v '^$')
missing=
for p in $pkgs; do
  case $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) in
    *" ok installed") ;;
    *) missing="$missing $p" ;;
  esac
done
[ -z "$missing" ] && exit 0
missing=${missing# }

if [ "$(id -u)" != 0 ]; then
  die "missing Debian packages: $missing
  install them as root:  apt-get install $missing   (or run 'make deps' as root)"
fi

echo "deps.sh: installing $missing" >&2
export DEBIAN_FRONTEND=noninteractive
# Postfix: no system configuration, no questions.
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections \
  || die "debconf-set-selections failed"

made_policy=0
cleanup() { [ "$made_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d; made_policy=0; }
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\n# temporary, from phimilter packaging/deps.sh: start no daemons while installing\nexit 101\n' \
    >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && made_policy=1
fi

install() {
  # shellcheck disable=SC2086 # word splitting of the package list is intended
  apt-get install -y -q --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold $missing >&2
}
if ! install; then
  echo "deps.sh: install failed; running apt-get update and trying once more" >&2
  apt-get update -q >&2 || echo "deps.sh: apt-get update failed" >&2
  install || die "apt-get install $missing failed"
fi

# Verify.
still=
for p in $missing; do
  case $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) in
    *" ok installed") ;;
    *) still="$still $p" ;;
  esac
done
[ -z "$still" ] || die "still not installed:$still"
echo "deps.sh: installed $missing" >&2
exit 0
