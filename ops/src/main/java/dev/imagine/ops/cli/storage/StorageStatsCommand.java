package dev.imagine.ops.cli.storage;

import dev.imagine.core.store.ImageStore;
import dev.imagine.ops.cli.support.Output;
import dev.imagine.ops.cli.support.Table;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code imagine storage stats}: objects, bytes and bytes saved by de-duplication, per tier. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Objects, bytes and bytes saved by de-duplication in each tier (hot, warm, cold).")
public final class StorageStatsCommand implements Callable<Integer> {
    @Option(names = "--images", defaultValue = "var/images", description = "The image store (default ${DEFAULT-VALUE}).")
    Path images;

    @Mixin
    Output output;

    @Override
    public Integer call() throws Exception {
        List<ImageStore.TierStats> stats = StorageCommand.open(images).stats();
        if (output.json) {
            output.printJson(stats);
            return 0;
        }
        Table table = new Table("TIER", "OBJECTS", "BYTES", "SAVED BY DEDUPE");
        long objects = 0;
        long bytes = 0;
        long saved = 0;
        for (ImageStore.TierStats tier : stats) {
            table.row(tier.tier(), tier.objects(), human(tier.bytes()), human(tier.savedBytes()));
            objects += tier.objects();
            bytes += tier.bytes();
            saved += tier.savedBytes();
        }
        table.row("total", objects, human(bytes), human(saved));
        table.print(output.out(), "");
        return 0;
    }

    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s (%d)", value, units[unit], bytes);
    }
}
