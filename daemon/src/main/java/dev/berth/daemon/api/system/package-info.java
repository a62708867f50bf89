/**
 * The Engine API's System tag: {@code /_ping}, {@code /version}, {@code /info}, {@code /events}
 * and {@code /system/df} ({@link dev.berth.daemon.api.system.SystemRoutes}). Its backend,
 * {@link dev.berth.daemon.api.system.SystemBackend}, answers from the daemon's own facts, the
 * host's ({@link dev.berth.daemon.api.system.HostFacts}) and what the services report through the
 * {@link dev.berth.daemon.api.system.Inventory}: the image service plugs its
 * {@link dev.berth.daemon.api.system.UsageSource} in there to be counted by {@code /info} and
 * {@code /system/df}.
 */
package dev.berth.daemon.api.system;
