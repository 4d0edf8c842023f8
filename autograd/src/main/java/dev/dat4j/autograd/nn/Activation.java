package dev.dat4j.autograd.nn;

import dev.dat4j.autograd.Tensor;

import java.util.function.UnaryOperator;

/** A parameter-free elementwise layer (ReLU, GELU, ...) for use in {@link Sequential}. */
public final class Activation extends Layer {
    private final String name;
    private final UnaryOperator<Tensor> fn;

    private Activation(String name, UnaryOperator<Tensor> fn) {
        this.name = name;
        this.fn = fn;
    }

    public static Activation relu() {
        return new Activation("ReLU", Tensor::relu);
    }

    /** GELU, tanh approximation. */
    public static Activation gelu() {
        return new Activation("GELU(approximate='tanh')", Tensor::gelu);
    }

    public static Activation silu() {
        return new Activation("SiLU", Tensor::silu);
    }

    public static Activation tanh() {
        return new Activation("Tanh", Tensor::tanh);
    }

    public static Activation sigmoid() {
        return new Activation("Sigmoid", Tensor::sigmoid);
    }

    /** By name as in the DAT configs: relu, gelu, silu/swish, tanh, sigmoid. */
    public static Activation byName(String name) {
        return switch (name.toLowerCase()) {
            case "relu" -> relu();
            case "gelu" -> gelu();
            case "silu", "swish" -> silu();
            case "tanh" -> tanh();
            case "sigmoid" -> sigmoid();
            default -> throw new IllegalArgumentException("unknown activation '" + name + "': expected relu, gelu, silu, swish, tanh or sigmoid");
        };
    }

    @Override
    public Tensor forward(Tensor x) {
        return fn.apply(x);
    }

    @Override
    public String toString() {
        return name + "()";
    }
}
