package dev.dat4j.dat.config;

/**
 * Image and patch geometry of the vision models. JSON {@code image_shape = [C, W, H]} and
 * {@code patch_size = [pw, ph]} (the reference's order); images are passed as (B, C, H, W) tensors.
 */
public record VisionGeometry(int channels, int width, int height, int patchWidth, int patchHeight) {

    static VisionGeometry read(ConfigReader r) {
        int[] img = r.requireInts("image_shape", 3);
        int[] patch = r.requireInts("patch_size", 2);
        for (int v : img) if (v <= 0) throw r.error("image_shape", "sizes must be positive");
        for (int v : patch) if (v <= 0) throw r.error("patch_size", "sizes must be positive");
        if (img[1] % patch[0] != 0 || img[2] % patch[1] != 0) {
            throw r.error("patch_size", "[" + patch[0] + ", " + patch[1] + "] must divide the image width and height ["
                    + img[1] + ", " + img[2] + "]");
        }
        return new VisionGeometry(img[0], img[1], img[2], patch[0], patch[1]);
    }

    public int numPatches() {
        return (width / patchWidth) * (height / patchHeight);
    }

    /** Tokens per image: the patches plus the cls token. */
    public int numTokens() {
        return numPatches() + 1;
    }

    /** Length of a flattened patch: ph · pw · C, ordered (row in patch, column in patch, channel). */
    public int patchDim() {
        return patchWidth * patchHeight * channels;
    }

    java.util.List<Integer> imageShapeJson() {
        return java.util.List.of(channels, width, height);
    }

    java.util.List<Integer> patchSizeJson() {
        return java.util.List.of(patchWidth, patchHeight);
    }
}
