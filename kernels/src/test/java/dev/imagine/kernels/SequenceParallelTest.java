package dev.imagine.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.kernels.parallel.ExchangeTag;
import dev.imagine.kernels.parallel.GangException;
import dev.imagine.kernels.parallel.LocalGang;
import dev.imagine.kernels.ops.TensorOps;
import dev.imagine.kernels.parallel.SequenceExchange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Ulysses over k ranks in one process: the same bytes as one rank, for every k the heads allow. */
class SequenceParallelTest {

    private static final DiffusionModel SMALL_V8 = ModelRegistry.load("v8", ModelPreset.SMALL);
    private static final DiffusionModel TINY_V6 = ModelRegistry.load("v6", ModelPreset.TINY);

    static GeneratedGrid[] renderOnGang(DiffusionModel model, GenerationRequest request, int k) throws Exception {
        LocalGang gang = new LocalGang(k, Duration.ofSeconds(30));
        ExecutorService pool = Executors.newFixedThreadPool(k);
        try {
            List<Future<GeneratedGrid>> ranks = new ArrayList<>();
            for (int r = 0; r < k; r++) {
                SequenceExchange exchange = gang.rank(r);
                ranks.add(pool.submit(() -> model.generate(request, ProgressListener.NONE, new CancellationToken(), exchange)));
            }
            GeneratedGrid[] grids = new GeneratedGrid[k];
            for (int r = 0; r < k; r++) {
                grids[r] = ranks.get(r).get();
            }
            return grids;
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest(name = "k={0}, --ar {1}:{2}, seed {3}")
    @CsvSource({"2, 1, 1, 7", "4, 1, 1, 7", "2, 16, 9, 3", "4, 3, 2, 11"})
    void kRanksGiveTheSingleRankGridByteForByte(int k, int aw, int ah, long seed) throws Exception {
        GenerationRequest request = new GenerationRequest("a red fox in snow", "", seed, aw, ah, 0.5, 100, 0);
        GeneratedGrid alone = SMALL_V8.generate(request, ProgressListener.NONE, new CancellationToken());

        GeneratedGrid[] gang = renderOnGang(SMALL_V8, request, k);

        assertThat(gang[0].png()).isEqualTo(alone.png());
        for (int r = 0; r < k; r++) {
            assertThat(gang[r].latents()).as("rank %d latents", r).isEqualTo(alone.latents());
        }
        for (int r = 1; r < k; r++) {
            assertThat(gang[r].png()).as("rank %d decodes nothing", r).isEmpty();
        }
    }

    @Test
    void theSameGangTwiceGivesTheSameBytesAndDdimSplitsToo() throws Exception {
        GenerationRequest request = new GenerationRequest("a lighthouse at dusk", "blur", 5, 1, 1, 1.0, 250, 40);
        byte[] first = renderOnGang(TINY_V6, request, 2)[0].png();
        assertThat(renderOnGang(TINY_V6, request, 2)[0].png()).isEqualTo(first)
                .isEqualTo(TINY_V6.generate(request, ProgressListener.NONE, new CancellationToken()).png());
    }

    @Test
    void aKThatDoesNotDivideTheHeadsIsRefusedBeforeAnyWork() {
        // TINY has 2 heads: four ranks cannot each take whole heads
        LocalGang gang = new LocalGang(4, Duration.ofSeconds(1));
        assertThatThrownBy(() -> TINY_V6.generate(new GenerationRequest("x", "", 1, 1, 1, 1.0, 100, 0),
                ProgressListener.NONE, new CancellationToken(), gang.rank(0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 attention heads");
    }

    @Test
    void aPeerThatNeverAnswersIsATimeoutNotAHang() {
        LocalGang gang = new LocalGang(2, Duration.ofMillis(300));
        long start = System.nanoTime();
        assertThatThrownBy(() -> SMALL_V8.generate(new GenerationRequest("x", "", 1, 1, 1, 0.25, 100, 0),
                ProgressListener.NONE, new CancellationToken(), gang.rank(0)))
                .isInstanceOf(GangException.class).hasMessageContaining("rank 1 sent nothing");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aMessageOfAnotherStepIsRefused() throws Exception {
        LocalGang gang = new LocalGang(2, Duration.ofSeconds(5));
        SequenceExchange zero = gang.rank(0);
        SequenceExchange one = gang.rank(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> late = pool.submit(() -> one.exchange(new ExchangeTag(3, 0, ExchangeTag.Phase.QKV),
                    new float[][] {{1f}, null}, new float[][] {{0f}, null}));
            assertThatThrownBy(() -> zero.exchange(new ExchangeTag(4, 0, ExchangeTag.Phase.QKV),
                    new float[][] {null, {2f}}, new float[][] {null, {0f}}))
                    .isInstanceOf(GangException.class).hasMessageContaining("call 3 layer 0 QKV");
            assertThatThrownBy(late::get).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(GangException.class);
        } finally {
            pool.shutdownNow();
        }
    }

    /** One SMALL forward at batch 8 on rank r of a gang run in {@code parts} parts (null gang: alone). */
    private static float[] forward(SequenceExchange gang, int parts) {
        ModelPreset preset = ModelPreset.SMALL;
        TensorOps ops = dev.imagine.kernels.ops.ScalarTensorOps.INSTANCE;
        DitNetwork network = new DitNetwork(new DitWeights(new dev.imagine.kernels.weights.GeneratedWeights(5),
                preset.config("v8", Sampler.Kind.RECTIFIED_FLOW), preset.depth(), ops), ops);
        int batch = 8;
        int[] lengths = {16, 3, 16, 1, 9, 16, 16, 2};
        float[] states = new SplitMix64(3).gaussians(batch * 16 * preset.textHidden(), 1.0);
        DitNetwork.Workspace ws = network.workspace(24, 16,
                new TextEncoder.Encoded(states, batch, 16, preset.textHidden(), lengths), gang, parts);
        float[] latents = new SplitMix64(4).gaussians(batch * 4 * 24 * 16, 1.0);
        float[] out = new float[latents.length];
        network.forward(ws, latents, 500, out);
        network.forward(ws, latents, 250, out); // a second call: its tags must not meet the first's
        return out;
    }

    /**
     * The pipelined forward (a rank's batch in 2 and 3 parts, one part's exchange under another's compute) gives the
     * single-rank output bit for bit on every rank; bench sp measures what it saves.
     */
    @ParameterizedTest(name = "k={0}, {1} parts")
    @CsvSource({"2, 2", "2, 3", "4, 2"})
    void aPipelinedGangForwardGivesTheSingleRankBits(int k, int parts) throws Exception {
        float[] alone = forward(null, 1);
        LocalGang gang = new LocalGang(k, Duration.ofSeconds(30));
        ExecutorService pool = Executors.newFixedThreadPool(k);
        try {
            List<Future<float[]>> ranks = new ArrayList<>();
            for (int r = 0; r < k; r++) {
                SequenceExchange exchange = gang.rank(r);
                ranks.add(pool.submit(() -> forward(exchange, parts)));
            }
            for (int r = 0; r < k; r++) {
                assertThat(ranks.get(r).get()).as("rank %d", r).isEqualTo(alone);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aSilentPeerStopsAPipelinedForwardWithATimeout() {
        LocalGang gang = new LocalGang(2, Duration.ofMillis(300));
        long start = System.nanoTime();
        assertThatThrownBy(() -> forward(gang.rank(0), 2))
                .isInstanceOf(GangException.class).hasMessageContaining("rank 1 sent nothing for call 0 layer 0 QKV part 0");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void gangsPipelineFromASizeUp() {
        assertThat(DitNetwork.gangParts(1024, 8, 1152, 1)).isEqualTo(1);
        assertThat(DitNetwork.gangParts(1024, 8, 1152, 2)).isEqualTo(DitNetwork.GANG_PARTS);
        assertThat(DitNetwork.gangParts(256, 8, 1152, 2)).isEqualTo(1);
        assertThat(DitNetwork.gangParts(64, 8, 128, 2)).isEqualTo(1);
    }
}
