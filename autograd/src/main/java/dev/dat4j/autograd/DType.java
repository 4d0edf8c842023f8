package dev.dat4j.autograd;

/** Element types of a {@link Tensor}. Both are 4 bytes, so one {@code Buffer} type holds either. */
public enum DType {
    /** 32-bit float: activations, parameters, gradients. */
    F32,
    /** 32-bit signed integer: token ids, targets, gather indices. Never requires grad. */
    I32
}
