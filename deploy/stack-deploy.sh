#!/usr/bin/env bash
# Deploy docker-compose.yml to a Docker swarm as stack STACK (default chainrule):
#
#   docker swarm init                      # once, on a single node
#   docker compose build app               # stack deploy does not build
#   deploy/stack-deploy.sh [STACK]
#   docker stack rm chainrule
#
# `docker stack deploy` reads the older v3 file format, which knows neither the top-level
# `name:`, nor `depends_on` with conditions (swarm ignores depends_on anyway), nor a port's
# `host_ip` (the port is published on every address of the node), so those are left out;
# everything else (replicas, healthchecks, limits, read-only root, tmpfs, restart policy,
# endpoint_mode dnsrr) is the same file. The same environment variables apply
# (CHAINRULE_IMAGE, NGINX_IMAGE, CHAINRULE_HTTP_PORT, ...).
set -euo pipefail
cd "$(dirname "$0")/.."
stack=${1:-chainrule}
awk '
  BEGIN { print "version: \"3.9\"" }  # older docker CLIs insist on it
  /^name:/ { next }
  /^        host_ip:/ { next }
  /^    depends_on:/ { skip = 1; next }
  skip && /^      / { next }
  { skip = 0; print }
' docker-compose.yml | docker stack deploy --prune -c - "$stack"
