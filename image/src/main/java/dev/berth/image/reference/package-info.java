/**
 * Image references as Docker parses, normalizes and prints them:
 * {@link dev.berth.image.reference.ImageReference} ({@code busybox} is
 * {@code docker.io/library/busybox}, shown as {@code busybox}) and
 * {@link dev.berth.image.reference.GlobPattern}, Go's {@code path.Match}, which the
 * {@code reference} filter of {@code docker images} uses.
 */
package dev.berth.image.reference;
