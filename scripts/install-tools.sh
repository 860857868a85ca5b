#!/usr/bin/env bash
# Installs the real tools the test suites run (Debian packages) and the npm dependencies.
# Idempotent and quiet when everything is already there. Run as root on Debian 12.
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLS_DIR="$PWD/.tools"
# systemd gives systemd-analyze (the docs' units are verified), nix-bin gives nix-instantiate (the
# NixOS module in docs/nixos/ is parsed and evaluated); prometheus-alertmanager also ships Debian's
# /etc/prometheus/alertmanager.yml, which the inhibit-rules merge is tested on; victoria-metrics gives
# victoria-metrics (single node), vmagent and vmalert, which run the rules in test/victoriametrics-live.test.ts.
# chromium renders `ubm report`'s HTML headless in test/report-browser.test.ts (screenshot, PDF, console and network).
APT_PACKAGES=(prometheus-node-exporter prometheus-alertmanager prometheus-pushgateway restic pgbackrest postgresql-15 systemd nix-bin curl victoria-metrics chromium)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done

apt_updated=0
apt_update_once() {
  if [ "$apt_updated" = 0 ]; then
    apt-get update -qq >/dev/null
    apt_updated=1
  fi
}

if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-tools: installing ${missing[*]}"
  apt_update_once
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# prometheus + promtool: the Debian package drags in 300 MB of dependencies, so unpack its binaries only.
if [ ! -x "$TOOLS_DIR/bin/promtool" ] || [ ! -x "$TOOLS_DIR/bin/prometheus" ]; then
  echo "install-tools: unpacking prometheus and promtool into .tools/bin"
  apt_update_once
  work=$(mktemp -d)
  # Removed however this step ends: a failed download must not leave a folder in $TMPDIR.
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && apt-get download -qq prometheus >/dev/null 2>&1 && dpkg-deb -x prometheus_*.deb root)
  mkdir -p "$TOOLS_DIR/bin"
  cp "$work/root/usr/bin/prometheus" "$work/root/usr/bin/promtool" "$TOOLS_DIR/bin/"
  rm -rf "$work"
  trap - EXIT
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "install-tools: npm ci"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
