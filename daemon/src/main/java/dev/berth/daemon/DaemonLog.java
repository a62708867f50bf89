package dev.berth.daemon;

import java.io.PrintStream;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * The daemon's log, on stderr in dockerd's (logrus's) text form:
 * {@code time="2025-01-01T12:00:00.123Z" level=info msg="API listen on /run/berth/berth.sock"}.
 * Netty's own chatter stays at warnings unless the level is debug.
 */
final class DaemonLog {
    private DaemonLog() {}

    /**
     * The JDK resets logging from a shutdown hook of its own, which races the daemon's graceful
     * stop (also a shutdown hook) and would swallow its last lines. This manager ignores that
     * one reset; {@link Berthd} installs it before anything logs.
     */
    public static final class Manager extends java.util.logging.LogManager {
        @Override
        public void reset() {
            if (Thread.currentThread().getClass().getName().endsWith("LogManager$Cleaner")) {
                for (Handler h : Logger.getLogger("").getHandlers()) {
                    h.flush();
                }
                return;
            }
            super.reset();
        }
    }

    static void configure(Level level, PrintStream err) {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        StreamHandler h = new StreamHandler(err, new Logrus()) {
            @Override
            public synchronized void publish(LogRecord r) {
                super.publish(r);
                flush();
            }
        };
        h.setLevel(level);
        root.addHandler(h);
        root.setLevel(level);
        // The JDK logs every Runtime.exit with a stack trace at debug level: not news.
        Logger.getLogger("java.lang.Runtime").setLevel(Level.INFO);
        Logger.getLogger("io.netty").setLevel(level.intValue() <= Level.FINE.intValue() ? Level.INFO : Level.WARNING);
    }

    static final class Logrus extends Formatter {
        @Override
        public String format(LogRecord r) {
            String level = switch (r.getLevel().getName()) {
                case "SEVERE" -> "error";
                case "WARNING" -> "warning";
                case "INFO" -> "info";
                default -> "debug";
            };
            StringBuilder b = new StringBuilder();
            b.append("time=\"").append(Instant.ofEpochMilli(r.getMillis())).append("\" level=").append(level)
                    .append(" msg=\"");
            escape(formatMessage(r), b);
            b.append('"');
            if (r.getThrown() != null) {
                b.append(" error=\"");
                escape(String.valueOf(r.getThrown()), b);
                b.append('"');
            }
            b.append('\n');
            if (r.getThrown() != null && r.getLevel().intValue() <= Level.SEVERE.intValue()) {
                java.io.StringWriter sw = new java.io.StringWriter();
                r.getThrown().printStackTrace(new java.io.PrintWriter(sw));
                b.append(sw);
            }
            return b.toString();
        }

        private static void escape(String s, StringBuilder b) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    case '\n' -> b.append("\\n");
                    case '\t' -> b.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            b.append(String.format("\\u%04x", (int) c));
                        } else {
                            b.append(c);
                        }
                    }
                }
            }
        }
    }
}
