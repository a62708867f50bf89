/**
 * Typed bindings to the few Linux system calls that Berth makes from Java itself: signals,
 * mounts ({@link dev.berth.linux.Mounts}, {@link dev.berth.linux.MountInfo}), extended
 * attributes ({@link dev.berth.linux.Xattrs}), device nodes and fifos
 * ({@link dev.berth.linux.FileNodes}), and the no-follow forms of chown and utimes
 * ({@link dev.berth.linux.FileOwners}, {@link dev.berth.linux.FileTimes}) that NIO lacks, and
 * process descriptors ({@link dev.berth.linux.Pidfd}) for watching processes that are not the
 * JVM's children, and container networking: pinned network namespaces
 * ({@link dev.berth.linux.NetNamespace}) and links, addresses and routes through rtnetlink
 * ({@link dev.berth.linux.Rtnetlink}, whose messages are encoded by hand in
 * {@code NetlinkMessage} and sent by {@code NetlinkSocket}).
 * Every binding returns normally or throws {@link dev.berth.linux.ErrnoException} carrying the
 * errno, with a message of the form {@code <call> <path>: <strerror>}; method handles are
 * created on first use because each new downcall signature costs milliseconds, which the runtime
 * CLI's start path cannot afford.
 */
package dev.berth.linux;
