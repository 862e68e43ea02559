#!/usr/bin/env bash
# The benchmark: the service pinned to core 0, a fast Cognigy stub and wrk on core 1, all on loopback.
# The service runs as deployed: deploy/jvm.options, MALLOC_ARENA_MAX=2 and a start-up cache: on JDK 17 an AppCDS
# archive, on JDK 25 an AOT cache (JEP 483/514/515) from a training run that drives every webhook path under load.
# Per JDK and scenario: a cold row (the first 30 s after ready, a fresh start each) and a steady row (after warm-up).
# Usage: bench/run.sh [--smoke] [--jdk 17|25|both]
#        (both JDKs: about 16 minutes; --smoke: seconds per row, keeps the benchmark working, figures mean nothing)
set -euo pipefail
cd "$(dirname "$0")/.."
warmup=180; warm=10; measure=20; cold=30; train=30; connections=32; jdks="17 25"
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) warmup=2; warm=1; measure=2; cold=2; train=3 ;;
    --jdk) shift; case "$1" in both) jdks="17 25" ;; *) jdks="$1" ;; esac ;;
    *) echo "usage: bench/run.sh [--smoke] [--jdk 17|25|both]" >&2; exit 2 ;;
  esac
  shift
done

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
command -v taskset >/dev/null || { apt-get update -qq && apt-get install -y -qq util-linux >/dev/null; }
[ -f target/cognigy-voice-webhooks.jar ] || mvn -q -B -ntp -DskipTests package
[ -f target/test-classes/org/acme/voicewebhooks/bench/FastCognigyStub.class ] || mvn -q -B -ntp test-compile

jdk25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
work=$(mktemp -d)
stub_port=$(shuf -i 20000-29999 -n 1); port=$(shuf -i 30000-39999 -n 1)
cleanup() { kill "${service:-0}" "${stub:-0}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
export MALLOC_ARENA_MAX=2

taskset -c 1 java -Dsun.net.httpserver.nodelay=true -cp target/test-classes org.acme.voicewebhooks.bench.FastCognigyStub "$stub_port" 8 >"$work/stub.log" 2>&1 &
stub=$!
until curl -s "http://127.0.0.1:$stub_port/stats" >/dev/null; do sleep 0.1; done

start_service() { # java extra-options...: starts the service on core 0; its ms from the java command to ready in $work/ready
  local java=$1; shift
  local start; start=$(date +%s%N)
  env PORT=$port COGNIGY_BASE_URL="http://127.0.0.1:$stub_port" COGNIGY_CLIENT_ID=bench COGNIGY_CLIENT_SECRET=bench \
    COGNIGY_API_KEY=bench-key ACOUSTIC_DIR="$work/acoustic" DEAD_LETTER_DIR="$work/dead-letter" LOG_LEVEL=WARN \
    taskset -c 0 "$java" "$@" -jar target/cognigy-voice-webhooks.jar >"$work/service.log" 2>&1 &
  service=$!
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/observe/health/ready")" = "200" ]; do
    kill -0 "$service" 2>/dev/null || { cat "$work/service.log" >&2; exit 1; }
    sleep 0.01
  done
  echo $(( ($(date +%s%N) - start) / 1000000 )) >"$work/ready"
}
stop_service() { kill "$service"; wait "$service" 2>/dev/null || true; }

calls() { curl -s "http://127.0.0.1:$stub_port/stats" | tr -d '{}"' | tr ',' '\n' | grep -v '^login' | awk -F: '{s+=$2} END {print s+0}'; }
url_of() { if [[ $1 == bargein* ]]; then echo "http://127.0.0.1:$port/webhook/cognigy/barge-in"; else echo "http://127.0.0.1:$port/webhook"; fi; }
load() { # seconds scenario [wrk options...]: load on core 1, unique sessionIds
  local seconds=$1 scenario=$2; shift 2
  taskset -c 1 wrk -t1 -c$connections -d${seconds}s "$@" -s bench/unique.lua "$(url_of "$scenario")" -- "$scenario" "r$RANDOM$RANDOM"
}
measured() { # seconds scenario: "req/s p99 calls-per-request" of one measured wrk run
  local before after; before=$(calls)
  load "$1" "$2" --latency >"$work/wrk.txt"
  after=$(calls)
  awk -v c=$((after - before)) '/Requests\/sec/ {rps=$2} $1=="99%" {p99=$2} /requests in/ {n=$1}
    END {printf "%s %s %.2f", rps, p99, (n > 0 ? c / n : 0)}' "$work/wrk.txt"
}

scenarios="bargein-high bargein-low asr-low asr-high"
declare -A name=([bargein-high]="barge-in above threshold (stop + reset)" [bargein-low]="barge-in below threshold (stop)"
  [asr-low]="ASR low confidence (clarify)" [asr-high]="ASR high confidence (no call)")
declare -A row ready
for jdk in $jdks; do
  if [ "$jdk" = 17 ]; then
    java=java; cache=target/cognigy-voice-webhooks.jsa
    start_service $java @deploy/jvm.options; plain=$(cat "$work/ready"); stop_service
    [ "$cache" -nt target/cognigy-voice-webhooks.jar ] || { start_service $java @deploy/jvm.options -XX:ArchiveClassesAtExit="$cache"; stop_service; }
    cached=(-XX:SharedArchiveFile="$cache")
  else
    [ -x "$jdk25" ] || { echo "JDK 25 not found at $jdk25: skipped"; continue; }
    java=$jdk25; cache=target/cognigy-voice-webhooks-25.aot
    start_service $java @deploy/jvm.options; plain=$(cat "$work/ready"); stop_service
    if [ ! "$cache" -nt target/cognigy-voice-webhooks.jar ]; then
      # the training run: every path under load; the cache is written when it exits (the metaspace cap would not hold it)
      start_service $java $(grep -v MaxMetaspaceSize deploy/jvm.options) -XX:AOTCacheOutput="$cache"
      for scenario in $scenarios; do load $((train / 4 + 1)) "$scenario" >/dev/null; done
      stop_service
    fi
    cached=(-XX:AOTCache="$cache")
  fi
  start_service $java @deploy/jvm.options "${cached[@]}"; ready[$jdk]="$(cat "$work/ready") ms with the cache, $plain ms without"
  # a cache the JVM refuses is only a warning line in its output: the figures would then be those of no cache
  if grep -E '\[(error|warning) *\]\[(aot|cds)' "$work/service.log" | grep -qvE 'codecache|AdapterHandler'; then
    grep -E '\[(error|warning) *\]\[(aot|cds)' "$work/service.log" | head -3 >&2; echo "JDK $jdk: the start-up cache was not used" >&2; exit 1
  fi
  stop_service
  # cold: a fresh start per scenario, measured from the first request after ready
  for scenario in $scenarios; do
    start_service $java @deploy/jvm.options "${cached[@]}"
    row[$jdk,$scenario,cold]=$(measured "$cold" "$scenario")
    stop_service
  done
  # steady: one start, every path warmed up, then each row
  start_service $java @deploy/jvm.options "${cached[@]}"
  for scenario in $scenarios; do load $((warmup / 4 + 1)) "$scenario" >/dev/null; done
  for scenario in $scenarios; do
    load "$warm" "$scenario" >/dev/null
    row[$jdk,$scenario,steady]=$(measured "$measure" "$scenario")
  done
  row[$jdk,rss]=$(awk '/VmHWM/ {printf "%d MiB", $2/1024}' "/proc/$service/status")
  stop_service
done

echo "cores: $(nproc); ${connections} connections; service on core 0 with deploy/jvm.options; cold = the first ${cold} s after ready"
echo "(a fresh start per row); steady = after ${warmup} s warm-up over all scenarios, ${warm} s more, then ${measure} s measured"
for jdk in $jdks; do [ -n "${ready[$jdk]:-}" ] && echo "JDK $jdk: time from java -jar to ready ${ready[$jdk]}"; done
echo
echo "| JDK | scenario | cold req/s | cold p99 | steady req/s | steady p99 | cold/steady | Cognigy calls/request | peak RSS |"
echo "|---|---|---|---|---|---|---|---|---|"
for jdk in $jdks; do
  [ -n "${ready[$jdk]:-}" ] || continue
  for scenario in $scenarios; do
    read -r crps cp99 _ <<<"${row[$jdk,$scenario,cold]}"
    read -r srps sp99 per <<<"${row[$jdk,$scenario,steady]}"
    ratio=$(awk -v c="$crps" -v s="$srps" 'BEGIN {printf "%d %%", (s > 0 ? 100 * c / s : 0)}')
    echo "| $jdk | ${name[$scenario]} | $crps | $cp99 | $srps | $sp99 | $ratio | $per | ${row[$jdk,rss]} |"
  done
done
ceiling=$(taskset -c 1 wrk -t1 -c$connections -d${measure}s -s bench/unique.lua "http://127.0.0.1:$stub_port/api/v1/sessions/x/voice/commands" -- stub x \
  | awk '/Requests\/sec/ {print $2}')
echo
echo "ceiling: wrk straight at the stub: $ceiling req/s"
