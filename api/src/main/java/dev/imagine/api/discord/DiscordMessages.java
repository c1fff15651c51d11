package dev.imagine.api.discord;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagine.core.job.JobRecord;
import dev.imagine.core.job.JobState;
import dev.imagine.kernels.ModelRegistry;
import java.util.Locale;
import java.util.Optional;

/**
 * The messages the bot sends, as Discord's JSON: progress, the finished grid with its buttons, and what the user is
 * told when a job is refused or fails (ephemeral: only they see it). A button's {@code custom_id} is
 * {@code imagine:<action>:<index>:<job id>}, at most 100 characters.
 */
public final class DiscordMessages {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Discord's flag for a message only its user sees. */
    static final int EPHEMERAL = 64;
    static final String PREFIX = "imagine";

    private DiscordMessages() {
    }

    /** What a button asks for. */
    public record Button(String action, int index, String jobId) {
        public String customId() {
            return PREFIX + ":" + action + ":" + index + ":" + jobId;
        }

        public static Optional<Button> parse(String customId) {
            String[] parts = customId == null ? new String[0] : customId.split(":", -1);
            if (parts.length != 4 || !parts[0].equals(PREFIX) || !parts[1].matches("upscale|variation|reroll")
                    || !parts[2].matches("[0-4]")) {
                return Optional.empty();
            }
            return Optional.of(new Button(parts[1], Integer.parseInt(parts[2]), parts[3]));
        }
    }

    static String progress(DiscordEntry entry, JobRecord job, boolean withPreview) {
        ObjectNode m = base(entry, String.format(Locale.ROOT, "(%d%%, step %d/%d)",
                job.totalSteps() == 0 ? 0 : 100 * job.step() / job.totalSteps(), job.step(), job.totalSteps()));
        if (job.state() == JobState.QUEUED || job.state() == JobState.DISPATCHED) {
            m.put("content", title(entry) + " (waiting to start)");
        }
        if (withPreview) {
            attach(m, "preview.png");
        }
        return m.toString();
    }

    static String done(DiscordEntry entry, JobRecord job) {
        boolean upscale = ModelRegistry.UPSCALER.equals(job.spec().modelVersion());
        ObjectNode m = base(entry, "(" + job.spec().lane().pathName() + (upscale ? ", upscaled" : "") + ")");
        attach(m, upscale ? "image.png" : "grid.png");
        ArrayNode rows = m.putArray("components");
        if (!upscale) {
            ArrayNode first = row(rows);
            for (int i = 1; i <= 4; i++) {
                first.add(button("U" + i, new Button("upscale", i, job.id())));
            }
            first.add(button("🔄", new Button("reroll", 0, job.id())));
            ArrayNode second = row(rows);
            for (int i = 1; i <= 4; i++) {
                second.add(button("V" + i, new Button("variation", i, job.id())));
            }
        }
        return m.toString();
    }

    /** A refusal or a failure, for the user only. */
    static String told(String text, boolean ephemeral) {
        ObjectNode m = JSON.createObjectNode().put("content", text);
        if (ephemeral) {
            m.put("flags", EPHEMERAL);
        }
        m.putObject("allowed_mentions").putArray("parse");
        return m.toString();
    }

    static String ended(DiscordEntry entry, JobRecord job) {
        return "<@" + entry.userId() + "> your job for **" + clip(entry.prompt()) + "** ended "
                + job.state().name().toLowerCase(Locale.ROOT) + ": " + (job.error() == null ? "no reason given" : job.error());
    }

    private static ObjectNode base(DiscordEntry entry, String status) {
        ObjectNode m = JSON.createObjectNode().put("content", title(entry) + " " + status);
        m.putObject("allowed_mentions").putArray("parse");
        return m;
    }

    private static String title(DiscordEntry entry) {
        return "**" + clip(entry.prompt()) + "** - <@" + entry.userId() + ">";
    }

    private static void attach(ObjectNode m, String filename) {
        m.putArray("attachments").addObject().put("id", 0).put("filename", filename);
    }

    private static ArrayNode row(ArrayNode rows) {
        return rows.addObject().put("type", 1).putArray("components");
    }

    private static ObjectNode button(String label, Button target) {
        return JSON.createObjectNode().put("type", 2).put("style", label.startsWith("U") ? 1 : 2).put("label", label)
                .put("custom_id", target.customId());
    }

    private static String clip(String prompt) {
        return prompt.length() <= 1500 ? prompt : prompt.substring(0, 1500) + "…";
    }
}
