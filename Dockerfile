# Build: templ output is committed; front-end packages come from the npm registry.
FROM golang:1.26-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN make assets && CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/mfaboard ./cmd/mfaboard

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/mfaboard /usr/local/bin/mfaboard
EXPOSE 8080
USER nonroot
ENTRYPOINT ["/usr/local/bin/mfaboard"]
CMD ["serve", "--addr", "0.0.0.0:8080"]
