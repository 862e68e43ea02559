# Runtime image for the jar built by `mvn -DskipTests package` (build it first; the image only copies it).
FROM eclipse-temurin:25-jre

# JVM settings in deploy/jvm.options (heap, metaspace, code cache, stacks: under 256 MiB resident, see bench/RESULTS.md);
# fewer glibc malloc arenas keep native memory down on a small core count
ENV PORT=8080 \
    MALLOC_ARENA_MAX=2 \
    JAVA_TOOL_OPTIONS="-Dvertx.cacheDirBase=/tmp/vertx-cache" \
    ACOUSTIC_DIR=/data/acoustic \
    DEAD_LETTER_DIR=/data/dead-letter

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app \
    && mkdir -p /app /data/acoustic /data/dead-letter \
    && chown -R app:app /data
WORKDIR /app
COPY --chown=app:app target/cognigy-voice-webhooks.jar /app/app.jar
COPY --chown=app:app deploy/jvm.options /app/jvm.options
# an AOT cache (JDK 25: classes loaded and linked, method profiles) from a training run that drives every webhook path
# under load against the built-in simulator; the metaspace cap is left out there only, the cache would not fit in it
RUN set -e; cd /tmp; \
    PORT=18080 CAMEL_MAIN_PROFILE=dev ACOUSTIC_DIR=/tmp/a DEAD_LETTER_DIR=/tmp/d LOG_LEVEL=WARN \
      java $(grep -v MaxMetaspaceSize /app/jvm.options) -XX:AOTCacheOutput=/app/app.aot -jar /app/app.jar & pid=$!; \
    java -cp /app/app.jar org.acme.voicewebhooks.dev.AotTraining 18080 60; \
    kill $pid; wait $pid || true; test -s /app/app.aot; \
    rm -rf /tmp/a /tmp/d /tmp/vertx-cache

USER 10001:10001
EXPOSE 8080
VOLUME ["/data"]
# No HEALTHCHECK: this image has no shell tool that can ask /observe/health/ready (dash has no /dev/tcp, and TLS rules
# out a plain socket); the orchestrator's probes do it (deploy/kubernetes/deployment.yaml: liveness and readiness)
ENTRYPOINT ["java", "@/app/jvm.options", "-XX:AOTCache=/app/app.aot", "-jar", "/app/app.jar"]
