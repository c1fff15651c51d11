package dev.imagine.ops.sim;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code imagine simulate}: one day at the seed's scale through the cluster's own dispatch and placement
 * policies, then the same arrivals through two baselines (prefixes {@code fifo_} and {@code noaffinity_}).
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Simulate a day (10,000 GPUs, 625 K jobs) through the real scheduling policies; print key=value lines.")
public final class SimulateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--gpus", description = "Slots in the fleet (default 10000; 400 with --quick).")
    Integer gpus;

    @Option(names = "--jobs", description = "Jobs in the day (default 625000; 25000 with --quick).")
    Integer jobs;

    @Option(names = "--seed", defaultValue = "7", description = "Seed of the arrivals (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--quick", description = "A scenario 25 times smaller (same shape and load per slot): under a minute.")
    boolean quick;

    @Option(names = "--no-baselines", description = "Skip the fifo_ and noaffinity_ baselines.")
    boolean noBaselines;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        int slots = gpus != null ? gpus : quick ? 400 : 10_000;
        int count = jobs != null ? jobs : quick ? 25_000 : 625_000;
        if (slots < 1 || count < 1) {
            throw new dev.imagine.ops.cli.CliException("--gpus and --jobs must be at least 1", 2);
        }
        long start = System.nanoTime();
        Scenario scenario = new Scenario(count, seed);
        out.printf("gpus=%d%njobs=%d%nusers=%d%n", slots, count, scenario.users);
        run(out, "", new Simulation(scenario, Simulation.Mode.SCHEDULER, slots, Simulation.dispatchPolicy(), placement()));
        if (!noBaselines) {
            run(out, "fifo_", new Simulation(scenario, Simulation.Mode.FIFO, slots, Simulation.dispatchPolicy(), placement()));
            run(out, "noaffinity_", new Simulation(scenario, Simulation.Mode.NO_AFFINITY, slots, Simulation.dispatchPolicy(),
                    placement()));
        }
        out.printf("simulate_wall_s=%.1f%n", (System.nanoTime() - start) / 1e9);
        out.flush();
        return 0;
    }

    /** The planner's defaults in the cluster (SchedulerSettings.DEFAULTS). */
    private static dev.imagine.core.scheduling.PlacementPolicy placement() {
        return new dev.imagine.core.scheduling.PlacementPolicy(Duration.ofSeconds(30), 1, 1.25);
    }

    private static void run(PrintWriter out, String prefix, Simulation simulation) {
        long start = System.nanoTime();
        simulation.run().print(out, prefix);
        out.printf("%swall_s=%.1f%n", prefix, (System.nanoTime() - start) / 1e9);
        out.flush();
    }
}
