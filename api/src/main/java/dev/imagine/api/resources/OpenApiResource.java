package dev.imagine.api.resources;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;

/**
 * {@code GET /v1/openapi.json}: the API's OpenAPI 3 description, written by hand (it says what each call means, not just
 * its shape) and kept in step with the resources by {@code OpenApiTest}. No key needed.
 */
@Path("/v1/openapi.json")
public final class OpenApiResource {
    public static final String DOCUMENT = "/dev/imagine/api/openapi.json";
    private final byte[] document;

    public OpenApiResource() throws IOException {
        try (InputStream in = OpenApiResource.class.getResourceAsStream(DOCUMENT)) {
            if (in == null) {
                throw new IOException(DOCUMENT + " is missing from the API's jar");
            }
            document = in.readAllBytes();
        }
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response document() {
        return Response.ok(document, MediaType.APPLICATION_JSON_TYPE).build();
    }
}
