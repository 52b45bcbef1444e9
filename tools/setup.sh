#!/usr/bin/env bash
# Installs everything a fresh Debian/Ubuntu machine lacks to build, run and test kafka-fleet:
# Debian packages (Redis, the build dependencies of node-rdkafka, Java, Maven), npm packages
# (`npm ci`, which builds node-rdkafka's bundled librdkafka from source) and Apache Kafka's jars.
# Idempotent and quick when nothing changed, so the README's commands can always start with it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
say() { printf '[setup] %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    say "need root (or sudo) to run: $*"; exit 1
  fi
}

# --- Debian packages ------------------------------------------------------------------------
# librdkafka silently drops zstd, GSSAPI and OIDC support when these headers are missing.
packages=(redis-server redis-tools build-essential python3 libssl-dev libsasl2-dev libzstd-dev liblz4-dev libcurl4-openssl-dev)
command -v java >/dev/null || packages+=(openjdk-17-jre-headless)
command -v mvn >/dev/null || packages+=(maven)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- npm packages ---------------------------------------------------------------------------
# node-gyp must find Node's headers locally (offline machines cannot download them).
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then export npm_config_nodedir=/usr; fi
stamp=node_modules/.kafka-fleet-lock.sha256
want="$(sha256sum package-lock.json | cut -d' ' -f1)-$(node -p process.version)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  say "npm ci (builds node-rdkafka from source: a few minutes on 2 cores)"
  npm ci --no-audit --no-fund
  echo "$want" > "$stamp"
fi
# A failed native build must fail here, not surface later as a confusing test error.
node -e "
  const k = require('node-rdkafka');
  const missing = ['zstd', 'lz4', 'sasl_scram', 'ssl'].filter((f) => !k.features.includes(f));
  if (missing.length) { console.error('node-rdkafka lacks features: ' + missing.join(',')); process.exit(1); }
  console.error('[setup] node-rdkafka ' + k.librdkafkaVersion + ' ok');
"

# --- Apache Kafka jars ----------------------------------------------------------------------
bash tools/kafka/fetch-kafka.sh
say "ready"
