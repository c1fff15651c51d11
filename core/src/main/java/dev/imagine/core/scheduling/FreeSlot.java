package dev.imagine.core.scheduling;

/** A slot that can take a job now, and the model version its weights are. */
public record FreeSlot(String name, String version) {
}
