package dev.berth.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * A libnftables context ({@code libnftables(3)}): runs nft scripts in-process, with no
 * {@code nft} process on the container start path. {@link #run} hands a whole script to
 * libnftables, which sends all its commands to the kernel as one nf_tables batch: the script
 * takes effect entirely or not at all.
 *
 * <p><b>Network namespace.</b> A context acts in the network namespace of the thread that
 * created it, whichever thread later runs its commands: {@code nft_ctx_new} opens the context's
 * netlink socket there and then (libnftables 1.0.6), and a socket keeps the namespace it was
 * made in. To manage another namespace, create the context on a platform thread that has
 * {@code setns(2)}'d into it; the daemon creates its context in the host namespace. The one
 * exception is resolving interface indexes ({@code iif}/{@code oif}, unlike
 * {@code iifname}/{@code oifname}), which libnftables does with a fresh rtnetlink socket in the
 * namespace of the calling thread (a rule naming {@code iif} of an interface that only the
 * context's namespace has fails with "interface does not exist" from any other thread);
 * Berth's rules match interfaces by name only.
 *
 * <p><b>Threads.</b> A context is not thread-safe, and libnftables 1.0.6 also keeps
 * process-wide state (a one-time init in {@code nft_ctx_new}, the interface cache that every
 * run releases), so all contexts in the process share one lock: calls from several threads
 * are serialised, never concurrent. Firewall changes are rare and short: a map element takes
 * about 0.3 ms, replacing a small table 0.4 ms; opening the first context about 100 ms, most of
 * it creating the downcall handles.
 *
 * <p>Use {@link #isAvailable()} to find out whether {@code libnftables.so.1} can be loaded
 * (Debian's {@code libnftables1}, pulled in by {@code nftables}).
 */
public final class Nftables implements AutoCloseable {
    static final String LIBRARY = "libnftables.so.1";
    /** {@code NFT_CTX_OUTPUT_JSON} from {@code <nftables/libnftables.h>}. */
    private static final int OUTPUT_JSON = 1 << 4;
    private static final int AF_NETLINK = 16;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int NETLINK_NETFILTER = 12;

    /** Guards every libnftables call, across contexts; see the class comment. */
    private static final Object LOCK = new Object();

    private MemorySegment ctx; // guarded by LOCK; null once closed

    private Nftables(MemorySegment ctx) {
        this.ctx = ctx;
    }

    /** Whether libnftables can be loaded in this process. */
    public static boolean isAvailable() {
        return Library.LOOKUP != null;
    }

    /**
     * Creates a context in the network namespace of the calling thread, with output and errors
     * buffered for {@link #run} to return and report.
     */
    public static Nftables open() throws NftablesException, ErrnoException {
        if (!isAvailable()) {
            throw new NftablesException("open libnftables: cannot load " + LIBRARY + ": "
                    + Library.FAILURE.getMessage(), "");
        }
        // nft_ctx_new calls exit(3) when it cannot open its netlink socket (netlink_init_error),
        // which would end the daemon: open one first so that such a failure stays an exception.
        probeNetlinkSocket();
        synchronized (LOCK) {
            try {
                MemorySegment ctx = (MemorySegment) Calls.CTX_NEW.invokeExact(0);
                if (ctx.equals(MemorySegment.NULL)) {
                    throw new NftablesException("open libnftables: nft_ctx_new failed", "");
                }
                if ((int) Calls.BUFFER_OUTPUT.invokeExact(ctx) != 0
                        || (int) Calls.BUFFER_ERROR.invokeExact(ctx) != 0) {
                    Calls.CTX_FREE.invokeExact(ctx);
                    throw new NftablesException("open libnftables: cannot buffer its output", "");
                }
                return new Nftables(ctx);
            } catch (NftablesException e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException("libnftables downcall failed", t);
            }
        }
    }

    /**
     * Runs {@code script} (nft syntax, commands separated by newlines or {@code ;}) as one
     * transaction and returns what it printed, e.g. a listing. On failure nothing in the script
     * has taken effect, and the exception names the failing command and libnftables' error.
     */
    public String run(String script) throws NftablesException {
        return run(null, script, 0);
    }

    /** {@link #run(String)}, with {@code attempted} (e.g. "publish tcp port 8080") as the error prefix. */
    public String run(String attempted, String script) throws NftablesException {
        return run(attempted, script, 0);
    }

    /** {@link #run(String)}, with listings printed as JSON ({@code libnftables-json(5)}). */
    public String runJson(String attempted, String script) throws NftablesException {
        return run(attempted, script, OUTPUT_JSON);
    }

    private String run(String attempted, String script, int outputFlags) throws NftablesException {
        synchronized (LOCK) {
            if (ctx == null) {
                throw new IllegalStateException("nftables context closed");
            }
            int fd = NftablesScriptFile.create(script);
            try (Arena arena = Arena.ofConfined()) {
                Calls.SET_FLAGS.invokeExact(ctx, outputFlags);
                // From a file, not nft_run_cmd_from_buffer: for a buffer, libnftables 1.0.6 reports
                // every error against the buffer's first line; for a file it names the right line.
                int rc = (int) Calls.RUN_FILE.invokeExact(ctx, arena.allocateFrom("/proc/self/fd/" + fd));
                // read both buffers on every run: reading is what rewinds them for the next run
                String output = string((MemorySegment) Calls.OUTPUT_BUFFER.invokeExact(ctx));
                String errors = string((MemorySegment) Calls.ERROR_BUFFER.invokeExact(ctx));
                if (rc != 0) {
                    throw NftablesException.of(attempted, script, errors);
                }
                return output;
            } catch (NftablesException e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException("libnftables downcall failed", t);
            } finally {
                NftablesScriptFile.close(fd);
            }
        }
    }

    @Override
    public void close() {
        synchronized (LOCK) {
            if (ctx != null) {
                try {
                    Calls.CTX_FREE.invokeExact(ctx);
                } catch (Throwable t) {
                    throw new IllegalStateException("nft_ctx_free downcall failed", t);
                } finally {
                    ctx = null;
                }
            }
        }
    }

    private static String string(MemorySegment p) {
        // the buffers are NUL-terminated and owned by the context: copy before the next call
        return p.equals(MemorySegment.NULL) ? "" : p.reinterpret(Long.MAX_VALUE).getString(0);
    }

    private static void probeNetlinkSocket() throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(LibC.CALL_STATE);
            int fd = (int) Probe.SOCKET.invokeExact(state, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
            if (fd < 0) {
                throw new ErrnoException("open nf_tables netlink socket", LibC.errno(state));
            }
            int ignored = (int) Probe.CLOSE.invokeExact(fd);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("socket downcall failed", t);
        }
    }

    /** The library, loaded once; {@code LOOKUP} is null and {@code FAILURE} says why when it cannot be. */
    private static final class Library {
        static final SymbolLookup LOOKUP;
        static final RuntimeException FAILURE;

        static {
            SymbolLookup lookup = null;
            RuntimeException failure = null;
            try {
                lookup = SymbolLookup.libraryLookup(LIBRARY, Arena.global());
            } catch (IllegalArgumentException | IllegalCallerException e) {
                failure = e;
            }
            LOOKUP = lookup;
            FAILURE = failure;
        }
    }

    /** The libnftables downcalls; only touched once {@link Library} has loaded. */
    private static final class Calls {
        static final MethodHandle CTX_NEW = handle("nft_ctx_new",
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        static final MethodHandle CTX_FREE = handle("nft_ctx_free", FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
        static final MethodHandle BUFFER_OUTPUT = handle("nft_ctx_buffer_output",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        static final MethodHandle BUFFER_ERROR = handle("nft_ctx_buffer_error",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        static final MethodHandle SET_FLAGS = handle("nft_ctx_output_set_flags",
                FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        static final MethodHandle RUN_FILE = handle("nft_run_cmd_from_filename",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        static final MethodHandle OUTPUT_BUFFER = handle("nft_ctx_get_output_buffer",
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        static final MethodHandle ERROR_BUFFER = handle("nft_ctx_get_error_buffer",
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS));

        private static MethodHandle handle(String name, FunctionDescriptor fd) {
            MemorySegment symbol = Library.LOOKUP.find(name)
                    .orElseThrow(() -> new UnsatisfiedLinkError(LIBRARY + " has no " + name));
            return Linker.nativeLinker().downcallHandle(symbol, fd);
        }
    }

    private static final class Probe {
        static final MethodHandle SOCKET = LibC.handle("socket", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), true);
        static final MethodHandle CLOSE = LibC.handle("close",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), false);
    }
}
