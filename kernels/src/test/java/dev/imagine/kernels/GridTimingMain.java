package dev.imagine.kernels;

/**
 * Not a test: prints how long a 1:1 grid takes per preset and version, after warm-up, for the
 * README table and before/after comparisons of faster backends. Run from the repository root after
 * a build:
 *
 * <pre>
 * java -cp kernels/target/classes:kernels/target/test-classes:$HOME/.m2/repository/org/slf4j/slf4j-api/2.0.18/slf4j-api-2.0.18.jar \
 *     dev.imagine.kernels.GridTimingMain [runs]
 * </pre>
 */
public final class GridTimingMain {

    private GridTimingMain() {}

    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        GenerationRequest request = new GenerationRequest("a red fox in the snow, oil painting", "", 42, 1, 1, 1.0, 100, 0);
        for (ModelPreset preset : ModelPreset.values()) {
            for (String version : ModelRegistry.versions()) {
                DiffusionModel model = ModelRegistry.load(version, preset);
                long best = Long.MAX_VALUE;
                GeneratedGrid grid = null;
                for (int i = 0; i <= runs; i++) { // run 0 warms the JIT up
                    grid = model.generate(request, ProgressListener.NONE, new CancellationToken());
                    if (i > 0) {
                        best = Math.min(best, grid.elapsedMillis());
                    }
                }
                System.out.printf("%-5s %s  grid %dx%d  %2d steps  best of %d: %5d ms%n",
                        preset, version, grid.width(), grid.height(), grid.steps(), runs, best);
            }
        }
    }
}
