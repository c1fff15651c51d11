package dev.imagine.api.errors;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagine.api.dto.ErrorMessage;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own refusals (a malformed URI such as {@code /v1/jobs/%00}, an unknown path, a method no resource
 * takes) in the API's error shape {@code {code, message}}, never Jetty's HTML page nor a stack: whatever a client
 * sends, it can read what to fix.
 */
public final class JsonErrorHandler extends ErrorHandler {
    private static final ObjectMapper JSON = new ObjectMapper();

    public JsonErrorHandler() {
        setShowStacks(false);
        setShowCauses(false);
    }

    /** Every method gets its explanation (Jetty writes one for GET, POST and HEAD only). */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) throws IOException {
        String text = switch (code) {
            case 400 -> "the request is malformed (" + orDefault(message, "bad request") + "); check its URI, headers "
                    + "and body encoding";
            case 404 -> "no such resource: " + request.getHttpURI().getPath() + "; the API is under /v1 (see /v1/health)";
            case 405 -> "method " + request.getMethod() + " is not allowed on " + request.getHttpURI().getPath();
            default -> orDefault(message, "request refused with status " + code);
        };
        byte[] body = JSON.writeValueAsBytes(new ErrorMessage(code, text, null));
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        if (code == 400) {
            // Jetty closes the connection after a message it could not parse: say so, or a client reuses it.
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    private static String orDefault(String message, String fallback) {
        return message == null || message.isBlank() ? fallback : message;
    }
}
