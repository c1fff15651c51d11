package dev.imagine.ops.cli.capacity;

import dev.imagine.ops.cli.CliException;
import dev.imagine.ops.cli.support.Output;
import dev.imagine.ops.cli.support.Table;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code imagine capacity plan}: the seed's chapter-1 reference card, for any inputs. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Back-of-envelope fleet plan (the seed's chapter 1); defaults reproduce its reference card.")
public final class CapacityPlanCommand implements Callable<Integer> {
    @Mixin
    Output output;

    @Option(names = "--images-per-day", defaultValue = "2.5e6", description = "Images generated per day (default ${DEFAULT-VALUE}).")
    double imagesPerDay;

    @Option(names = "--images-per-job", defaultValue = "4", description = "Images per job, a 2x2 grid (default ${DEFAULT-VALUE}).")
    int imagesPerJob;

    @Option(names = "--gpu-seconds-per-job", defaultValue = "20", description = "GPU-seconds per job (default ${DEFAULT-VALUE}).")
    double gpuSecondsPerJob;

    @Option(names = "--utilization", defaultValue = "0.65", description = "Effective GPU utilization, 0-1 (default ${DEFAULT-VALUE}).")
    double utilization;

    @Option(names = "--peak-factor", defaultValue = "3", description = "Peak over average traffic (default ${DEFAULT-VALUE}).")
    double peakFactor;

    @Option(names = "--grid-mb", defaultValue = "4", description = "Stored size of one grid, MB (default ${DEFAULT-VALUE}).")
    double gridMb;

    @Option(names = "--cdn-amplification", defaultValue = "3", description = "Egress over stored bytes (default ${DEFAULT-VALUE}).")
    double cdnAmplification;

    @Option(names = "--egress-usd-per-gb", defaultValue = "0.08", description = "Egress price, USD/GB (default ${DEFAULT-VALUE}).")
    double egressUsdPerGb;

    @Option(names = "--fleet-gpus", defaultValue = "10000", description = "GPUs in the fleet (default ${DEFAULT-VALUE}).")
    long fleetGpus;

    @Option(names = "--revenue-usd-per-year", defaultValue = "500e6", description = "Yearly revenue, USD (default ${DEFAULT-VALUE}).")
    double revenueUsdPerYear;

    @Option(names = "--cost-usd-per-gpu-hour", defaultValue = "4.00", description = "All-in cost per GPU-hour, USD (default ${DEFAULT-VALUE}).")
    double costUsdPerGpuHour;

    @Override
    public Integer call() throws Exception {
        if (imagesPerDay <= 0 || imagesPerJob < 1 || gpuSecondsPerJob <= 0 || utilization <= 0 || utilization > 1
                || fleetGpus < 1) {
            throw new CliException("--images-per-day, --images-per-job, --gpu-seconds-per-job and --fleet-gpus must be "
                    + "positive and --utilization in (0, 1], e.g. --utilization 0.65", 2);
        }
        CapacityPlan.Inputs in = new CapacityPlan.Inputs(imagesPerDay, imagesPerJob, gpuSecondsPerJob, utilization,
                peakFactor, gridMb, cdnAmplification, egressUsdPerGb, fleetGpus, revenueUsdPerYear, costUsdPerGpuHour);
        CapacityPlan plan = CapacityPlan.of(in);
        if (output.json) {
            output.printJson(Map.of("inputs", in, "plan", plan));
            return 0;
        }
        Table card = new Table("METRIC", "VALUE", "DERIVATION");
        card.row("QPS (avg)", "~" + whole(plan.qpsAverage()), num(imagesPerDay) + " images / 86,400 s");
        card.row("QPS (peak)", "~" + whole(plan.qpsPeak()), "avg x " + num(peakFactor) + " (peak factor)");
        card.row("Jobs/day", "~" + whole(plan.jobsPerDay()), num(imagesPerDay) + " images / " + imagesPerJob + " per grid");
        card.row("Jobs/s (avg, peak)", String.format(Locale.ROOT, "~%.1f, ~%.0f", plan.jobsPerSecondAverage(),
                plan.jobsPerSecondPeak()), "jobs/day / 86,400 s, x peak factor");
        card.row("GPU-hours/day (raw)", "~" + whole(plan.gpuHoursPerDayRaw()), "jobs x " + num(gpuSecondsPerJob) + " GPU-s / 3,600");
        card.row("GPU-hours/day (effective)", "~" + whole(plan.gpuHoursPerDayEffective()), "raw / " + num(utilization) + " utilization");
        card.row("Min GPUs (inference)", whole(plan.gpusNeeded()), "effective / 24 h, rounded up");
        card.row("Actual GPUs", whole(fleetGpus), String.format(Locale.ROOT, "%.0fx the minimum", plan.fleetOverMinimum()));
        card.row("Storage/day", String.format(Locale.ROOT, "~%.1f TB", plan.storageTbPerDay()), "jobs x " + num(gridMb) + " MB per grid");
        card.row("Bandwidth/day", String.format(Locale.ROOT, "~%.1f TB ($%s/day)", plan.egressTbPerDay(),
                whole(plan.egressUsdPerDay())), "storage x " + num(cdnAmplification) + " CDN amplification, $" + num(egressUsdPerGb) + "/GB");
        card.row("Rev/GPU-hour", money(plan.revenueUsdPerGpuHour()), "$" + num(revenueUsdPerYear) + " / (" + whole(fleetGpus) + " x 8,760 h)");
        card.row("Cost/GPU-hour", money(plan.costUsdPerGpuHour()), "cloud cost + ops overhead (input)");
        card.row("Gross margin/GPU-hour", money(plan.marginUsdPerGpuHour()), "revenue - cost");
        card.print(output.out(), "");
        return 0;
    }

    private static String whole(double value) {
        return String.format(Locale.ROOT, "%,d", Math.round(value));
    }

    private static String money(double value) {
        return String.format(Locale.ROOT, "$%.2f", value);
    }

    private static String num(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? String.format(Locale.ROOT, "%,d", (long) value)
                : String.format(Locale.ROOT, "%s", value);
    }
}
