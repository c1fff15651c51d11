package dev.imagine.kernels.weights;

/**
 * How a generated (untrained) tensor is initialised. Real checkpoints replace all of this; the recipes
 * only need to keep activations at a sane scale so the untrained network makes soft images, not NaNs.
 */
public sealed interface Init {
    /** N(0, 1) · gain / sqrt(fan_in), fan_in = product of the PyTorch shape after the first axis. */
    record Normal(double gain) implements Init {
    }

    /** N(0, std): embeddings and biases that should not start at zero. */
    record Gaussian(double std) implements Init {
    }

    /** A constant: 0 for biases, 1 for LayerNorm weights. */
    record Constant(float value) implements Init {
    }

    /**
     * 3x3 conv kernels [cout][cin][3][3] = a random channel mix times a binomial blur plus a little random
     * detail: an untrained decoder with these paints smooth colour fields instead of static.
     */
    record SmoothConv(double mixGain, double detailGain) implements Init {
    }

    Constant ZERO = new Constant(0f);
    Constant ONE = new Constant(1f);
}
