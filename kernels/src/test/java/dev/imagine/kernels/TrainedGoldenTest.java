package dev.imagine.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.kernels.ops.Backends;
import dev.imagine.kernels.ops.TensorOps;
import dev.imagine.kernels.weights.FileWeights;
import dev.imagine.kernels.weights.SafeTensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The shipped v9 weights in the Java engine against the training framework (training/golden.py: the same f16
 * weights in torch, float64): token ids, text states, one CFG forward and the image after the default 20 Euler
 * steps with guidance, and those images through the trained x4 upscaler. Bounds: 1e-4 of the largest magnitude for states and the forward; every pixel of the
 * sampled images within one 8-bit level (max |Δ| ≤ 1/255 of the range).
 */
class TrainedGoldenTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");

    @Test
    void theEngineGivesTheTrainingFrameworksPredictionAndImage() throws Exception {
        ModelStore store = new ModelStore(Path.of(System.getProperty(ModelStore.PROPERTY, "target/models")));
        Path dir = store.ensureTrained(ModelRegistry.TRAINED);
        ModelConfig config = ModelConfig.read(dir.resolve("model.json"));
        try (TensorOps ops = Backends.create(2);
             SafeTensorsFile inputs = SafeTensorsFile.open(GOLDEN.resolve("v9-inputs.safetensors"));
             SafeTensorsFile expected = SafeTensorsFile.open(GOLDEN.resolve("v9-expected.safetensors"));
             FileWeights weights = new FileWeights(dir)) {
            String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(dir.resolve("model.json"))));
            assertThat(inputs.metadata().get("modelJsonSha256"))
                    .as("goldens made from the shipped model.json (after new weights, rerun training/golden.py)")
                    .isEqualTo(digest);
            String prompt = inputs.metadata().get("prompt");
            assertThat(toInts(inputs.floats("prompt_ids"))).isEqualTo(config.tokenizer().encode(prompt));
            assertThat(toInts(inputs.floats("negative_ids"))).isEqualTo(config.tokenizer().encode(""));

            TextEncoder encoder = new TextEncoder(weights, config, ops);
            TextEncoder.Encoded text = encoder.encode(prompt, "");
            GoldenTest.assertClose("text states", expected.floats("text_states"), text.states(), 1e-4);

            DitNetwork network = new DitNetwork(new DitWeights(weights, config, config.depth(), ops), ops);
            int side = (int) Math.round(Math.sqrt(config.pixelsPerImage()));
            DitNetwork.Workspace ws = network.workspace(side, side, DitDiffusionModel.batchText(text));
            float[] noise = inputs.floats("noise");
            float[] batch = new float[2 * noise.length];
            float[] out = new float[batch.length];
            System.arraycopy(noise, 0, batch, 0, noise.length);
            System.arraycopy(noise, 0, batch, noise.length, noise.length);
            network.forward(ws, batch, 1000.0, out);
            GoldenTest.assertClose("one CFG forward at t = 1000", expected.floats("first_forward"), out, 1e-4);

            int steps = Integer.parseInt(inputs.metadata().get("steps"));
            float g = FlagMapping.guidanceScale(100, config.guidance());
            assertThat(steps).isEqualTo(config.baseSteps());
            Sampler sampler = config.sampler().create(steps);
            float[] x = noise.clone();
            float[] guided = new float[x.length];
            float[] x0 = new float[x.length];
            int half = x.length;
            for (int s = 0; s < steps; s++) {
                System.arraycopy(x, 0, batch, 0, half);
                System.arraycopy(x, 0, batch, half, half);
                network.forward(ws, batch, sampler.modelTime(s), out);
                for (int i = 0; i < half; i++) {
                    guided[i] = out[half + i] + g * (out[i] - out[half + i]);
                }
                sampler.step(s, x, guided, x0);
            }
            float[] want = expected.floats("final_pixels");
            int worst = 0;
            for (int i = 0; i < want.length; i++) {
                worst = Math.max(worst, Math.abs(level(x[i]) - level(want[i])));
            }
            assertThat(worst).as("largest 8-bit difference of the sampled images").isLessThanOrEqualTo(1);

            assertThat(config.displayScale()).as("the grid is shown through the trained upscaler").isEqualTo(4);
            PixelUpscaler upscaler = new PixelUpscaler(weights, ops);
            float[] upWant = expected.floats("upscaled_pixels");
            int per = 3 * side * side;
            int upWorst = 0;
            for (int i = 0; i < 4; i++) {
                float[] up = upscaler.upscale(x, i * per, side, side);
                for (int j = 0; j < up.length; j++) {
                    upWorst = Math.max(upWorst, Math.abs(level(up[j]) - level(upWant[i * up.length + j])));
                }
            }
            assertThat(upWorst).as("largest 8-bit difference of the upscaled images").isLessThanOrEqualTo(1);
        }
    }

    private static int level(float v) {
        return Math.clamp(Math.round((v + 1f) * 127.5f), 0, 255);
    }

    private static int[] toInts(float[] f) {
        int[] out = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = Math.round(f[i]);
        }
        return out;
    }
}
