package dev.berth.runtime.cli;

import static dev.berth.runtime.cli.Invocation.Model.command;
import static dev.berth.runtime.cli.Invocation.Model.flag;
import static dev.berth.runtime.cli.Invocation.Model.option;

import dev.berth.runtime.container.Container;
import dev.berth.runtime.state.ContainerRecord;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/** {@code list}: the containers under the state root, as a table or JSON. */
final class ListCommand implements RuntimeCommand {
    @Override
    public CommandSpec spec() {
        CommandSpec spec = command("list", "lists containers started by berth-runtime with the given root")
                .addOption(option(String.class, "table", "select one of: table or json (default: ${DEFAULT-VALUE})",
                        "-f", "--format"))
                .addOption(flag("display only container IDs", "-q", "--quiet"));
        spec.aliases("ls");
        return spec;
    }

    @Override
    public int call(Invocation in) throws Exception {
        var ctx = in.context();
        String format = in.value("--format");
        List<ContainerView> views = new ArrayList<>();
        for (ContainerRecord r : ctx.store().list()) {
            try {
                views.add(ContainerView.of(Container.load(ctx, r.id())));
            } catch (dev.berth.runtime.RuntimeFailure e) {
                // deleted meanwhile
            }
        }
        if (in.flag("--quiet")) {
            views.forEach(v -> System.out.println(v.id()));
            return 0;
        }
        switch (format) {
            case "json" -> System.out.println(ContainerView.toJson(views));
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
