#!/bin/sh
# Initialises the data directory once, then starts mariadbd with the compose command's
# arguments; the database and the app's user come from MARIADB_DATABASE, MARIADB_USER and
# MARIADB_PASSWORD (as with the official image).
set -eu
if [ ! -d /var/lib/mysql/mysql ]; then
    chown mysql:mysql /var/lib/mysql
    mariadb-install-db --user=mysql --datadir=/var/lib/mysql --skip-test-db >/dev/null
fi
umask 077
cat > /run/mysqld/init.sql <<SQL
CREATE DATABASE IF NOT EXISTS \`${MARIADB_DATABASE}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
CREATE USER IF NOT EXISTS '${MARIADB_USER}'@'%' IDENTIFIED BY '${MARIADB_PASSWORD}';
CREATE USER IF NOT EXISTS '${MARIADB_USER}'@'localhost' IDENTIFIED BY '${MARIADB_PASSWORD}';
GRANT ALL ON \`${MARIADB_DATABASE}\`.* TO '${MARIADB_USER}'@'%';
GRANT ALL ON \`${MARIADB_DATABASE}\`.* TO '${MARIADB_USER}'@'localhost';
SQL
chown mysql:mysql /run/mysqld/init.sql
exec mariadbd --user=mysql --init-file=/run/mysqld/init.sql "$@"
