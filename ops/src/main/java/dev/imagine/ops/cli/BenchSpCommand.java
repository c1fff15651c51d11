package dev.imagine.ops.cli;

import dev.imagine.participant.gang.SequenceParallelBench;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code imagine bench sp}: a sequence-parallel gang of two against one rank, at DiT-XL/2 shapes. */
@Command(name = "sp", mixinStandardHelpOptions = true,
        description = "One XL step on one rank vs. a gang of two over Netty/Arrow on loopback (one thread per rank), at 256 and 1,024 tokens.")
public final class BenchSpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--quick", description = "One block timed, three interleaved rounds: under two minutes.")
    boolean quick;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        SequenceParallelBench.run(quick, line -> {
            out.println(line);
            out.flush();
        });
        return 0;
    }
}
