package dev.berth.daemon.container;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * What a container asked of one network it joins ({@code EndpointSettings} of a create
 * request's {@code NetworkingConfig}, or of {@code docker network connect}): a fixed address
 * ({@code --ip}), aliases ({@code --network-alias}) and legacy links. The address it actually got
 * is the network's business, not part of this record.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record EndpointConfig(@JsonProperty("IPAMConfig") Ipam ipamConfig, List<String> aliases, List<String> links,
        String macAddress) {

    /** {@code IPAMConfig}: the address asked for on this network. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Ipam(@JsonProperty("IPv4Address") String ipv4Address, @JsonProperty("IPv6Address") String ipv6Address) {}

    public static EndpointConfig empty() {
        return new EndpointConfig(null, null, null, null);
    }

    public List<String> aliasList() {
        return aliases == null ? List.of() : aliases;
    }

    /** The address asked for, or null for any. */
    public String requestedAddress() {
        return ipamConfig == null || ipamConfig.ipv4Address() == null || ipamConfig.ipv4Address().isEmpty()
                ? null : ipamConfig.ipv4Address();
    }
}
