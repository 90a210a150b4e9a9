# syntax=docker/dockerfile:1
# The operator image: `docker build -t personalize-operator .` then push it where your cluster pulls from.

FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# Scripts off: `prepare` would compile before the sources are copied (esbuild runs from its platform package).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
# One minified bundle (code split per command) instead of dist/ and node_modules: V8 keeps every loaded module's
# source as a string and Node loads @kubernetes/client-node's files whole; `npm run bench` measured idle RSS
# 115 MB with the compiled files and production node_modules, 88 MB with the bundle (V8 heap 37 -> 21 MB).
RUN npm run bundle

FROM node:24-bookworm-slim AS runtime
# A 1 MB semi-space: V8 sizes the young generation from the host's memory (64 MB on a large node with Node 24),
# which made up most of the operator's peak memory; `npm run bench` measured peak RSS 194-212 MB before, 161-168 after,
# for one more second of CPU in two minutes. Set NODE_OPTIONS in the pod to change it.
ENV NODE_ENV=production NODE_OPTIONS=--max-semi-space-size=1
# glibc serves allocations of 32 KiB and more from their own mappings, returned to the system when freed. V8
# parses and compiles in zones of such blocks; from the main heap, the freed zones stayed resident (fragmented):
# `npm run bench` measured idle RSS 88 -> 82 MB, peak 136 -> 125 MB and resting 129 -> 107 MB at 1000 jobs, for
# CPU 23.8 -> 26.2 s (runs of one build differ by about 2 s).
ENV MALLOC_MMAP_THRESHOLD_=32768
WORKDIR /app
# package.json for --version; the bundle needs no node_modules. Its source maps are beside it, unused unless
# NODE_OPTIONS=--enable-source-maps is set (they cost memory), and third-party licences in *.LEGAL.txt.
COPY package.json ./
COPY --from=build /src/dist/bundle ./dist/bundle
COPY examples ./examples
# The "nonroot" user of distroless images; the chart runs the pod as this UID with a read-only root filesystem.
USER 65532:65532
# V8 grows the old space by 20 % over what is live (V8 flags are refused in NODE_OPTIONS, so given here); by
# default it grows by up to 4x, and at 1000 jobs `npm run bench` measured peak RSS 194 MB. --optimize-for-size
# also grows it little (peak 125 MB) but favours size in the compilers too: CPU 26.2 s against 21.9 s without it.
# With --heap-growing-percent=20: peak 120 MB, resting 117 MB, CPU 21.6 s, idle 84 MB (82 MB with the other).
ENTRYPOINT ["node", "--heap-growing-percent=20", "/app/dist/bundle/main.js"]
CMD ["run"]
