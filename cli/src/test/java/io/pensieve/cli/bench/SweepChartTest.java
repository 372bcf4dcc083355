package io.pensieve.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class SweepChartTest {
  private static final String SVG = "http://www.w3.org/2000/svg";

  private static BenchResult sweep(int... clients) {
    BenchPlan plan = new BenchPlan(Workload.MIXED, Api.REST,
        Arrays.stream(clients).boxed().toList(), 8, OptionalDouble.empty(),
        Duration.ofSeconds(10), Duration.ofSeconds(2), 10_000, 100, false, 0.9, 1, true,
        Duration.ofSeconds(10));
    List<LevelResult> levels = new ArrayList<>();
    for (int count : clients) {
      // throughput rises with the clients, and latency with it
      OpStats total = new OpStats(count * 1000L, count * 100.0, count, count, count, count * 2.0,
          count * 3.0, count * 4.0, Map.of());
      levels.add(new LevelResult(count, 8, 10, Map.of(Op.GET, total), total, 0));
    }
    return new BenchResult(plan, List.of("http://127.0.0.1:8001"), Optional.empty(), levels);
  }

  private static Document parse(String svg) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return factory.newDocumentBuilder()
        .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }

  private static List<Element> points(Document svg, String panel) {
    Element group = null;
    NodeList groups = svg.getElementsByTagNameNS(SVG, "g");
    for (int i = 0; i < groups.getLength(); i++) {
      Element candidate = (Element) groups.item(i);
      if (candidate.getAttribute("id").equals(panel)) {
        group = candidate;
      }
    }
    assertThat(group).as("panel " + panel).isNotNull();
    NodeList circles = group.getElementsByTagNameNS(SVG, "circle");
    List<Element> points = new ArrayList<>();
    for (int i = 0; i < circles.getLength(); i++) {
      points.add((Element) circles.item(i));
    }
    return points;
  }

  @Test
  void theChartIsSvgWithOnePointPerLevelInEachPanel() throws Exception {
    Document svg = parse(SweepChart.of(sweep(1, 4, 16, 64, 256)).svg());

    Element root = svg.getDocumentElement();
    assertThat(root.getNamespaceURI()).isEqualTo(SVG);
    assertThat(root.getLocalName()).isEqualTo("svg");
    assertThat(root.getAttribute("version")).isEqualTo("1.1");
    for (String panel : List.of("throughput", "p99")) {
      assertThat(points(svg, panel)).extracting(point -> point.getAttribute("data-clients"))
          .containsExactly("1", "4", "16", "64", "256");
    }
  }

  @Test
  void clientsGoOnALogTwoAxisAndHigherValuesHigherUp() throws Exception {
    Document svg = parse(SweepChart.of(sweep(1, 4, 16, 64, 256)).svg());

    List<Element> throughput = points(svg, "throughput");
    double[] x = throughput.stream().mapToDouble(p -> Double.parseDouble(p.getAttribute("cx")))
        .toArray();
    // 1, 4, 16, 64, 256 are two doublings apart each: evenly spaced on a log-2 axis
    for (int i = 2; i < x.length; i++) {
      assertThat(x[i] - x[i - 1]).isCloseTo(x[1] - x[0], within(0.2));
    }
    double[] y = throughput.stream().mapToDouble(p -> Double.parseDouble(p.getAttribute("cy")))
        .toArray();
    for (int i = 1; i < y.length; i++) {
      assertThat(y[i]).isLessThan(y[i - 1]);
    }
  }

  @Test
  void theTitleAndAxesSayWhatWasMeasured() throws Exception {
    String svg = SweepChart.of(sweep(2, 8)).svg();
    Document document = parse(svg);

    String title = document.getElementsByTagNameNS(SVG, "title").item(0).getTextContent();
    assertThat(title).isEqualTo("pvctl bench mixed (90% reads) over rest, 8 in flight per client");
    assertThat(document.getDocumentElement().getTextContent())
        .contains("throughput (ops/s)").contains("p99 latency (ms)")
        .contains("clients (log2 scale").contains("closed loop");
  }

  @Test
  void aSingleLevelStillMakesAChart() throws Exception {
    Document svg = parse(SweepChart.of(sweep(16)).svg());

    assertThat(points(svg, "throughput")).hasSize(1);
    assertThat(points(svg, "p99")).hasSize(1);
  }

  @Test
  void textIsEscaped() throws Exception {
    String svg = new SweepChart("a < b & \"c\"", "d > e",
        List.of(new SweepChart.Point(1, 10, 1))).svg();

    assertThat(parse(svg).getElementsByTagNameNS(SVG, "title").item(0).getTextContent())
        .isEqualTo("a < b & \"c\"");
  }

  @Test
  void stepsAreRoundNumbers() {
    assertThat(SweepChart.niceStep(0.13)).isEqualTo(0.2);
    assertThat(SweepChart.niceStep(2.2)).isEqualTo(2.5);
    assertThat(SweepChart.niceStep(3100)).isEqualTo(5000);
    assertThat(SweepChart.niceStep(10_000)).isEqualTo(10_000);
    assertThat(SweepChart.niceStep(0)).isEqualTo(1);
  }
}
