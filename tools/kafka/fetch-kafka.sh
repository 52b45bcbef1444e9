#!/usr/bin/env bash
# Copies Apache Kafka's jars from Maven Central into .cache/kafka/libs, once. Maven's own local
# repository makes later runs offline; the stamp makes them instant.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
libs="${KF_KAFKA_LIBS:-$root/.cache/kafka/libs}"
pom="$root/tools/kafka/pom.xml"
stamp="$libs/.pom-$(sha256sum "$pom" | cut -c1-16)"
if [ -f "$stamp" ]; then
  exit 0
fi
echo "fetching Kafka jars with Maven into $libs" >&2
rm -rf "$libs"
mvn -B -q -Dstyle.color=never -f "$pom" dependency:copy-dependencies -Dlibs.dir="$libs"
ls "$libs" | grep -q '^kafka_2.13-' || { echo "Maven copied no kafka_2.13 jar into $libs" >&2; exit 1; }
touch "$stamp"
