package dev.imagine.kernels.parallel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * k ranks in one process, messages copied through queues: the reference the network transport is tested
 * against, and a way to test the parallel maths without sockets. Same contract as any transport: copies on
 * send, checks the tag on receipt, times out.
 */
public final class LocalGang {
    private record Message(ExchangeTag tag, float[] data) {
    }

    private final int size;
    private final Duration timeout;
    /** mailbox[to][from] */
    private final List<List<BlockingQueue<Message>>> mailbox = new ArrayList<>();

    public LocalGang(int size, Duration timeout) {
        this.size = size;
        this.timeout = timeout;
        for (int to = 0; to < size; to++) {
            List<BlockingQueue<Message>> from = new ArrayList<>();
            for (int f = 0; f < size; f++) {
                from.add(new LinkedBlockingQueue<>());
            }
            mailbox.add(from);
        }
    }

    public SequenceExchange rank(int rank) {
        return new SequenceExchange() {
            @Override
            public int rank() {
                return rank;
            }

            @Override
            public int size() {
                return size;
            }

            @Override
            public void exchange(ExchangeTag tag, float[][] send, float[][] receive) {
                for (int to = 0; to < size; to++) {
                    if (to != rank) {
                        mailbox.get(to).get(rank).add(new Message(tag, send[to].clone()));
                    }
                }
                for (int from = 0; from < size; from++) {
                    if (from == rank) {
                        continue;
                    }
                    Message m;
                    try {
                        m = mailbox.get(rank).get(from).poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new GangException("interrupted waiting for rank " + from);
                    }
                    if (m == null) {
                        throw new GangException("rank " + from + " sent nothing for " + tag + " within " + timeout);
                    }
                    if (!m.tag().equals(tag)) {
                        throw new GangException("rank " + from + " sent " + m.tag() + " while rank " + rank + " expects " + tag);
                    }
                    if (m.data().length != receive[from].length) {
                        throw new GangException("rank " + from + " sent " + m.data().length + " values for " + tag
                                + "; expected " + receive[from].length);
                    }
                    System.arraycopy(m.data(), 0, receive[from], 0, m.data().length);
                }
            }
        };
    }
}
