package io.pensieve.server.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code --log-level} and {@code --log-format} on a Logback context of the test's own. */
class LogOptionsTest {
  private final LoggerContext context = new LoggerContext();
  private final ByteArrayOutputStream console = new ByteArrayOutputStream();

  /** As logback.xml does, with the console appender writing where the test can read. */
  @BeforeEach
  void configureLikeLogbackXml() {
    context.setMDCAdapter(new LogbackMDCAdapter()); // a context outside SLF4J needs its own
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%level %logger - %msg%n");
    encoder.start();
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setContext(context);
    appender.setName(LogOptions.CONSOLE_APPENDER);
    appender.setEncoder(encoder);
    appender.setOutputStream(console);
    appender.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
  }

  @Test
  void jsonFormatWritesOneObjectPerLineWithTheFormattedMessage() throws Exception {
    String out = capture(() -> {
      LogOptions.apply(context, "info", "json");
      context.getLogger("io.pensieve.server.PensieveNode").info("Node {} started", "n1");
    });

    String[] lines = out.split("\n");
    assertThat(lines).hasSize(1);
    JsonNode line = new ObjectMapper().readTree(lines[0]);
    assertThat(line.path("level").asText()).isEqualTo("INFO");
    assertThat(line.path("loggerName").asText()).isEqualTo("io.pensieve.server.PensieveNode");
    assertThat(line.path("formattedMessage").asText()).isEqualTo("Node n1 started");
    assertThat(line.path("timestamp").asLong()).isPositive();
  }

  @Test
  void theLevelHidesWhatIsBelowIt() {
    String out = capture(() -> {
      LogOptions.apply(context, "WARN", "text");
      context.getLogger("io.pensieve.server.PensieveNode").info("quiet");
      context.getLogger("io.pensieve.server.PensieveNode").warn("loud");
    });

    assertThat(out).isEqualTo("WARN io.pensieve.server.PensieveNode - loud\n");
  }

  @Test
  void debugShowsPensieveDebugLines() {
    String out = capture(() -> {
      LogOptions.apply(context, "debug", "text");
      context.getLogger("io.pensieve.server.raft.RaftNode").debug("detail");
    });

    assertThat(out).contains("DEBUG io.pensieve.server.raft.RaftNode - detail");
  }

  @Test
  void unknownLevelsAndFormatsAreRefusedWithTheChoices() {
    assertThatThrownBy(() -> LogOptions.apply(context, "verbose", "text"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("log level must be one of trace, debug, info, warn, error or off; "
            + "got 'verbose'");
    assertThatThrownBy(() -> LogOptions.apply(context, "info", "xml"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("log format must be text or json; got 'xml'");
  }

  /** What the console appender printed while {@code logging} ran. */
  private String capture(Runnable logging) {
    logging.run();
    return console.toString(StandardCharsets.UTF_8);
  }
}
