package dev.berth.image.store;

import dev.berth.oci.image.Digest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The whole persisted content of the image store, as written to {@code images/images.json}:
 * the images and the references (full names such as {@code docker.io/library/busybox:latest}
 * or {@code …@sha256:…}) that point at them. One document, replaced atomically on every
 * change, so that images and names can never disagree after a crash.
 */
record StoreState(int version, List<ImageRecord> images, Map<String, Digest> references) {
    static final int VERSION = 1;

    static StoreState empty() {
        return new StoreState(VERSION, List.of(), Map.of());
    }

    Map<Digest, ImageRecord> imageMap() {
        Map<Digest, ImageRecord> map = new LinkedHashMap<>();
        for (ImageRecord image : images) {
            map.put(image.id(), image);
        }
        return map;
    }

    static StoreState of(Map<Digest, ImageRecord> images, Map<String, Digest> references) {
        return new StoreState(VERSION, new ArrayList<>(images.values()), new TreeMap<>(references));
    }
}
