#!/usr/bin/env bash
# The portal's browser tests drive Debian's Chromium (never a browser download): install it
# from the distribution's packages where it is missing.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 && dpkg -s fonts-dejavu-core >/dev/null 2>&1; then
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
echo "Chromium installed: $(chromium --version)"
