package dev.imagine.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.kernels.ops.Backends;
import dev.imagine.kernels.ops.TensorBackend;
import dev.imagine.kernels.ops.TensorOps;
import dev.imagine.kernels.weights.FileWeights;
import dev.imagine.kernels.weights.SafeTensorsFile;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The TINY v8 model against golden outputs of an independent PyTorch implementation
 * (kernels/python/dit_reference.py, float64, torch's own conv2d / interpolate / layer_norm /
 * attention): the text encoder, one DiT forward, a whole 4-step rectified-flow run with classifier-free
 * guidance, and the decoded first image — on every backend available here.
 *
 * <p>Tolerances (float32 here vs float64 there): 1e-4 of the largest magnitude for the text states
 * and one forward, 1e-3 for the latents after the sampling run, and ±2 of 255 per decoded pixel channel.
 */
class GoldenTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");

    static Stream<String> backends() {
        return Backends.all().stream().map(TensorBackend::name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void tinyModelMatchesThePyTorchReference(String backend) throws Exception {
        TensorBackend kind = Backends.all().stream().filter(b -> b.name().equals(backend)).findFirst().orElseThrow();
        Assumptions.assumeTrue(kind.probe().available(), () -> backend + ": " + kind.probe().reason());
        ModelStore store = new ModelStore(Path.of(System.getProperty(ModelStore.PROPERTY, "target/models")));
        Path dir = store.ensure(GoldenCase.VERSION, GoldenCase.PRESET, Sampler.Kind.RECTIFIED_FLOW);
        try (TensorOps ops = kind.create(2);
             SafeTensorsFile inputs = SafeTensorsFile.open(GOLDEN.resolve("tiny-v8-inputs.safetensors"));
             SafeTensorsFile expected = SafeTensorsFile.open(GOLDEN.resolve("tiny-v8-expected.safetensors"));
             FileWeights weights = new FileWeights(dir)) {
            ModelPreset preset = GoldenCase.PRESET;
            ModelConfig config = preset.config(GoldenCase.VERSION, Sampler.Kind.RECTIFIED_FLOW);
            TextEncoder encoder = new TextEncoder(weights, config, ops);
            DitNetwork network = new DitNetwork(new DitWeights(weights, config, preset.depth(), ops), ops);

            assertThat(BpeTokenizer.standard().encode(GoldenCase.REQUEST.prompt())).isEqualTo(inputs.ints("prompt_ids"));
            TextEncoder.Encoded text = encoder.encode(GoldenCase.REQUEST.prompt(), GoldenCase.REQUEST.negativePrompt());
            assertClose(backend + " text encoder", expected.floats("text_states"), text.states(), 1e-4);

            float[] noise = inputs.floats("noise");
            int lh = 8;
            int lw = 8;
            float[] batch = new float[2 * noise.length];
            System.arraycopy(noise, 0, batch, 0, noise.length);
            System.arraycopy(noise, 0, batch, noise.length, noise.length);
            DitNetwork.Workspace ws = network.workspace(lh, lw, DitDiffusionModel.batchText(text));
            float[] out = new float[batch.length];
            network.forward(ws, batch, 1000.0, out);
            assertClose(backend + " one DiT forward", expected.floats("first_forward"), out, 1e-4);

            DiffusionModel model = ModelRegistry.load(GoldenCase.VERSION, preset, ops, store);
            byte[] png = model.generate(GoldenCase.REQUEST, ProgressListener.NONE, new CancellationToken()).png();
            float[] rgb = expected.floats("image0_rgb");   // [3][64][64], 0..255 before rounding
            BufferedImage grid = GridImage.read(png);
            int worst = 0;
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    int pixel = grid.getRGB(x, y);
                    for (int c = 0; c < 3; c++) {
                        int actual = (pixel >> (16 - 8 * c)) & 0xff;
                        worst = Math.max(worst, Math.abs(actual - Math.round(rgb[(c * 64 + y) * 64 + x])));
                    }
                }
            }
            assertThat(worst).as(backend + ": largest pixel difference from the reference's decoded image 0").isLessThanOrEqualTo(2);
            assertThat(Files.exists(GOLDEN.resolve("tiny-v8-expected.safetensors"))).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void samplingRunEndsOnTheReferenceLatents(String backend) throws Exception {
        TensorBackend kind = Backends.all().stream().filter(b -> b.name().equals(backend)).findFirst().orElseThrow();
        Assumptions.assumeTrue(kind.probe().available(), () -> backend + ": " + kind.probe().reason());
        ModelStore store = new ModelStore(Path.of(System.getProperty(ModelStore.PROPERTY, "target/models")));
        try (TensorOps ops = kind.create(2);
             SafeTensorsFile expected = SafeTensorsFile.open(GOLDEN.resolve("tiny-v8-expected.safetensors"))) {
            DitDiffusionModel model = (DitDiffusionModel) ModelRegistry.load(GoldenCase.VERSION, GoldenCase.PRESET, ops, store);
            float[] latents = model.sampleLatents(GoldenCase.REQUEST, ProgressListener.NONE, new CancellationToken(), null);
            assertClose(backend + " latents after the full sampling run", expected.floats("final_latents"), latents, 1e-3);
        }
    }

    /** The worst |expected − actual| relative to the largest expected magnitude is at most {@code tolerance}. */
    static void assertClose(String what, float[] expected, float[] actual, double tolerance) {
        assertThat(actual).as(what + " length").hasSize(expected.length);
        double scale = 1e-6;
        for (float e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.length; i++) {
            double diff = Math.abs(expected[i] - actual[i]);
            if (diff > worst) {
                worst = diff;
                at = i;
            }
        }
        assertThat(worst / scale).as(what + ": worst relative difference at element " + at).isLessThanOrEqualTo(tolerance);
    }
}
