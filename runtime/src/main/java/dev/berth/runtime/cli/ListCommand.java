package dev.berth.runtime.cli;

import dev.berth.oci.runtime.OciJson;
import dev.berth.runtime.container.Container;
import dev.berth.runtime.state.ContainerRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code list}: the containers under the state root, as a table or JSON. */
@Command(name = "list", aliases = "ls", description = "lists containers started by berth-runtime with the given root")
final class ListCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = {"-f", "--format"}, description = "select one of: table or json (default: ${DEFAULT-VALUE})")
    String format = "table";

    @Option(names = {"-q", "--quiet"}, description = "display only container IDs")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        var ctx = main.context();
        List<ContainerView> views = new ArrayList<>();
        for (ContainerRecord r : ctx.store().list()) {
            try {
                views.add(ContainerView.of(Container.load(ctx, r.id())));
            } catch (dev.berth.runtime.RuntimeFailure e) {
                // deleted meanwhile
            }
        }
        if (quiet) {
            views.forEach(v -> System.out.println(v.id()));
            return 0;
        }
        switch (format) {
            case "json" -> System.out.println(new String(OciJson.write(views), java.nio.charset.StandardCharsets.UTF_8));
            case "table" -> printTable(views);
            default -> throw new IllegalArgumentException("invalid format option: " + format);
        }
        return 0;
    }

    private static void printTable(List<ContainerView> views) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"});
        for (ContainerView v : views) {
            rows.add(new String[] {v.id(), Integer.toString(v.pid()), v.status(), v.bundle(), v.created(),
                v.owner().isEmpty() ? "root" : v.owner()});
        }
        int[] w = new int[6];
        for (String[] r : rows) {
            for (int i = 0; i < 6; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < 6; i++) {
                b.append(r[i]);
                if (i < 5) {
                    b.append(" ".repeat(w[i] - r[i].length() + 3));
                }
            }
            System.out.println(b.toString().stripTrailing());
        }
    }
}
