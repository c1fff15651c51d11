package dev.imagine.kernels;

/**
 * The finished 2x2 grid.
 *
 * @param png           the grid encoded as PNG
 * @param width         grid width in pixels (twice the image width)
 * @param height        grid height in pixels (twice the image height)
 * @param steps         sampler steps that were run
 * @param elapsedMillis wall time of the generate call
 */
public record GeneratedGrid(byte[] png, int width, int height, int steps, long elapsedMillis) {}
