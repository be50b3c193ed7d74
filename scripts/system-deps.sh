#!/usr/bin/env bash
# Debian packages: the CJK font the product draws its slide maps and charts with and the OpenMP runtime LightGBM
# (the 防返贫 risk score) links against (`make run`, argument `fonts`), plus Chromium for the browser tests
# (`make test`, no argument).
set -euo pipefail
missing=()
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
ldconfig -p 2>/dev/null | grep -q "libgomp.so.1" || missing+=(libgomp1)
if [ "${1:-all}" != "fonts" ]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "缺少系统软件包：${missing[*]}。请以 root 运行，或执行 sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "安装系统软件包：${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
