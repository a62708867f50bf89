/**
 * Images: the content store (blobs by digest), image references, layers and how they are
 * applied, snapshots stacked with overlayfs, the registry client and image archives.
 */
package dev.berth.image;
