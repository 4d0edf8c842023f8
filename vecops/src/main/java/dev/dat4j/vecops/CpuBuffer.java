package dev.dat4j.vecops;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** A CPU buffer: a view over a 64-byte aligned off-heap {@link MemorySegment}. */
public final class CpuBuffer implements Buffer {
    private final MemorySegment segment;

    CpuBuffer(MemorySegment segment) {
        this.segment = segment;
    }

    /** Wraps any segment (e.g. a memory-mapped file) as a buffer; the caller keeps ownership. */
    public static CpuBuffer wrap(MemorySegment segment) {
        if (segment.byteSize() % 4 != 0) {
            throw new IllegalArgumentException("segment size " + segment.byteSize() + " is not a multiple of 4 bytes");
        }
        return new CpuBuffer(segment);
    }

    /** The underlying memory. */
    public MemorySegment segment() {
        return segment;
    }

    /** The segment of a buffer that must be a CPU buffer. */
    public static MemorySegment seg(Buffer b) {
        if (b instanceof CpuBuffer c) return c.segment;
        throw new IllegalArgumentException("expected a CPU buffer, got " + (b == null ? "null" : b.getClass().getSimpleName()));
    }

    @Override
    public long length() {
        return segment.byteSize() >>> 2;
    }

    @Override
    public CpuBuffer slice(long offset, long length) {
        return new CpuBuffer(segment.asSlice(offset << 2, length << 2));
    }

    /** Element i as float (slow path; for tests and setup code). */
    public float get(long i) {
        return segment.getAtIndex(ValueLayout.JAVA_FLOAT, i);
    }

    /** Sets element i (slow path; for tests and setup code). */
    public void set(long i, float v) {
        segment.setAtIndex(ValueLayout.JAVA_FLOAT, i, v);
    }
}
