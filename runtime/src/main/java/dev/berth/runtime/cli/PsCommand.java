package dev.berth.runtime.cli;

import static dev.berth.runtime.cli.Invocation.Model.command;
import static dev.berth.runtime.cli.Invocation.Model.containerId;
import static dev.berth.runtime.cli.Invocation.Model.option;
import static dev.berth.runtime.cli.Invocation.Model.rest;

import dev.berth.oci.runtime.OciJson;
import dev.berth.runtime.RuntimeFailure;
import dev.berth.runtime.container.Container;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code ps}: the container's processes. JSON gives the pids in its cgroup; the table is the
 * host's {@code ps} output (with the given ps options, default {@code -ef}) cut down to those
 * pids, as runc does.
 */
final class PsCommand implements RuntimeCommand {
    @Override
    public CommandSpec spec() {
        return command("ps", "ps displays the processes running inside a container")
                .addPositional(containerId())
                .addPositional(rest(1, "<ps options>"))
                .addOption(option(String.class, "table", "select one of: table or json (default: ${DEFAULT-VALUE})",
                        "-f", "--format"));
    }

    @Override
    public int call(Invocation in) throws Exception {
        Container c = Container.load(in.context(), in.id());
        String format = in.value("--format");
        List<Integer> pids = c.cgroup().pids();
        switch (format) {
            case "json" -> System.out.println(new String(OciJson.write(pids), StandardCharsets.UTF_8));
            case "table" -> table(pids, in.rest(1));
            default -> throw new RuntimeFailure("invalid format option: " + format);
        }
        return 0;
    }

    private static void table(List<Integer> pids, List<String> psArgs) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ps"));
        cmd.addAll(psArgs.isEmpty() ? List.of("-ef") : psArgs);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> lines;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            lines = r.lines().collect(Collectors.toList());
        }
        if (p.waitFor() != 0 || lines.isEmpty()) {
            throw new RuntimeFailure("ps " + String.join(" ", cmd.subList(1, cmd.size())) + ": "
                    + (lines.isEmpty() ? "no output" : lines.getFirst()));
        }
        String header = lines.getFirst();
        int pidCol = List.of(header.trim().split("\\s+")).indexOf("PID");
        if (pidCol < 0) {
            throw new RuntimeFailure("ps: couldn't find PID field in ps output");
        }
        Set<String> wanted = pids.stream().map(String::valueOf).collect(Collectors.toSet());
        System.out.println(header);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.trim().split("\\s+");
            if (f.length > pidCol && wanted.contains(f[pidCol])) {
                System.out.println(line);
            }
        }
    }
}
