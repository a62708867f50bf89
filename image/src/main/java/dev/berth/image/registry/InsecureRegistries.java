package dev.berth.image.registry;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Decides whether a registry is "insecure" in Docker's sense ({@code --insecure-registry}): it
 * is listed by {@code host[:port]}, or one of its addresses lies in a listed CIDR, or it is on
 * the loopback network, which Docker always treats as insecure. An insecure registry is tried
 * over HTTPS without certificate verification first and over plain HTTP after that.
 */
final class InsecureRegistries {
    private final List<String> names = new ArrayList<>();
    private final List<Cidr> cidrs = new ArrayList<>();

    InsecureRegistries(List<String> entries, boolean loopback) {
        for (String entry : entries) {
            if (entry.contains("/")) {
                cidrs.add(Cidr.parse(entry));
            } else {
                names.add(entry.toLowerCase(Locale.ROOT));
            }
        }
        if (loopback) {
            cidrs.add(Cidr.parse("127.0.0.0/8"));
            cidrs.add(Cidr.parse("::1/128"));
        }
    }

    /** Rejects entries dockerd rejects, with its words. */
    static void validate(List<String> entries) {
        for (String entry : entries) {
            if (entry.contains("://")) {
                throw new IllegalArgumentException("insecure registry " + entry + " should not contain '://'");
            }
            if (entry.contains("/")) {
                Cidr.parse(entry);
            }
        }
    }

    /** Whether {@code host} ({@code name}, {@code name:port}, {@code [v6]:port}) is insecure. */
    boolean isInsecure(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        if (names.contains(lower)) {
            return true;
        }
        if (cidrs.isEmpty()) {
            return false;
        }
        String name = hostname(lower);
        try {
            // Like Docker, resolve names to check them against CIDRs ("localhost" is loopback).
            for (InetAddress address : InetAddress.getAllByName(name)) {
                for (Cidr cidr : cidrs) {
                    if (cidr.contains(address)) {
                        return true;
                    }
                }
            }
        } catch (UnknownHostException e) {
            return false; // a name that does not resolve cannot be in a CIDR; connecting will say so
        }
        return false;
    }

    /** The host part of {@code host:port}, {@code [::1]:port} or a bare name. */
    static String hostname(String host) {
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end > 0 ? host.substring(1, end) : host;
        }
        int colon = host.lastIndexOf(':');
        return colon >= 0 && host.indexOf(':') == colon ? host.substring(0, colon) : host;
    }

    /** An address block, {@code 10.0.0.0/8} or {@code fd00::/8}. */
    record Cidr(byte[] network, int prefix) {
        static Cidr parse(String text) {
            int slash = text.indexOf('/');
            try {
                String address = text.substring(0, slash);
                if (!address.matches("[0-9a-fA-F:.]+")) {
                    throw new IllegalArgumentException("invalid CIDR address: " + text);
                }
                byte[] bytes = InetAddress.getByName(address).getAddress(); // a literal: no lookup
                int prefix = Integer.parseInt(text.substring(slash + 1));
                if (prefix < 0 || prefix > bytes.length * 8) {
                    throw new IllegalArgumentException("invalid CIDR prefix: " + text);
                }
                return new Cidr(bytes, prefix);
            } catch (UnknownHostException | NumberFormatException e) {
                throw new IllegalArgumentException("invalid CIDR address: " + text, e);
            }
        }

        boolean contains(InetAddress address) {
            byte[] bytes = address.getAddress();
            if (bytes.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >> (bit % 8);
                if ((bytes[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
