package dev.berth.daemon.api.system;

import dev.berth.daemon.http.ApiVersion;
import dev.berth.daemon.http.Handler;
import dev.berth.daemon.http.Request;
import dev.berth.daemon.http.Response;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /system/df}, in the shape the client's API version expects. Before 1.52 it is the
 * lists ({@code LayersSize}, {@code Images}, {@code Containers}, {@code Volumes},
 * {@code BuildCache}); 1.52 sends those and the per-kind summaries ({@code ImageUsage}, ...);
 * from 1.53 only the summaries, with the items when {@code verbose} is set.
 */
final class DataUsageEndpoint implements Handler {
    static final ApiVersion SUMMARIES = ApiVersion.of(1, 52);
    static final ApiVersion LISTS_REMOVED = ApiVersion.of(1, 53);

    private final SystemBackend backend;

    DataUsageEndpoint(SystemBackend backend) {
        this.backend = backend;
    }

    @Override
    public void handle(Request request, Response response) throws Exception {
        Set<UsageKind> kinds = EnumSet.noneOf(UsageKind.class);
        for (String t : request.queryAll("type")) {
            kinds.add(UsageKind.parse(t));
        }
        if (kinds.isEmpty()) {
            kinds = EnumSet.allOf(UsageKind.class);
        }
        ApiVersion v = request.version();
        boolean verbose = request.queryBool("verbose");
        boolean lists = v.isBefore(LISTS_REMOVED) && !(v.isAtLeast(SUMMARIES) && verbose);
        boolean summaries = v.isAtLeast(SUMMARIES);
        Map<UsageKind, Usage> usage = backend.usage(kinds, lists || verbose);

        Map<String, Object> body = new LinkedHashMap<>();
        if (lists) {
            if (usage.containsKey(UsageKind.IMAGE)) {
                body.put("LayersSize", usage.get(UsageKind.IMAGE).totalSize());
                body.put("Images", usage.get(UsageKind.IMAGE).items());
            }
            putItems(body, "Containers", usage.get(UsageKind.CONTAINER));
            putItems(body, "Volumes", usage.get(UsageKind.VOLUME));
            putItems(body, "BuildCache", usage.get(UsageKind.BUILD_CACHE));
        }
        if (summaries) {
            putSummary(body, "ImageUsage", usage.get(UsageKind.IMAGE), verbose);
            putSummary(body, "ContainerUsage", usage.get(UsageKind.CONTAINER), verbose);
            putSummary(body, "VolumeUsage", usage.get(UsageKind.VOLUME), verbose);
            putSummary(body, "BuildCacheUsage", usage.get(UsageKind.BUILD_CACHE), verbose);
        }
        response.json(body);
    }

    private static void putItems(Map<String, Object> body, String name, Usage u) {
        if (u != null) {
            body.put(name, u.items());
        }
    }

    private static void putSummary(Map<String, Object> body, String name, Usage u, boolean verbose) {
        if (u != null) {
            body.put(name, verbose ? u : u.withoutItems());
        }
    }
}
