package dev.imagine.slurm;

/** A Slurm partition: the Slurm side of an imagine GPU pool of the same name. */
public record SlurmPartition(String name, String state, String nodes, long totalNodes, long totalCpus) {
}
