package dev.imagine.api.resources;

import dev.imagine.api.core.ImageLinks;
import dev.imagine.api.core.Renditions;
import dev.imagine.api.dto.ErrorMessage;
import dev.imagine.core.store.ContentHash;
import dev.imagine.core.store.CorruptImageException;
import dev.imagine.core.store.ImageStore;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/images/<sha256>.png} (the stored object) and {@code .jpg} (the gallery rendition), by signed link
 * only: no API key, so a link can be shared for its lifetime (see {@link ImageLinks}). The hash is the entity tag and
 * the bytes never change under it, so any cache in front may keep a response until the link's expiry, and a
 * revalidation with {@code If-None-Match} is a 304 without touching the store.
 */
@Path("/v1/images/{name}")
public final class ImagesResource {
    private static final Logger LOG = LoggerFactory.getLogger(ImagesResource.class);

    private final ImageStore images;
    private final ImageLinks links;

    public ImagesResource(ImageStore images, ImageLinks links) {
        this.images = images;
        this.links = links;
    }

    @GET
    @Produces({"image/png", "image/jpeg", MediaType.APPLICATION_JSON})
    public Response image(@PathParam("name") String name, @QueryParam("expires") String expires,
                          @QueryParam("sig") String sig, @Context Request request) throws Exception {
        String refusal = links.refusal(ImageLinks.PREFIX + name, expires, sig);
        if (refusal != null) {
            return error(403, refusal, "sig");
        }
        int dot = name.lastIndexOf('.');
        String hash = dot < 0 ? name : name.substring(0, dot);
        String extension = dot < 0 ? "" : name.substring(dot + 1);
        if (!ContentHash.isHash(hash) || !(extension.equals("png") || extension.equals("jpg"))) {
            return error(404, "no image '" + name + "': images are <sha256>.png or <sha256>.jpg", "name");
        }
        boolean rendition = extension.equals("jpg");
        EntityTag tag = new EntityTag(rendition ? hash + "-jpeg" + Renditions.MAX_SIDE : hash);
        // Cacheable until the link expires (a CDN keys on the whole URL, signature included), and never revalidated.
        long maxAge = Math.max(0, Long.parseLong(expires) - System.currentTimeMillis() / 1000);
        CacheControl cache = CacheControl.valueOf("public, max-age=" + maxAge + ", immutable");
        Response.ResponseBuilder unchanged = request.evaluatePreconditions(tag);
        if (unchanged != null) {
            return unchanged.cacheControl(cache).build();
        }
        Optional<ImageStore.Image> image;
        try {
            image = images.read(hash);
        } catch (CorruptImageException corrupt) {
            LOG.error("Not serving image {}: {}", hash, corrupt.getMessage());
            return error(410, "image " + hash + " failed its integrity check and is not served; the operator has been told",
                    "name");
        }
        if (image.isEmpty()) {
            return error(404, "no image " + hash + " in the store", "name");
        }
        byte[] body = rendition ? Renditions.jpeg(image.get().bytes()) : image.get().bytes();
        return Response.ok(body, rendition ? "image/jpeg" : "image/png").tag(tag).cacheControl(cache).build();
    }

    private static Response error(int status, String message, String field) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ErrorMessage(status, message, field)).build();
    }
}
