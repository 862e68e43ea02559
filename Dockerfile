# Runtime image for the jar built by `mvn -DskipTests package` (build it first; the image only copies it).
FROM eclipse-temurin:21-jre

# heap and metaspace sized so the process stays within a 512 MiB container limit
ENV PORT=8080 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=60 -XX:MaxMetaspaceSize=96m -XX:+ExitOnOutOfMemoryError -Dvertx.cacheDirBase=/tmp/vertx-cache" \
    ACOUSTIC_DIR=/data/acoustic \
    DEAD_LETTER_DIR=/data/dead-letter

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app \
    && mkdir -p /app /data/acoustic /data/dead-letter \
    && chown -R app:app /data
WORKDIR /app
COPY --chown=app:app target/cognigy-voice-webhooks.jar /app/app.jar

USER 10001:10001
EXPOSE 8080
VOLUME ["/data"]
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD ["sh", "-c", "exec 3<>/dev/tcp/127.0.0.1/${PORT} && printf 'GET /observe/health/ready HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q '200' <&3"]
ENTRYPOINT ["java", "-jar", "/app/app.jar"]
