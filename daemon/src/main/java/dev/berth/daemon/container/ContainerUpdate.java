package dev.berth.daemon.container;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * {@code docker update}: the body ({@code ContainerUpdateRequest}, the resource fields and the
 * restart policy) laid over a container's host config, with dockerd's rules. The docker CLI
 * sends every field, the ones the user did not give as zero or empty: as in dockerd, a zero
 * changes nothing, an unset {@code PidsLimit} is {@code null}, and a policy without a name
 * keeps the current one. The result is checked as a create's resources would be.
 */
final class ContainerUpdate {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
            .build();
    /** The fields of {@code UpdateConfig} that Berth applies, by their API names. */
    static final Set<String> FIELDS = Set.of("BlkioWeight", "CpuShares", "CpuPeriod", "CpuQuota", "CpusetCpus",
            "CpusetMems", "Memory", "MemoryReservation", "MemorySwap", "NanoCpus", "PidsLimit", "RestartPolicy");

    private ContainerUpdate() {}

    /**
     * {@code current} with the update in {@code body} applied.
     *
     * @throws InvalidContainerConfigException for a body or a combination that dockerd refuses
     */
    static HostConfig apply(HostConfig current, byte[] body, int hostCpus) {
        JsonNode update;
        try {
            update = JSON.readTree(body);
        } catch (IOException e) {
            throw new InvalidContainerConfigException("invalid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (update == null || !update.isObject()) {
            throw new InvalidContainerConfigException("invalid JSON: expected an object");
        }
        ObjectNode merged = JSON.valueToTree(current);
        for (Iterator<Map.Entry<String, JsonNode>> it = update.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            String name = FIELDS.stream().filter(n -> n.equalsIgnoreCase(f.getKey())).findFirst().orElse(null);
            if (name != null && changes(name, f.getValue())) {
                merged.set(name, f.getValue());
            }
        }
        checkMemory(current, merged, update);
        HostConfig next;
        try {
            next = JSON.treeToValue(merged, HostConfig.class);
        } catch (IOException e) {
            throw new InvalidContainerConfigException("invalid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (!same(current.restartPolicy(), next.restartPolicy())) {
            CreateChecks.restartPolicy(next.restartPolicy());
            if (current.isAutoRemove() && next.restartPolicy() != null && !next.restartPolicy().isNone()) {
                throw new InvalidContainerConfigException(
                        "Restart policy cannot be updated because AutoRemove is enabled for the container");
            }
        }
        ContainerResources.check(next, hostCpus);
        return next;
    }

    /** Go's zero values change nothing; {@code PidsLimit} is a pointer, so any number given counts. */
    private static boolean changes(String name, JsonNode value) {
        if (value == null || value.isNull()) {
            return false;
        }
        return switch (name) {
            case "PidsLimit" -> true;
            case "RestartPolicy" -> value.isObject() && value.path(value.has("Name") ? "Name" : "name").asText("").length() > 0;
            case "CpusetCpus", "CpusetMems" -> !value.asText("").isEmpty();
            default -> value.asLong(0) != 0;
        };
    }

    /**
     * moby's {@code UpdateContainer}: a memory limit above the memory+swap in force needs a new
     * memory+swap too; below it, the memory+swap in force stays (the one create derived from the
     * old limit, twice that, rather than twice the new one).
     */
    private static void checkMemory(HostConfig current, ObjectNode merged, JsonNode update) {
        long memory = merged.path("Memory").asLong(0);
        boolean memoryGiven = memory > 0 && (current.memory() == null || memory != current.memory());
        boolean swapGiven = update.path("MemorySwap").asLong(0) != 0 || update.path("memorySwap").asLong(0) != 0;
        if (!memoryGiven || swapGiven) {
            return;
        }
        long swapInForce = current.memorySwap() != null && current.memorySwap() != 0 ? current.memorySwap()
                : current.memory() != null && current.memory() > 0 ? current.memory() * 2 : 0;
        if (swapInForce >= 0 && memory > swapInForce) {
            throw new InvalidContainerConfigException("Memory limit should be smaller than already set memoryswap limit,"
                    + " update the memoryswap at the same time");
        }
        merged.put("MemorySwap", swapInForce);
    }

    private static boolean same(HostConfig.RestartPolicy a, HostConfig.RestartPolicy b) {
        return java.util.Objects.equals(a, b);
    }
}
