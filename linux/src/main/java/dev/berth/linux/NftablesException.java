package dev.berth.linux;

import java.io.IOException;

/**
 * A libnftables command failed: it did not parse, did not evaluate (a table or map it names
 * does not exist), or the kernel refused the transaction. The message is
 * {@code <what was attempted>: <first error line>}, e.g.
 * {@code nft delete table ip berth-x: could not process rule: no such file or directory}. The
 * script's line that failed is {@link #command()}, and the whole error output of libnftables,
 * with that line's caret marks, stays available through {@link #errorOutput()} for logs.
 */
public final class NftablesException extends IOException {
    private static final String ERROR = "Error: ";

    private final String command;
    private final String errorOutput;

    public NftablesException(String message, String command, String errorOutput) {
        super(message);
        this.command = command;
        this.errorOutput = errorOutput == null ? "" : errorOutput;
    }

    NftablesException(String message, String errorOutput) {
        this(message, null, errorOutput);
    }

    /**
     * The exception for a failed run of {@code script}, built from libnftables' error buffer.
     * {@code attempted} names the operation; when null, the command that libnftables points at
     * (the line after its {@code Error:} line) is used, else the script's first line.
     */
    static NftablesException of(String attempted, String script, String errorOutput) {
        String[] lines = errorOutput == null ? new String[0] : errorOutput.split("\n");
        String error = null;
        String command = null;
        for (int i = 0; i < lines.length && error == null; i++) {
            int at = lines[i].indexOf(ERROR);
            if (at >= 0) {
                // "/proc/self/fd/9:3:5-7: Error: ...", then the script's line 3, then carets
                error = lines[i].substring(at + ERROR.length()).strip();
                if (i + 1 < lines.length && !lines[i + 1].isBlank()) {
                    command = lines[i + 1].strip();
                }
            }
        }
        if (error == null) {
            error = firstNonBlank(lines, "failed without an error message");
        }
        if (attempted == null) {
            attempted = "nft " + (command != null ? command : firstNonBlank(script.split("\n"), "(empty script)"));
        }
        return new NftablesException(attempted + ": " + lowerFirst(error), command, errorOutput);
    }

    /** The script's line that libnftables reported the error against, or null. */
    public String command() {
        return command;
    }

    /** Everything libnftables wrote to its error buffer for the failed run. */
    public String errorOutput() {
        return errorOutput;
    }

    private static String firstNonBlank(String[] lines, String otherwise) {
        for (String line : lines) {
            if (!line.isBlank()) {
                return line.strip();
            }
        }
        return otherwise;
    }

    /** "Could not process rule: No such file or directory" reads as our other lower-case messages. */
    private static String lowerFirst(String s) {
        StringBuilder b = new StringBuilder(s.length());
        boolean start = true;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            // lower the first letter of each clause, but leave acronyms (NAT, IPv4) as they are
            boolean acronym = i + 1 < s.length() && Character.isUpperCase(s.charAt(i + 1));
            b.append(start && !acronym ? Character.toLowerCase(c) : c);
            start = c == ':' || (start && c == ' ');
        }
        return b.toString();
    }
}
