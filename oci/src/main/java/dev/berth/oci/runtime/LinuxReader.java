package dev.berth.oci.runtime;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Reads the {@code linux} object of {@code config.json} into {@link Linux}, for
 * {@link SpecReader}: one method per record, each reading the fields of an open object.
 */
final class LinuxReader {
    private LinuxReader() {}

    static Linux linux(JsonCursor in) throws IOException, InvalidSpecException {
        List<Linux.Namespace> namespaces = null;
        List<Spec.IdMapping> uidMappings = null;
        List<Spec.IdMapping> gidMappings = null;
        Map<String, Linux.TimeOffset> timeOffsets = null;
        List<Linux.Device> devices = null;
        String cgroupsPath = null;
        Linux.Resources resources = null;
        Map<String, String> sysctl = null;
        Linux.Seccomp seccomp = null;
        String rootfsPropagation = null;
        List<String> maskedPaths = null;
        List<String> readonlyPaths = null;
        String mountLabel = null;
        Linux.Personality personality = null;
        while (in.nextField()) {
            switch (in.field()) {
                case "namespaces" -> namespaces = in.objects(LinuxReader::namespace);
                case "uidMappings" -> uidMappings = in.objects(SpecReader::idMapping);
                case "gidMappings" -> gidMappings = in.objects(SpecReader::idMapping);
                case "timeOffsets" -> timeOffsets = in.map(clock -> clock.object(LinuxReader::timeOffset));
                case "devices" -> devices = in.objects(LinuxReader::device);
                case "cgroupsPath" -> cgroupsPath = in.string();
                case "resources" -> resources = in.object(LinuxReader::resources);
                case "sysctl" -> sysctl = in.stringMap();
                case "seccomp" -> seccomp = in.object(LinuxReader::seccomp);
                case "rootfsPropagation" -> rootfsPropagation = in.string();
                case "maskedPaths" -> maskedPaths = in.strings();
                case "readonlyPaths" -> readonlyPaths = in.strings();
                case "mountLabel" -> mountLabel = in.string();
                case "personality" -> personality = in.object(LinuxReader::personality);
                default -> in.skip();
            }
        }
        return new Linux(namespaces, uidMappings, gidMappings, timeOffsets, devices, cgroupsPath, resources,
                sysctl, seccomp, rootfsPropagation, maskedPaths, readonlyPaths, mountLabel, personality);
    }

    private static Linux.Namespace namespace(JsonCursor in) throws IOException, InvalidSpecException {
        String type = null;
        String path = null;
        while (in.nextField()) {
            switch (in.field()) {
                case "type" -> type = in.string();
                case "path" -> path = in.string();
                default -> in.skip();
            }
        }
        return new Linux.Namespace(type, path);
    }

    private static Linux.TimeOffset timeOffset(JsonCursor in) throws IOException, InvalidSpecException {
        long secs = 0;
        long nanosecs = 0;
        while (in.nextField()) {
            switch (in.field()) {
                case "secs" -> secs = in.int64(0);
                case "nanosecs" -> nanosecs = in.int64(0);
                default -> in.skip();
            }
        }
        return new Linux.TimeOffset(secs, nanosecs);
    }

    private static Linux.Device device(JsonCursor in) throws IOException, InvalidSpecException {
        String type = null;
        String path = null;
        Long major = null;
        Long minor = null;
        Integer fileMode = null;
        Long uid = null;
        Long gid = null;
        while (in.nextField()) {
            switch (in.field()) {
                case "type" -> type = in.string();
                case "path" -> path = in.string();
                case "major" -> major = in.int64();
                case "minor" -> minor = in.int64();
                case "fileMode" -> fileMode = in.int32();
                case "uid" -> uid = in.int64();
                case "gid" -> gid = in.int64();
                default -> in.skip();
            }
        }
        return new Linux.Device(type, path, major, minor, fileMode, uid, gid);
    }

    private static Linux.Resources resources(JsonCursor in) throws IOException, InvalidSpecException {
        List<Linux.DeviceRule> devices = null;
        Linux.Memory memory = null;
        Linux.Cpu cpu = null;
        Linux.Pids pids = null;
        Linux.BlockIo blockIO = null;
        List<Linux.HugepageLimit> hugepageLimits = null;
        Linux.Network network = null;
        Map<String, Map<String, Long>> rdma = null;
        Map<String, String> unified = null;
        while (in.nextField()) {
            switch (in.field()) {
                case "devices" -> devices = in.objects(LinuxReader::deviceRule);
                case "memory" -> memory = in.object(LinuxReader::memory);
                case "cpu" -> cpu = in.object(LinuxReader::cpu);
                case "pids" -> pids = in.object(LinuxReader::pids);
                case "blockIO" -> blockIO = in.object(LinuxReader::blockIo);
                case "hugepageLimits" -> hugepageLimits = in.objects(LinuxReader::hugepageLimit);
                case "network" -> network = in.object(LinuxReader::network);
                // device name -> resource name (hcaHandles, hcaObjects) -> limit
                case "rdma" -> rdma = in.map(device -> device.map(JsonCursor::int64));
                case "unified" -> unified = in.stringMap();
                default -> in.skip();
            }
        }
        return new Linux.Resources(devices, memory, cpu, pids, blockIO, hugepageLimits, network, rdma, unified);
    }

    private static Linux.DeviceRule deviceRule(JsonCursor in) throws IOException, InvalidSpecException {
        boolean allow = false;
        String type = null;
        Long major = null;
        Long minor = null;
        String access = null;
        while (in.nextField()) {
            switch (in.field()) {
                case "allow" -> allow = in.bool(false);
                case "type" -> type = in.string();
                case "major" -> major = in.int64();
                case "minor" -> minor = in.int64();
                case "access" -> access = in.string();
                default -> in.skip();
            }
        }
        return new Linux.DeviceRule(allow, type, major, minor, access);
    }

    private static Linux.Memory memory(JsonCursor in) throws IOException, InvalidSpecException {
        Long limit = null;
        Long reservation = null;
        Long swap = null;
        Long kernel = null;
        Long kernelTCP = null;
        Long swappiness = null;
        Boolean disableOOMKiller = null;
        Boolean useHierarchy = null;
        Boolean checkBeforeUpdate = null;
        while (in.nextField()) {
            switch (in.field()) {
                case "limit" -> limit = in.int64();
                case "reservation" -> reservation = in.int64();
                case "swap" -> swap = in.int64();
                case "kernel" -> kernel = in.int64();
                case "kernelTCP" -> kernelTCP = in.int64();
                case "swappiness" -> swappiness = in.int64();
                case "disableOOMKiller" -> disableOOMKiller = in.bool();
                case "useHierarchy" -> useHierarchy = in.bool();
                case "checkBeforeUpdate" -> checkBeforeUpdate = in.bool();
                default -> in.skip();
            }
        }
        return new Linux.Memory(limit, reservation, swap, kernel, kernelTCP, swappiness, disableOOMKiller,
                useHierarchy, checkBeforeUpdate);
    }

    private static Linux.Cpu cpu(JsonCursor in) throws IOException, InvalidSpecException {
        Long shares = null;
        Long quota = null;
        Long burst = null;
        Long period = null;
        Long realtimeRuntime = null;
        Long realtimePeriod = null;
        String cpus = null;
        String mems = null;
        Long idle = null;
        while (in.nextField()) {
            switch (in.field()) {
                case "shares" -> shares = in.int64();
                case "quota" -> quota = in.int64();
                case "burst" -> burst = in.int64();
                case "period" -> period = in.int64();
                case "realtimeRuntime" -> realtimeRuntime = in.int64();
                case "realtimePeriod" -> realtimePeriod = in.int64();
                case "cpus" -> cpus = in.string();
                case "mems" -> mems = in.string();
                case "idle" -> idle = in.int64();
                default -> in.skip();
            }
        }
        return new Linux.Cpu(shares, quota, burst, period, realtimeRuntime, realtimePeriod, cpus, mems, idle);
    }

    private static Linux.Pids pids(JsonCursor in) throws IOException, InvalidSpecException {
        long limit = 0;
        while (in.nextField()) {
            switch (in.field()) {
                case "limit" -> limit = in.int64(0);
                default -> in.skip();
            }
        }
        return new Linux.Pids(limit);
    }

    private static Linux.BlockIo blockIo(JsonCursor in) throws IOException, InvalidSpecException {
        Integer weight = null;
        Integer leafWeight = null;
        List<Linux.WeightDevice> weightDevice = null;
        List<Linux.ThrottleDevice> throttleReadBpsDevice = null;
        List<Linux.ThrottleDevice> throttleWriteBpsDevice = null;
        List<Linux.ThrottleDevice> throttleReadIOPSDevice = null;
        List<Linux.ThrottleDevice> throttleWriteIOPSDevice = null;
        while (in.nextField()) {
            switch (in.field()) {
                case "weight" -> weight = in.int32();
                case "leafWeight" -> leafWeight = in.int32();
                case "weightDevice" -> weightDevice = in.objects(LinuxReader::weightDevice);
                case "throttleReadBpsDevice" -> throttleReadBpsDevice = in.objects(LinuxReader::throttleDevice);
                case "throttleWriteBpsDevice" -> throttleWriteBpsDevice = in.objects(LinuxReader::throttleDevice);
                case "throttleReadIOPSDevice" -> throttleReadIOPSDevice = in.objects(LinuxReader::throttleDevice);
                case "throttleWriteIOPSDevice" -> throttleWriteIOPSDevice = in.objects(LinuxReader::throttleDevice);
                default -> in.skip();
            }
        }
        return new Linux.BlockIo(weight, leafWeight, weightDevice, throttleReadBpsDevice, throttleWriteBpsDevice,
                throttleReadIOPSDevice, throttleWriteIOPSDevice);
    }

    private static Linux.WeightDevice weightDevice(JsonCursor in) throws IOException, InvalidSpecException {
        long major = 0;
        long minor = 0;
        Integer weight = null;
        Integer leafWeight = null;
        while (in.nextField()) {
            switch (in.field()) {
                case "major" -> major = in.int64(0);
                case "minor" -> minor = in.int64(0);
                case "weight" -> weight = in.int32();
                case "leafWeight" -> leafWeight = in.int32();
                default -> in.skip();
            }
        }
        return new Linux.WeightDevice(major, minor, weight, leafWeight);
    }

    private static Linux.ThrottleDevice throttleDevice(JsonCursor in) throws IOException, InvalidSpecException {
        long major = 0;
        long minor = 0;
        long rate = 0;
        while (in.nextField()) {
            switch (in.field()) {
                case "major" -> major = in.int64(0);
                case "minor" -> minor = in.int64(0);
                case "rate" -> rate = in.int64(0);
                default -> in.skip();
            }
        }
        return new Linux.ThrottleDevice(major, minor, rate);
    }

    private static Linux.HugepageLimit hugepageLimit(JsonCursor in) throws IOException, InvalidSpecException {
        String pageSize = null;
        long limit = 0;
        while (in.nextField()) {
            switch (in.field()) {
                case "pageSize" -> pageSize = in.string();
                case "limit" -> limit = in.int64(0);
                default -> in.skip();
            }
        }
        return new Linux.HugepageLimit(pageSize, limit);
    }

    private static Linux.Network network(JsonCursor in) throws IOException, InvalidSpecException {
        Long classID = null;
        List<Linux.InterfacePriority> priorities = null;
        while (in.nextField()) {
            switch (in.field()) {
                case "classID" -> classID = in.int64();
                case "priorities" -> priorities = in.objects(LinuxReader::interfacePriority);
                default -> in.skip();
            }
        }
        return new Linux.Network(classID, priorities);
    }

    private static Linux.InterfacePriority interfacePriority(JsonCursor in) throws IOException, InvalidSpecException {
        String name = null;
        long priority = 0;
        while (in.nextField()) {
            switch (in.field()) {
                case "name" -> name = in.string();
                case "priority" -> priority = in.int64(0);
                default -> in.skip();
            }
        }
        return new Linux.InterfacePriority(name, priority);
    }

    private static Linux.Seccomp seccomp(JsonCursor in) throws IOException, InvalidSpecException {
        String defaultAction = null;
        Integer defaultErrnoRet = null;
        List<String> architectures = null;
        List<String> flags = null;
        String listenerPath = null;
        String listenerMetadata = null;
        List<Linux.Syscall> syscalls = null;
        while (in.nextField()) {
            switch (in.field()) {
                case "defaultAction" -> defaultAction = in.string();
                case "defaultErrnoRet" -> defaultErrnoRet = in.int32();
                case "architectures" -> architectures = in.strings();
                case "flags" -> flags = in.strings();
                case "listenerPath" -> listenerPath = in.string();
                case "listenerMetadata" -> listenerMetadata = in.string();
                case "syscalls" -> syscalls = in.objects(LinuxReader::syscall);
                default -> in.skip();
            }
        }
        return new Linux.Seccomp(defaultAction, defaultErrnoRet, architectures, flags, listenerPath,
                listenerMetadata, syscalls);
    }

    private static Linux.Syscall syscall(JsonCursor in) throws IOException, InvalidSpecException {
        List<String> names = null;
        String action = null;
        Integer errnoRet = null;
        List<Linux.SeccompArg> args = null;
        while (in.nextField()) {
            switch (in.field()) {
                case "names" -> names = in.strings();
                case "action" -> action = in.string();
                case "errnoRet" -> errnoRet = in.int32();
                case "args" -> args = in.objects(LinuxReader::seccompArg);
                default -> in.skip();
            }
        }
        return new Linux.Syscall(names, action, errnoRet, args);
    }

    private static Linux.SeccompArg seccompArg(JsonCursor in) throws IOException, InvalidSpecException {
        int index = 0;
        long value = 0;
        long valueTwo = 0;
        String op = null;
        while (in.nextField()) {
            switch (in.field()) {
                case "index" -> index = in.int32(0);
                case "value" -> value = in.unsigned();
                case "valueTwo" -> valueTwo = in.unsigned();
                case "op" -> op = in.string();
                default -> in.skip();
            }
        }
        return new Linux.SeccompArg(index, value, valueTwo, op);
    }

    private static Linux.Personality personality(JsonCursor in) throws IOException, InvalidSpecException {
        String domain = null;
        List<String> flags = null;
        while (in.nextField()) {
            switch (in.field()) {
                case "domain" -> domain = in.string();
                case "flags" -> flags = in.strings();
                default -> in.skip();
            }
        }
        return new Linux.Personality(domain, flags);
    }
}
