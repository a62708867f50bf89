package dev.berth.runtime.cli;

import picocli.CommandLine.Model.CommandSpec;

/**
 * One {@code berth-runtime} subcommand: its picocli model, built with picocli's programmatic
 * API, and what it does with the parsed values. The model is written out instead of being read
 * from annotations because, in a fresh JVM, picocli's reflection over annotated fields (and the
 * annotation proxies it makes the JVM generate) cost more than the rest of a short command;
 * every container start pays for the CLI's own start.
 */
interface RuntimeCommand {
    /** The command's name, description, options and parameters. */
    CommandSpec spec();

    /** Runs the command on parsed values; returns the exit code. */
    int call(Invocation in) throws Exception;
}
