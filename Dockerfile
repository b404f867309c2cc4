# edgeport's image: built from source in a Maven stage, run on a Java 17 runtime as a non-root user that
# may bind ports 80 and 443.
#   docker build -t edgeport .
#   docker run --rm -p 80:80 -v "$PWD/config:/etc/edgeport:ro" edgeport         # serves config/edgeport.yaml
#   docker run --rm -p 80:80 edgeport demo                                        # the demo, in one container
# The base images are build arguments with the usual public defaults, so a registry mirror or a locally made
# base can stand in (deploy/container-test.sh builds on a Debian base it makes with debootstrap).
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-17
ARG RUNTIME_IMAGE=eclipse-temurin:17-jre

FROM ${BUILD_IMAGE} AS build
# Builds behind a TLS-intercepting proxy: its CA certificates (PEM text), trusted by Maven. Empty by default;
# only the build stage sees it.
ARG EXTRA_CA_PEM=""
RUN if [ -n "$EXTRA_CA_PEM" ]; then \
      printf '%s\n' "$EXTRA_CA_PEM" | awk '/BEGIN CERTIFICATE/ {n++} n {print > ("/tmp/extra-ca-" n ".pem")}' \
      && for f in /tmp/extra-ca-*.pem; do \
           keytool -importcert -noprompt -cacerts -storepass changeit -alias "$(basename "$f" .pem)" -file "$f"; \
         done; \
    fi
WORKDIR /src
# The dependencies are a layer of their own: an edit to the source rebuilds without downloading them again.
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src ./src
RUN mvn -B -q -DskipTests package

FROM ${RUNTIME_IMAGE}
# Port 80 without root: a file capability on the java binary. A binary with file capabilities runs in the
# loader's secure mode, which ignores java's relative library path ($ORIGIN/../lib), so that directory goes
# into ld.so.conf instead.
RUN set -eu; \
    java="$(readlink -f "$(command -v java)")"; \
    if ! command -v setcap >/dev/null; then \
      apt-get update -qq && apt-get install -y -qq --no-install-recommends libcap2-bin >/dev/null \
      && rm -rf /var/lib/apt/lists/*; \
    fi; \
    setcap cap_net_bind_service=+ep "$java"; \
    echo "$(dirname "$(dirname "$java")")/lib" > /etc/ld.so.conf.d/edgeport-java.conf; \
    ldconfig; \
    useradd --system --uid 10001 --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin edgeport
COPY --from=build /src/target/edgeport.jar /opt/edgeport/edgeport.jar
COPY config/edgeport.yaml /etc/edgeport/edgeport.yaml
USER edgeport
# bin/edgeport's JVM options for a proxy (why: its header; measured: bench/RESULTS.md): about 150 MB RSS under load.
# The container's memory limit should leave room above heap and direct memory for the JVM itself (512 MiB fits).
ENV JAVA_OPTS="-XX:+UseSerialGC -Xmn24m -Xmx160m -XX:MaxDirectMemorySize=128m -XX:+ExitOnOutOfMemoryError"
EXPOSE 80 443 9901
# /ready is 200 while serving and 503 while starting or draining. The admin listener must be on port 9901 of
# the container's loopback or all addresses (admin: ":9901" or "127.0.0.1:9901"). bash's /dev/tcp asks it, so
# the image needs no HTTP client.
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/9901 && printf 'GET /ready HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
# exec: java is PID 1 and receives SIGTERM itself (it drains, then exits 0).
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /opt/edgeport/edgeport.jar \"$@\"", "edgeport"]
CMD ["run", "--config", "/etc/edgeport/edgeport.yaml"]
