package dev.imagine.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagine.api.dto.ActionRequest;
import dev.imagine.api.dto.ErrorMessage;
import dev.imagine.api.dto.ImagineRequest;
import dev.imagine.api.dto.JobView;
import dev.imagine.api.dto.SubmitResponse;
import dev.imagine.api.resources.OpenApiResource;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.glassfish.jersey.server.model.Resource;
import org.glassfish.jersey.server.model.ResourceMethod;
import org.junit.jupiter.api.Test;

/**
 * The served OpenAPI description and the code agree: every (method, path) the Jersey resources answer is described and
 * nothing else is, and each wire type's schema has exactly the record's fields.
 */
class OpenApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RESOURCES = "dev.imagine.api.resources.";

    @Test
    void everyResourceMethodIsDescribedAndNothingElse() throws Exception {
        Set<String> inCode = new TreeSet<>();
        for (String name : new String[] {"ImagineResource", "HistoryResource", "JobsResource", "EventsResource",
                "ActionsResource", "MeResource", "ModelsResource", "ImagesResource", "HealthResource", "OpenApiResource"}) {
            collect(Resource.from(Class.forName(RESOURCES + name)), "", inCode);
        }
        Set<String> described = new TreeSet<>();
        JsonNode paths = document().path("paths");
        for (Iterator<String> it = paths.fieldNames(); it.hasNext(); ) {
            String path = it.next();
            for (Iterator<String> methods = paths.path(path).fieldNames(); methods.hasNext(); ) {
                described.add(methods.next().toUpperCase(Locale.ROOT) + " " + path);
            }
        }
        assertThat(described).isEqualTo(inCode);
    }

    @Test
    void everyWireTypeHasExactlyItsSchemasFields() throws Exception {
        JsonNode schemas = document().path("components").path("schemas");
        for (Class<?> type : new Class<?>[] {ImagineRequest.class, ActionRequest.class, SubmitResponse.class, JobView.class,
                ErrorMessage.class}) {
            Set<String> fields = new TreeSet<>(Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).toList());
            Set<String> properties = new TreeSet<>();
            schemas.path(type.getSimpleName()).path("properties").fieldNames().forEachRemaining(properties::add);
            assertThat(properties).as(type.getSimpleName()).isEqualTo(fields);
        }
    }

    private static void collect(Resource resource, String prefix, Set<String> out) {
        String path = (prefix + "/" + resource.getPath()).replaceAll("/+", "/");
        path = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        for (ResourceMethod method : resource.getResourceMethods()) {
            out.add(method.getHttpMethod() + " " + path);
        }
        for (Resource child : resource.getChildResources()) {
            collect(child, path, out);
        }
    }

    private static JsonNode document() throws Exception {
        try (InputStream in = OpenApiResource.class.getResourceAsStream(OpenApiResource.DOCUMENT)) {
            return JSON.readTree(in);
        }
    }
}
