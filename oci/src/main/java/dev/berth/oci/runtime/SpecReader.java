package dev.berth.oci.runtime;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code config.json} into {@link Spec} with jackson-core's streaming parser alone.
 *
 * <p>Every {@code berth-runtime} command that runs a container reads the bundle's config, and in
 * a cold JVM building databind's {@code ObjectMapper} and introspecting the records costs about
 * 200 ms, while the parse itself takes under one. So this reader walks the tokens by hand, one
 * method per record, and loads no jackson-databind class. It must read exactly what
 * {@link OciJson#read} (databind with the mapper's rules) reads, and reject what it rejects, with
 * the same messages; {@code SpecReaderTest} holds the two side by side. Each method reads the
 * fields of an open object (see {@link JsonCursor}); the records of {@code linux} are read by
 * {@link LinuxReader}.
 */
final class SpecReader {
    private SpecReader() {}

    /** Reads a whole runtime configuration; {@code source} names it in errors. */
    static Spec spec(byte[] json, String source) throws InvalidSpecException {
        return JsonCursor.read(json, source, SpecReader::spec);
    }

    /** Reads a process document, as {@code runc exec --process} takes it. */
    static Spec.Process process(byte[] json, String source) throws InvalidSpecException {
        return JsonCursor.read(json, source, SpecReader::process);
    }

    private static Spec spec(JsonCursor in) throws IOException, InvalidSpecException {
        String ociVersion = null;
        Spec.Root root = null;
        List<Spec.Mount> mounts = null;
        Spec.Process process = null;
        String hostname = null;
        String domainname = null;
        Spec.Hooks hooks = null;
        Map<String, String> annotations = null;
        Linux linux = null;
        while (in.nextField()) {
            switch (in.field()) {
                case "ociVersion" -> ociVersion = in.string();
                case "root" -> root = in.object(SpecReader::root);
                case "mounts" -> mounts = in.objects(SpecReader::mount);
                case "process" -> process = in.object(SpecReader::process);
                case "hostname" -> hostname = in.string();
                case "domainname" -> domainname = in.string();
                case "hooks" -> hooks = in.object(SpecReader::hooks);
                case "annotations" -> annotations = in.stringMap();
                case "linux" -> linux = in.object(LinuxReader::linux);
                default -> in.skip();
            }
        }
        return new Spec(ociVersion, root, mounts, process, hostname, domainname, hooks, annotations, linux);
    }

    private static Spec.Root root(JsonCursor in) throws IOException, InvalidSpecException {
        String path = null;
        Boolean readonly = null;
        while (in.nextField()) {
            switch (in.field()) {
                case "path" -> path = in.string();
                case "readonly" -> readonly = in.bool();
                default -> in.skip();
            }
        }
        return new Spec.Root(path, readonly);
    }

    private static Spec.Mount mount(JsonCursor in) throws IOException, InvalidSpecException {
        String destination = null;
        String type = null;
        String source = null;
        List<String> options = null;
        List<Spec.IdMapping> uidMappings = null;
        List<Spec.IdMapping> gidMappings = null;
        while (in.nextField()) {
            switch (in.field()) {
                case "destination" -> destination = in.string();
                case "type" -> type = in.string();
                case "source" -> source = in.string();
                case "options" -> options = in.strings();
                case "uidMappings" -> uidMappings = in.objects(SpecReader::idMapping);
                case "gidMappings" -> gidMappings = in.objects(SpecReader::idMapping);
                default -> in.skip();
            }
        }
        return new Spec.Mount(destination, type, source, options, uidMappings, gidMappings);
    }

    /** Shared with {@link LinuxReader}: user namespaces map ids as idmapped mounts do. */
    static Spec.IdMapping idMapping(JsonCursor in) throws IOException, InvalidSpecException {
        long containerID = 0;
        long hostID = 0;
        long size = 0;
        while (in.nextField()) {
            switch (in.field()) {
                case "containerID" -> containerID = in.int64(0);
                case "hostID" -> hostID = in.int64(0);
                case "size" -> size = in.int64(0);
                default -> in.skip();
            }
        }
        return new Spec.IdMapping(containerID, hostID, size);
    }

    private static Spec.Process process(JsonCursor in) throws IOException, InvalidSpecException {
        Boolean terminal = null;
        Spec.ConsoleSize consoleSize = null;
        String cwd = null;
        List<String> env = null;
        List<String> args = null;
        String commandLine = null;
        List<Spec.Rlimit> rlimits = null;
        String apparmorProfile = null;
        Spec.Capabilities capabilities = null;
        Boolean noNewPrivileges = null;
        Integer oomScoreAdj = null;
        String selinuxLabel = null;
        Spec.User user = null;
        Spec.Scheduler scheduler = null;
        Spec.IoPriority ioPriority = null;
        Spec.ExecCPUAffinity execCPUAffinity = null;
        while (in.nextField()) {
            switch (in.field()) {
                case "terminal" -> terminal = in.bool();
                case "consoleSize" -> consoleSize = in.object(SpecReader::consoleSize);
                case "cwd" -> cwd = in.string();
                case "env" -> env = in.strings();
                case "args" -> args = in.strings();
                case "commandLine" -> commandLine = in.string();
                case "rlimits" -> rlimits = in.objects(SpecReader::rlimit);
                case "apparmorProfile" -> apparmorProfile = in.string();
                case "capabilities" -> capabilities = in.object(SpecReader::capabilities);
                case "noNewPrivileges" -> noNewPrivileges = in.bool();
                case "oomScoreAdj" -> oomScoreAdj = in.int32();
                case "selinuxLabel" -> selinuxLabel = in.string();
                case "user" -> user = in.object(SpecReader::user);
                case "scheduler" -> scheduler = in.object(SpecReader::scheduler);
                case "ioPriority" -> ioPriority = in.object(SpecReader::ioPriority);
                case "execCPUAffinity" -> execCPUAffinity = in.object(SpecReader::execCPUAffinity);
                default -> in.skip();
            }
        }
        return new Spec.Process(terminal, consoleSize, cwd, env, args, commandLine, rlimits, apparmorProfile,
                capabilities, noNewPrivileges, oomScoreAdj, selinuxLabel, user, scheduler, ioPriority,
                execCPUAffinity);
    }

    private static Spec.ConsoleSize consoleSize(JsonCursor in) throws IOException, InvalidSpecException {
        int height = 0;
        int width = 0;
        while (in.nextField()) {
            switch (in.field()) {
                case "height" -> height = in.int32(0);
                case "width" -> width = in.int32(0);
                default -> in.skip();
            }
        }
        return new Spec.ConsoleSize(height, width);
    }

    private static Spec.Rlimit rlimit(JsonCursor in) throws IOException, InvalidSpecException {
        String type = null;
        long hard = 0;
        long soft = 0;
        while (in.nextField()) {
            switch (in.field()) {
                case "type" -> type = in.string();
                case "hard" -> hard = in.unsigned();
                case "soft" -> soft = in.unsigned();
                default -> in.skip();
            }
        }
        return new Spec.Rlimit(type, hard, soft);
    }

    private static Spec.Capabilities capabilities(JsonCursor in) throws IOException, InvalidSpecException {
        List<String> bounding = null;
        List<String> effective = null;
        List<String> inheritable = null;
        List<String> permitted = null;
        List<String> ambient = null;
        while (in.nextField()) {
            switch (in.field()) {
                case "bounding" -> bounding = in.strings();
                case "effective" -> effective = in.strings();
                case "inheritable" -> inheritable = in.strings();
                case "permitted" -> permitted = in.strings();
                case "ambient" -> ambient = in.strings();
                default -> in.skip();
            }
        }
        return new Spec.Capabilities(bounding, effective, inheritable, permitted, ambient);
    }

    private static Spec.User user(JsonCursor in) throws IOException, InvalidSpecException {
        long uid = 0;
        long gid = 0;
        Integer umask = null;
        List<Long> additionalGids = null;
        String username = null;
        while (in.nextField()) {
            switch (in.field()) {
                case "uid" -> uid = in.int64(0);
                case "gid" -> gid = in.int64(0);
                case "umask" -> umask = in.int32();
                case "additionalGids" -> additionalGids = in.list(JsonCursor::int64);
                case "username" -> username = in.string();
                default -> in.skip();
            }
        }
        return new Spec.User(uid, gid, umask, additionalGids, username);
    }

    private static Spec.Scheduler scheduler(JsonCursor in) throws IOException, InvalidSpecException {
        String policy = null;
        Integer nice = null;
        Integer priority = null;
        List<String> flags = null;
        Long runtime = null;
        Long deadline = null;
        Long period = null;
        while (in.nextField()) {
            switch (in.field()) {
                case "policy" -> policy = in.string();
                case "nice" -> nice = in.int32();
                case "priority" -> priority = in.int32();
                case "flags" -> flags = in.strings();
                case "runtime" -> runtime = in.int64();
                case "deadline" -> deadline = in.int64();
                case "period" -> period = in.int64();
                default -> in.skip();
            }
        }
        return new Spec.Scheduler(policy, nice, priority, flags, runtime, deadline, period);
    }

    private static Spec.IoPriority ioPriority(JsonCursor in) throws IOException, InvalidSpecException {
        String ioClass = null;
        int priority = 0;
        while (in.nextField()) {
            switch (in.field()) {
                case "class" -> ioClass = in.string();
                case "priority" -> priority = in.int32(0);
                default -> in.skip();
            }
        }
        return new Spec.IoPriority(ioClass, priority);
    }

    private static Spec.ExecCPUAffinity execCPUAffinity(JsonCursor in) throws IOException, InvalidSpecException {
        String initial = null;
        String finalCpus = null;
        while (in.nextField()) {
            switch (in.field()) {
                case "initial" -> initial = in.string();
                case "final" -> finalCpus = in.string();
                default -> in.skip();
            }
        }
        return new Spec.ExecCPUAffinity(initial, finalCpus);
    }

    private static Spec.Hooks hooks(JsonCursor in) throws IOException, InvalidSpecException {
        List<Spec.Hook> prestart = null;
        List<Spec.Hook> createRuntime = null;
        List<Spec.Hook> createContainer = null;
        List<Spec.Hook> startContainer = null;
        List<Spec.Hook> poststart = null;
        List<Spec.Hook> poststop = null;
        while (in.nextField()) {
            switch (in.field()) {
                case "prestart" -> prestart = in.objects(SpecReader::hook);
                case "createRuntime" -> createRuntime = in.objects(SpecReader::hook);
                case "createContainer" -> createContainer = in.objects(SpecReader::hook);
                case "startContainer" -> startContainer = in.objects(SpecReader::hook);
                case "poststart" -> poststart = in.objects(SpecReader::hook);
                case "poststop" -> poststop = in.objects(SpecReader::hook);
                default -> in.skip();
            }
        }
        return new Spec.Hooks(prestart, createRuntime, createContainer, startContainer, poststart, poststop);
    }

    private static Spec.Hook hook(JsonCursor in) throws IOException, InvalidSpecException {
        String path = null;
        List<String> args = null;
        List<String> env = null;
        Integer timeout = null;
        while (in.nextField()) {
            switch (in.field()) {
                case "path" -> path = in.string();
                case "args" -> args = in.strings();
                case "env" -> env = in.strings();
                case "timeout" -> timeout = in.int32();
                default -> in.skip();
            }
        }
        return new Spec.Hook(path, args, env, timeout);
    }
}
