package dev.imagine.ops.cli.capacity;

/**
 * The seed's back-of-envelope (chapter 1, "The Numbers"): from daily images to QPS, jobs, GPU-hours,
 * GPUs, storage, egress, and revenue and margin per GPU-hour. Pure arithmetic; units are in the names.
 */
public record CapacityPlan(
        double qpsAverage,
        double qpsPeak,
        double jobsPerDay,
        double jobsPerSecondAverage,
        double jobsPerSecondPeak,
        double gpuHoursPerDayRaw,
        double gpuHoursPerDayEffective,
        long gpusNeeded,
        double storageTbPerDay,
        double egressTbPerDay,
        double egressUsdPerDay,
        double revenueUsdPerGpuHour,
        double costUsdPerGpuHour,
        double marginUsdPerGpuHour,
        double fleetOverMinimum) {

    static final double SECONDS_PER_DAY = 86_400;
    static final double HOURS_PER_YEAR = 8_760;

    /** The inputs, defaulting to the seed's (2.5 M images/day, 4 per grid, 20 GPU-s per job, 65%, ...). */
    public record Inputs(double imagesPerDay, int imagesPerJob, double gpuSecondsPerJob, double utilization,
                         double peakFactor, double gridMb, double cdnAmplification, double egressUsdPerGb,
                         long fleetGpus, double revenueUsdPerYear, double costUsdPerGpuHour) {
        public static Inputs seed() {
            return new Inputs(2.5e6, 4, 20, 0.65, 3, 4, 3, 0.08, 10_000, 500e6, 4.00);
        }
    }

    public static CapacityPlan of(Inputs in) {
        double qps = in.imagesPerDay() / SECONDS_PER_DAY;
        double jobs = in.imagesPerDay() / in.imagesPerJob();
        double rawHours = jobs * in.gpuSecondsPerJob() / 3_600;
        double effectiveHours = rawHours / in.utilization();
        long gpus = (long) Math.ceil(effectiveHours / 24);
        double storageTb = jobs * in.gridMb() / 1e6;
        double egressTb = storageTb * in.cdnAmplification();
        double revenuePerHour = in.revenueUsdPerYear() / (in.fleetGpus() * HOURS_PER_YEAR);
        return new CapacityPlan(qps, qps * in.peakFactor(), jobs, jobs / SECONDS_PER_DAY,
                jobs / SECONDS_PER_DAY * in.peakFactor(), rawHours, effectiveHours, gpus, storageTb, egressTb,
                egressTb * 1_000 * in.egressUsdPerGb(), revenuePerHour, in.costUsdPerGpuHour(),
                revenuePerHour - in.costUsdPerGpuHour(), (double) in.fleetGpus() / gpus);
    }
}
