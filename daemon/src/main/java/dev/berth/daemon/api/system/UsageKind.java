package dev.berth.daemon.api.system;

import dev.berth.daemon.http.ApiException;

/** The kinds of object {@code GET /system/df} reports on, with their {@code type} query values. */
public enum UsageKind {
    CONTAINER("container"), IMAGE("image"), VOLUME("volume"), BUILD_CACHE("build-cache");

    private final String wireName;

    UsageKind(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    static UsageKind parse(String s) {
        for (UsageKind k : values()) {
            if (k.wireName.equals(s)) {
                return k;
            }
        }
        throw ApiException.invalid("unknown object type: " + s);
    }
}
