package io.pensieve.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import java.util.Locale;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The node's {@code --log-level} and {@code --log-format}, applied to Logback at start. The
 * level is Pensieve's own and the root's; Ratis, Jetty and gRPC keep the quieter levels of
 * {@code logback.xml}, which a {@code -Dlogback.configurationFile} replaces whole.
 */
public final class LogOptions {
  /** The console appender {@code logback.xml} declares. */
  static final String CONSOLE_APPENDER = "STDOUT";

  private LogOptions() {}

  /** @throws IllegalArgumentException for a level or format Logback does not know */
  public static void apply(String level, String format) {
    apply((LoggerContext) LoggerFactory.getILoggerFactory(), level, format);
    // java.util.logging (Ratis's shaded gRPC) would print its own lines, not JSON ones
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
  }

  @SuppressWarnings("unchecked") // Logback's appenders on a classic logger take ILoggingEvent
  static void apply(LoggerContext context, String level, String format) {
    Level parsed = parseLevel(level);
    boolean json = parseJson(format);
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(parsed);
    context.getLogger("io.pensieve").setLevel(parsed);
    Appender<ILoggingEvent> appender = root.getAppender(CONSOLE_APPENDER);
    if (json && appender instanceof OutputStreamAppender) {
      OutputStreamAppender<ILoggingEvent> console = (OutputStreamAppender<ILoggingEvent>) appender;
      // at start, before the node logs: no event is being encoded while the encoder changes
      console.setEncoder(jsonEncoder(context));
    }
  }

  private static Level parseLevel(String level) {
    String name = level.trim().toUpperCase(Locale.ROOT);
    Level parsed = Level.toLevel(name, null);
    if (parsed == null) {
      throw new IllegalArgumentException("log level must be one of trace, debug, info, warn, "
          + "error or off; got '" + level + "'");
    }
    return parsed;
  }

  private static boolean parseJson(String format) {
    switch (format.trim().toLowerCase(Locale.ROOT)) {
      case "text":
        return false;
      case "json":
        return true;
      default:
        throw new IllegalArgumentException("log format must be text or json; got '"
            + format + "'");
    }
  }

  /** One JSON object per line: timestamp, level, thread, logger, message, throwable. */
  private static JsonEncoder jsonEncoder(LoggerContext context) {
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(context);
    encoder.setWithSequenceNumber(false);
    encoder.setWithNanoseconds(false);
    encoder.setWithContext(false);
    encoder.setWithMDC(false); // the node puts nothing there
    encoder.setWithMessage(false); // the formatted one instead, arguments filled in
    encoder.setWithArguments(false);
    encoder.setWithFormattedMessage(true);
    encoder.start();
    return encoder;
  }
}
