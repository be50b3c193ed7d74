#!/usr/bin/env bash
# Debian packages the browser tests need: Chromium and a CJK font so Chinese renders in screenshots.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "缺少系统软件包：${missing[*]}。请以 root 运行，或执行 sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "安装系统软件包：${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
