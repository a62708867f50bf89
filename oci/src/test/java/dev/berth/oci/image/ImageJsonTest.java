package dev.berth.oci.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageJsonTest {
    private static final String CONFIG_DIGEST = "sha256:" + "a".repeat(64);
    private static final String LAYER_DIGEST = "sha256:" + "b".repeat(64);

    // The shape `docker manifest inspect -v busybox` shows for a schema 2 manifest.
    private static final String DOCKER_MANIFEST = """
            {
               "schemaVersion": 2,
               "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
               "config": {
                  "mediaType": "application/vnd.docker.container.image.v1+json",
                  "size": 1457,
                  "digest": "%s"
               },
               "layers": [
                  {
                     "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                     "size": 2152262,
                     "digest": "%s"
                  }
               ]
            }""".formatted(CONFIG_DIGEST, LAYER_DIGEST);

    // The example of image-index.md, trimmed to two platforms.
    private static final String OCI_INDEX = """
            {
              "schemaVersion": 2,
              "mediaType": "application/vnd.oci.image.index.v1+json",
              "manifests": [
                {
                  "mediaType": "application/vnd.oci.image.manifest.v1+json",
                  "size": 7143,
                  "digest": "%s",
                  "platform": {"architecture": "ppc64le", "os": "linux"}
                },
                {
                  "mediaType": "application/vnd.oci.image.manifest.v1+json",
                  "size": 7682,
                  "digest": "%s",
                  "platform": {"architecture": "arm64", "os": "linux", "variant": "v8", "os.version": "x"}
                }
              ],
              "annotations": {"com.example.key1": "value1"}
            }""".formatted(CONFIG_DIGEST, LAYER_DIGEST);

    // The example of config.md.
    private static final String CONFIG = """
            {
                "created": "2015-10-31T22:22:56.015925234Z",
                "author": "Alyssa P. Hacker <alyspdev@example.com>",
                "architecture": "amd64",
                "os": "linux",
                "config": {
                    "User": "alice",
                    "ExposedPorts": {"8080/tcp": {}},
                    "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "FOO=oci_is_a"],
                    "Entrypoint": ["/bin/my-app-binary"],
                    "Cmd": ["--foreground", "--config", "/etc/my-app.d/default.cfg"],
                    "Volumes": {"/var/job-result-data": {}, "/var/log/my-app-logs": {}},
                    "WorkingDir": "/home/alice",
                    "Labels": {"com.example.project.git.url": "https://example.com/project.git"}
                },
                "rootfs": {
                  "diff_ids": [
                    "sha256:c6f988f4874bb0add23a778f753c65efe992244e148a1d2ec2a8b664fb66bbd1",
                    "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef"
                  ],
                  "type": "layers"
                },
                "history": [
                  {"created": "2015-10-31T22:22:54.690851953Z",
                   "created_by": "/bin/sh -c #(nop) ADD file:a3bc1e842b69636f9df5256c49c5374fb4eef1e281fe3f282c65fb853ee171c5 in /"},
                  {"created": "2015-10-31T22:22:55.613815829Z",
                   "created_by": "/bin/sh -c #(nop) CMD [\\"sh\\"]", "empty_layer": true}
                ]
            }""";

    @Test
    void readsADockerSchema2Manifest() throws Exception {
        Manifest manifest = ImageJson.readManifest(bytes(DOCKER_MANIFEST), "manifest");
        assertThat(manifest.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
        assertThat(manifest.config().digest()).isEqualTo(Digest.parse(CONFIG_DIGEST));
        assertThat(manifest.layers()).singleElement()
                .satisfies(l -> assertThat(l.size()).isEqualTo(2152262))
                .satisfies(l -> assertThat(MediaTypes.isLayer(l.mediaType())).isTrue());
    }

    @Test
    void readsAnIndexWithPlatforms() throws Exception {
        Index index = ImageJson.readIndex(bytes(OCI_INDEX), "index");
        assertThat(index.manifests()).extracting(Descriptor::platform)
                .containsExactly(Platform.of("linux", "ppc64le"),
                        new Platform("arm64", "linux", "x", null, "v8", null));
        assertThat(index.annotations()).containsEntry("com.example.key1", "value1");
    }

    @Test
    void readsTheConfigExampleOfTheSpec() throws Exception {
        ImageConfig config = ImageJson.readConfig(bytes(CONFIG), "config");
        assertThat(config.createdInstant()).isEqualTo(java.time.Instant.parse("2015-10-31T22:22:56.015925234Z"));
        assertThat(config.config().exposedPorts()).containsOnlyKeys("8080/tcp");
        assertThat(config.labels()).containsEntry("com.example.project.git.url", "https://example.com/project.git");
        assertThat(config.diffIds()).hasSize(2);
        assertThat(config.history().get(1).isEmptyLayer()).isTrue();
        assertThat(config.history().get(0).createdBy()).startsWith("/bin/sh -c #(nop) ADD");
    }

    @Test
    void writesWhatItReadsWithoutAbsentFields() throws Exception {
        ImageConfig config = ImageJson.readConfig(bytes(CONFIG), "config");
        byte[] written = ImageJson.write(config);
        assertThat(new String(written, StandardCharsets.UTF_8))
                .contains("\"diff_ids\":[\"sha256:c6f988f4")
                .contains("\"ExposedPorts\":{\"8080/tcp\":{}}")
                .contains("\"empty_layer\":true")
                .doesNotContain("null")
                .doesNotContain("os.version");
        assertThat(ImageJson.readConfig(written, "again")).isEqualTo(config);
    }

    @Test
    void namesTheFieldOfABadDigest() {
        String bad = DOCKER_MANIFEST.replace(LAYER_DIGEST, "sha256:abc");
        assertThatThrownBy(() -> ImageJson.readManifest(bytes(bad), "manifest sha256:1234"))
                .isInstanceOf(InvalidImageException.class)
                .hasMessage("manifest sha256:1234: layers[0].digest: invalid checksum digest length: sha256:abc");
    }

    @Test
    void refusesSchema1WithAClearMessage() {
        String schema1 = """
                {"schemaVersion": 1, "name": "library/busybox", "tag": "latest",
                 "fsLayers": [{"blobSum": "%s"}]}""".formatted(LAYER_DIGEST);
        assertThatThrownBy(() -> ImageJson.readManifest(bytes(schema1), "manifest"))
                .hasMessage("manifest: docker image manifest schema 1 is not supported");
    }

    @Test
    void refusesAnIndexWhereAManifestBelongsAndMissingParts() {
        assertThatThrownBy(() -> ImageJson.readManifest(bytes(OCI_INDEX), "m"))
                .hasMessage("m: mediaType: expected an image manifest, got \"application/vnd.oci.image.index.v1+json\"");
        assertThatThrownBy(() -> ImageJson.readManifest(bytes("{\"schemaVersion\":2,\"layers\":[]}"), "m"))
                .hasMessage("m: config: required");
        assertThatThrownBy(() -> ImageJson.readConfig(bytes("{\"architecture\":\"amd64\",\"os\":\"linux\"}"), "c"))
                .hasMessage("c: rootfs: required");
        assertThatThrownBy(() -> ImageJson.readManifest(bytes("{\"schemaVersion\":\"2\"}"), "m"))
                .hasMessageStartingWith("m: schemaVersion: expected a number");
        assertThatThrownBy(() -> ImageJson.readIndex(bytes("{\"schemaVersion\": 2, \"manifests\": [{}]}"), "i"))
                .hasMessage("i: manifests[0].mediaType: required");
        assertThatThrownBy(() -> ImageJson.readIndex(bytes("not json"), "i"))
                .hasMessageStartingWith("i: malformed JSON");
    }

    @Test
    void infersTheTypeOfAnUntypedDocument() throws Exception {
        assertThat(ImageJson.mediaTypeOf(bytes(DOCKER_MANIFEST), "x")).isEqualTo(MediaTypes.DOCKER_MANIFEST);
        String untypedIndex = OCI_INDEX.replace("\"mediaType\": \"application/vnd.oci.image.index.v1+json\",", "");
        assertThat(ImageJson.mediaTypeOf(bytes(untypedIndex), "x")).isEqualTo(MediaTypes.OCI_INDEX);
        assertThat(ImageJson.mediaTypeOf(bytes("{\"schemaVersion\":1,\"fsLayers\":[]}"), "x"))
                .isEqualTo(MediaTypes.DOCKER_SCHEMA1_MANIFEST);
        assertThatThrownBy(() -> ImageJson.mediaTypeOf(bytes("{}"), "x"))
                .hasMessage("x: not an image manifest or index");
    }

    @Test
    void readsTheLayoutFileAndRefusesOtherVersions() throws Exception {
        assertThat(ImageJson.readLayout(bytes("{\"imageLayoutVersion\": \"1.0.0\"}"), "oci-layout"))
                .isEqualTo(ImageLayout.current());
        assertThatThrownBy(() -> ImageJson.readLayout(bytes("{\"imageLayoutVersion\": \"2.0.0\"}"), "oci-layout"))
                .hasMessage("oci-layout: imageLayoutVersion: unsupported version 2.0.0");
    }

    @Test
    void platformsMatchAsContainerdDoes() {
        Platform arm64 = Platform.of("linux", "arm64");
        assertThat(arm64.matches(new Platform("arm64", "linux", null, null, "v8", null))).isTrue();
        assertThat(Platform.of("linux", "amd64").matches(Platform.of("linux", "arm64"))).isFalse();
        assertThat(new Platform("arm", "linux", null, null, "v7", null)
                .matches(new Platform("arm", "linux", null, null, "v6", null))).isFalse();
        assertThat(Platform.host().os()).isEqualTo("linux");
        assertThat(new Platform("arm", "linux", null, null, "v7", null)).hasToString("linux/arm/v7");
    }

    @Test
    void writesDescriptorsAndManifestsCompactly() {
        Descriptor config = Descriptor.of(MediaTypes.OCI_CONFIG, Digest.parse(CONFIG_DIGEST), 12);
        Manifest manifest = Manifest.of(MediaTypes.OCI_MANIFEST, config, List.of());
        assertThat(new String(ImageJson.write(manifest), StandardCharsets.UTF_8)).isEqualTo(
                "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
                        + "\"digest\":\"" + CONFIG_DIGEST + "\",\"size\":12},\"layers\":[]}");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
