package dev.imagine.ops.sim;

import dev.imagine.core.account.Plan;
import dev.imagine.core.job.Lane;
import dev.imagine.core.model.ModelNeeds;
import java.util.SplittableRandom;

/**
 * One simulated day of arrivals, generated once from a seed so that every policy sees the same jobs.
 *
 * <p>From the seed: 2.5 M images a day = 625 K jobs (ch. 1), the diurnal table of ch. 1 (2–8 AM 0.5x,
 * 8–12 1.0x, 12–18 1.2x, 18–23 2.75x, 23–2 1.5x, normalised to a daily mean of 1), 30% of jobs on the older
 * version (ch. 1: "if 30% of users still use V5/V6") and half of all volume Relax (ch. 1). Assumed here, as the
 * seed gives none: Turbo 5% of jobs, a plan mix of 20% Basic, 45% Standard, 25% Pro, 10% Mega, 20 jobs per
 * active user a day on average with Pareto(1.2) activity capped at 200 times the lightest user's (many light
 * users, a few heavy ones doing hundreds of jobs a day), and each job's GPU time
 * uniform in 0.5–1.5x its version's typical time ({@link ModelNeeds}).
 */
final class Scenario {
    static final String[] VERSIONS = {"v6", "v8"};
    private static final double[] HOURLY = hourlyCurve();

    final int jobs;
    final int users;
    final long[] submitMillis;
    final int[] user;
    final Lane[] lane;
    final int[] version;
    final long[] serviceMillis;
    final Plan[] plans;

    Scenario(int jobs, long seed) {
        this.jobs = jobs;
        this.users = Math.max(10, jobs / 20);
        SplittableRandom random = new SplittableRandom(seed);
        plans = new Plan[users];
        for (int u = 0; u < users; u++) {
            double p = random.nextDouble();
            plans[u] = p < 0.20 ? Plan.BASIC : p < 0.65 ? Plan.STANDARD : p < 0.90 ? Plan.PRO : Plan.MEGA;
        }
        double[] userCdf = activityCdf(users, random);
        submitMillis = arrivals(jobs, random);
        user = new int[jobs];
        lane = new Lane[jobs];
        version = new int[jobs];
        serviceMillis = new long[jobs];
        for (int j = 0; j < jobs; j++) {
            user[j] = sample(userCdf, random.nextDouble());
            double l = random.nextDouble();
            Lane chosen = l < 0.05 ? Lane.TURBO : l < 0.50 ? Lane.FAST : Lane.RELAX;
            lane[j] = chosen == Lane.RELAX && !plans[user[j]].relaxIncluded() ? Lane.FAST : chosen;
            version[j] = random.nextDouble() < 0.30 ? 0 : 1;
            long typical = ModelNeeds.of(VERSIONS[version[j]]).gpuMillisPerJob();
            serviceMillis[j] = (long) (typical * (0.5 + random.nextDouble()));
        }
    }

    /** Arrival times over one day: inverse-CDF sampling of the diurnal curve, sorted. */
    private static long[] arrivals(int jobs, SplittableRandom random) {
        double[] cumulative = new double[25];
        for (int h = 0; h < 24; h++) {
            cumulative[h + 1] = cumulative[h] + HOURLY[h];
        }
        long[] times = new long[jobs];
        for (int j = 0; j < jobs; j++) {
            double x = random.nextDouble() * cumulative[24];
            int h = 0;
            while (cumulative[h + 1] < x) {
                h++;
            }
            double within = (x - cumulative[h]) / HOURLY[h];
            times[j] = (long) ((h + within) * 3_600_000);
        }
        java.util.Arrays.sort(times);
        return times;
    }

    /** The seed's table (hours Pacific), as multipliers whose 24-hour mean is 1. */
    private static double[] hourlyCurve() {
        double[] curve = new double[24];
        for (int h = 0; h < 24; h++) {
            curve[h] = h >= 2 && h < 8 ? 0.5 : h >= 8 && h < 12 ? 1.0 : h >= 12 && h < 18 ? 1.2
                    : h >= 18 && h < 23 ? 2.75 : 1.5;
        }
        double mean = java.util.Arrays.stream(curve).average().orElse(1);
        for (int h = 0; h < 24; h++) {
            curve[h] /= mean;
        }
        return curve;
    }

    private static double[] activityCdf(int n, SplittableRandom random) {
        double[] cdf = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.min(200, Math.pow(1 - random.nextDouble(), -1 / 1.2));
            cdf[i] = sum;
        }
        for (int i = 0; i < n; i++) {
            cdf[i] /= sum;
        }
        return cdf;
    }

    private static int sample(double[] cdf, double u) {
        int index = java.util.Arrays.binarySearch(cdf, u);
        return Math.min(cdf.length - 1, index >= 0 ? index : -index - 1);
    }
}
