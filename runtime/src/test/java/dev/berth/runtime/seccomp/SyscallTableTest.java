package dev.berth.runtime.seccomp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

class SyscallTableTest {

    @Test
    void x86_64MatchesUnistd64() {
        SyscallTable t = Arch.X86_64.syscalls();
        assertThat(t.number("read")).hasValue(0);
        assertThat(t.number("write")).hasValue(1);
        assertThat(t.number("clone")).hasValue(56);
        assertThat(t.number("execve")).hasValue(59);
        assertThat(t.number("mount")).hasValue(165);
        assertThat(t.number("clone3")).hasValue(435);
        assertThat(t.number("socketcall")).isEmpty();
        assertThat(t.number("no_such_syscall")).isEmpty();
    }

    @Test
    void i386HasItsOwnNumbersAndMultiplexers() {
        SyscallTable t = Arch.X86.syscalls();
        assertThat(t.number("execve")).hasValue(11);
        assertThat(t.number("socketcall")).hasValue(102);
        assertThat(t.number("_llseek")).hasValue(140);
        assertThat(t.number("mmap2")).hasValue(192);
        assertThat(t.number("clone3")).hasValue(435);
    }

    @Test
    void x32NumbersCarryTheX32Bit() {
        SyscallTable t = Arch.X32.syscalls();
        assertThat(t.number("read")).hasValue(Arch.X32_SYSCALL_BIT);
        assertThat(t.number("execve")).hasValue(Arch.X32_SYSCALL_BIT | 520);
        assertThat(t.number("rt_sigaction")).hasValue(Arch.X32_SYSCALL_BIT | 512);
        assertThat(t.names()).allSatisfy(name ->
                assertThat(t.number(name).getAsInt() & Arch.X32_SYSCALL_BIT).isNotZero());
    }

    @Test
    void aarch64ResolvesTheGenericTableFor64BitLongs() {
        SyscallTable t = Arch.AARCH64.syscalls();
        assertThat(t.number("openat")).hasValue(56);
        assertThat(t.number("fcntl")).hasValue(25);
        assertThat(t.number("lseek")).hasValue(62);
        assertThat(t.number("fstat")).hasValue(80);
        assertThat(t.number("newfstatat")).hasValue(79);
        assertThat(t.number("mmap")).hasValue(222);
        assertThat(t.number("clone")).hasValue(220);
        assertThat(t.number("clone3")).hasValue(435);
        // 32-bit names of the same slots and syscalls the generic table never had
        assertThat(t.number("fcntl64")).isEmpty();
        assertThat(t.number("mmap2")).isEmpty();
        assertThat(t.number("open")).isEmpty();
        assertThat(t.number("stat")).isEmpty();
    }

    @Test
    void armHasEabiNumbersAndPrivateCalls() {
        SyscallTable t = Arch.ARM.syscalls();
        assertThat(t.number("execve")).hasValue(11);
        assertThat(t.number("clone")).hasValue(120);
        assertThat(t.number("breakpoint")).hasValue(0x0f0001);
        assertThat(t.number("cacheflush")).hasValue(0x0f0002);
        assertThat(t.number("set_tls")).hasValue(0x0f0005);
        assertThat(t.number("arm_sync_file_range")).hasValue(341);
    }

    @ParameterizedTest
    @EnumSource(Arch.class)
    void everyTableLoadsOnceAndIsSubstantial(Arch arch) {
        assertThat(arch.syscalls()).isSameAs(SyscallTable.of(arch));
        assertThat(arch.syscalls().size()).isGreaterThan(250);
        assertThat(arch.syscalls().arch()).isEqualTo(arch);
    }
}
