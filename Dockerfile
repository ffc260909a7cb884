# syntax=docker/dockerfile:1
# Build: make docker (needs a Docker engine). Configuration only through env;
# see README.md. Without STITCH_API_URL the image runs the embedded emulator.

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X github.com/onramp/onramp/app.Version=${VERSION}" -o /out/onramp .

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/onramp /onramp
ENV ONRAMP_ADDR=0.0.0.0:8080 \
    ONRAMP_LOG_FORMAT=json
EXPOSE 8080
USER nonroot:nonroot
# distroless has no shell or curl: probe GET /healthz from your orchestrator,
# e.g. Kubernetes livenessProbe httpGet path /healthz port 8080, readinessProbe /readyz.
ENTRYPOINT ["/onramp"]
