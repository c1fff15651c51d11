package dev.imagine.ops.cli.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;

/** One {@code POST /v1/imagine} as the load tools (bench accept, bench queue, soak) send it, and its job id. */
public final class Submission {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Submission() {
    }

    /** @param api the API's base URL */
    public static HttpRequest request(String api, String apiKey, String prompt) {
        try {
            return HttpRequest.newBuilder(URI.create(api + "/v1/imagine"))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + apiKey)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(Map.of("prompt", prompt))))
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The id in a 202's body. */
    public static String jobId(String body) {
        try {
            return JSON.readTree(body).path("id").asText();
        } catch (IOException e) {
            throw new UncheckedIOException("not a submission's answer: " + body, e);
        }
    }
}
