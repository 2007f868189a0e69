# chainrule web service: FastAPI + uvicorn, graphviz from the OS, non-root, read-only ready.
#
#   docker build -t chainrule .                                   # official python image
#   docker build --build-arg BASE_IMAGE=chainrule-base:local .    # deploy/build-base-image.sh
#
# BASE_IMAGE needs python3 with the venv module. The virtual environment is made in the
# builder and copied, so both stages must use the same base (the venv's python is a link
# to the base's: /usr/local/bin/python3 in the official image, /usr/bin/python3 in Debian's).
ARG BASE_IMAGE=python:3.12-slim

FROM ${BASE_IMAGE} AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_INPUT=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
RUN python3 -m venv /opt/venv
# The library is the wheel (chainrule/ and its command line) with the service's extra;
# the service itself (app/, templates/, static/) is copied beside it into /srv/chainrule.
COPY pyproject.toml README.md LICENSE ./
COPY chainrule ./chainrule
RUN /opt/venv/bin/python -m pip wheel --no-cache-dir --no-deps --wheel-dir /wheels . \
    && whl="$(echo /wheels/chainrule-*.whl)" \
    && /opt/venv/bin/python -m pip install --no-cache-dir "${whl}[service]" \
    && /opt/venv/bin/python -m pip uninstall -y -q pip setuptools wheel 2>/dev/null
WORKDIR /srv/chainrule
COPY app ./app
COPY templates ./templates
COPY static ./static
# Fail the build, not the first request, when the app cannot start.
RUN /opt/venv/bin/python -c "from app.main import create_app; create_app()"

FROM ${BASE_IMAGE}
LABEL org.opencontainers.image.title="chainrule" \
      org.opencontainers.image.description="The chain rule at work: values, gradients and the computation graph"
# graphviz's dot from the OS; versions follow the base image's Debian release.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends graphviz \
    && rm -rf /var/lib/apt/lists/* \
    && dot -V \
    && useradd --system --uid 10001 --user-group --no-create-home \
       --home-dir /nonexistent --shell /usr/sbin/nologin chainrule
COPY --from=builder /opt/venv /opt/venv
COPY --from=builder /srv/chainrule /srv/chainrule
WORKDIR /srv/chainrule
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    XDG_CACHE_HOME=/tmp/.cache \
    CHAINRULE_HOST=0.0.0.0 \
    CHAINRULE_PORT=8000 \
    CHAINRULE_WORKERS=2
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python3", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/api/health' % os.environ.get('CHAINRULE_PORT', '8000'), timeout=2)"]
CMD ["sh", "-c", "exec python -m app --host 0.0.0.0 --port \"${CHAINRULE_PORT}\" --workers \"${CHAINRULE_WORKERS}\""]
