package dev.berth.image.archive;

/**
 * The layouts {@link ImageSaver} writes. {@link #DOCKER} is what {@code docker save} writes since
 * Docker 25: an OCI image layout plus {@code manifest.json} and {@code repositories}, so that
 * every Docker version and skopeo's {@code docker-archive:} read it. {@link #OCI} is the OCI
 * image layout alone, for {@code oci-archive:} readers.
 */
public enum ArchiveFormat {
    DOCKER,
    OCI
}
