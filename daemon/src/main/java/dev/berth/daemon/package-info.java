/**
 * berthd: the Docker Engine API server and the services behind it. The daemon is where the
 * other modules meet.
 *
 * <p>{@link dev.berth.daemon.Berthd} is the command line (dockerd's flags, {@code daemon.json}
 * keys), {@link dev.berth.daemon.DaemonConfig} the checked configuration and
 * {@link dev.berth.daemon.Daemon} the running daemon, which makes the services and gives each API
 * tag's routes their backend. The API lives in {@code api.*} (one package per tag), the HTTP
 * machinery in {@code http}, the event stream in {@code events}.
 *
 * <pre>
 * &lt;data-root&gt;/            --data-root, default /var/lib/berth (0711)
 *   engine-id              the daemon's ID, kept across restarts
 * &lt;exec-root&gt;/            --exec-root, default /run/berth (0700)
 *   berthd.pid             --pidfile default; created whole by link(2), removed on stop
 * /run/berth/berth.sock    -H default (0660); removed on stop
 * </pre>
 */
package dev.berth.daemon;
