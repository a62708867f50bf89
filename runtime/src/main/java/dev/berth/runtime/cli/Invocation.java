package dev.berth.runtime.cli;

import dev.berth.runtime.RuntimeFailure;
import dev.berth.runtime.container.RuntimeContext;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * A parsed call of one subcommand: the global options and the subcommand's own values, read by
 * the names its {@link RuntimeCommand#spec()} declared. Asking for a name the spec does not
 * declare is a programming error and fails loudly.
 */
record Invocation(Main.Globals globals, CommandSpec command) {
    RuntimeContext context() throws RuntimeFailure {
        return globals.context();
    }

    /** The value of an option, or its default; null if it has neither. */
    @SuppressWarnings("unchecked")
    <T> T value(String option) {
        OptionSpec o = command.findOption(option);
        if (o == null) {
            throw new IllegalStateException(command.name() + " declares no option " + option);
        }
        return (T) o.getValue();
    }

    boolean flag(String option) {
        Boolean b = value(option);
        return b != null && b;
    }

    /** A repeatable option's values, in order; empty if not given. */
    List<String> strings(String option) {
        List<String> l = value(option);
        return l == null ? List.of() : l;
    }

    /** The positional parameter declared at {@code index}, or its default. */
    @SuppressWarnings("unchecked")
    <T> T positional(int index) {
        for (PositionalParamSpec p : command.positionalParameters()) {
            if (p.index().min() == index) {
                return (T) p.getValue();
            }
        }
        throw new IllegalStateException(command.name() + " declares no parameter " + index);
    }

    /** The list parameter declared from {@code index} on; empty if none were given. */
    List<String> rest(int index) {
        List<String> l = positional(index);
        return l == null ? List.of() : l;
    }

    /** The container id, the first parameter of most commands. */
    String id() {
        return positional(0);
    }

    /** Builders for the model, so that each command's spec reads like its manual page. */
    static final class Model {
        private Model() {}

        /** A command with runc's {@code -h, --help}. */
        static CommandSpec command(String name, String description) {
            CommandSpec spec = CommandSpec.create().name(name);
            spec.usageMessage().description(description);
            // Written out rather than mixinStandardHelpOptions, which builds its options by reflection.
            spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                    .description("show help").build());
            return spec;
        }

        /** A boolean switch. */
        static OptionSpec flag(String description, String... names) {
            return OptionSpec.builder(names).type(boolean.class).description(description).build();
        }

        /** An option with one value of {@code type}; {@code defaultValue} may be null. */
        static OptionSpec option(Class<?> type, String defaultValue, String description, String... names) {
            OptionSpec.Builder b = OptionSpec.builder(names).type(type).defaultValue(defaultValue)
                    .paramLabel(label(names));
            return (description == null ? b : b.description(description)).build();
        }

        /** An option taken as is for compatibility and not shown in the help. */
        static OptionSpec hidden(Class<?> type, String... names) {
            return OptionSpec.builder(names).type(type).hidden(true).paramLabel(label(names)).build();
        }

        /** A repeatable option, each occurrence one value of {@code elementType}. */
        static OptionSpec repeatable(Class<?> elementType, String description, String... names) {
            return OptionSpec.builder(names).type(List.class).auxiliaryTypes(elementType)
                    .paramLabel(label(names)).description(description).build();
        }

        /** {@code --pid-file} takes a {@code <pid-file>}. */
        private static String label(String... names) {
            return "<" + names[names.length - 1].replaceFirst("^-+", "") + ">";
        }

        static PositionalParamSpec containerId() {
            return PositionalParamSpec.builder().index("0").arity("1").required(true).paramLabel("<container-id>")
                    .type(String.class).build();
        }

        /** An optional single parameter at {@code index}. */
        static PositionalParamSpec optional(int index, String label, String defaultValue) {
            return PositionalParamSpec.builder().index(Integer.toString(index)).arity("0..1").paramLabel(label)
                    .type(String.class).defaultValue(defaultValue).build();
        }

        /** Everything from {@code index} on, as a list (the command of exec, ps's own options). */
        static PositionalParamSpec rest(int index, String label) {
            return PositionalParamSpec.builder().index(index + "..*").arity("0..*").paramLabel(label)
                    .type(List.class).auxiliaryTypes(String.class).build();
        }
    }
}
