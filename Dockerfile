# syntax=docker/dockerfile:1
# CPU image of embed-merge. The GPU image is Dockerfile.cuda (same application, CUDA libtorch).
#
# Runs as the numeric user 10001 (Kubernetes' runAsNonRoot can verify a numeric USER only) and works with a
# read-only root filesystem when these three paths are writable (volumes or tmpfs):
#   /app/data       jobs' local files: ./data/outputs, ./data/cache (S3 inputs); the embedded PostgreSQL too, when no
#                   SPRING_DATASOURCE_URL is given
#   /tmp            java.io.tmpdir
#   /var/cache/djl  DJL_CACHE_DIR: DJL extracts its JNI glue (libdjl_torch.so, ~4 MB) and the tokenizers library
#                   (~14 MB) there on first use
#   docker run --read-only --tmpfs /tmp -v em-data:/app/data -v em-djl:/var/cache/djl -p 8080:8080 embed-merge
#
# DJL facts relied on (DJL 0.36.0, checked against the shipped ai.djl.util.Utils and ai.djl.pytorch.jni.LibUtils
# classes and https://docs.djl.ai/docs/serving/serving/docs/configurations.html):
#   - DJL_CACHE_DIR (env or system property) moves DJL's cache; ENGINE_CACHE_DIR (engine natives) defaults to it.
#   - DJL_OFFLINE=true (env; system property ai.djl.offline, which BertEncoder also sets) forbids downloads, so a
#     missing native library fails fast instead of reaching for publish.djl.ai.
#   - PYTORCH_LIBRARY_PATH names a folder holding libtorch.so; DJL then loads libtorch from there (no extraction)
#     and takes the version from PYTORCH_VERSION and the JNI flavour from PYTORCH_FLAVOR, extracting
#     jnilib/linux-x86_64/<flavour>/libdjl_torch.so from the pytorch-jni jar into the cache. Without
#     PYTORCH_FLAVOR it guesses "cpu-precxx11" (or "cuNNN-precxx11" when it sees a GPU), which the 2.7.1-0.36.0
#     jni jar does not contain; so the flavour is always set here.
# This image takes libtorch (CPU, 2.7.1) out of the pytorch-native-cpu jar at build time, into /opt/libtorch/lib,
# so that a pod does not unpack ~450 MB into its cache volume on the first encoder job.

ARG PYTORCH_VERSION=2.7.1

FROM eclipse-temurin:25-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -B -ntp dependency:go-offline
COPY src src
RUN ./mvnw -B -ntp package -DskipTests && cp target/embed-merge-*.jar /src/app.jar
# libtorch out of the native jar that Maven resolved for pom.xml's pytorch.version
ARG PYTORCH_VERSION
RUN mkdir -p /opt/libtorch/lib /tmp/native && cd /tmp/native \
 && jar xf /root/.m2/repository/ai/djl/pytorch/pytorch-native-cpu/${PYTORCH_VERSION}/pytorch-native-cpu-${PYTORCH_VERSION}-linux-x86_64.jar \
 && mv pytorch/cpu/linux-x86_64/* /opt/libtorch/lib/ \
 && test -f /opt/libtorch/lib/libtorch.so

FROM eclipse-temurin:25-jre
ARG PYTORCH_VERSION
LABEL org.opencontainers.image.title="embed-merge" \
      org.opencontainers.image.description="Merges text-embedding checkpoints (CPU image)"
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /app --create-home app \
 && mkdir -p /app/data /var/cache/djl \
 && chown -R 10001:10001 /app /var/cache/djl
WORKDIR /app
COPY --from=build /opt/libtorch/lib /opt/libtorch/lib
COPY --from=build /src/app.jar /app/app.jar
ENV DJL_CACHE_DIR=/var/cache/djl \
    DJL_OFFLINE=true \
    PYTORCH_LIBRARY_PATH=/opt/libtorch/lib \
    PYTORCH_VERSION=${PYTORCH_VERSION} \
    PYTORCH_FLAVOR=cpu \
    MERGE_WORKER_DEVICE=cpu
# half of the container for the heap: the encoder, its gradients and the Self-Positioning task vectors live in
# PyTorch's native memory, outside the heap
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=50 --enable-native-access=ALL-UNNAMED"
VOLUME ["/app/data", "/var/cache/djl"]
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s \
  CMD ["sh", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /actuator/health HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q UP <&3"]
ENTRYPOINT ["java", "-jar", "/app/app.jar"]
