package dev.dat4j.autograd.io;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Element types of a safetensors file that dat4j reads (all of them) and writes (F32, F16, BF16).
 *
 * <p>The constants are declared in the order of the reference implementation's {@code Dtype} enum
 * (ascending alignment); writers sort tensors by <em>descending</em> order, then by name, so that
 * every tensor's data starts aligned to its element size.
 *
 * <p>Stored data is always little-endian; the F32 side of each conversion is in native order, as
 * in every dat4j buffer.
 */
public enum DType {
    BOOL(1), U8(1), F16(2), BF16(2), I32(4), F32(4), F64(8), I64(8);

    // Stored (file) layouts: little-endian, and unaligned because a file written by another tool
    // may put the data section at any byte offset.
    private static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64_LE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    // Caller-side floats: native order (a float[] or an off-heap dat4j buffer).
    private static final ValueLayout.OfFloat F32_NATIVE = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** The dtype named {@code name} in a header ("F32", "BF16", ...), or null if dat4j does not know it. */
    public static DType fromHeaderName(String name) {
        for (DType t : values()) {
            if (t.name().equals(name)) return t;
        }
        return null;
    }

    /** The names accepted by {@link #fromHeaderName}, for error messages. */
    public static String supportedNames() {
        return Arrays.toString(values());
    }

    /** Whether {@link #fromF32} can store this dtype (the float types a checkpoint is saved in). */
    public boolean writable() {
        return this == F32 || this == F16 || this == BF16;
    }

    /**
     * Converts {@code count} stored elements starting at {@code src} byte 0 to floats written to
     * {@code dst} from byte 0. Integers are rounded to the nearest float (large I64 lose digits),
     * BOOL gives 0 or 1.
     */
    void toF32(MemorySegment src, MemorySegment dst, long count) {
        switch (this) {
            case F32 -> MemorySegment.copy(src, F32_LE, 0, dst, F32_NATIVE, 0, count);
            case F64 -> {
                for (long i = 0; i < count; i++) dst.setAtIndex(F32_NATIVE, i, (float) src.getAtIndex(F64_LE, i));
            }
            case F16 -> {
                for (long i = 0; i < count; i++) dst.setAtIndex(F32_NATIVE, i, Float.float16ToFloat(src.getAtIndex(I16_LE, i)));
            }
            case BF16 -> {
                for (long i = 0; i < count; i++) dst.setAtIndex(F32_NATIVE, i, bf16ToFloat(src.getAtIndex(I16_LE, i)));
            }
            case I64 -> {
                for (long i = 0; i < count; i++) dst.setAtIndex(F32_NATIVE, i, (float) src.getAtIndex(I64_LE, i));
            }
            case I32 -> {
                for (long i = 0; i < count; i++) dst.setAtIndex(F32_NATIVE, i, (float) src.getAtIndex(I32_LE, i));
            }
            case U8 -> {
                for (long i = 0; i < count; i++) dst.setAtIndex(F32_NATIVE, i, (float) (src.get(ValueLayout.JAVA_BYTE, i) & 0xFF));
            }
            case BOOL -> {
                for (long i = 0; i < count; i++) dst.setAtIndex(F32_NATIVE, i, src.get(ValueLayout.JAVA_BYTE, i) != 0 ? 1f : 0f);
            }
        }
    }

    /**
     * Stores {@code count} floats read from {@code src} byte {@code srcOffset} as this dtype into
     * {@code dst} from byte 0; F16 and BF16 round to nearest, ties to even.
     */
    void fromF32(MemorySegment src, long srcOffset, MemorySegment dst, long count) {
        switch (this) {
            case F32 -> MemorySegment.copy(src, F32_NATIVE, srcOffset, dst, F32_LE, 0, count);
            case F16 -> {
                for (long i = 0; i < count; i++) {
                    dst.setAtIndex(I16_LE, i, Float.floatToFloat16(src.get(F32_NATIVE, srcOffset + 4 * i)));
                }
            }
            case BF16 -> {
                for (long i = 0; i < count; i++) {
                    dst.setAtIndex(I16_LE, i, floatToBf16(src.get(F32_NATIVE, srcOffset + 4 * i)));
                }
            }
            default -> throw new IllegalArgumentException("cannot store " + this + "; writable dtypes are F32, F16, BF16");
        }
    }

    /** The bfloat16 nearest to {@code f} (ties to even); NaN stays a (quiet) NaN of the same sign. */
    public static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x0040);
        // Add half an ulp of bf16, minus one when the kept lsb is 0, so that exact ties round to even;
        // a carry into the exponent is correct rounding (up to infinity past the largest bf16).
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }

    /** The float with the same value as the bfloat16 {@code h} (exact). */
    public static float bf16ToFloat(short h) {
        return Float.intBitsToFloat((h & 0xFFFF) << 16);
    }
}
