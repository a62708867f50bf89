/**
 * Typed bindings to the few Linux system calls that Berth makes from Java itself (signals,
 * pidfds, and later mounts and netlink). Every binding returns normally or throws
 * {@link dev.berth.linux.ErrnoException} carrying the errno; method handles are created on
 * first use because each new downcall signature costs milliseconds, which the runtime CLI's
 * start path cannot afford.
 */
package dev.berth.linux;
