package io.ringtrace.bench.load;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.HdrHistogram.Histogram;

/**
 * Draws a time-by-percentile chart, of response time or of service time (both systems on one
 * chart, both axes logarithmic: x in "nines" from p0 to p99.999, y in microseconds) as a PNG with
 * plain {@code java.awt} in headless mode.
 */
final class LatencyChart {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 560;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int BOTTOM = 70;
    /** x axis runs to 99.999% = 5 nines. */
    private static final double MAX_NINES = 5;
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0x9467bd)};

    private LatencyChart() {
    }

    /** One line on the chart. */
    record Series(String label, Histogram histogram) {
    }

    /**
     * Writes the chart.
     *
     * @param title chart title
     * @param series the lines (histograms in ns)
     * @param file the PNG to write
     * @throws IOException if writing fails
     */
    static void write(String title, List<Series> series, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);

            double minMicros = Double.MAX_VALUE;
            double maxMicros = 0;
            for (Series s : series) {
                if (s.histogram().getTotalCount() == 0) {
                    continue;
                }
                minMicros = Math.min(minMicros, Math.max(0.01, s.histogram().getMinValue() / 1000.0));
                maxMicros = Math.max(maxMicros, s.histogram().getMaxValue() / 1000.0);
            }
            if (maxMicros == 0) {
                minMicros = 0.1;
                maxMicros = 1;
            }
            double yLow = Math.floor(Math.log10(minMicros));
            double yHigh = Math.max(yLow + 1, Math.ceil(Math.log10(maxMicros)));
            int plotWidth = WIDTH - LEFT - RIGHT;
            int plotHeight = HEIGHT - TOP - BOTTOM;

            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            // grid and y labels (powers of ten, microseconds)
            for (int decade = (int) yLow; decade <= (int) yHigh; decade++) {
                int y = TOP + plotHeight - (int) Math.round((decade - yLow) / (yHigh - yLow) * plotHeight);
                g.setColor(new Color(0xdddddd));
                g.drawLine(LEFT, y, LEFT + plotWidth, y);
                g.setColor(Color.DARK_GRAY);
                g.drawString(micros(Math.pow(10, decade)), 8, y + 4);
            }
            // x labels: p0, p90, p99, p99.9, p99.99, p99.999
            String[] xLabels = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%"};
            for (int nines = 0; nines <= (int) MAX_NINES; nines++) {
                int x = LEFT + (int) Math.round(nines / MAX_NINES * plotWidth);
                g.setColor(new Color(0xdddddd));
                g.drawLine(x, TOP, x, TOP + plotHeight);
                g.setColor(Color.DARK_GRAY);
                g.drawString(xLabels[nines], x - 18, TOP + plotHeight + 18);
            }
            g.setColor(Color.BLACK);
            g.drawRect(LEFT, TOP, plotWidth, plotHeight);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            g.drawString(title, LEFT, 30);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.drawString("percentile (log scale of 1/(1-p))", LEFT + plotWidth / 2 - 90, HEIGHT - 25);
            g.drawString("time, log scale", 8, TOP - 10);

            g.setStroke(new BasicStroke(2f));
            for (int i = 0; i < series.size(); i++) {
                Series s = series.get(i);
                g.setColor(COLORS[i % COLORS.length]);
                if (s.histogram().getTotalCount() > 0) {
                    int previousX = -1;
                    int previousY = -1;
                    for (int step = 0; step <= 500; step++) {
                        double nines = step / 500.0 * MAX_NINES;
                        double percentile = 100.0 * (1 - Math.pow(10, -nines));
                        double valueMicros = Math.max(minMicros, s.histogram().getValueAtPercentile(percentile) / 1000.0);
                        int x = LEFT + (int) Math.round(nines / MAX_NINES * plotWidth);
                        int y = TOP + plotHeight
                                - (int) Math.round((Math.log10(valueMicros) - yLow) / (yHigh - yLow) * plotHeight);
                        if (previousX >= 0) {
                            g.drawLine(previousX, previousY, x, y);
                        }
                        previousX = x;
                        previousY = y;
                    }
                }
                int legendY = TOP + 20 + i * 18;
                g.drawLine(LEFT + 15, legendY - 4, LEFT + 45, legendY - 4);
                g.setColor(Color.BLACK);
                g.drawString(s.label(), LEFT + 52, legendY);
            }
        } finally {
            g.dispose();
        }
        ImageIO.write(image, "png", file.toFile());
    }

    private static String micros(double value) {
        if (value >= 1_000_000) {
            return String.format(Locale.ROOT, "%.0f s", value / 1_000_000);
        }
        if (value >= 1000) {
            return String.format(Locale.ROOT, "%.0f ms", value / 1000);
        }
        if (value >= 1) {
            return String.format(Locale.ROOT, "%.0f us", value);
        }
        return String.format(Locale.ROOT, "%.0f ns", value * 1000);
    }
}
