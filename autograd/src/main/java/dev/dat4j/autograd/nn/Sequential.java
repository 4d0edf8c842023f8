package dev.dat4j.autograd.nn;

import dev.dat4j.autograd.Tensor;

import java.util.List;

/** Layers applied in order, named "0", "1", ... (as {@code nn.Sequential}). */
public final class Sequential extends Layer {
    private final Layer[] layers;

    public Sequential(Layer... layers) {
        this.layers = layers.clone();
        for (int i = 0; i < layers.length; i++) register(Integer.toString(i), layers[i]);
    }

    @Override
    public Tensor forward(Tensor x) {
        for (Layer l : layers) x = l.forward(x);
        return x;
    }

    public Layer get(int i) {
        return layers[i];
    }

    public List<Layer> layers() {
        return List.of(layers);
    }
}
