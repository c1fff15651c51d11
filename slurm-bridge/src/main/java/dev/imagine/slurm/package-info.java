/**
 * GPU pools as Slurm partitions: a client generated from slurmrestd's OpenAPI spec, behind a small
 * interface of our own (submit, query, cancel, nodes, partitions, ping), and the reconciler that keeps
 * Slurm jobs and Helix participants in agreement. Built by issue 4; the module exists now so the
 * layout (and ops' dependency on it) is the lasting one.
 */
package dev.imagine.slurm;
