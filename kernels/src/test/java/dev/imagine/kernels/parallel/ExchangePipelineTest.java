package dev.imagine.kernels.parallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ExchangePipelineTest {
    /** Records the tags it is given and sleeps or fails as told. */
    private static final class FakeGang implements SequenceExchange {
        final List<ExchangeTag> seen = new CopyOnWriteArrayList<>();
        final long sleepMillis;
        final ExchangeTag failOn;

        FakeGang(long sleepMillis, ExchangeTag failOn) {
            this.sleepMillis = sleepMillis;
            this.failOn = failOn;
        }

        @Override
        public int rank() {
            return 0;
        }

        @Override
        public int size() {
            return 2;
        }

        @Override
        public void exchange(ExchangeTag tag, float[][] send, float[][] receive) {
            seen.add(tag);
            if (tag.equals(failOn)) {
                throw new GangException("rank 1 sent nothing for " + tag);
            }
            try {
                Thread.sleep(sleepMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static ExchangeTag tag(int layer, ExchangeTag.Phase phase, int part) {
        return new ExchangeTag(0, layer, phase, part);
    }

    @Test
    void exchangesRunInTheOrderTheyWereStarted() {
        FakeGang gang = new FakeGang(5, null);
        ExchangePipeline pipeline = new ExchangePipeline(gang);
        List<ExchangeTag> order = List.of(tag(0, ExchangeTag.Phase.QKV, 0), tag(0, ExchangeTag.Phase.QKV, 1),
                tag(0, ExchangeTag.Phase.ATTENTION_OUT, 0), tag(0, ExchangeTag.Phase.ATTENTION_OUT, 1));
        List<Future<?>> started = new java.util.ArrayList<>();
        order.forEach(t -> started.add(pipeline.start(t, new float[2][], new float[2][])));
        started.forEach(pipeline::await);
        assertThat(gang.seen).containsExactlyElementsOf(order);
    }

    @Test
    void aFailedExchangeIsRethrownAsItWasAndWhatWasQueuedBehindItNeverRuns() {
        ExchangeTag failing = tag(3, ExchangeTag.Phase.QKV, 0);
        FakeGang gang = new FakeGang(200, failing);
        ExchangePipeline pipeline = new ExchangePipeline(gang);
        Future<?> first = pipeline.start(failing, new float[2][], new float[2][]);
        pipeline.start(tag(3, ExchangeTag.Phase.QKV, 1), new float[2][], new float[2][]);
        assertThatThrownBy(() -> pipeline.await(first)).isInstanceOf(GangException.class)
                .hasMessageContaining("rank 1 sent nothing for call 0 layer 3 QKV part 0");
        assertThat(gang.seen).containsExactly(failing);
    }

    @Test
    void overlapIsTheShareOfExchangeTimeTheCallerDidNotWaitFor() throws InterruptedException {
        ExchangePipeline hidden = new ExchangePipeline(new FakeGang(40, null));
        Future<?> running = hidden.start(tag(0, ExchangeTag.Phase.QKV, 0), new float[2][], new float[2][]);
        Thread.sleep(200); // compute that outlasts the exchange
        hidden.await(running);
        assertThat(hidden.overlapFraction()).isGreaterThan(0.8);

        ExchangePipeline waited = new ExchangePipeline(new FakeGang(40, null));
        waited.exchange(tag(0, ExchangeTag.Phase.QKV, 0), new float[2][], new float[2][]);
        assertThat(waited.overlapFraction()).isLessThan(0.2);
    }
}
