#!/usr/bin/env bash
# Builds bench/target/benchmarks.jar and runs every benchmark of bench/README.md in one go, both
# systems side by side, writing everything into bench/results/<UTC time>/ (or $OUT):
#   machine.txt            cores, CPU, JVM, load average before and after
#   jmh-encode.txt/.json   EncodeBenchmark        (-prof gc)
#   jmh-publish.txt/.json  PublishBenchmark + RingtracePublishBenchmark (-prof gc)
#   jmh-clock.txt/.json    ClockBenchmark: one clock read, the floor under every span (-prof gc)
#   load/                  LoadTool report.md, latency-*.png, *.hgrm, run logs
#   engine-span-{1,2}p/    LoadTool --transport=none (engine level), the minimal span, 1 and 2 producers
#   e2e-500k-{block,drop}/ LoadTool at 500k spans/s for 60 s, 4096-span requests
# Extra arguments go to the LoadTool (e.g. --scenarios=rate=100k --measure=60).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-bench/results/$(date -u +%Y%m%d-%H%M%S)}
JMH_OPTS=${JMH_OPTS:-"-prof gc -wi 3 -i 5 -w 2s -r 2s -f 1"}
FLAGS="--add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED -Dchronicle.analytics.disable=true"
mkdir -p "$OUT"

mvn -B -q -pl bench -am package -DskipTests

{
  echo "date: $(date -u +%FT%TZ)"
  echo "cores: $(nproc) ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
  echo "jvm: $(java -version 2>&1 | tr '\n' ' ')"
  echo "jmh options: $JMH_OPTS"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT/machine.txt"

java -jar bench/target/benchmarks.jar $JMH_OPTS -rf json -rff "$OUT/jmh-encode.json" EncodeBenchmark | tee "$OUT/jmh-encode.txt"
echo "load average after encode: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"
java -jar bench/target/benchmarks.jar $JMH_OPTS -rf json -rff "$OUT/jmh-publish.json" PublishBenchmark | tee "$OUT/jmh-publish.txt"
echo "load average after publish: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"
java -jar bench/target/benchmarks.jar $JMH_OPTS -rf json -rff "$OUT/jmh-clock.json" ClockBenchmark | tee "$OUT/jmh-clock.txt"
java $FLAGS -cp bench/target/benchmarks.jar io.ringtrace.bench.load.LoadTool --out="$OUT/load" "$@"
echo "load average after load tool: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"
# engine level (no network), span API, the minimal span (name, 4 attributes: no event), 1 and 2 producers
for P in 1 2; do
  java $FLAGS -cp bench/target/benchmarks.jar io.ringtrace.bench.load.LoadTool --transport=none \
    --scenarios=rate=100k,rate=200k,rate=500k,max --producers=$P --api=span --events=0 --warmup=10 --measure=15 \
    --out="$OUT/engine-span-${P}p"
done
echo "load average after the engine-level runs: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"
# 500k spans/s end to end for 60 s, 4096-span requests, both overload policies
for POLICY in block drop; do
  java $FLAGS -cp bench/target/benchmarks.jar io.ringtrace.bench.load.LoadTool --transport=otlp \
    --scenarios=rate=500k --measure=60 --batch=4096 --ring-size=65536 --pacing=park --policy=$POLICY \
    --jvm-args="-Xmx256m" --out="$OUT/e2e-500k-$POLICY"
done
echo "load average after the end-to-end runs: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"
echo "results: $OUT"
