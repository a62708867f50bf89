package dev.berth.runtime.cli;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * Sends the runtime's log records where runc sends them: {@code --log FILE} (appended) or
 * stderr, as logrus-style text ({@code time="…" level=error msg="…"}) or JSON lines
 * ({@code {"level":"error","msg":"…","time":"…"}}), which is what callers such as containerd
 * parse from a runtime's log.
 */
final class CliLog {
    private CliLog() {}

    static void configure(Path log, String format, boolean debug) {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        boolean json = "json".equalsIgnoreCase(format);
        OutputStream out;
        if (log != null) {
            try {
                out = new FileOutputStream(log.toFile(), true);
            } catch (IOException e) {
                out = System.err;
            }
        } else {
            out = System.err;
        }
        Level level = debug ? Level.FINE : Level.WARNING;
        boolean stderr = out == System.err;
        StreamHandler h = new StreamHandler(out, new Format(json)) {
            @Override
            public synchronized void publish(LogRecord r) {
                // The error itself reaches stderr as the one-line message; not twice.
                if (stderr && r.getLevel() == Level.SEVERE) {
                    return;
                }
                super.publish(r);
                flush();
            }
        };
        h.setLevel(level);
        root.addHandler(h);
        root.setLevel(level);
    }

    private static final class Format extends Formatter {
        private final boolean json;

        Format(boolean json) {
            this.json = json;
        }

        @Override
        public String format(LogRecord r) {
            String level = switch (r.getLevel().getName()) {
                case "SEVERE" -> "error";
                case "WARNING" -> "warning";
                case "INFO" -> "info";
                default -> "debug";
            };
            String msg = formatMessage(r);
            String time = Instant.ofEpochMilli(r.getMillis()).toString();
            if (json) {
                return "{\"level\":\"" + level + "\",\"msg\":\"" + escape(msg) + "\",\"time\":\"" + time + "\"}\n";
            }
            return "time=\"" + time + "\" level=" + level + " msg=\"" + escape(msg) + "\"\n";
        }

        private static String escape(String s) {
            StringBuilder b = new StringBuilder();
            for (char c : s.toCharArray()) {
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
            return b.toString();
        }
    }
}
