package dev.berth.daemon.api.exec;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * The body of {@code POST /containers/{id}/exec} ({@code ExecConfig} in the Engine API): the
 * command, how it runs (user, working directory, extra environment, privileges, a terminal and
 * its first size) and which of its streams a later start attaches. {@code Cmd} also accepts a bare
 * string, as Go's {@code StrSlice} does.
 */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record ExecRequest(
        Boolean attachStdin,
        Boolean attachStdout,
        Boolean attachStderr,
        String detachKeys,
        Boolean tty,
        List<Integer> consoleSize,
        List<String> env,
        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> cmd,
        Boolean privileged,
        String user,
        String workingDir) {

    public boolean isTty() {
        return Boolean.TRUE.equals(tty);
    }

    public boolean isPrivileged() {
        return Boolean.TRUE.equals(privileged);
    }

    public boolean stdin() {
        return Boolean.TRUE.equals(attachStdin);
    }

    public boolean stdout() {
        return Boolean.TRUE.equals(attachStdout);
    }

    public boolean stderr() {
        return Boolean.TRUE.equals(attachStderr);
    }
}
