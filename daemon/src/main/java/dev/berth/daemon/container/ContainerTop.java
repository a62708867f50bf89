package dev.berth.daemon.container;

import dev.berth.daemon.api.container.RunningContainerBackend;
import dev.berth.daemon.http.ApiException;
import dev.berth.daemon.http.ErrorKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code docker top}, as dockerd does it: the host's {@code ps} runs with the client's
 * arguments ({@code -ef} by default), asked for the container's pids with {@code -q} (and without,
 * for options that refuse it), and its table is kept to the rows whose PID column is one of the
 * container's processes. The last column (the command) keeps its spaces.
 */
final class ContainerTop {
    static final String DEFAULT_ARGS = "-ef";

    private ContainerTop() {}

    /** Runs {@code ps} for the processes {@code pids} of container {@code id}. */
    static RunningContainerBackend.Top run(String id, String psArgs, Set<Integer> pids) {
        List<String> args = psArgs == null || psArgs.isBlank() ? List.of(DEFAULT_ARGS)
                : Arrays.stream(psArgs.trim().split("\\s+")).toList();
        String selected = pids.stream().sorted().map(String::valueOf).collect(Collectors.joining(","));
        Output out = pids.isEmpty() ? null : ps(args, List.of("-q", selected));
        if (out == null || out.exit() != 0) {
            out = ps(args, List.of()); // some options (such as f) do not go with -q
        }
        if (out.exit() != 0) {
            throw new ApiException(ErrorKind.INTERNAL, "Error running ps: " + out.stderr().strip() + " (exit status "
                    + out.exit() + ") for container " + id);
        }
        return parse(out.stdout(), pids);
    }

    /** {@code ps}'s table, kept to the rows of {@code pids}; moby's {@code parsePSOutput}. */
    static RunningContainerBackend.Top parse(String output, Set<Integer> pids) {
        List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty()) {
            throw new ApiException(ErrorKind.INTERNAL, "Couldn't find PID field in ps output");
        }
        List<String> titles = Arrays.stream(lines.getFirst().trim().split("\\s+")).toList();
        int pidColumn = titles.indexOf("PID");
        if (pidColumn < 0) {
            throw new ApiException(ErrorKind.INTERNAL, "Couldn't find PID field in ps output");
        }
        List<List<String>> processes = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length <= pidColumn) {
                continue;
            }
            int pid;
            try {
                pid = Integer.parseInt(fields[pidColumn]);
            } catch (NumberFormatException e) {
                throw new ApiException(ErrorKind.INTERNAL, "Unexpected pid '" + fields[pidColumn] + "': " + e.getMessage());
            }
            if (!pids.contains(pid)) {
                continue;
            }
            int last = Math.min(titles.size() - 1, fields.length - 1);
            List<String> row = new ArrayList<>(Arrays.asList(fields).subList(0, last));
            row.add(String.join(" ", Arrays.asList(fields).subList(last, fields.length)));
            processes.add(List.copyOf(row));
        }
        return new RunningContainerBackend.Top(titles, processes);
    }

    private record Output(int exit, String stdout, String stderr) {}

    private static Output ps(List<String> args, List<String> extra) {
        List<String> command = new ArrayList<>();
        command.add("ps");
        command.addAll(args);
        command.addAll(extra);
        try {
            Process p = new ProcessBuilder(command).start();
            p.getOutputStream().close();
            // stderr is small (a usage line): read after stdout without risk of a full pipe
            String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Output(p.waitFor(), stdout, stderr);
        } catch (IOException e) {
            throw new ApiException(ErrorKind.INTERNAL, "Error running ps: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(ErrorKind.UNAVAILABLE, "Error running ps: interrupted", e);
        }
    }
}
