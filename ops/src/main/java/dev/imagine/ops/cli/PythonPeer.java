package dev.imagine.ops.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One {@code kernels/python/xl_peer.py} process (NumPy or PyTorch), kept alive so that its timings can alternate
 * with the Java engine's round by round: a shared machine's load then falls on both sides of each ratio. Commands
 * and answers are one line each; every answer is awaited with a timeout, and a peer that fails, answers
 * {@code error=...} or is missing is reported as absent, never as a number.
 */
final class PythonPeer implements AutoCloseable {
    private final Process process;
    private final BufferedReader in;
    private final Writer out;
    private final ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "python-peer-reader");
        t.setDaemon(true);
        return t;
    });
    final String label;

    private PythonPeer(Process process, String label) {
        this.process = process;
        this.label = label;
        this.in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.out = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    /**
     * Starts the peer and waits for its {@code ready}; empty (with the reason in {@code why}) when the interpreter,
     * the script or the library is missing.
     */
    static Optional<PythonPeer> start(String interpreter, Path script, int threads, String lib,
            Map<String, String> env, String label, StringBuilder why) {
        ProcessBuilder pb = new ProcessBuilder(interpreter, script.toString(), Integer.toString(threads), lib)
                .redirectErrorStream(true);
        pb.environment().putAll(env);
        PythonPeer peer;
        try {
            peer = new PythonPeer(pb.start(), label);
        } catch (IOException noInterpreter) {
            why.append("not_run_(no_").append(interpreter).append(')');
            return Optional.empty();
        }
        try {
            String first = peer.readLine(Duration.ofMinutes(2));
            if ("ready".equals(first)) {
                return Optional.of(peer);
            }
            why.append(first != null && first.contains("No module named")
                    ? "not_installed_(apt-get_install_python3-" + lib + ")" : "failed_(" + sanitize(first) + ")");
        } catch (IOException | TimeoutException e) {
            why.append("failed_(").append(sanitize(e.getMessage())).append(')');
        }
        peer.close();
        return Optional.empty();
    }

    /** Sends one command and returns the value of its {@code key=} answer, or NaN if it did not give one. */
    double ask(String command, String key, Duration timeout) {
        try {
            out.write(command + "\n");
            out.flush();
            for (String line = readLine(timeout); line != null; line = readLine(timeout)) {
                if (line.startsWith(key + "=")) {
                    return Double.parseDouble(line.substring(key.length() + 1));
                }
                if (line.startsWith("error=")) {
                    return Double.NaN;
                }
            }
        } catch (IOException | TimeoutException | NumberFormatException e) {
            close();
        }
        return Double.NaN;
    }

    String askText(String command, String key) {
        try {
            out.write(command + "\n");
            out.flush();
            String line = readLine(Duration.ofSeconds(30));
            return line != null && line.startsWith(key + "=") ? line.substring(key.length() + 1) : "unknown";
        } catch (IOException | TimeoutException e) {
            return "unknown";
        }
    }

    private String readLine(Duration timeout) throws IOException, TimeoutException {
        Future<String> line = reader.submit(in::readLine);
        try {
            return line.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException(e.getCause());
        } catch (TimeoutException e) {
            line.cancel(true);
            throw e;
        }
    }

    private static String sanitize(String text) {
        return text == null ? "no_output" : text.replaceAll("[^A-Za-z0-9_.-]+", "_");
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException ignored) {
            // the process is going anyway
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        reader.shutdownNow();
    }
}
