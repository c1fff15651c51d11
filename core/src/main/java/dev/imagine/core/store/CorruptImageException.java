package dev.imagine.core.store;

import java.io.IOException;

/** Stored bytes that fail their hash check: reported, never served. */
public final class CorruptImageException extends IOException {
    public CorruptImageException(String key, String expected, String actual) {
        super("image " + key + " is corrupt: its bytes hash to " + actual + ", its name says " + expected);
    }
}
