package dev.imagine.api.discord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

/**
 * The calls the bot makes to Discord's REST API (at {@code apiBase}, so tests and operators can point it elsewhere):
 * editing and deleting an interaction's messages, follow-ups, channel messages with the bot token, and command
 * registration. A message with an image is multipart: {@code payload_json} and {@code files[0]}. Every answer comes
 * back as a {@link Reply}; a 429's {@code retry_after} is read from its body (seconds) or {@code Retry-After}.
 */
public final class DiscordApi {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** @param retryAfterMillis for a 429, how long Discord asked us to wait; else 0 */
    public record Reply(int status, String body, long retryAfterMillis) {
        public boolean ok() {
            return status / 100 == 2;
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (Exception e) {
                return JSON.createObjectNode();
            }
        }
    }

    /** An image to attach (as {@code files[0]}), or none. */
    public record Attachment(String filename, byte[] png) {
    }

    private final DiscordSettings settings;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public DiscordApi(DiscordSettings settings) {
        this.settings = settings;
    }

    public Reply editMessage(String token, String messageId, String payloadJson, Attachment file) throws Exception {
        return send("PATCH", "/webhooks/" + settings.applicationId + "/" + token + "/messages/"
                + (messageId == null ? "@original" : messageId), payloadJson, file, false);
    }

    public Reply deleteOriginal(String token) throws Exception {
        return send("DELETE", "/webhooks/" + settings.applicationId + "/" + token + "/messages/@original", null, null, false);
    }

    /** A new message under the interaction; {@code ?wait=true} so the answer carries its id. */
    public Reply followUp(String token, String payloadJson, Attachment file) throws Exception {
        return send("POST", "/webhooks/" + settings.applicationId + "/" + token + "?wait=true", payloadJson, file, false);
    }

    /** Past the interaction token's 15 minutes: a plain channel message, with the bot's token. */
    public Reply channelMessage(String channelId, String payloadJson, Attachment file) throws Exception {
        return send("POST", "/channels/" + channelId + "/messages", payloadJson, file, true);
    }

    public Reply registerCommand(String commandJson) throws Exception {
        return send("POST", "/applications/" + settings.applicationId + "/commands", commandJson, null, true);
    }

    private Reply send(String method, String path, String payloadJson, Attachment file, boolean bot) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(settings.apiBase + path))
                .timeout(Duration.ofSeconds(30)).header("User-Agent", "DiscordBot (https://github.com/imagine, 1)");
        if (bot) {
            if (settings.botToken == null || settings.botToken.isBlank()) {
                return new Reply(401, "no bot token configured (IMAGINE_DISCORD_BOT_TOKEN)", 0);
            }
            request.header("Authorization", "Bot " + settings.botToken);
        }
        if (payloadJson == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else if (file == null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(payloadJson));
        } else {
            String boundary = "imagine-" + UUID.randomUUID();
            request.header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(multipart(boundary, payloadJson, file)));
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        long retryAfter = 0;
        if (response.statusCode() == 429) {
            retryAfter = retryAfterMillis(response);
        }
        return new Reply(response.statusCode(), response.body(), retryAfter);
    }

    private static long retryAfterMillis(HttpResponse<String> response) {
        try {
            JsonNode body = JSON.readTree(response.body());
            if (body.has("retry_after")) {
                return Math.max(1, (long) Math.ceil(body.path("retry_after").asDouble() * 1000));
            }
        } catch (Exception notJson) {
            // fall back to the header
        }
        return response.headers().firstValue("Retry-After").map(s -> (long) (Double.parseDouble(s) * 1000)).orElse(1000L);
    }

    static byte[] multipart(String boundary, String payloadJson, Attachment file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"payload_json\"\r\n"
                + "Content-Type: application/json\r\n\r\n" + payloadJson + "\r\n--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"files[0]\"; filename=\"" + file.filename() + "\"\r\n"
                + "Content-Type: image/png\r\n\r\n";
        out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(file.png());
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
