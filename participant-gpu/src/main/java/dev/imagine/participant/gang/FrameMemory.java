package dev.imagine.participant.gang;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.apache.arrow.memory.AllocationManager;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.netty.NettyAllocationManager;
import org.apache.arrow.memory.util.MemoryUtil;

/**
 * Arrow memory for the gang's frames. A large buffer (a frame's values: tens of MiB at XL shapes, the same few sizes
 * every step) is taken from a bounded cache of freed ones instead of allocated afresh: Arrow's default Netty manager
 * allocates anything above its 4 MiB chunk unpooled, and the JDK zeroes it, which was a third of a large exchange's
 * CPU time. The memory is not zeroed; every byte handed out is written before it is read (the sender fills its
 * values, the reader reads a whole message body into its buffer). Small buffers stay with Arrow's Netty pools.
 */
final class FrameMemory implements AllocationManager.Factory, AutoCloseable {
    /** From this size up a buffer comes from the cache. */
    static final long LARGE_BYTES = 1 << 20;
    private static final long GRANULE = 64 << 10;

    private final long maxCachedBytes;
    private final Map<Long, ArrayDeque<Long>> free = new HashMap<>();
    private long cachedBytes;
    private boolean closed;

    FrameMemory(long maxCachedBytes) {
        this.maxCachedBytes = maxCachedBytes;
    }

    @Override
    public AllocationManager create(BufferAllocator accountingAllocator, long size) {
        if (size < LARGE_BYTES) {
            return NettyAllocationManager.FACTORY.create(accountingAllocator, size);
        }
        long capacity = (size + GRANULE - 1) / GRANULE * GRANULE;
        return new Large(accountingAllocator, size, capacity, take(capacity));
    }

    @Override
    public ArrowBuf empty() {
        return NettyAllocationManager.FACTORY.empty();
    }

    /** Bytes held in the cache, free for the next frame of their size. */
    synchronized long cachedBytes() {
        return cachedBytes;
    }

    private synchronized long take(long capacity) {
        ArrayDeque<Long> same = free.get(capacity);
        if (same != null && !same.isEmpty()) {
            cachedBytes -= capacity;
            return same.pop();
        }
        return MemoryUtil.allocateMemory(capacity);
    }

    private synchronized void give(long capacity, long address) {
        if (closed || cachedBytes + capacity > maxCachedBytes) {
            MemoryUtil.freeMemory(address);
            return;
        }
        free.computeIfAbsent(capacity, c -> new ArrayDeque<>()).push(address);
        cachedBytes += capacity;
    }

    /** Frees the cache; buffers still held are freed when released. */
    @Override
    public synchronized void close() {
        closed = true;
        free.values().forEach(addresses -> addresses.forEach(MemoryUtil::freeMemory));
        free.clear();
        cachedBytes = 0;
    }

    private final class Large extends AllocationManager {
        private final long size;
        private final long capacity;
        private final long address;

        /** {@code size} is what the allocator accounts for; {@code capacity}, the cache's size class, is at least that. */
        Large(BufferAllocator accountingAllocator, long size, long capacity, long address) {
            super(accountingAllocator);
            this.size = size;
            this.capacity = capacity;
            this.address = address;
        }

        @Override
        public long getSize() {
            return size;
        }

        @Override
        protected long memoryAddress() {
            return address;
        }

        @Override
        protected void release0() {
            give(capacity, address);
        }
    }
}
