/**
 * GPU pools as Slurm partitions: {@link dev.imagine.slurm.SlurmClient} is the small interface imagine
 * calls (submit, query, cancel, nodes, partitions, ping); {@code v0038} implements it over the client
 * generated at build time from slurmrestd's v0.0.38 OpenAPI spec. The reconciler and pool scaling that
 * use it live in the controller, beside Helix.
 */
package dev.imagine.slurm;
