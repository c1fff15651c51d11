package dev.imagine.participant.gang;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/** Large frame buffers come back from the cache for the next frame of their size; the cache stays within its bound. */
class FrameMemoryTest {
    private static BufferAllocator allocator(FrameMemory memory) {
        return new RootAllocator(RootAllocator.configBuilder().maxAllocation(1L << 30).allocationManagerFactory(memory).build());
    }

    @Test
    void aFreedLargeBufferIsTheNextOneOfItsSize() {
        try (FrameMemory memory = new FrameMemory(64 << 20); BufferAllocator allocator = allocator(memory)) {
            long address;
            try (ArrowBuf first = allocator.buffer(7 << 20)) {
                address = first.memoryAddress();
                first.setFloat(0, 3f);
            }
            assertThat(memory.cachedBytes()).isGreaterThanOrEqualTo(7 << 20);
            try (ArrowBuf second = allocator.buffer(7 << 20)) {
                assertThat(second.memoryAddress()).isEqualTo(address);
                assertThat(second.capacity()).isGreaterThanOrEqualTo(7 << 20);
            }
            assertThat(allocator.getAllocatedMemory()).isZero();
        }
    }

    @Test
    void theCacheKeepsNoMoreThanItsBoundAndSmallBuffersStayWithNetty() {
        // 4 MiB: a power of two, so Arrow's rounding leaves it as it is
        try (FrameMemory memory = new FrameMemory(6 << 20); BufferAllocator allocator = allocator(memory)) {
            ArrowBuf a = allocator.buffer(4 << 20);
            ArrowBuf b = allocator.buffer(4 << 20);
            a.close();
            b.close();
            assertThat(memory.cachedBytes()).isEqualTo(4 << 20);
            allocator.buffer(4096).close();
            assertThat(memory.cachedBytes()).isEqualTo(4 << 20);
        }
    }

    @Test
    void aBufferReleasedAfterCloseIsFreedNotCached() {
        FrameMemory memory = new FrameMemory(64 << 20);
        try (BufferAllocator allocator = allocator(memory)) {
            ArrowBuf held = allocator.buffer(2 << 20);
            memory.close();
            held.close();
            assertThat(memory.cachedBytes()).isZero();
        }
    }
}
