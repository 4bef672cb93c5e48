# syntax=docker/dockerfile:1
FROM eclipse-temurin:25-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -B -ntp dependency:go-offline
COPY src src
RUN ./mvnw -B -ntp package -DskipTests && cp target/embed-merge-*.jar /src/app.jar

FROM eclipse-temurin:25-jre
RUN groupadd --system app && useradd --system --gid app --home-dir /app --create-home app
WORKDIR /app
COPY --from=build /src/app.jar /app/app.jar
RUN mkdir -p /app/data && chown -R app:app /app
USER app
EXPOSE 8080
# half of the container for the heap: the encoder, its gradients and the Self-Positioning task vectors live in
# PyTorch's native memory, outside the heap
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=50 --enable-native-access=ALL-UNNAMED"
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s \
  CMD ["sh", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /actuator/health HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q UP <&3"]
ENTRYPOINT ["java", "-jar", "/app/app.jar"]
