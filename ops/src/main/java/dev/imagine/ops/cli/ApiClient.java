package dev.imagine.ops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** The few REST calls the CLI makes; a 4xx becomes a {@link CliException} carrying the API's message. */
final class ApiClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final String apiKey;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    ApiClient(String baseUrl, String apiKey) {
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.apiKey = apiKey;
    }

    JsonNode submit(String prompt, String mode) throws IOException, InterruptedException {
        Map<String, String> body = mode == null ? Map.of("prompt", prompt) : Map.of("prompt", prompt, "mode", mode);
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/v1/imagine"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                .build();
        return json(send(request, HttpResponse.BodyHandlers.ofByteArray()));
    }

    JsonNode job(String id) throws IOException, InterruptedException {
        return json(send(HttpRequest.newBuilder(URI.create(baseUrl + "/v1/jobs/" + id)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray()));
    }

    byte[] grid(String id) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + "/v1/jobs/" + id + "/grid.png")).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray()).body();
    }

    private HttpResponse<byte[]> send(HttpRequest request, HttpResponse.BodyHandler<byte[]> handler)
            throws IOException, InterruptedException {
        HttpResponse<byte[]> response;
        HttpRequest authorized = HttpRequest.newBuilder(request, (name, value) -> true)
                .header("Authorization", "Bearer " + apiKey).build();
        try {
            response = http.send(authorized, handler);
        } catch (ConnectException e) {
            throw new CliException("Couldn't reach the API at " + baseUrl + "; is `ops/imagine up` running?", 3);
        }
        if (response.statusCode() >= 400) {
            String message = new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
            try {
                message = JSON.readTree(response.body()).path("message").asText(message);
            } catch (IOException notJson) {
                // keep the raw body
            }
            throw new CliException("the API refused (" + response.statusCode() + "): " + message,
                    response.statusCode() < 500 ? 2 : 1);
        }
        return response;
    }

    private static JsonNode json(HttpResponse<byte[]> response) throws IOException {
        return JSON.readTree(response.body());
    }
}
