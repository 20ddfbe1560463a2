# Apache James with Tiered Delivery. Build the extension jar first (mvn -B package -DskipTests), then:
#   docker build -t james-tiered .                                  (memory server)
#   docker build --build-arg JAMES_FLAVOUR=jpa-3.8.1 -t james-tiered .
# The image runs James as the official one does; SMTP on 25, WebAdmin on 8000.
ARG JAMES_FLAVOUR=memory-3.8.1
FROM apache/james:${JAMES_FLAVOUR}

COPY guice-module/target/tiered-delivery-extension-*.jar /root/extensions-jars/
COPY conf/ /root/conf/

EXPOSE 25 8000
