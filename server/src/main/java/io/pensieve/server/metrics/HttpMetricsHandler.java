package io.pensieve.server.metrics;

import java.util.Set;
import java.util.function.UnaryOperator;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Records every request the wrapped handler answers in {@link HttpMetrics}.
 *
 * <p>The outcome is taken from a completion listener ({@link Request#addCompletionListener}),
 * which Jetty runs exactly once per request, after the response has been written or has
 * failed, with the status actually sent: also the 500 Jetty writes itself when a handler
 * throws, which wrapping the handler's callback would miss. It is the hook Jetty's own
 * {@code EventsHandler} uses for {@code onComplete}, without the wrappers that class puts
 * around every body read and write. The latency runs from the request's arrival at the
 * connector ({@link Request#getBeginNanoTime}).
 */
public final class HttpMetricsHandler extends Handler.Wrapper {
  /** Any other method a client invents is counted as {@code other}, to bound the labels. */
  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");

  private final HttpMetrics metrics;
  private final UnaryOperator<String> routeOf;

  /**
   * @param routeOf the route template a request path belongs to, a label of bounded
   *     cardinality (never the key in the path)
   */
  public HttpMetricsHandler(Handler handler, HttpMetrics metrics,
      UnaryOperator<String> routeOf) {
    super(handler);
    this.metrics = metrics;
    this.routeOf = routeOf;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback)
      throws Exception {
    String route = routeOf.apply(request.getHttpURI().getPath());
    String method = methodLabel(request.getMethod());
    long beginNanos = request.getBeginNanoTime();
    Request.addCompletionListener(request, failure -> metrics.record(route, method,
        response.getStatus(), System.nanoTime() - beginNanos));
    return super.handle(request, response, callback);
  }

  static String methodLabel(String method) {
    return METHODS.contains(method) ? method : "other";
  }
}
