package dev.imagine.kernels.ops;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the backend: the one named by {@code imagine.kernels.backend} (system property, or the
 * IMAGINE_KERNELS_BACKEND environment variable) if set — failing loudly if it cannot run — else the
 * highest-priority available one. Logs the choice and why the others were passed over.
 */
public final class Backends {
    public static final String PROPERTY = "imagine.kernels.backend";
    private static final Logger LOG = LoggerFactory.getLogger(Backends.class);

    private Backends() {
    }

    public static List<TensorBackend> all() {
        List<TensorBackend> backends = new ArrayList<>();
        ServiceLoader.load(TensorBackend.class).forEach(backends::add);
        if (backends.stream().noneMatch(b -> b.name().equals("scalar"))) {
            backends.add(new ScalarBackend());
        }
        backends.sort(Comparator.comparingInt(TensorBackend::priority).reversed());
        return backends;
    }

    /** The backend the configuration asks for, or the best available one. */
    public static TensorOps create(int threads) {
        String forced = System.getProperty(PROPERTY, System.getenv("IMAGINE_KERNELS_BACKEND"));
        return forced == null || forced.isBlank() ? best(threads) : named(forced.trim(), threads);
    }

    /** A named backend; IllegalStateException naming the reason when it cannot run here. */
    public static TensorOps named(String name, int threads) {
        String key = name.toLowerCase(Locale.ROOT);
        for (TensorBackend backend : all()) {
            if (backend.name().equals(key)) {
                TensorBackend.Availability availability = backend.probe();
                if (!availability.available()) {
                    throw new IllegalStateException("kernel backend '" + key + "' was asked for but cannot run here: "
                            + availability.reason());
                }
                TensorOps ops = backend.create(threads);
                LOG.info("Kernel backend {} (forced): {}", key, ops.executionMode());
                return ops;
            }
        }
        throw new IllegalArgumentException("unknown kernel backend '" + name + "'; known: "
                + all().stream().map(TensorBackend::name).collect(Collectors.joining(", ")));
    }

    private static TensorOps best(int threads) {
        List<String> passed = new ArrayList<>();
        for (TensorBackend backend : all()) {
            TensorBackend.Availability availability = backend.probe();
            if (availability.available()) {
                TensorOps ops = backend.create(threads);
                LOG.info("Kernel backend {}: {}{}", backend.name(), ops.executionMode(),
                        passed.isEmpty() ? "" : " (passed over: " + String.join("; ", passed) + ")");
                return ops;
            }
            passed.add(backend.name() + ": " + availability.reason());
        }
        throw new IllegalStateException("no kernel backend can run here: " + passed);
    }
}
