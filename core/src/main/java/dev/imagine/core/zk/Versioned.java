package dev.imagine.core.zk;

/** A value read from ZooKeeper together with the znode version it had, for compare-and-set. */
public record Versioned<T>(T value, int version) {
}
