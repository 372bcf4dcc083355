package io.pensieve.server.metrics;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes a registry in the format the scraper's {@code Accept} header asks for: the Prometheus
 * text format (0.0.4) by default, OpenMetrics when preferred. The protobuf format is not on
 * the classpath (every histogram here is a classic one, which the text formats carry whole),
 * so a scraper that prefers it gets its next choice.
 */
public final class MetricsExposition {
  /** A scrape's body and the content type that names its format. */
  @SuppressWarnings("ArrayRecordComponent") // handed straight to the response, never compared
  public record Scrape(String contentType, byte[] body) { }

  private final PrometheusRegistry registry;
  private final ExpositionFormats formats = ExpositionFormats.init();

  MetricsExposition(PrometheusRegistry registry) {
    this.registry = registry;
  }

  /** @param accept the request's {@code Accept} header, or null */
  public Scrape scrape(String accept) {
    String header = accept == null ? "" : accept;
    ExpositionFormatWriter writer = formats.findWriter(header);
    if (!writer.isAvailable()) {
      writer = formats.getOpenMetricsTextFormatWriter().accepts(header)
          ? formats.getOpenMetricsTextFormatWriter()
          : formats.getPrometheusTextFormatWriter();
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream(32 * 1024);
    try {
      writer.write(body, registry.scrape(), EscapingScheme.fromAcceptHeader(header));
    } catch (IOException e) {
      throw new UncheckedIOException("a write to memory failed", e);
    }
    return new Scrape(writer.getContentType(), body.toByteArray());
  }
}
