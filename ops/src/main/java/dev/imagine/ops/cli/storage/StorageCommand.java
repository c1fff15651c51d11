package dev.imagine.ops.cli.storage;

import dev.imagine.ops.cli.CliException;
import dev.imagine.core.store.ImageStore;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;

@Command(name = "storage", mixinStandardHelpOptions = true,
        description = "The content-addressed image store: what each tier holds, and the lifecycle that moves objects colder.",
        subcommands = {StorageStatsCommand.class, StorageLifecycleCommand.class})
public final class StorageCommand {
    static ImageStore open(Path images) {
        if (!Files.isDirectory(images)) {
            throw new CliException("no image store at " + images + "; pass --images with the folder `up` uses (<var>/images)", 2);
        }
        return new ImageStore(images.toAbsolutePath());
    }
}
