# MariaDB for the stack test, from the same local Debian base (no registry here): what the
# official image's entrypoint does that the stack needs, a database and a user from the
# environment, done by an init file at every start.
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends mariadb-server \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
COPY mariadb-entrypoint.sh /usr/local/bin/mariadb-entrypoint.sh
ENTRYPOINT ["sh", "/usr/local/bin/mariadb-entrypoint.sh"]
