/**
 * The registry client: pulls and pushes images over the OCI distribution API (Docker's registry
 * HTTP API v2), the way dockerd does, so that any registry that works with Docker works here.
 *
 * <p>{@link dev.berth.image.registry.RegistryClient} is the entry point. A pull goes:
 * <pre>
 * GET  /v2/                                    ping: scheme (https, or http if insecure) and auth challenge
 * GET  &lt;realm&gt;?service=…&amp;scope=repository:app:pull  bearer token (Basic: none needed), cached until expiry
 * GET  /v2/app/manifests/latest                 index or manifest; schema 1 refused; digest verified
 * GET  /v2/app/manifests/sha256:…               the platform's manifest, if the tag named an index
 * GET  /v2/app/blobs/sha256:…                   config, then layers, 3 at a time, resumed with Range,
 *                                               teed to the LayerListener, committed after digest check
 * </pre>
 * and a push:
 * <pre>
 * HEAD /v2/app/blobs/sha256:…                   present? "Layer already exists"
 * POST /v2/app/blobs/uploads/?mount=…&amp;from=base  201: "Mounted from base", no upload
 * POST /v2/app/blobs/uploads/                   202 + Location: an upload session
 * PUT  &lt;location&gt;?digest=sha256:…               monolithic upload; or PATCH chunks with Content-Range, then PUT
 * PUT  /v2/app/manifests/latest                 the manifest, after everything it references
 * </pre>
 *
 * <p>The classes, by role: {@link dev.berth.image.registry.RemoteRef} names what is pulled;
 * {@code Endpoints} decides how a registry is reached (TLS trust from
 * {@code /etc/docker/certs.d}, insecure registries); {@code Authorizer} answers auth challenges;
 * {@code RepositorySession} sends requests with auth, retries and redirects;
 * {@link dev.berth.image.registry.RegistryResolver}, {@code BlobFetcher}, {@code Puller},
 * {@code BlobUploader} and {@code Pusher} do the protocol; {@code RegistryErrors} words
 * failures as Docker does. {@link dev.berth.image.registry.AuthConfig} decodes the docker CLI's
 * {@code X-Registry-Auth} header and {@link dev.berth.image.registry.DockerConfigFile} reads
 * {@code ~/.docker/config.json}, asking its credential helpers ({@code CredentialHelper}).
 * {@link dev.berth.image.registry.DockerHubMirrors} puts mirrors in front of Docker Hub for pulls.
 */
package dev.berth.image.registry;
