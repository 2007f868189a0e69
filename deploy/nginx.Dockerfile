# A stand-in for the official nginx image, for machines that cannot pull from a registry
# (the deploy tests): Debian's nginx on a local Debian testing base. deploy/nginx.conf needs
# nginx 1.27.3 or later (`resolve` in upstream servers); Debian 12 has 1.22, testing newer.
#
#   deploy/build-base-image.sh --suite testing --packages ca-certificates chainrule-debian-testing:local
#   docker build -t chainrule-nginx:local - < deploy/nginx.Dockerfile
#   NGINX_IMAGE=chainrule-nginx:local docker compose up
#
# docker-compose.yml needs from its nginx image only what the official one has: `nginx` on
# PATH, /etc/nginx/mime.types, and `wget` for the healthcheck.
ARG BASE_IMAGE=chainrule-debian-testing:local
FROM ${BASE_IMAGE}
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends nginx wget \
    && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/* \
    && ln -sf /dev/stdout /var/log/nginx/access.log \
    && ln -sf /dev/stderr /var/log/nginx/error.log \
    && nginx -v
EXPOSE 8080
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
