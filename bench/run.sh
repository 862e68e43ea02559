#!/usr/bin/env bash
# The benchmark: the service pinned to core 0, a fast Cognigy stub and wrk on core 1, all on loopback.
# The service runs as deployed: deploy/jvm.options, MALLOC_ARENA_MAX=2 and an AppCDS archive (as the Dockerfile builds).
# Usage: bench/run.sh            (180 s warm-up over all scenarios, then 10 s + 20 s measured per row; ~7 minutes)
#        bench/run.sh --smoke    (seconds per scenario: keeps the benchmark working; figures mean nothing)
set -euo pipefail
cd "$(dirname "$0")/.."
warmup=180; warm=10; measure=20; connections=32
if [ "${1:-}" = "--smoke" ]; then warmup=2; warm=1; measure=2; fi

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
command -v taskset >/dev/null || { apt-get update -qq && apt-get install -y -qq util-linux >/dev/null; }
[ -f target/cognigy-voice-webhooks.jar ] || mvn -q -B -ntp -DskipTests package
[ -f target/test-classes/org/acme/voicewebhooks/bench/FastCognigyStub.class ] || mvn -q -B -ntp test-compile

work=$(mktemp -d)
stub_port=$(shuf -i 20000-29999 -n 1); port=$(shuf -i 30000-39999 -n 1)
cleanup() { kill "${service:-0}" "${stub:-0}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
export MALLOC_ARENA_MAX=2
jsa=target/cognigy-voice-webhooks.jsa

taskset -c 1 java -Dsun.net.httpserver.nodelay=true -cp target/test-classes org.acme.voicewebhooks.bench.FastCognigyStub "$stub_port" 8 >"$work/stub.log" 2>&1 &
stub=$!
until curl -s "http://127.0.0.1:$stub_port/stats" >/dev/null; do sleep 0.1; done

start_service() { # extra JVM options...; starts the service on core 0, its ms from java -jar to ready in $work/ready
  local start; start=$(date +%s%N)
  env PORT=$port COGNIGY_BASE_URL="http://127.0.0.1:$stub_port" COGNIGY_CLIENT_ID=bench COGNIGY_CLIENT_SECRET=bench \
    COGNIGY_API_KEY=bench-key ACOUSTIC_DIR="$work/acoustic" DEAD_LETTER_DIR="$work/dead-letter" LOG_LEVEL=WARN \
    taskset -c 0 java @deploy/jvm.options "$@" -jar target/cognigy-voice-webhooks.jar >"$work/service.log" 2>&1 &
  service=$!
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/observe/health/ready")" = "200" ]; do
    kill -0 "$service" 2>/dev/null || { cat "$work/service.log" >&2; exit 1; }
    sleep 0.01
  done
  echo $(( ($(date +%s%N) - start) / 1000000 )) >"$work/ready"
}
stop_service() { kill "$service"; wait "$service" 2>/dev/null || true; }

# a cold start without the archive, then the one the archive comes from (written at exit), then the measured one
start_service; plain_ms=$(cat "$work/ready"); stop_service
[ "$jsa" -nt target/cognigy-voice-webhooks.jar ] || { start_service -XX:ArchiveClassesAtExit="$jsa"; stop_service; }
start_service -XX:SharedArchiveFile="$jsa"; ready_ms=$(cat "$work/ready")

calls() { curl -s "http://127.0.0.1:$stub_port/stats" | tr -d '{}"' | tr ',' '\n' | grep -v '^login' | awk -F: '{s+=$2} END {print s+0}'; }

row() { # name url scenario
  local name=$1 url=$2 scenario=$3
  taskset -c 1 wrk -t1 -c$connections -d${warm}s -s bench/unique.lua "$url" -- "$scenario" "w$RANDOM$RANDOM" >/dev/null
  local before; before=$(calls)
  taskset -c 1 wrk -t1 -c$connections -d${measure}s --latency -s bench/unique.lua "$url" -- "$scenario" "m$RANDOM$RANDOM" \
    >"$work/wrk.txt"
  local after; after=$(calls)
  local rps p50 p99 requests errors
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
  p50=$(awk '$1=="50%" {print $2}' "$work/wrk.txt")
  p99=$(awk '$1=="99%" {print $2}' "$work/wrk.txt")
  requests=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
  errors=$(awk '/Non-2xx/ {n+=$NF} /Socket errors/ {gsub(",",""); n+=$4+$6+$8+$10} END {print n+0}' "$work/wrk.txt")
  local per="-"
  [ "$scenario" != "stub" ] && per=$(awk -v c=$((after - before)) -v r="$requests" 'BEGIN {printf "%.2f", (r > 0 ? c / r : 0)}')
  local rss; rss=$(awk '/VmHWM/ {printf "%d MiB", $2/1024}' "/proc/$service/status")
  printf "| %s | %s | %s | %s | %s | %s | %s |\n" "$name" "$rps" "$p50" "$p99" "$errors" "$per" "$rss"
}

# one core's JIT needs minutes of load before the code is compiled: warm every path up first
for scenario in bargein-high asr-low bargein-low asr-high; do
  url="http://127.0.0.1:$port/webhook"; [[ $scenario == bargein* ]] && url="http://127.0.0.1:$port/webhook/cognigy/barge-in"
  taskset -c 1 wrk -t1 -c$connections -d$((warmup / 4 + 1))s -s bench/unique.lua "$url" -- "$scenario" "u$RANDOM$RANDOM" >/dev/null
done

echo "cores: $(nproc); ${connections} connections; ${warmup} s warm-up over all scenarios, then ${warm} s warm-up and ${measure} s measured per row; service on core 0 with deploy/jvm.options"
echo "time from java -jar to ready: ${ready_ms} ms with the AppCDS archive, ${plain_ms} ms without"
echo
echo "| scenario | req/s | p50 | p99 | errors | Cognigy calls/request | service peak RSS |"
echo "|---|---|---|---|---|---|---|"
row "barge-in above threshold (stop + reset)" "http://127.0.0.1:$port/webhook/cognigy/barge-in" bargein-high
row "barge-in below threshold (stop)" "http://127.0.0.1:$port/webhook/cognigy/barge-in" bargein-low
row "ASR low confidence (clarify)" "http://127.0.0.1:$port/webhook" asr-low
row "ASR high confidence (no call)" "http://127.0.0.1:$port/webhook" asr-high
row "ceiling: wrk straight at the stub" "http://127.0.0.1:$stub_port/api/v1/sessions/x/voice/commands" stub
