package dev.dat4j.vecops;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.dat4j.vecops.CpuBuffer.seg;

/** Memory operations shared by the two CPU backends (host and device memory are the same). */
public abstract class CpuBackend implements Backend {

    @Override
    public MemoryScope newScope() {
        return new CpuMemoryScope();
    }

    @Override
    public void write(Buffer dst, float[] src) {
        MemorySegment.copy(src, 0, seg(dst), ValueLayout.JAVA_FLOAT, 0, src.length);
    }

    @Override
    public void read(Buffer src, float[] dst) {
        MemorySegment.copy(seg(src), ValueLayout.JAVA_FLOAT, 0, dst, 0, dst.length);
    }

    @Override
    public void writeInts(Buffer dst, int[] src) {
        MemorySegment.copy(src, 0, seg(dst), ValueLayout.JAVA_INT, 0, src.length);
    }

    @Override
    public void readInts(Buffer src, int[] dst) {
        MemorySegment.copy(seg(src), ValueLayout.JAVA_INT, 0, dst, 0, dst.length);
    }

    @Override
    public void copy(Buffer src, Buffer dst, long n) {
        MemorySegment.copy(seg(src), 0, seg(dst), 0, n << 2);
    }

    /** Validates an embedding/gather index, naming the offending value. */
    static int checkIndex(int id, int bound, String what, long position) {
        if (id < 0 || id >= bound) {
            throw new IllegalArgumentException(what + " " + id + " at position " + position + " is outside [0, " + bound + ")");
        }
        return id;
    }
}
