package dev.imagine.core.zk;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A lane is split into {@link #COUNT} fixed buckets, {@code /lanes/<lane>/b00 .. bff}, and a job's entries live in
 * the bucket its id hashes to. ZooKeeper answers a listing in one reply of at most 1 MB (jute.maxbuffer), about
 * 28,000 entry names: one folder per lane would stop every pass at that depth, 256 buckets hold seven million
 * waiting jobs per lane. Order does not come from the folder: an entry's id carries its submission time and
 * its name a sequence number.
 */
public final class LaneBuckets {
    public static final int COUNT = 256;
    private static final Pattern NAME = Pattern.compile("b[0-9a-f]{2}");

    private LaneBuckets() {
    }

    public static String of(String jobId) {
        return String.format(Locale.ROOT, "b%02x", Math.floorMod(jobId.hashCode(), COUNT));
    }

    public static List<String> all() {
        List<String> names = new ArrayList<>(COUNT);
        for (int i = 0; i < COUNT; i++) {
            names.add(String.format(Locale.ROOT, "b%02x", i));
        }
        return names;
    }

    public static boolean isBucket(String name) {
        return NAME.matcher(name).matches();
    }
}
