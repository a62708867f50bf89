package dev.berth.network.ipam;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The IPAM's directory on disk: one JSON file per network, replaced whole on every change so a
 * crash leaves either the old file or the new one. A write goes to {@code <id>.json.tmp},
 * is forced to disk, renamed over {@code <id>.json} (rename(2) is atomic within a filesystem),
 * and the directory is forced so the rename itself survives a power cut. A {@code .tmp} file
 * found at load is a write that never got renamed, and is deleted.
 */
final class LedgerDirectory {
    private static final String SUFFIX = ".json";
    private static final String TEMP_SUFFIX = ".json.tmp";
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** The file's form: addresses as dotted quads so an operator can read and diff it. */
    record LedgerFile(String network, String subnet, String ipRange, String gateway, String lastAllocated,
            Map<String, String> allocations) {}

    private final Path dir;

    LedgerDirectory(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
    }

    Path dir() {
        return dir;
    }

    /** Reads every network's file, deleting the temporary files of writes a crash cut short. */
    List<NetworkLedger> load() throws IOException {
        List<NetworkLedger> out = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (name.endsWith(TEMP_SUFFIX)) {
                    Files.deleteIfExists(p);
                } else if (name.endsWith(SUFFIX)) {
                    out.add(read(p));
                }
            }
        }
        return out;
    }

    private static NetworkLedger read(Path p) throws IOException {
        LedgerFile f;
        try {
            f = JSON.readValue(p.toFile(), LedgerFile.class);
        } catch (IOException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            throw new IOException("read " + p + ": " + reason, e);
        }
        try {
            Subnet subnet = Subnet.parse(f.subnet());
            NetworkLedger ledger = new NetworkLedger(new NetworkAddressing(f.network(), subnet,
                    Subnet.parse(f.ipRange()), Subnet.parseAddress(f.gateway(), f.gateway())));
            if (f.lastAllocated() != null) {
                ledger.restoreLast(subnet.offsetOf(Subnet.parseAddress(f.lastAllocated(), f.lastAllocated())));
            }
            if (f.allocations() != null) {
                for (Map.Entry<String, String> e : f.allocations().entrySet()) {
                    ledger.take(subnet.offsetOf(Subnet.parseAddress(e.getKey(), e.getKey())), e.getValue(), false);
                }
            }
            return ledger;
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IOException("read " + p + ": " + e.getMessage(), e);
        }
    }

    void write(NetworkLedger ledger) throws IOException {
        NetworkAddressing a = ledger.addressing();
        Map<String, String> allocations = new TreeMap<>();
        ledger.allocations().forEach((address, owner) -> allocations.put(address.getHostAddress(), owner));
        // TreeMap orders by text, not by address; fine for a file, and stable for diffs
        String last = ledger.last() < 0 ? null : a.subnet().address(ledger.last()).getHostAddress();
        LedgerFile f = new LedgerFile(a.networkId(), a.subnet().toString(), a.ipRange().toString(),
                a.gateway().getHostAddress(), last, allocations);
        byte[] data = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(f);
        Path target = fileOf(a.networkId());
        Path tmp = dir.resolve(a.networkId() + TEMP_SUFFIX);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(data);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        forceDirectory();
    }

    void delete(String networkId) throws IOException {
        Files.deleteIfExists(fileOf(networkId));
        forceDirectory();
    }

    private Path fileOf(String networkId) {
        return dir.resolve(networkId + SUFFIX);
    }

    private void forceDirectory() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }
}
