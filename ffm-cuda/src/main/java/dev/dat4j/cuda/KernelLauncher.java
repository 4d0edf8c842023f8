package dev.dat4j.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Packs kernel arguments for {@code cuLaunchKernel} and launches on the device's stream.
 *
 * <p>{@code kernelParams} is a {@code void*[]} whose element i points at argument i's value with its
 * exact C size. Arguments map by Java type: {@code Long} → 8 bytes ({@code long long}, device
 * pointers), {@code Integer} → {@code int}, {@code Float} → {@code float}, {@code long[]} → a struct
 * of {@code long long} fields passed by value. The values live in one reusable native block, since
 * cuLaunchKernel copies them before returning. Used only on the device's owner thread.
 */
final class KernelLauncher implements AutoCloseable {
    private static final int MAX_ARGS = 24;
    private static final long VALUE_BYTES = 4096;

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment values = arena.allocate(VALUE_BYTES, 16);
    private final MemorySegment pointers = arena.allocate(ValueLayout.ADDRESS, MAX_ARGS);
    private final CudaDriver.Stream stream;

    KernelLauncher(CudaDriver.Stream stream) {
        this.stream = stream;
    }

    /** Launches {@code f} on a (gridX, gridY) grid of (blockX, blockY) blocks. */
    void launch(CudaDriver.Function f, int gridX, int gridY, int blockX, int blockY, int sharedBytes, Object... args) {
        if (args.length > MAX_ARGS) throw new IllegalArgumentException(f.name() + ": more than " + MAX_ARGS + " arguments");
        long offset = 0;
        for (int i = 0; i < args.length; i++) {
            MemorySegment slot = values.asSlice(offset);
            long size = switch (args[i]) {
                case Long v -> {
                    slot.set(ValueLayout.JAVA_LONG, 0, v);
                    yield 8;
                }
                case Integer v -> {
                    slot.set(ValueLayout.JAVA_INT, 0, v);
                    yield 4;
                }
                case Float v -> {
                    slot.set(ValueLayout.JAVA_FLOAT, 0, v);
                    yield 4;
                }
                case long[] struct -> {
                    MemorySegment.copy(struct, 0, slot, ValueLayout.JAVA_LONG, 0, struct.length);
                    yield 8L * struct.length;
                }
                default -> throw new IllegalArgumentException(f.name() + ": unsupported kernel argument type "
                        + args[i].getClass().getSimpleName() + " at position " + i);
            };
            pointers.setAtIndex(ValueLayout.ADDRESS, i, slot);
            offset += (size + 7) & ~7L; // keep every slot 8-byte aligned
        }
        CudaDriver.launch(f, gridX, gridY, 1, blockX, blockY, 1, sharedBytes, stream, pointers);
    }

    @Override
    public void close() {
        arena.close();
    }
}
