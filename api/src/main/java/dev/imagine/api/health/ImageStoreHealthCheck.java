package dev.imagine.api.health;

import com.codahale.metrics.health.HealthCheck;
import java.nio.file.Files;
import java.nio.file.Path;

/** The image store's hot tier takes a write (a full or read-only disk shows here before a grid is lost to it). */
public final class ImageStoreHealthCheck extends HealthCheck {
    private final Path root;

    public ImageStoreHealthCheck(Path root) {
        this.root = root;
    }

    @Override
    protected Result check() throws Exception {
        Files.createDirectories(root);
        Path probe = Files.createTempFile(root, ".health-", ".tmp");
        try {
            Files.write(probe, new byte[] {1});
        } finally {
            Files.deleteIfExists(probe);
        }
        return Result.healthy("writable: " + root);
    }
}
