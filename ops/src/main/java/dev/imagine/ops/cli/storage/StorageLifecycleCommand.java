package dev.imagine.ops.cli.storage;

import dev.imagine.core.store.ImageStore;
import dev.imagine.core.store.LifecycleRules;
import dev.imagine.ops.cli.CliException;
import dev.imagine.ops.cli.support.Output;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code imagine storage lifecycle}: one lifecycle pass now (the API's archiver runs one every
 * {@code images.lifecycleEveryMinutes}): idle objects one tier colder, idle previews deleted.
 */
@Command(name = "lifecycle", mixinStandardHelpOptions = true,
        description = "Run one lifecycle pass now: objects idle longer than a tier's age move one tier colder; "
                + "previews nobody reads are deleted. A read moves an object back to hot.")
public final class StorageLifecycleCommand implements Callable<Integer> {
    @Option(names = "--images", defaultValue = "var/images", description = "The image store (default ${DEFAULT-VALUE}).")
    Path images;

    @Option(names = "--warm-after", defaultValue = "P30D", description = "Hot to warm after this long unread (default ${DEFAULT-VALUE}).")
    Duration warmAfter;

    @Option(names = "--cold-after", defaultValue = "P180D", description = "Warm to cold after this long unread (default ${DEFAULT-VALUE}).")
    Duration coldAfter;

    @Option(names = "--previews-after", defaultValue = "PT1H", description = "Previews deleted after this long unread (default ${DEFAULT-VALUE}).")
    Duration previewsAfter;

    @Mixin
    Output output;

    @Override
    public Integer call() throws Exception {
        LifecycleRules rules;
        try {
            rules = new LifecycleRules(warmAfter, coldAfter, previewsAfter);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), 2);
        }
        ImageStore.LifecycleReport report = StorageCommand.open(images).applyLifecycle(rules);
        if (output.json) {
            output.printJson(report);
            return 0;
        }
        output.out().printf("%d object(s) moved one tier colder, %d preview(s) deleted, %d corrupt object(s) left in place%n",
                report.movedColder(), report.previewsDeleted(), report.corrupt());
        return 0;
    }
}
