/**
 * The daemon's image service: the image module's stores opened under the data root, served to
 * the API and to {@code /system/df}, with image events.
 *
 * <pre>
 * &lt;data-root&gt;/image/
 * ├── content/    blobs by digest and ingests (dev.berth.image.content)
 * └── images/     images.json: images and their names (dev.berth.image.store)
 * </pre>
 */
package dev.berth.daemon.image;
