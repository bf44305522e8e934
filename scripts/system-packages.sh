#!/usr/bin/env bash
# The Debian packages dondoc's tests and documents need beyond Python: installed once, by
# `make install` (and so by `make demo`, `make test` and CI), only when one is missing.
#   poppler-utils                          pdftoppm, pdftotext: the report tests read the PDF
#   fonts-dejavu-core, fonts-liberation2   fonts with every Vietnamese diacritic (WeasyPrint)
#   libpango-1.0-0, libpangoft2-1.0-0,
#   libharfbuzz-subset0                    what WeasyPrint renders with
#   chromium, chromium-driver              headless browser tests (Prefect UI, the web app)
# Set DONDOC_SKIP_SYSTEM_PACKAGES=1 to skip (the tests needing them then say what is missing).
set -euo pipefail

PACKAGES=(
    poppler-utils
    fonts-dejavu-core
    fonts-liberation2
    libpango-1.0-0
    libpangoft2-1.0-0
    libharfbuzz-subset0
    chromium
    chromium-driver
)

if [[ "${DONDOC_SKIP_SYSTEM_PACKAGES:-}" == 1 ]] || ! command -v dpkg-query >/dev/null; then
    exit 0
fi

missing=()
for package in "${PACKAGES[@]}"; do
    status="$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)"
    [[ "$status" == "install ok installed" ]] || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "Installing Debian packages: ${missing[*]}"
SUDO=()
if [[ "$(id -u)" -ne 0 ]]; then
    if command -v sudo >/dev/null; then
        SUDO=(sudo -n)
    else
        echo "Not root and no sudo: install them yourself (apt-get install ${missing[*]})" >&2
        exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1 || {
    "${SUDO[@]}" apt-get update -q >/dev/null
    "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
}
