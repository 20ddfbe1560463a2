# Apache James 3.8.1 with Tiered Delivery, on the official image. Build the jar first, then build the image:
#   mvn -B -DskipTests package
#   docker build -t james-tiered .                                    (memory server, conf/ of this project)
#   docker build --build-arg JAMES_FLAVOUR=jpa-3.8.1 --build-arg CONF_DIR=my-jpa-conf -t james-tiered-jpa .
# conf/ is a memory-server configuration: for jpa-3.8.1 or distributed-3.8.1 give CONF_DIR, a folder of this build
# context holding that flavour's configuration with Tiered Delivery's changes (README, "Docker image").
# The image runs James as the official one does (-Dworking.directory=/root/); SMTP on 25, WebAdmin on 8000.
ARG JAMES_FLAVOUR=memory-3.8.1
FROM apache/james:${JAMES_FLAVOUR}

ARG CONF_DIR=conf

COPY guice-module/target/tiered-delivery-extension-*.jar /root/extensions-jars/
COPY ${CONF_DIR}/ /root/conf/

EXPOSE 25 8000
