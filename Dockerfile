# syntax=docker/dockerfile:1
# Rivulet's `rivulet` binary (JobManager, TaskManager and the CLI) on Debian 12 (bookworm).
#   docker build -t rivulet .                      # or: docker compose build
#   docker run --rm rivulet --help
#   docker run --rm rivulet jobmanager --conf /opt/rivulet/conf -D key=value ...
# A release build takes long (about 13 minutes on 2 cores) and needs several GiB of memory.
# The image tag of the build stage can be changed: docker build --build-arg SWIFT_IMAGE=swift:6.1-bookworm .
# Both stages must be bookworm: the runtime stage installs bookworm's RocksDB and ZooKeeper libraries.
ARG SWIFT_IMAGE=swift:6.2-bookworm

# ---- build
FROM ${SWIFT_IMAGE} AS build
# The C libraries of the CRocksDB and CZooKeeper system-library targets (the swift image
# already has libcurl4-openssl-dev, libxml2-dev and zlib1g-dev, which Foundation links).
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        librocksdb-dev libzookeeper-mt-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY . .
# --static-swift-stdlib links the Swift runtime, Foundation (with its own ICU) and Dispatch into
# the binary, so the runtime stage needs no /usr/lib/swift. What stays dynamic (see `ldd rivulet`):
# glibc, libstdc++/libgcc_s, zlib, libcurl (FoundationNetworking; libxml2 would join it only if
# FoundationXML were used), librocksdb (with snappy, lz4, zstd, bz2, gflags) and libzookeeper_mt.
# The cache mount keeps .build (checkouts and objects) between builds; the binary leaves it by cp.
RUN --mount=type=cache,target=/build/.build \
    swift build -c release --product rivulet --static-swift-stdlib \
    && install -D -m 0755 "$(swift build -c release --show-bin-path)/rivulet" /out/rivulet \
    && cp -R "$(swift build -c release --show-bin-path)/Rivulet_RivuletCluster.resources" /out/

# ---- runtime
FROM debian:bookworm-slim
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        librocksdb7.8 libzookeeper-mt2 libcurl4 libstdc++6 zlib1g tzdata ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/rivulet /usr/local/bin/rivulet
# The Web UI's files, found beside the binary.
COPY --from=build /out/Rivulet_RivuletCluster.resources /usr/local/bin/Rivulet_RivuletCluster.resources
COPY bin/ /opt/rivulet/bin/
COPY conf/ /opt/rivulet/conf/
# /data: checkpoints and HA storage (state.checkpoints.dir, high-availability.storageDir), a
# volume shared by every container of the cluster. A named volume mounted there starts out with
# this directory's owner, so the non-root user can write it.
RUN useradd --system --uid 10001 --user-group --create-home --home-dir /home/rivulet rivulet \
    && mkdir -p /data /opt/rivulet/log \
    && chown rivulet:rivulet /data /opt/rivulet/log
# rivulet, by number (a name may not resolve on the host).
USER 10001:10001
WORKDIR /opt/rivulet
# RIVULET_BIN: bin/jobmanager.sh and bin/taskmanager.sh use this binary instead of building one.
ENV RIVULET_BIN=/usr/local/bin/rivulet \
    RIVULET_CONF_DIR=/opt/rivulet/conf \
    RIVULET_LOG_DIR=/opt/rivulet/log
VOLUME ["/data"]
# REST, Web UI and the JobManager's /metrics (rest.port), JobManager RPC (jobmanager.rpc.port),
# TaskManager data and RPC (set to 6121 and 6122 by docker-compose.yml; the default 0 picks
# free ports), and a TaskManager's /metrics (metrics.reporter.prom.port, 9249 in docker-compose.yml).
EXPOSE 8081 6123 6121 6122 9249
ENTRYPOINT ["rivulet"]
CMD ["--help"]
