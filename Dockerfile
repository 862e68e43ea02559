# Runtime image for the jar built by `mvn -DskipTests package` (build it first; the image only copies it).
FROM eclipse-temurin:21-jre

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
# an AppCDS archive of the classes start-up loads (halves the time to ready): one start against the simulator
RUN PORT=18080 CAMEL_MAIN_PROFILE=dev ACOUSTIC_DIR=/tmp/a DEAD_LETTER_DIR=/tmp/d \
    java @/app/jvm.options -XX:ArchiveClassesAtExit=/app/app.jsa -Dcamel.main.duration-max-seconds=10 -jar /app/app.jar \
    && rm -rf /tmp/a /tmp/d /tmp/vertx-cache

USER 10001:10001
EXPOSE 8080
VOLUME ["/data"]
# No HEALTHCHECK: this image has no shell tool that can ask /observe/health/ready (dash has no /dev/tcp, and TLS rules
# out a plain socket); the orchestrator's probes do it (deploy/kubernetes/deployment.yaml: liveness and readiness)
ENTRYPOINT ["java", "@/app/jvm.options", "-XX:SharedArchiveFile=/app/app.jsa", "-jar", "/app/app.jar"]
