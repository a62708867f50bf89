package dev.berth.network.ipam;

import java.util.List;

/**
 * A block of address space that the IPAM cuts into subnets of one size for networks created
 * without {@code --subnet}: {@code base=10.10.0.0/16,size=24} yields 10.10.0.0/24, 10.10.1.0/24,
 * and so on, as dockerd's {@code --default-address-pool} does.
 *
 * <p>{@link #dockerDefaults()} are dockerd's local-scope defaults (moby
 * {@code libnetwork/ipamutils/utils.go}, {@code localScopeDefaultNetworks}): 172.17.0.0/16 to
 * 172.31.0.0/16 as fifteen /16s, then 192.168.0.0/16 as sixteen /20s, 31 networks in all. The
 * default bridge takes the first free one like any other network, which is why it gets
 * 172.17.0.0/16 when no {@code --bip} is given, and the first subnet of a configured pool when
 * {@code --default-address-pool} replaces the defaults.
 */
public record AddressPool(Subnet base, int size) {

    private static final List<AddressPool> DOCKER_DEFAULTS = List.of(
            new AddressPool(Subnet.parse("172.17.0.0/16"), 16),
            new AddressPool(Subnet.parse("172.18.0.0/16"), 16),
            new AddressPool(Subnet.parse("172.19.0.0/16"), 16),
            new AddressPool(Subnet.parse("172.20.0.0/14"), 16),
            new AddressPool(Subnet.parse("172.24.0.0/14"), 16),
            new AddressPool(Subnet.parse("172.28.0.0/14"), 16),
            new AddressPool(Subnet.parse("192.168.0.0/16"), 20));

    public AddressPool {
        if (size < base.prefixLength() || size > 32) {
            // moby's wording (ipamutils.splitNetworks), with the base it was given for
            throw new IllegalArgumentException("invalid pools size: " + size + " for base pool " + base);
        }
    }

    /** dockerd's default address pools, in the order it hands their subnets out. */
    public static List<AddressPool> dockerDefaults() {
        return DOCKER_DEFAULTS;
    }

    /** Parses the value of {@code --default-address-pool}: {@code base=10.10.0.0/16,size=24}. */
    public static AddressPool parse(String text) {
        Subnet base = null;
        Integer size = null;
        for (String field : text.split(",")) {
            int eq = field.indexOf('=');
            String key = eq < 0 ? field.strip() : field.substring(0, eq).strip();
            String value = eq < 0 ? "" : field.substring(eq + 1).strip();
            switch (key) {
                case "base" -> base = Subnet.parse(value);
                case "size" -> {
                    try {
                        size = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("invalid default address pool " + text + ": bad size " + value);
                    }
                }
                default -> throw new IllegalArgumentException(
                        "invalid default address pool " + text + ": unexpected field " + key);
            }
        }
        if (base == null || size == null) {
            throw new IllegalArgumentException("invalid default address pool " + text + ": it needs base and size");
        }
        return new AddressPool(base, size);
    }

    /** How many subnets the pool holds. */
    public long count() {
        return 1L << (size - base.prefixLength());
    }

    /** The {@code n}-th subnet of the pool, 0 being the first. */
    public Subnet subnet(long n) {
        if (n < 0 || n >= count()) {
            throw new IndexOutOfBoundsException("subnet " + n + " of pool " + this + ": the pool has " + count());
        }
        return new Subnet(base.address(n << (32 - size)), size);
    }

    @Override
    public String toString() {
        return "base=" + base + ",size=" + size;
    }
}
