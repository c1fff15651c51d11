package dev.imagine.api.resources;

import dev.imagine.kernels.ModelRegistry;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/models}: the model versions a prompt can ask for with --v, the default, and for the trained
 * version its native size, its closed vocabulary (words outside it are listed back as a job's ignoredWords) and
 * its training record.
 */
@Path("/v1/models")
@Produces(MediaType.APPLICATION_JSON)
public final class ModelsResource {
    private final String defaultVersion;

    public ModelsResource(String defaultVersion) {
        this.defaultVersion = defaultVersion;
    }

    @GET
    public Map<String, Object> models() {
        List<Map<String, Object>> models = new ArrayList<>();
        for (String version : ModelRegistry.versions()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("version", version);
            m.put("flag", "--v " + version.substring(1));
            m.put("trained", ModelRegistry.isTrained(version));
            ModelRegistry.describe(version).ifPresent(json -> {
                m.put("imageSize", json.path("imageSize").asInt());
                m.put("vocabulary", ModelRegistry.vocabulary(version).orElseThrow().words());
                m.put("training", json.path("training"));
            });
            models.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("default", defaultVersion);
        out.put("models", models);
        return out;
    }
}
