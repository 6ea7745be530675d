import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The calls of org.octopipes.benchmarks.pipes.CallCost through the FFM API (Java 22 and later),
 * to tell what jnr-ffi adds to a system call: splice(2) from an empty non-blocking FIFO (EAGAIN at
 * once) and ioctl(FIONREAD). Not built by Maven (the project's bytecode is Java 17); run it as a
 * source file: {@code java --enable-native-access=ALL-UNNAMED benchmarks/src/main/java25/FfmCallCost.java FOLDER [CALLS]}.
 */
public final class FfmCallCost {

    public static void main(String[] args) throws Throwable {
        Path folder = Path.of(args[0]);
        long calls = args.length > 1 ? Long.parseLong(args[1]) : 2_000_000;
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        MethodHandle mkfifo = linker.downcallHandle(libc.find("mkfifo").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        MethodHandle open = linker.downcallHandle(libc.find("open").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT), Linker.Option.firstVariadicArg(2));
        MethodHandle splice = linker.downcallHandle(libc.find("splice").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
        MethodHandle ioctl = linker.downcallHandle(libc.find("ioctl").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
                Linker.Option.firstVariadicArg(2));
        try (Arena arena = Arena.ofConfined()) {
            int from = fifo(arena, mkfifo, open, folder.resolve("cost-from"));
            int to = fifo(arena, mkfifo, open, folder.resolve("cost-to"));
            MemorySegment available = arena.allocate(ValueLayout.JAVA_INT);
            for (int round = 0; round < 3; round++) {
                long start = System.nanoTime();
                long result = 0;
                for (long i = 0; i < calls; i++) {
                    result += (long) splice.invokeExact(from, MemorySegment.NULL, to, MemorySegment.NULL, 1L, 2);
                }
                double spliceNs = (System.nanoTime() - start) / (double) calls;
                start = System.nanoTime();
                for (long i = 0; i < calls; i++) {
                    result += (int) ioctl.invokeExact(from, 0x541BL, available);
                }
                System.out.printf(Locale.ROOT, "FFM: splice (EAGAIN) %.0f ns, ioctl(FIONREAD) %.0f ns per call (%d)%n", spliceNs,
                        (System.nanoTime() - start) / (double) calls, result);
            }
        }
    }

    private static int fifo(Arena arena, MethodHandle mkfifo, MethodHandle open, Path path) throws Throwable {
        Files.deleteIfExists(path);
        MemorySegment name = arena.allocateFrom(path.toString());
        if ((int) mkfifo.invokeExact(name, 0600) != 0) {
            throw new IllegalStateException("mkfifo " + path);
        }
        int fd = (int) open.invokeExact(name, 02 | 04000);
        if (fd < 0) {
            throw new IllegalStateException("open " + path);
        }
        return fd;
    }
}
