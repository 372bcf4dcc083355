package io.pensieve.cli.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;
import java.util.function.ToDoubleFunction;

/**
 * {@code --plot}: throughput and p99 latency against the client count, as an SVG 1.1 file of
 * two panels over one log-2 x axis, one point per level. Plain text, written here, so that the
 * chart needs nothing but pvctl.
 */
public final class SweepChart {
  private static final int WIDTH = 760;
  private static final int LEFT = 90;
  private static final int RIGHT = 30;
  private static final int TOP = 70;
  private static final int PANEL_HEIGHT = 210;
  private static final int PANEL_GAP = 70;
  private static final int BOTTOM = 60;
  private static final int HEIGHT = TOP + 2 * PANEL_HEIGHT + PANEL_GAP + BOTTOM;
  private static final int Y_TICKS = 4;

  /** One level: its client count and what it measured, all operations together. */
  public record Point(int clients, double opsPerSecond, double p99Millis) {}

  private final String title;
  private final String subtitle;
  private final List<Point> points;
  private final double xMinLog;
  private final double xMaxLog;

  public SweepChart(String title, String subtitle, List<Point> points) {
    if (points.isEmpty()) {
      throw new IllegalArgumentException("a chart needs at least one point");
    }
    this.title = title;
    this.subtitle = subtitle;
    this.points = points.stream().sorted(Comparator.comparingInt(Point::clients)).toList();
    int min = this.points.get(0).clients();
    int max = this.points.get(this.points.size() - 1).clients();
    // whole powers of two at both ends, and some room around a single point
    double low = Math.floor(log2(min));
    double high = Math.ceil(log2(max));
    this.xMinLog = high == low ? low - 1 : low;
    this.xMaxLog = high == low ? high + 1 : high;
  }

  /** The chart of a bench: one point per level, titled with its workload, API and in-flight. */
  public static SweepChart of(BenchResult result) {
    BenchPlan plan = result.plan();
    String workload = plan.workload() == Workload.MIXED
        ? String.format(Locale.ROOT, "mixed (%.0f%% reads)", plan.readRatio() * 100)
        : plan.workload().label();
    String title = "pvctl bench " + workload + " over " + plan.api().label() + ", "
        + plan.inFlight() + " in flight per client";
    String subtitle = (plan.openLoop()
        ? String.format(Locale.ROOT, "open loop at %,.0f requests/s", plan.rate().getAsDouble())
        : "closed loop") + String.format(Locale.ROOT, ", %s per level after %s warmup,"
            + " %,d keys, %,d-byte values", seconds(plan.duration().toMillis()),
        seconds(plan.warmup().toMillis()), plan.keys(), plan.valueSize());
    List<Point> points = new ArrayList<>();
    for (LevelResult level : result.levels()) {
      points.add(new Point(level.clients(), level.total().opsPerSecond(),
          level.total().p99Millis()));
    }
    return new SweepChart(title, subtitle, points);
  }

  public String svg() {
    StringBuilder svg = new StringBuilder();
    svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n")
        .append("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"")
        .append(WIDTH).append("\" height=\"").append(HEIGHT).append("\" viewBox=\"0 0 ")
        .append(WIDTH).append(' ').append(HEIGHT)
        .append("\" font-family=\"sans-serif\" font-size=\"12\">\n")
        .append("<title>").append(escape(title)).append("</title>\n")
        .append("<rect width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT)
        .append("\" fill=\"white\"/>\n");
    text(svg, WIDTH / 2.0, 28, "middle", "font-size=\"15\" font-weight=\"bold\"", title);
    text(svg, WIDTH / 2.0, 48, "middle", "fill=\"#555\"", subtitle);
    panel(svg, "throughput", TOP, "throughput (ops/s)", Point::opsPerSecond,
        v -> String.format(Locale.ROOT, "%,.0f", v), "ops/s", "#1f77b4");
    panel(svg, "p99", TOP + PANEL_HEIGHT + PANEL_GAP, "p99 latency (ms)", Point::p99Millis,
        Millis::format, "ms p99", "#d62728");
    text(svg, LEFT + plotWidth() / 2.0, HEIGHT - 18, "middle", "",
        "clients (log2 scale; each client is one connection)");
    svg.append("</svg>\n");
    return svg.toString();
  }

  private void panel(StringBuilder svg, String id, int top, String yLabel,
      ToDoubleFunction<Point> value, DoubleFunction<String> format, String unit, String colour) {
    double max = points.stream().mapToDouble(value).max().orElse(0);
    double step = niceStep(max / Y_TICKS);
    double yMax = step * Y_TICKS;
    int bottom = top + PANEL_HEIGHT;
    svg.append("<g id=\"").append(id).append("\" class=\"panel\">\n");
    for (int i = 0; i <= Y_TICKS; i++) {
      double y = bottom - PANEL_HEIGHT * i / (double) Y_TICKS;
      line(svg, LEFT, y, LEFT + plotWidth(), y, i == 0 ? "#000" : "#ddd");
      text(svg, LEFT - 8, y + 4, "end", "", format.apply(step * i));
    }
    for (double exponent = xMinLog; exponent <= xMaxLog; exponent++) {
      double x = x(Math.pow(2, exponent));
      line(svg, x, top, x, bottom, exponent == xMinLog ? "#000" : "#eee");
      text(svg, x, bottom + 18, "middle", "", String.valueOf((long) Math.pow(2, exponent)));
    }
    double labelX = 24;
    double labelY = top + PANEL_HEIGHT / 2.0;
    svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\""
        + " transform=\"rotate(-90 %.1f %.1f)\">%s</text>%n", labelX, labelY, labelX, labelY,
        escape(yLabel)));
    StringBuilder path = new StringBuilder();
    for (Point point : points) {
      path.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(point.clients()),
          y(value.applyAsDouble(point), yMax, bottom)));
    }
    svg.append("<polyline fill=\"none\" stroke=\"").append(colour)
        .append("\" stroke-width=\"2\" points=\"").append(path.toString().trim())
        .append("\"/>\n");
    for (Point point : points) {
      double v = value.applyAsDouble(point);
      svg.append(String.format(Locale.ROOT, "<circle class=\"point\" cx=\"%.1f\" cy=\"%.1f\""
          + " r=\"4\" fill=\"%s\" data-clients=\"%d\" data-value=\"%s\"><title>%s</title>"
          + "</circle>%n", x(point.clients()), y(v, yMax, bottom), colour, point.clients(),
          String.format(Locale.ROOT, "%.3f", v), escape(point.clients() + " clients: "
              + format.apply(v) + " " + unit)));
    }
    svg.append("</g>\n");
  }

  private double x(double clients) {
    return LEFT + plotWidth() * (log2(clients) - xMinLog) / (xMaxLog - xMinLog);
  }

  private static double y(double value, double yMax, int bottom) {
    return bottom - PANEL_HEIGHT * Math.min(value, yMax) / yMax;
  }

  private static int plotWidth() {
    return WIDTH - LEFT - RIGHT;
  }

  /** 1, 2, 2.5 or 5 times a power of ten, at least {@code rough}. */
  static double niceStep(double rough) {
    if (!(rough > 0)) {
      return 1;
    }
    double power = Math.pow(10, Math.floor(Math.log10(rough)));
    for (double factor : new double[] {1, 2, 2.5, 5, 10}) {
      if (factor * power >= rough) {
        return factor * power;
      }
    }
    return 10 * power;
  }

  private static void line(StringBuilder svg, double x1, double y1, double x2, double y2,
      String colour) {
    svg.append(String.format(Locale.ROOT,
        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>%n",
        x1, y1, x2, y2, colour));
  }

  private static void text(StringBuilder svg, double x, double y, String anchor,
      String attributes, String content) {
    svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s>",
        x, y, anchor, attributes.isEmpty() ? "" : " " + attributes))
        .append(escape(content)).append("</text>\n");
  }

  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  private static double log2(double value) {
    return Math.log(value) / Math.log(2);
  }

  private static String seconds(long millis) {
    return millis % 1000 == 0 ? millis / 1000 + " s" : millis / 1000.0 + " s";
  }
}
