package dev.berth.runtime.cli;

import dev.berth.oci.runtime.OciJson;
import dev.berth.runtime.RuntimeFailure;
import dev.berth.runtime.container.Container;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ps}: the container's processes. JSON gives the pids in its cgroup; the table is the
 * host's {@code ps} output (with the given ps options, default {@code -ef}) cut down to those
 * pids, as runc does.
 */
@Command(name = "ps", description = "ps displays the processes running inside a container")
final class PsCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "<container-id>")
    String id;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "<ps options>")
    List<String> psArgs = new ArrayList<>();

    @Option(names = {"-f", "--format"}, description = "select one of: table or json (default: ${DEFAULT-VALUE})")
    String format = "table";

    @Override
    public Integer call() throws Exception {
        Container c = Container.load(main.context(), id);
        List<Integer> pids = c.cgroup().pids();
        switch (format) {
            case "json" -> System.out.println(new String(OciJson.write(pids), StandardCharsets.UTF_8));
            case "table" -> table(pids);
            default -> throw new RuntimeFailure("invalid format option: " + format);
        }
        return 0;
    }

    private void table(List<Integer> pids) throws Exception {
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
