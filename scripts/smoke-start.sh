#!/usr/bin/env bash
# Starts the packaged service as the README's first command does (embedded PostgreSQL, ./data defaults, runtime
# classpath only) in a scratch folder and waits for /actuator/health to say UP; fails otherwise. The tests run on
# the test classpath, which can hide a dependency missing at run time.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -ntp -q -DskipTests package
jar=$(ls target/embed-merge-*.jar | grep -v original | head -1)
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd "$work" && exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true \
    -jar "$OLDPWD/$jar" --server.port="$port" > "$work/service.log" 2>&1) &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 90); do
  if curl -s -m 2 "http://127.0.0.1:$port/actuator/health" | grep -q '"UP"'; then
    echo "smoke-start: the packaged service is UP on port $port"
    exit 0
  fi
  if ! kill -0 $pid 2>/dev/null; then break; fi
  sleep 2
done
echo "smoke-start: the packaged service did not come up; its log:" >&2
tail -60 "$work/service.log" >&2
exit 1
