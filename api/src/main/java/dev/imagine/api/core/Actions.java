package dev.imagine.api.core;

import dev.imagine.api.dto.ActionRequest;
import dev.imagine.api.errors.ApiException;
import dev.imagine.api.errors.BadRequestException;
import dev.imagine.core.job.JobRecord;
import dev.imagine.core.job.JobSpec;
import dev.imagine.core.job.JobState;
import dev.imagine.core.job.Lane;
import dev.imagine.core.prompt.PromptException;
import dev.imagine.core.prompt.PromptParser;
import dev.imagine.kernels.ModelRegistry;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The grid's buttons as job specs (seed, ch. 2): U1–U4 upscale image N at 2x on a slot holding the upscaler; V1–V4
 * vary image N (its latents re-noised, subtle 0.35 or strong 0.7, and denoised again with a new seed); 🔄 rerolls the
 * prompt with a new seed; remix draws a new prompt over image N's latents (0.8). Each is a new job linked to its parent.
 */
public final class Actions {
    public static final double SUBTLE = 0.35;
    public static final double STRONG = 0.7;
    public static final double REMIX = 0.8;

    private final PromptParser parser;
    private final LongSupplier seeds;

    public Actions(PromptParser parser, LongSupplier seeds) {
        this.parser = parser;
        this.seeds = seeds;
    }

    /** The new job's spec, or a 4xx saying what is wrong with the request or why the parent cannot be acted on. */
    public JobSpec specFor(JobRecord parent, ActionRequest request, Lane lane) {
        String action = request.action() == null ? "" : request.action().toLowerCase(Locale.ROOT);
        if (!action.matches("upscale|variation|reroll|remix")) {
            throw new BadRequestException("action", "action must be one of upscale, variation, reroll, remix; got "
                    + (request.action() == null ? "none" : "'" + request.action() + "'"));
        }
        if (parent.state() != JobState.COMPLETED) {
            throw new ApiException(409, "job " + parent.id() + " is " + parent.state() + "; actions apply to a COMPLETED grid",
                    "id");
        }
        if (ModelRegistry.UPSCALER.equals(parent.spec().modelVersion())) {
            throw new ApiException(409, "job " + parent.id() + " is an upscale, a single image; actions apply to a grid "
                    + "(use them on job " + parent.spec().derivation().parentId() + ")", "id");
        }
        if (request.strength() != null && !action.equals("variation")) {
            throw new BadRequestException("strength", "strength applies to a variation only");
        }
        if (request.prompt() != null && !action.equals("remix")) {
            throw new BadRequestException("prompt", "a new prompt applies to a remix only");
        }
        JobSpec base = parent.spec().withLane(lane);
        if (action.equals("reroll")) {
            if (request.index() != null) {
                throw new BadRequestException("index", "a reroll renders the whole prompt again; send it without index");
            }
            return base.withSeed(seeds.getAsLong())
                    .derivedFrom(new JobSpec.Derivation(parent.id(), action, 0, 0, null), base.modelVersion());
        }
        int index = index(request.index());
        if (action.equals("upscale")) {
            return base.derivedFrom(new JobSpec.Derivation(parent.id(), action, index, 0, parent.imagePath()),
                    ModelRegistry.UPSCALER);
        }
        if (parent.latents() == null) {
            throw new ApiException(409, "job " + parent.id() + " kept no latents (it was rendered before variations "
                    + "existed); reroll it instead", "id");
        }
        if (action.equals("variation")) {
            double strength = strength(request.strength());
            return base.withSeed(seeds.getAsLong()).derivedFrom(
                    new JobSpec.Derivation(parent.id(), action, index, strength, parent.latents()), base.modelVersion());
        }
        return remix(parent, request.prompt(), lane, index);
    }

    private JobSpec remix(JobRecord parent, String prompt, Lane lane, int index) {
        if (prompt == null || prompt.isBlank()) {
            throw new BadRequestException("prompt", "a remix needs the new prompt, e.g. {\"action\": \"remix\", "
                    + "\"index\": 2, \"prompt\": \"the same fox, at night\"}");
        }
        JobSpec p = parent.spec();
        String lower = prompt.toLowerCase(Locale.ROOT);
        // The remix draws over the parent's latents: it keeps their shape (--ar) and model (--v) unless told otherwise,
        // and being told otherwise is an error.
        String full = prompt + (lower.matches("(?s).*--(ar|aspect)\\b.*") ? "" : " --ar " + p.aspectWidth() + ":" + p.aspectHeight())
                + (lower.matches("(?s).*--(v|version)\\b.*") ? "" : " --v " + p.modelVersion().substring(1));
        JobSpec parsed;
        try {
            parsed = parser.parse(full, lane);
        } catch (PromptException e) {
            throw new BadRequestException(e.field(), e.getMessage());
        }
        if (parsed.aspectWidth() != p.aspectWidth() || parsed.aspectHeight() != p.aspectHeight()) {
            throw new BadRequestException("--ar", "a remix keeps its parent's --ar " + p.aspectWidth() + ":"
                    + p.aspectHeight() + " (it draws over that image); leave --ar out");
        }
        if (!parsed.modelVersion().equals(p.modelVersion())) {
            throw new BadRequestException("--v", "a remix keeps its parent's model " + p.modelVersion() + "; leave --v out");
        }
        return parsed.derivedFrom(new JobSpec.Derivation(parent.id(), "remix", index, REMIX, parent.latents()),
                parsed.modelVersion());
    }

    private static int index(Integer index) {
        if (index == null || index < 1 || index > 4) {
            throw new BadRequestException("index", "index must be 1–4 (the image in the grid: 1 top left, 2 top right, "
                    + "3 bottom left, 4 bottom right); got " + (index == null ? "none" : index));
        }
        return index;
    }

    private static double strength(String strength) {
        if (strength == null || strength.equalsIgnoreCase("subtle")) {
            return SUBTLE;
        }
        if (strength.equalsIgnoreCase("strong")) {
            return STRONG;
        }
        throw new BadRequestException("strength", "strength must be subtle or strong; got '" + strength + "'");
    }
}
