package dev.imagine.participant.gang;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.kernels.CancellationToken;
import dev.imagine.kernels.DiffusionModel;
import dev.imagine.kernels.GeneratedGrid;
import dev.imagine.kernels.GenerationCancelledException;
import dev.imagine.kernels.GenerationRequest;
import dev.imagine.kernels.ModelPreset;
import dev.imagine.kernels.ModelRegistry;
import dev.imagine.kernels.ProgressListener;
import dev.imagine.kernels.parallel.ExchangeTag;
import dev.imagine.kernels.parallel.GangException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Ranks on real Netty servers on loopback, tensors as Arrow IPC frames: the single-rank bytes, or a clear failure. */
class GangTransportTest {
    private static final DiffusionModel MODEL = ModelRegistry.load("v8", ModelPreset.SMALL);
    private static final GenerationRequest REQUEST = new GenerationRequest("a red fox in snow", "", 7, 16, 9, 0.5, 100, 0);
    private static final List<GangServer> SERVERS = new ArrayList<>();
    private static ExecutorService pool;

    @BeforeAll
    static void start() throws Exception {
        for (int i = 0; i < 4; i++) {
            SERVERS.add(GangServer.start("127.0.0.1", 0));
        }
        pool = Executors.newCachedThreadPool();
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
        SERVERS.forEach(GangServer::close);
    }

    private static List<InetSocketAddress> addresses(int k) {
        return SERVERS.subList(0, k).stream().map(GangServer::address).toList();
    }

    private static GeneratedGrid[] render(String job, int attempt, int k) throws Exception {
        int[] servers = new int[k];
        for (int r = 0; r < k; r++) {
            servers[r] = r;
        }
        return render(job, attempt, servers);
    }

    /** @param servers the participant (server index) each rank runs on; ranks may share one */
    private static GeneratedGrid[] render(String job, int attempt, int... servers) throws Exception {
        int k = servers.length;
        List<InetSocketAddress> peers = new ArrayList<>();
        for (int server : servers) {
            peers.add(SERVERS.get(server).address());
        }
        List<Future<GeneratedGrid>> ranks = new ArrayList<>();
        for (int r = 0; r < k; r++) {
            int rank = r;
            ranks.add(pool.submit(() -> {
                try (NettyExchange exchange = new NettyExchange(SERVERS.get(servers[rank]), job, attempt, rank, peers,
                        Duration.ofSeconds(30))) {
                    return MODEL.generate(REQUEST, ProgressListener.NONE, new CancellationToken(), exchange);
                }
            }));
        }
        GeneratedGrid[] grids = new GeneratedGrid[k];
        for (int r = 0; r < k; r++) {
            grids[r] = ranks.get(r).get(120, TimeUnit.SECONDS);
        }
        return grids;
    }

    @ParameterizedTest(name = "k={0}")
    @ValueSource(ints = {2, 4})
    void aGangOverNettyGivesTheSingleRankGridAndTheSameBytesEveryTime(int k) throws Exception {
        byte[] alone = MODEL.generate(REQUEST, ProgressListener.NONE, new CancellationToken()).png();

        byte[] first = render("job-k" + k, 1, k)[0].png();
        byte[] second = render("job-k" + k + "-again", 1, k)[0].png();

        assertThat(first).isEqualTo(alone);
        assertThat(second).isEqualTo(first);
    }

    @Test
    void ranksOfOneGangOnTheSameParticipantKeepTheirFramesApart() throws Exception {
        byte[] alone = MODEL.generate(REQUEST, ProgressListener.NONE, new CancellationToken()).png();
        // two slots of each of two participants: every server receives frames of one job for two ranks
        assertThat(render("job-shared", 1, 0, 0, 1, 1)[0].png()).isEqualTo(alone);
        assertThat(render("job-shared-2", 1, 0, 1, 1, 0)[0].png()).isEqualTo(alone);
    }

    @Test
    void aPeerThatStopsAnsweringIsDetectedByTimeout() {
        long start = System.nanoTime();
        try (NettyExchange zero = new NettyExchange(SERVERS.get(0), "job-silent", 1, 0, addresses(2), Duration.ofMillis(500))) {
            // rank 1's server is up and takes the frame; rank 1 itself never answers
            assertThatThrownBy(() -> MODEL.generate(REQUEST, ProgressListener.NONE, new CancellationToken(), zero))
                    .isInstanceOf(GangException.class).hasMessageContaining("rank 1 sent nothing");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aPeerWhoseEndpointIsGoneIsAClearFailureNotAHang() throws Exception {
        GangServer doomed = GangServer.start("127.0.0.1", 0);
        InetSocketAddress gone = doomed.address();
        doomed.close();
        try (NettyExchange zero = new NettyExchange(SERVERS.get(0), "job-gone", 1, 0,
                List.of(SERVERS.get(0).address(), gone), Duration.ofSeconds(2))) {
            assertThatThrownBy(() -> zero.exchange(new ExchangeTag(0, 0, ExchangeTag.Phase.QKV),
                    new float[][] {null, {1f}}, new float[][] {null, {0f}}))
                    .isInstanceOf(GangException.class).hasMessageContaining("cannot reach gang peer");
        }
    }

    @Test
    void framesOfAnOlderAttemptAreRefusedAndNeverRead() throws Exception {
        long refusedBefore = SERVERS.get(1).refusedFrames();
        try (NettyExchange receiverNow = new NettyExchange(SERVERS.get(1), "job-retried", 2, 1, addresses(2), Duration.ofMillis(700));
             NettyExchange senderBefore = new NettyExchange(SERVERS.get(0), "job-retried", 1, 0, addresses(2), Duration.ofMillis(700))) {
            Future<?> stale = pool.submit(() -> senderBefore.exchange(new ExchangeTag(0, 0, ExchangeTag.Phase.QKV),
                    new float[][] {null, {42f}}, new float[][] {null, {0f}}));
            float[][] receive = {{0f}, null};
            assertThatThrownBy(() -> receiverNow.exchange(new ExchangeTag(0, 0, ExchangeTag.Phase.QKV),
                    new float[][] {{7f}, null}, receive)).isInstanceOf(GangException.class)
                    .hasMessageContaining("rank 0 sent nothing");
            assertThat(receive[0][0]).isZero();
            assertThatThrownBy(stale::get).hasCauseInstanceOf(GangException.class);
        }
        assertThat(SERVERS.get(1).refusedFrames()).isEqualTo(refusedBefore + 1);
    }

    @Test
    void aRankLostMidRunStopsTheOthers() throws Exception {
        GangServer doomed = GangServer.start("127.0.0.1", 0);
        List<InetSocketAddress> gang = List.of(SERVERS.get(0).address(), doomed.address());
        CancellationToken oneStops = new CancellationToken();
        // rank 1's participant goes after its second step: at a step, not at a time, so a fast machine that would
        // finish the whole run before a timer fires still loses rank 1 mid-run
        ProgressListener goesAtStepTwo = (step, total, preview) -> {
            if (step == 2) {
                oneStops.cancel();
                doomed.close();
            }
        };
        Future<GeneratedGrid> one = pool.submit(() -> {
            try (NettyExchange exchange = new NettyExchange(doomed, "job-lost", 1, 1, gang, Duration.ofSeconds(60))) {
                return MODEL.generate(REQUEST, goesAtStepTwo, oneStops, exchange);
            }
        });
        Future<GeneratedGrid> zero = pool.submit(() -> {
            try (NettyExchange exchange = new NettyExchange(SERVERS.get(0), "job-lost", 1, 0, gang, Duration.ofSeconds(60))) {
                return MODEL.generate(REQUEST, ProgressListener.NONE, new CancellationToken(), exchange);
            }
        });
        assertThatThrownBy(() -> one.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(GenerationCancelledException.class);
        // the gang's timeout is a minute: rank 0 learns of the loss from its closed connection, not from the clock
        assertThatThrownBy(() -> zero.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(GangException.class)
                .cause().hasMessageContaining("connection to rank 1");
    }

    @Test
    void aRankThatEndsRightAfterSendingALargeFrameStillDeliversIt() throws Exception {
        // 32 MiB is more than loopback takes at once: the frame is still being written when rank 1, which has
        // already received rank 0's small frame, ends its run
        float[] large = new float[8 << 20];
        for (int i = 0; i < large.length; i++) {
            large[i] = i % 1000;
        }
        ExchangeTag tag = new ExchangeTag(0, 0, ExchangeTag.Phase.GATHER);
        Future<float[]> zero = pool.submit(() -> {
            try (NettyExchange exchange = new NettyExchange(SERVERS.get(0), "job-last-frame", 1, 0, addresses(2),
                    Duration.ofSeconds(10))) {
                float[][] receive = {null, new float[large.length]};
                exchange.exchange(tag, new float[][] {null, {1f}}, receive);
                return receive[1];
            }
        });
        try (NettyExchange one = new NettyExchange(SERVERS.get(1), "job-last-frame", 1, 1, addresses(2),
                Duration.ofSeconds(10))) {
            float[][] receive = {new float[1], null};
            one.exchange(tag, new float[][] {large, null}, receive);
            assertThat(receive[0][0]).isEqualTo(1f);
        }
        assertThat(zero.get(30, TimeUnit.SECONDS)).isEqualTo(large);
    }

    @Test
    void aPeerWhoseParticipantGoesWhileWaitedOnEndsTheWaitAtOnceNotAtTheTimeout() throws Exception {
        GangServer doomed = GangServer.start("127.0.0.1", 0);
        List<InetSocketAddress> gang = List.of(SERVERS.get(0).address(), doomed.address());
        NettyExchange zeroEnd = new NettyExchange(SERVERS.get(0), "job-gone-while-waited-on", 1, 0, gang,
                Duration.ofSeconds(60));
        Future<GeneratedGrid> zero = pool.submit(() -> {
            try (zeroEnd) {
                return MODEL.generate(REQUEST, ProgressListener.NONE, new CancellationToken(), zeroEnd);
            }
        });
        long started = System.nanoTime();
        while (zeroEnd.stats().bytesSent() == 0 && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(30)) {
            Thread.sleep(5);
        }
        assertThat(zeroEnd.stats().bytesSent()).as("rank 0 sent its first frame").isPositive();
        // rank 1 never answers; rank 0 now waits for its first frame, and then rank 1's participant goes
        long lost = System.nanoTime();
        doomed.close();
        assertThatThrownBy(() -> zero.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(GangException.class)
                .cause().hasMessageContaining("connection to rank 1");
        assertThat(Duration.ofNanos(System.nanoTime() - lost)).isLessThan(Duration.ofSeconds(10));
    }
}
