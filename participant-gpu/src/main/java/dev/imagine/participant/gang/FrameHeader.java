package dev.imagine.participant.gang;

import dev.imagine.kernels.parallel.ExchangeTag;
import java.util.Map;

/**
 * What travels beside a tensor, in the Arrow schema's custom metadata: whose run it belongs to (job and attempt),
 * where in the run (the tag), between which ranks, and its shape (values).
 */
record FrameHeader(String job, int attempt, ExchangeTag tag, int from, int to, int values) {
    private static final java.util.List<String> KEYS =
            java.util.List.of("job", "attempt", "call", "layer", "phase", "part", "from", "to", "shape");

    Map<String, String> toMetadata() {
        return Map.of("job", job, "attempt", Integer.toString(attempt), "call", Integer.toString(tag.call()),
                "layer", Integer.toString(tag.layer()), "phase", tag.phase().name(), "part", Integer.toString(tag.part()),
                "from", Integer.toString(from), "to", Integer.toString(to), "shape", Integer.toString(values));
    }

    static FrameHeader fromMetadata(Map<String, String> m) {
        if (m == null || !m.keySet().containsAll(KEYS)) {
            throw new IllegalArgumentException("not a gang tensor frame: metadata " + m);
        }
        return new FrameHeader(m.get("job"), Integer.parseInt(m.get("attempt")),
                new ExchangeTag(Integer.parseInt(m.get("call")), Integer.parseInt(m.get("layer")),
                        ExchangeTag.Phase.valueOf(m.get("phase")), Integer.parseInt(m.get("part"))),
                Integer.parseInt(m.get("from")), Integer.parseInt(m.get("to")), Integer.parseInt(m.get("shape")));
    }
}
