package dev.imagine.participant.gang;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The endpoint's own lifecycle: what its close does to the connections peers have open to it. */
class GangServerTest {

    /**
     * A peer waiting on a participant learns that it went from its connection closing. A connection the server
     * accepted while it was closing once stayed open on a worker loop already shut down, so the peer waited out its
     * whole timeout instead. Connecting right before the close hits that window often, not every time: hence the
     * rounds.
     */
    @Test
    void everyConnectionToAClosedEndpointIsClosedEvenOneAcceptedWhileItCloses() throws Exception {
        try (GangServer peer = GangServer.start("127.0.0.1", 0)) {
            for (int round = 0; round < 60; round++) {
                GangServer doomed = GangServer.start("127.0.0.1", 0);
                Channel toDoomed = peer.connect(doomed.address(), Duration.ofSeconds(5));
                doomed.close();
                assertThat(toDoomed.closeFuture().await(5_000))
                        .as("round %d: the connection to the closed endpoint was closed", round).isTrue();
            }
        }
    }
}
