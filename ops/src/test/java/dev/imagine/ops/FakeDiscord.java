package dev.imagine.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for Discord's REST API on loopback, for the bot's tests: it records every call (method, path, headers,
 * body) and answers 200 with a message object, unless a scripted answer is queued (a 429 with {@code retry_after}, a
 * 5xx), which is used for the next call whose body contains the script's text.
 */
final class FakeDiscord implements AutoCloseable {
    record Call(String method, String path, String authorization, String contentType, byte[] body, long atNanos) {
        String text() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }
    }

    /** Answers the next call whose body contains {@code when} (any call when empty). */
    record Answer(String when, int status, String body) {
    }

    private final HttpServer server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Deque<Answer> scripted = new ArrayDeque<>();
    private int messages;

    FakeDiscord() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v10";
    }

    synchronized void script(String when, int status, String body) {
        scripted.add(new Answer(when, status, body));
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String path = exchange.getRequestURI().toString().replaceFirst("^/api/v10", "");
        calls.add(new Call(exchange.getRequestMethod(), path, exchange.getRequestHeaders().getFirst("Authorization"),
                exchange.getRequestHeaders().getFirst("Content-Type"), body, System.nanoTime()));
        Answer answer;
        synchronized (this) {
            String text = new String(body, StandardCharsets.ISO_8859_1);
            answer = scripted.stream().filter(a -> text.contains(a.when())).findFirst().orElse(null);
            if (answer != null) {
                scripted.remove(answer);
            } else {
                answer = new Answer("", 200, "{\"id\": \"" + (900_000 + ++messages) + "\"}");
            }
        }
        byte[] out = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        if (exchange.getRequestMethod().equals("DELETE") && answer.status() == 200) {
            exchange.sendResponseHeaders(204, -1);
        } else {
            exchange.sendResponseHeaders(answer.status(), out.length);
            exchange.getResponseBody().write(out);
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
