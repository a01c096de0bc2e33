# syntax=docker/dockerfile:1
#
# The supportgraph gateway as a container image: built in a Rust image, run from a distroless one
# that holds the release binary, the country and carrier directories it starts with, and the
# example production settings; no shell, no package manager, a non-root user.
#
#   docker build -t supportgraph:0.1.0 .
#   docker run --rm -p 8080:8080 -e SUPPORTGRAPH_CONFIG=/etc/supportgraph/supportgraph.toml \
#     -v "$PWD/my-production.toml:/etc/supportgraph/supportgraph.toml:ro" \
#     -e SUPPORTGRAPH_LINKS__SIGNING_KEY="$(openssl rand -base64 32)" supportgraph:0.1.0
#
# See deploy/README.md for compose and Kubernetes.

ARG RUST_VERSION=1.95

FROM rust:${RUST_VERSION}-slim-bookworm AS build
WORKDIR /src
# What the build reads: the workspace manifests, the sources, and the files compiled into the
# binary (config/default.toml, the GraphiQL assets, the mail templates, the sandbox fixtures).
# .dockerignore keeps target/, .git and the test tooling out of the context.
COPY . .
# The registry and the target directory live in BuildKit caches, so a rebuild after a source
# change recompiles only the workspace crates. The binary is copied out of the cache mount.
RUN --mount=type=cache,target=/usr/local/cargo/registry,sharing=locked \
    --mount=type=cache,target=/src/target,sharing=locked \
    cargo build --release --locked --bin supportgraph \
    && install -D -m 0755 target/release/supportgraph /out/supportgraph

# glibc and libgcc (the binary is linked against them) and CA certificates, nothing else.
FROM gcr.io/distroless/cc-debian12:nonroot AS runtime
WORKDIR /app
COPY --from=build /out/supportgraph /app/supportgraph
# Relative paths in the settings (countries_file, carriers_file) resolve against /app; a
# deployment usually mounts its own directories and points the settings at them.
COPY config/countries.toml config/carriers.toml config/production.toml /app/config/
# Production unless told otherwise: a container started without settings of its own refuses to
# run rather than serve demo data. Point SUPPORTGRAPH_CONFIG at your file (and set the secrets
# through SUPPORTGRAPH_* variables).
ENV SUPPORTGRAPH_CONFIG=/app/config/production.toml
# The distroless "nonroot" user, by number so that runAsNonRoot can check it.
USER 65532:65532
EXPOSE 8080
# SIGTERM drains and shuts down gracefully (server.drain_delay_ms, server.shutdown_grace_ms);
# the binary is PID 1 and handles it itself.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/app/supportgraph"]
CMD ["serve", "--log-json"]
