#!/usr/bin/env bash
# Installs what labdrill and its twin need: Debian packages (MariaDB for the twin's database,
# OpenSSH for the SSH exec tests, wrk and ab for the load benchmark, Chromium with fonts and poppler's
# pdftotext for the tests that open the HTML reports as a person sees them) and the Node packages.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || missing+=(mariadb-server)
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v ab >/dev/null 2>&1 || missing+=(apache2-utils)
command -v djpeg >/dev/null 2>&1 || missing+=(libjpeg-turbo-progs)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
# Students' names are often Korean: without a Hangul font the pages and their PDFs show empty boxes.
{ command -v fc-list >/dev/null 2>&1 && fc-list :lang=ko | grep -q .; } || missing+=(fonts-nanum)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "please install these Debian packages first (as root): ${missing[*]}" >&2
    exit 1
  fi
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-fund --no-audit   # its prepare step builds dist/
else
  npm run build                 # the labdrill command is the compiled JavaScript in dist/
fi
