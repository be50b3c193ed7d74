#!/usr/bin/env bash
# Two dashboard replicas on one database behind nginx (deploy/nginx.conf), then the load test through nginx.
#   bash scripts/replicas.sh [DB] [SESSIONS] [SECONDS]
# Installs Debian's nginx when missing (needs root or sudo). Ports: replicas 8511/8512, nginx 8510.
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${1:-data/demo.duckdb}; SESSIONS=${2:-20}; SECONDS_=${3:-60}
PY=.venv/bin/python
command -v nginx >/dev/null || { SUDO=$([ "$(id -u)" = 0 ] || echo sudo); $SUDO apt-get install -y nginx-light || $SUDO apt-get install -y nginx; }
WORK=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null || true; nginx -p "$WORK" -c nginx.conf -s stop 2>/dev/null || true' EXIT
for port in 8511 8512; do
  DASHBOARD_DB=$DB $PY -m streamlit run app.py --server.port $port --server.address 127.0.0.1 --server.headless true >"$WORK/replica-$port.log" 2>&1 &
done
sed -e 's/127.0.0.1:8501;/127.0.0.1:8511;/' -e 's/127.0.0.1:8502;/127.0.0.1:8512;/' -e 's/listen 80;/listen 127.0.0.1:8510;/' deploy/nginx.conf >"$WORK/dashboard.conf"
cat >"$WORK/nginx.conf" <<CONF
pid $WORK/nginx.pid;
error_log $WORK/error.log;
events {}
http {
  log_format upstream '\$upstream_addr \$request';
  access_log $WORK/access.log upstream;
  client_body_temp_path $WORK; proxy_temp_path $WORK; fastcgi_temp_path $WORK; uwsgi_temp_path $WORK; scgi_temp_path $WORK;
  include $WORK/dashboard.conf;
}
CONF
for port in 8511 8512; do
  until curl -sf "http://127.0.0.1:$port/_stcore/health" >/dev/null; do sleep 0.5; done
done
nginx -p "$WORK" -c nginx.conf
$PY -m bench.load --db "$DB" --url http://127.0.0.1:8510 --sessions "$SESSIONS" --seconds "$SECONDS_"
echo "sessions (websocket connections) per replica:"
grep "_stcore/stream" "$WORK/access.log" | cut -d' ' -f1 | sort | uniq -c
