package dev.berth.runtime.seccomp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Syscall names to numbers for one {@link Arch}, as the kernel's UAPI headers define them.
 *
 * <p>The tables are resources ({@code syscalls-<arch>.txt}, one {@code name number} pair per
 * line) generated once from Linux 6.1 headers by {@code generate-syscall-tables.sh} beside them,
 * rather than read from the host at run time: the filter must describe the container's ABIs, not
 * whatever headers the daemon's machine happens to have. x32 numbers include
 * {@link Arch#X32_SYSCALL_BIT}; arm includes the private {@code __ARM_NR_*} calls
 * ({@code breakpoint}, {@code cacheflush}, {@code set_tls}, ...). A name a table does not know
 * (a syscall newer than the headers, or one this ABI never had) is simply absent.
 */
public final class SyscallTable {

    private static final Map<Arch, SyscallTable> LOADED = new EnumMap<>(Arch.class);

    private final Arch arch;
    private final Map<String, Integer> numbers;

    private SyscallTable(Arch arch, Map<String, Integer> numbers) {
        this.arch = arch;
        this.numbers = Collections.unmodifiableMap(numbers);
    }

    /** The table of {@code arch}, read from its resource the first time it is asked for. */
    public static SyscallTable of(Arch arch) {
        synchronized (LOADED) {
            return LOADED.computeIfAbsent(arch, SyscallTable::load);
        }
    }

    public Arch arch() {
        return arch;
    }

    /** The number of {@code name} on this ABI, or empty if this ABI has no such syscall. */
    public OptionalInt number(String name) {
        Integer n = numbers.get(name);
        return n == null ? OptionalInt.empty() : OptionalInt.of(n);
    }

    public Set<String> names() {
        return numbers.keySet();
    }

    public int size() {
        return numbers.size();
    }

    private static SyscallTable load(Arch arch) {
        String resource = "syscalls-" + arch.tableName() + ".txt";
        Map<String, Integer> numbers = new LinkedHashMap<>();
        try (InputStream in = SyscallTable.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing syscall table resource " + resource);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            String line;
            int lineNo = 0;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split("\\s+");
                if (parts.length != 2) {
                    throw new IllegalStateException(resource + ":" + lineNo + ": expected 'name number'");
                }
                numbers.put(parts[0], Integer.parseInt(parts[1]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("read " + resource, e);
        }
        return new SyscallTable(arch, numbers);
    }
}
