package dev.imagine.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;

/** A bare HTTP client for the tests: they speak to the API exactly as any REST client would. */
final class TestApi {
    static final ObjectMapper JSON = new ObjectMapper();
    private final String baseUrl;
    private final String apiKey;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    TestApi(String baseUrl, String apiKey) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
    }

    /** The same user at another API instance. */
    TestApi at(String otherBaseUrl) {
        return new TestApi(otherBaseUrl, apiKey);
    }

    /** The same API as another user (another key). */
    TestApi as(String otherKey) {
        return new TestApi(baseUrl, otherKey);
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path));
        return apiKey == null ? builder : builder.header("Authorization", "Bearer " + apiKey);
    }

    /** A job and the API (user) that submitted it. */
    record Job(TestApi api, String id) {
    }

    record Reply(int status, byte[] body, java.net.http.HttpHeaders headers) {
        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        JsonNode json() throws Exception {
            return JSON.readTree(body);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    Reply postRaw(String path, String body) throws Exception {
        HttpRequest request = request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        return new Reply(response.statusCode(), response.body(), response.headers());
    }

    /** A POST with extra headers (name, value, name, value, ...). */
    Reply postRaw(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder request = request(path).header("Content-Type", "application/json");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        HttpResponse<byte[]> response = http.send(request.POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        return new Reply(response.statusCode(), response.body(), response.headers());
    }

    /** A GET with extra headers, name then value. */
    Reply get(String path, String... headers) throws Exception {
        HttpRequest.Builder builder = request(path).GET();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        HttpResponse<byte[]> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Reply(response.statusCode(), response.body(), response.headers());
    }

    Reply get(String path) throws Exception {
        HttpResponse<byte[]> response = http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Reply(response.statusCode(), response.body(), response.headers());
    }

    Reply delete(String path) throws Exception {
        HttpResponse<byte[]> response = http.send(request(path).DELETE().build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Reply(response.statusCode(), response.body(), response.headers());
    }

    /** Submits and returns the job id; fails the test unless the API answered 202. */
    String submit(String prompt) throws Exception {
        Reply reply = postRaw("/v1/imagine", JSON.writeValueAsString(java.util.Map.of("prompt", prompt)));
        if (reply.status() != 202) {
            throw new AssertionError("expected 202 for '" + prompt + "', got " + reply.status() + ": " + reply.text());
        }
        return reply.json().path("id").asText();
    }

    JsonNode job(String id) throws Exception {
        return get("/v1/jobs/" + id).json();
    }

    JsonNode awaitState(String id, Set<String> states, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode job = job(id);
        while (!states.contains(job.path("state").asText())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job " + id + " did not reach " + states + " within " + timeout + ": " + job);
            }
            Thread.sleep(25);
            job = job(id);
        }
        return job;
    }

    /** Waits until the job is PROCESSING at {@code step} or beyond; fails if it ends first (use a slower request). */
    JsonNode awaitStep(String id, int step, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<String> ended = Set.of("COMPLETED", "FAILED", "REJECTED", "CANCELLED");
        while (System.nanoTime() < deadline) {
            JsonNode job = job(id);
            if (job.path("state").asText().equals("PROCESSING") && job.path("step").asInt() >= step) {
                return job;
            }
            if (ended.contains(job.path("state").asText())) {
                throw new AssertionError("job ended before it could be interrupted; use a slower request: " + job);
            }
            Thread.sleep(10);
        }
        throw new AssertionError("job " + id + " never reached step " + step);
    }

    byte[] grid(String id) throws Exception {
        Reply reply = get("/v1/jobs/" + id + "/grid.png");
        if (reply.status() != 200) {
            throw new AssertionError("grid of " + id + ": " + reply.status() + " " + reply.text());
        }
        return reply.body();
    }
}
