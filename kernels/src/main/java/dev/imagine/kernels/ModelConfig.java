package dev.imagine.kernels;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A model's shapes and sampling defaults: what the network, text encoder and sampler are built from. The
 * generated presets give theirs through {@link ModelPreset#config}; a trained checkpoint's come from the
 * {@code model.json} beside its weights ({@link #read}), so both load through one path.
 *
 * @param patch          p: each token covers p x p latent (or, in pixel space, image) pixels
 * @param imageChannels  channels the DiT denoises: 4 latent channels, or 3 (RGB in [-1, 1]) in pixel space
 * @param latentScale    image pixels per latent pixel: 8 with the VAE decoder, 1 in pixel space (no decoder)
 * @param decoderChannels the VAE decoder's widths, or null in pixel space
 * @param pooledText     whether the mean of the text states (y_embedder.pooled_proj) joins the timestep conditioning
 * @param guidance       classifier-free guidance at the default --stylize 100
 * @param displayScale   how much larger than rendered the grid shows each image: 1, or the trained upscaler's
 *                       factor when the model directory has one (upscaler.safetensors)
 */
public record ModelConfig(String version, int hiddenSize, int heads, int depth, int mlpRatio, int patch,
                          int imageChannels, int latentScale, int[] decoderChannels, int textHidden, int textHeads,
                          int textLayers, Tokenizer tokenizer, boolean pooledText, Sampler.Kind sampler,
                          int pixelsPerImage, int baseSteps, int previewEverySteps, float guidance,
                          int displayScale) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public ModelConfig {
        if (hiddenSize % heads != 0 || textHidden % textHeads != 0) {
            throw new IllegalArgumentException("hidden sizes must divide by their heads: " + hiddenSize + "/" + heads
                    + ", " + textHidden + "/" + textHeads);
        }
        if ((latentScale == 1) != (decoderChannels == null)) {
            throw new IllegalArgumentException("a decoder goes with a latent scale above 1, pixel space with none");
        }
    }

    /** Values per patch: p * p * channels, in (py, px, c) order. */
    public int patchDim() {
        return patch * patch * imageChannels;
    }

    public boolean pixelSpace() {
        return decoderChannels == null;
    }

    /** Both image sides are multiples of this: a whole number of patches of whole latent pixels. */
    public int sideMultiple() {
        return patch * latentScale;
    }

    /** The closed vocabulary of a word-level text encoder, or empty (BPE reads any text). */
    public List<String> vocabulary() {
        return tokenizer instanceof WordTokenizer words ? words.words() : List.of();
    }

    /**
     * Reads a model directory's model.json: hidden, heads, depth, mlpRatio, patch, imageChannels, decoder ("none"),
     * imageSize, textHidden, textHeads, textLayers, tokenizer ("words") with vocabulary and maxTokens, pooledText,
     * sampler, steps, guidance, previewEverySteps.
     *
     * @throws IllegalArgumentException naming the file and the field that is missing or wrong
     */
    public static ModelConfig read(Path modelJson) {
        JsonNode n;
        try {
            n = JSON.readTree(Files.readAllBytes(modelJson));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + modelJson + ": " + e.getMessage(), e);
        }
        boolean upscaler = Files.isRegularFile(modelJson.resolveSibling(PixelUpscaler.COMPONENT + ".safetensors"));
        return parse(n, modelJson.toString(), upscaler ? PixelUpscaler.SCALE : 1);
    }

    /** As {@link #read}, from an already parsed model.json; {@code source} names it in errors. */
    static ModelConfig parse(JsonNode n, String source, int displayScale) {
        Fields f = new Fields(n, source);
        if (!"none".equals(f.text("decoder"))) {
            throw new IllegalArgumentException(source + ": only pixel-space checkpoints (decoder \"none\") load from"
                    + " model.json; the VAE presets are generated");
        }
        if (!"words".equals(f.text("tokenizer"))) {
            throw new IllegalArgumentException(source + ": tokenizer must be \"words\" (a closed vocabulary)");
        }
        List<String> words = new ArrayList<>();
        JsonNode vocab = n.get("vocabulary");
        if (vocab == null || !vocab.isArray() || vocab.isEmpty()) {
            throw new IllegalArgumentException(source + ": vocabulary must be a non-empty list of words");
        }
        vocab.forEach(w -> words.add(w.asText()));
        WordTokenizer tokenizer = new WordTokenizer(words, f.integer("maxTokens"));
        if (n.has("vocabSize") && f.integer("vocabSize") != tokenizer.vocabSize()) {
            throw new IllegalArgumentException(source + ": vocabSize " + f.integer("vocabSize") + " but "
                    + words.size() + " words give " + tokenizer.vocabSize());
        }
        int side = f.integer("imageSize");
        Sampler.Kind sampler;
        try {
            sampler = Sampler.Kind.valueOf(f.text("sampler"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": unknown sampler " + f.text("sampler"), e);
        }
        return new ModelConfig(f.text("version"), f.integer("hidden"), f.integer("heads"), f.integer("depth"),
                f.integer("mlpRatio"), f.integer("patch"), f.integer("imageChannels"), 1, null, f.integer("textHidden"),
                f.integer("textHeads"), f.integer("textLayers"), tokenizer, n.path("pooledText").asBoolean(false),
                sampler, side * side, f.integer("steps"), f.integer("previewEverySteps"),
                (float) n.path("guidance").asDouble(4.5), displayScale);
    }

    private record Fields(JsonNode node, String file) {
        int integer(String name) {
            JsonNode v = node.get(name);
            if (v == null || !v.canConvertToInt() || v.asInt() <= 0) {
                throw new IllegalArgumentException(file + ": " + name + " must be a positive whole number");
            }
            return v.asInt();
        }

        String text(String name) {
            JsonNode v = node.get(name);
            if (v == null || !v.isTextual()) {
                throw new IllegalArgumentException(file + ": " + name + " must be a string");
            }
            return v.asText();
        }
    }
}
