package dev.berth.daemon.network;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;

/**
 * One network as berthd keeps it ({@code <data-root>/network/networks/<id>.json}): what it was
 * created with. Addresses handed out on it are the IPAM's, and its containers are found from
 * their sandboxes; this record does not change after create.
 *
 * @param driver  {@code bridge}, or {@code host} and {@code null} for the two predefined networks
 *                that only name a mode
 * @param bridge  the host interface of a bridge network ({@code berth0}, {@code br-<id12>})
 * @param subnet  CIDR; gateway and ipRange as created (ipRange null: the whole subnet)
 * @param builtin one of the predefined {@code bridge}, {@code host}, {@code none}, which cannot be removed
 */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
// isBridge() is no property: Jackson would write it, as "Bridge", over the bridge's name
@JsonAutoDetect(isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public record Network(String id, String name, String driver, String created, String bridge, String subnet,
        String gateway, String ipRange, boolean internal, boolean attachable, boolean builtin,
        Map<String, String> labels, Map<String, String> options) {

    public Network {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        options = options == null ? Map.of() : Map.copyOf(options);
    }

    public boolean isBridge() {
        return driver.equals("bridge");
    }

    /** The default bridge, where names do not resolve and links write hosts entries instead. */
    public boolean isDefaultBridge() {
        return builtin && name.equals("bridge");
    }

    public String shortId() {
        return id.substring(0, 12);
    }
}
