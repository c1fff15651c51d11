package dev.imagine.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench's peer protocol against small scripts that answer, fail, hang or are missing. */
class PythonPeerTest {
    private static final String PEER = """
            import os, sys, time
            print("ready" if sys.argv[2] != "broken" else "Traceback: No module named 'numpy'", flush=True)
            for line in sys.stdin:
                w = line.split()
                if w[0] == "matmul":
                    print("gflops=" + os.environ.get("RATE", "100.5"), flush=True)
                elif w[0] == "hang":
                    time.sleep(60)
                elif w[0] == "version":
                    print("version=1.2.3", flush=True)
                else:
                    print("error=unknown_command_" + w[0], flush=True)
            """;

    private static Path script(Path dir) throws Exception {
        Path peer = dir.resolve("peer.py");
        Files.writeString(peer, PEER);
        return peer;
    }

    @Test
    void answersAreReadByKeyAndAFailedCommandIsNotANumber(@TempDir Path dir) throws Exception {
        StringBuilder why = new StringBuilder();
        try (PythonPeer peer = PythonPeer.start("python3", script(dir), 2, "numpy", Map.of("RATE", "212.5"), "auto", why)
                .orElseThrow()) {
            assertThat(peer.ask("matmul 3", "gflops", Duration.ofSeconds(10))).isEqualTo(212.5);
            assertThat(peer.askText("version", "version")).isEqualTo("1.2.3");
            assertThat(peer.ask("nonsense", "ms", Duration.ofSeconds(10))).isNaN();
        }
    }

    @Test
    void aPeerThatStopsAnsweringIsATimeoutNotAHang(@TempDir Path dir) throws Exception {
        try (PythonPeer peer = PythonPeer.start("python3", script(dir), 1, "numpy", Map.of(), "auto", new StringBuilder())
                .orElseThrow()) {
            long start = System.nanoTime();
            assertThat(peer.ask("hang", "ms", Duration.ofMillis(500))).isNaN();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void aMissingInterpreterOrLibraryIsReportedWithTheReason(@TempDir Path dir) throws Exception {
        StringBuilder noPython = new StringBuilder();
        assertThat(PythonPeer.start("/nonexistent/python3", script(dir), 1, "torch", Map.of(), "auto", noPython)).isEmpty();
        assertThat(noPython.toString()).isEqualTo("not_run_(no_/nonexistent/python3)");

        StringBuilder noLibrary = new StringBuilder();
        Optional<PythonPeer> broken = PythonPeer.start("python3", script(dir), 1, "broken", Map.of(), "auto", noLibrary);
        assertThat(broken).isEmpty();
        assertThat(noLibrary.toString()).isEqualTo("not_installed_(apt-get_install_python3-broken)");
    }
}
