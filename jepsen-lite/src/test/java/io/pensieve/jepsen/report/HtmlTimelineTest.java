package io.pensieve.jepsen.report;

import static io.pensieve.jepsen.checker.Histories.history;
import static org.assertj.core.api.Assertions.assertThat;

import io.pensieve.jepsen.checker.CheckReport;
import io.pensieve.jepsen.checker.Checker;
import io.pensieve.jepsen.checker.Histories;
import io.pensieve.jepsen.checker.HistoryFile;
import io.pensieve.jepsen.checker.NodeDigest;
import io.pensieve.jepsen.checker.Operation;
import io.pensieve.jepsen.checker.RandomHistories;
import io.pensieve.jepsen.history.Event;
import io.pensieve.jepsen.history.EventType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlTimelineTest {
  private static final String EVIL = "<script>alert('k')</script>";

  /** A stale read on a key named like markup, a lost write, a diverged node, two faults. */
  private static Histories staleRun() {
    return history()
        .write(1, EVIL, "a", 1_000_000, 2_000_000)
        .write(2, EVIL, "b&c", 3_000_000, 4_000_000)
        .read(3, EVIL, "a", 5_000_000, 6_000_000)
        .write(4, "k2", "x", 1_000_000, 9_000_000, EventType.INFO)
        .writeNoReply(5, "k2", "y", 2_000_000);
  }

  private static final List<NemesisEvent> FAULTS = List.of(
      new NemesisEvent(2_500_000, 5_500_000, "partition", "n1 | n2 n3 </td>"),
      new NemesisEvent(7_000_000, 7_000_000, "kill", "n2"));

  private static String render() {
    List<Event> events = staleRun().events();
    CheckReport report = Checker.check(events, Map.of("k2", "z"),
        Map.of("n1", new NodeDigest("aaa", 5), "n2", new NodeDigest("bbb", 4),
            "n3", new NodeDigest("aaa", 5)), Duration.ofSeconds(5));
    return HtmlTimeline.render("run <1>", HistoryFile.pair(events), FAULTS, report);
  }

  @Test
  void pageListsTheAnomalyWithItsWindowAtTheTop() {
    String html = render();
    assertThat(html).startsWith("<!DOCTYPE html>");
    assertThat(html).contains("<p class=\"verdict invalid\">INVALID</p>");
    int anomalies = html.indexOf("<section id=\"anomalies\">");
    int timeline = html.indexOf("<section id=\"timeline\">");
    assertThat(anomalies).isPositive().isLessThan(timeline);
    String top = html.substring(anomalies, timeline);
    assertThat(top).contains("Anomalies (3)")
        .contains("read of &lt;script&gt;alert(&#39;k&#39;)&lt;/script&gt; returned a but"
            + " b&amp;c was written and acknowledged before the read began (after a was)")
        .contains("final value nobody wrote")
        .contains("nodes diverged").contains("<tr class=\"focus\"><td>n2</td>");
    // the window's table: the newer write and the stale read, the read highlighted
    assertThat(top).containsPattern("<tr><td>p2</td><td>write</td><td>&lt;script&gt;[^<]*"
        + "</td><td>b&amp;c</td><td class=\"ok\">ok</td><td>2\\.000</td><td>3\\.000</td>");
    assertThat(top).contains("<tr class=\"focus\"><td>p3</td><td>read</td>");
    assertThat(top).contains("<button class=\"show\" data-from=\"2000000\" data-to=\"5000000\""
        + " data-ops=\"3 4\">");
    assertThat(html).contains("<td>partition</td><td>n1 | n2 n3 &lt;/td&gt;</td>");
  }

  @Test
  void everyStringIsEscapedAndNothingIsLoadedFromElsewhere() {
    String html = render();
    assertThat(html).doesNotContain(EVIL).doesNotContain("<script>alert")
        .doesNotContain("</td>\"");
    assertThat(html).contains("<title>run &lt;1&gt;</title>");
    // exactly the page's own two script elements
    assertThat(Pattern.compile("<script").matcher(html).results().count()).isEqualTo(2);
    assertThat(Pattern.compile("</script>").matcher(html).results().count()).isEqualTo(2);
    // in the embedded JSON the key survives, escaped for a script element
    assertThat(html).contains("\\u003cscript\\u003ealert('k')\\u003c/script\\u003e");
    assertThat(html).doesNotContainPattern("(?i)(src|href)\\s*=\\s*[\"']?\\s*(https?:|//)");
    assertThat(html).doesNotContainPattern("(?i)url\\(|@import|https?://");
  }

  @Test
  void operationsAreEmbeddedForTheCanvas() {
    String html = render();
    Matcher data = Pattern.compile("<script type=\"application/json\" id=\"tl-data\">(.*?)"
        + "</script>", Pattern.DOTALL).matcher(html);
    assertThat(data.find()).isTrue();
    String json = data.group(1);
    assertThat(json).contains("\"lanes\":[1,2,3,4,5]").contains("\"highlight\":[3,4]")
        .contains("\"nemesis\":[[1500000,4500000,\"partition\"");
    // op 2 (ids go by invoke), p5's write that never completed: info (2), no end (-1)
    assertThat(json).containsPattern("\\[2,4,1,\\d+,\\d+,-1,2,1000000,-1,\\d+\\]");
  }

  @Test
  void aHundredThousandOperationsMakeAPageOfAFewMegabytes(@TempDir Path dir)
      throws IOException {
    List<Event> history = RandomHistories.generate(1,
        new RandomHistories.Settings(10, 8, 100_000, 0.003, 0.01, 0.2));
    List<Operation> ops = HistoryFile.pair(history);
    CheckReport report = Checker.check(history, null, null, Duration.ofSeconds(30));
    long begin = System.nanoTime();
    Path file = dir.resolve("timeline.html");
    HtmlTimeline.write(file, "100k", ops, List.of(
        new NemesisEvent(1_000_000, 50_000_000, "partition", "n1 | n2 n3")), report);
    System.out.printf("rendered %d operations to %d bytes in %d ms%n", ops.size(),
        Files.size(file), (System.nanoTime() - begin) / 1_000_000);
    assertThat(Files.size(file)).isBetween(1_000_000L, 10_000_000L);
    assertThat(Files.readString(file)).contains("<p class=\"verdict valid\">VALID</p>")
        .contains("None found.");
  }
}
