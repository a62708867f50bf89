package dev.berth.runtime.state;

import dev.berth.oci.runtime.OciJson;
import dev.berth.oci.runtime.Spec;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The runtime's state root ({@code --root}, default {@code /run/berth-runtime}):
 *
 * <pre>
 * /run/berth-runtime/
 *   &lt;id&gt;/
 *     state.json    ContainerRecord, written atomically
 *     config.json   the spec the container was created from (exec takes its defaults here)
 *     exec.fifo     present between create and start
 *     exit          monitor mode: the init's wait status
 * </pre>
 *
 * A directory without a {@code state.json} is a create that did not finish; it is not a
 * container and {@code delete} removes it.
 */
public final class StateStore {
    private static final Pattern ID = Pattern.compile("^[\\w+\\-.]+$");

    private final Path root;

    public StateStore(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** Checks an id as runc does: letters, digits, and {@code _ + - .}, not {@code .} or {@code ..}. */
    public static void checkId(String id) {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("container id cannot be empty");
        }
        if (!ID.matcher(id).matches() || id.equals(".") || id.equals("..") || id.length() > 1024) {
            throw new IllegalArgumentException("invalid container id format: " + id);
        }
    }

    public Path dir(String id) {
        checkId(id);
        return root.resolve(id);
    }

    /** Creates the container's directory; fails with a clear message if the id is taken. */
    public Path reserve(String id) throws IOException {
        Files.createDirectories(root);
        Path d = dir(id);
        try {
            Files.createDirectory(d);
        } catch (FileAlreadyExistsException e) {
            throw new FileAlreadyExistsException("container with id " + id + " already exists");
        }
        return d;
    }

    public void save(ContainerRecord record) throws IOException {
        AtomicFile.write(dir(record.id()).resolve("state.json"), ContainerRecordJson.write(record));
    }

    public void saveSpec(String id, byte[] configJson) throws IOException {
        AtomicFile.write(dir(id).resolve("config.json"), configJson);
    }

    public void saveSpec(String id, Spec spec) throws IOException {
        AtomicFile.write(dir(id).resolve("config.json"), OciJson.write(spec));
    }

    /** The spec as stored at create; it was valid then, so a failure here means a damaged state directory. */
    public Spec loadSpec(String id) throws IOException {
        Path file = dir(id).resolve("config.json");
        try {
            return OciJson.readSpec(file);
        } catch (dev.berth.oci.runtime.InvalidSpecException e) {
            throw new IOException("stored spec " + file + " is damaged: " + e.getMessage(), e);
        }
    }

    public Optional<ContainerRecord> load(String id) throws IOException {
        try {
            return Optional.of(ContainerRecordJson.read(Files.readAllBytes(dir(id).resolve("state.json"))));
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            return Optional.empty();
        }
    }

    public List<ContainerRecord> list() throws IOException {
        List<ContainerRecord> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
            for (Path d : ds) {
                if (Files.isDirectory(d) && Files.exists(d.resolve("state.json"))) {
                    load(d.getFileName().toString()).ifPresent(out::add);
                }
            }
        }
        out.sort(Comparator.comparing(ContainerRecord::created).thenComparing(ContainerRecord::id));
        return out;
    }

    /** Removes the container's directory and everything in it. */
    public void remove(String id) throws IOException {
        Path d = dir(id);
        if (!Files.exists(d)) {
            return;
        }
        try (Stream<Path> s = Files.walk(d)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
