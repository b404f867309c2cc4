# edgeport as a container: build the jar first (mvn -B -q -DskipTests package).
FROM eclipse-temurin:17-jre
COPY target/edgeport.jar /opt/edgeport/edgeport.jar
COPY config/ /etc/edgeport/
ENTRYPOINT ["java", "-jar", "/opt/edgeport/edgeport.jar"]
CMD ["run", "-c", "/etc/edgeport/edgeport.yaml"]
