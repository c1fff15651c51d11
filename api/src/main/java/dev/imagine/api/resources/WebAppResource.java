package dev.imagine.api.resources;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * The web app: {@code /} is its page, {@code /app/<file>} its script and style, all from the API's jar (no separate
 * server, nothing from the internet). The page signs in with an API key and then uses the REST API like any client.
 */
@Path("/")
public final class WebAppResource {
    private static final String ROOT = "/dev/imagine/api/web/";
    private static final Map<String, String> FILES = Map.of("app.js", "text/javascript; charset=utf-8",
            "app.css", "text/css; charset=utf-8");
    /** Revalidated each time: a new release must not be hidden behind a cached old script. */
    private static final CacheControl REVALIDATE = CacheControl.valueOf("no-cache");

    @GET
    public Response page() throws IOException {
        return file("index.html", "text/html; charset=utf-8");
    }

    @GET
    @Path("app/{file}")
    public Response asset(@PathParam("file") String name) throws IOException {
        String type = FILES.get(name);
        if (type == null) {
            return Response.status(404).type("text/plain").entity("no such file: " + name).build();
        }
        return file(name, type);
    }

    private static Response file(String name, String type) throws IOException {
        try (InputStream in = WebAppResource.class.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                return Response.status(404).type("text/plain").entity("no such file: " + name).build();
            }
            return Response.ok(in.readAllBytes(), type).cacheControl(REVALIDATE)
                    .header("X-Content-Type-Options", "nosniff").build();
        }
    }
}
