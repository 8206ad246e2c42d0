package io.github.deltalog.bench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A grouped bar chart on a log-10 value axis, drawn with java.awt into a PNG: one group per parameter value, one
 * bar per implementation, each bar labelled with its figure. Missing values (NaN) leave a gap.
 */
final class BarChart {
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)
    };
    private static final int BAR = 22;
    private static final int GAP = 28;
    private static final int LEFT = 90;
    private static final int TOP = 50;
    private static final int PLOT_HEIGHT = 330;
    private static final int BOTTOM = 60;
    private static final int LEGEND = 210;

    private BarChart() {}

    /**
     * Draws a chart.
     *
     * @param file the PNG to write
     * @param title the title
     * @param axis the value axis label
     * @param groups the group labels
     * @param series the bar labels (legend)
     * @param values {@code values[group][series]}, NaN where missing
     * @throws IOException if the file cannot be written
     */
    static void write(Path file, String title, String axis, List<String> groups, List<String> series, double[][] values)
            throws IOException {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] g : values) {
            for (double v : g) {
                if (v > 0) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (lo > hi) {
            lo = 1;
            hi = 10;
        }
        int minExp = (int) Math.floor(Math.log10(lo));
        int maxExp = (int) Math.ceil(Math.log10(hi));
        if (maxExp == minExp) {
            maxExp++;
        }
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
        FontMetrics metrics = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB)
                .createGraphics()
                .getFontMetrics(font);
        int widestLabel = groups.stream().mapToInt(metrics::stringWidth).max().orElse(0);
        int groupWidth = Math.max(series.size() * BAR + GAP, widestLabel + 12);
        int width = LEFT + groups.size() * groupWidth + GAP + LEGEND;
        int height = TOP + PLOT_HEIGHT + BOTTOM;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, LEFT, 25);
        g.setFont(font);
        int plotRight = LEFT + groups.size() * groupWidth + GAP;
        int baseY = TOP + PLOT_HEIGHT;
        for (int e = minExp; e <= maxExp; e++) {
            int y = y(Math.pow(10, e), minExp, maxExp);
            g.setColor(new Color(0xdddddd));
            g.drawLine(LEFT, y, plotRight, y);
            g.setColor(Color.DARK_GRAY);
            String label = Figures.si(Math.pow(10, e));
            g.drawString(label, LEFT - 8 - g.getFontMetrics().stringWidth(label), y + 4);
        }
        g.setColor(Color.BLACK);
        g.drawLine(LEFT, TOP, LEFT, baseY);
        g.drawLine(LEFT, baseY, plotRight, baseY);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        rotated.drawString(axis + " (log scale)", -baseY + 20, 18);
        rotated.dispose();
        Font small = new Font(Font.SANS_SERIF, Font.PLAIN, 9);
        for (int gi = 0; gi < groups.size(); gi++) {
            int x0 = LEFT + GAP + gi * groupWidth + (groupWidth - GAP - series.size() * BAR) / 2;
            for (int si = 0; si < series.size(); si++) {
                double v = values[gi][si];
                if (!(v > 0)) {
                    continue;
                }
                int x = x0 + si * BAR;
                int y = y(v, minExp, maxExp);
                g.setColor(PALETTE[si % PALETTE.length]);
                g.fillRect(x + 2, y, BAR - 4, baseY - y);
                Graphics2D label = (Graphics2D) g.create();
                label.setColor(Color.BLACK);
                label.setFont(small);
                label.translate(x + BAR / 2 + 3, y - 3);
                label.rotate(-Math.PI / 2);
                label.drawString(Figures.si(v), 0, 0);
                label.dispose();
            }
            g.setColor(Color.BLACK);
            FontMetrics fm = g.getFontMetrics();
            String text = groups.get(gi);
            int cx = x0 + series.size() * BAR / 2;
            g.drawString(text, cx - fm.stringWidth(text) / 2, baseY + 18);
        }
        int lx = plotRight + 20;
        for (int si = 0; si < series.size(); si++) {
            int ly = TOP + 10 + si * 20;
            g.setColor(PALETTE[si % PALETTE.length]);
            g.fillRect(lx, ly - 10, 12, 12);
            g.setColor(Color.BLACK);
            g.drawString(series.get(si), lx + 18, ly);
        }
        g.setStroke(new BasicStroke(1));
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    private static int y(double v, int minExp, int maxExp) {
        double f = (Math.log10(v) - minExp) / (maxExp - minExp);
        return TOP + PLOT_HEIGHT - (int) Math.round(f * PLOT_HEIGHT);
    }
}
