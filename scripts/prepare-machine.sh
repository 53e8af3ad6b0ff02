#!/usr/bin/env bash
# Installs and starts what RTC's tests talk to: MariaDB, Redis, Prometheus, Chromium, Java (Jenkinsfile lint).
# Idempotent; run as root (or with sudo) on Debian or Ubuntu.
set -euo pipefail

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || missing+=(mariadb-server)
command -v mariadb >/dev/null 2>&1 || missing+=(mariadb-client)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
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

node -e 'const [major, minor] = process.versions.node.split(".").map(Number); if (major < 20 || (major === 20 && minor < 19)) { console.error("RTC needs Node.js 20.19 or newer, found " + process.versions.node); process.exit(1); }'
echo "machine ready: MariaDB on 127.0.0.1:3306, Redis on 127.0.0.1:6379"
