#!/usr/bin/env bash
# Runs once, when the postgres container starts on an empty volume
# (/docker-entrypoint-initdb.d). One database per service, owned by its own
# login role; no role can connect to another service's database.
set -Eeo pipefail

create_service_database() {
  local name=$1 password=$2
  psql --set ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname postgres \
    --set name="$name" --set password="$password" <<'SQL'
CREATE ROLE :"name" LOGIN PASSWORD :'password';
CREATE DATABASE :"name" OWNER :"name";
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
SQL
}

create_service_database auth "${AUTH_DB_PASSWORD:?AUTH_DB_PASSWORD is not set}"
create_service_database users "${USERS_DB_PASSWORD:?USERS_DB_PASSWORD is not set}"
create_service_database orders "${ORDERS_DB_PASSWORD:?ORDERS_DB_PASSWORD is not set}"
create_service_database inventory "${INVENTORY_DB_PASSWORD:?INVENTORY_DB_PASSWORD is not set}"
