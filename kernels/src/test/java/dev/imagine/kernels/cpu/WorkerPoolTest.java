package dev.imagine.kernels.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {

    @Test
    void runsEveryTaskExactlyOnceOnWorkersInRange() {
        try (WorkerPool pool = new WorkerPool(3)) {
            for (int round = 0; round < 50; round++) {
                AtomicIntegerArray seen = new AtomicIntegerArray(1000);
                boolean[] badWorker = new boolean[1];
                pool.run(1000, (i, worker) -> {
                    seen.incrementAndGet(i);
                    if (worker < 0 || worker >= 3) {
                        badWorker[0] = true;
                    }
                });
                for (int i = 0; i < 1000; i++) {
                    assertThat(seen.get(i)).as("task %d in round %d", i, round).isEqualTo(1);
                }
                assertThat(badWorker[0]).isFalse();
            }
        }
    }

    @Test
    void rethrowsATaskFailureOnTheCallingThreadAndStaysUsable() {
        try (WorkerPool pool = new WorkerPool(2)) {
            assertThatThrownBy(() -> pool.run(100, (i, worker) -> {
                if (i == 37) {
                    throw new IllegalArgumentException("task 37 failed");
                }
            })).isInstanceOf(IllegalArgumentException.class).hasMessage("task 37 failed");
            AtomicIntegerArray seen = new AtomicIntegerArray(10);
            pool.run(10, (i, worker) -> seen.incrementAndGet(i));
            assertThat(seen.toString()).isEqualTo("[1, 1, 1, 1, 1, 1, 1, 1, 1, 1]");
        }
    }

    @Test
    void refusesWorkAfterClose() {
        WorkerPool pool = new WorkerPool(2);
        pool.close();
        assertThatThrownBy(() -> pool.run(10, (i, worker) -> { })).hasMessageContaining("closed");
    }
}
