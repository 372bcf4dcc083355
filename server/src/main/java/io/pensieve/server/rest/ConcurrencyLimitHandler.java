package io.pensieve.server.rest;

import io.pensieve.server.kv.KvException;
import io.pensieve.server.limits.ConcurrencyLimit;
import java.util.function.Predicate;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Holds a {@link ConcurrencyLimit} permit from a request's arrival until its answer is sent,
 * and answers 503 {@code overloaded} when none is left. The limit is shared with the gRPC API,
 * which is why this is not Jetty's own QoSHandler. Probes and scrapes are exempt: a busy node
 * must not look dead to its orchestrator.
 */
final class ConcurrencyLimitHandler extends Handler.Wrapper {
  private final ConcurrencyLimit limit;
  private final Predicate<String> exempt;

  /** @param exempt whether a request path is a probe's or the scrape's */
  ConcurrencyLimitHandler(ConcurrencyLimit limit, Predicate<String> exempt, Handler handler) {
    super(handler);
    this.limit = limit;
    this.exempt = exempt;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (exempt.test(request.getHttpURI().getPath())) {
      return super.handle(request, response, callback);
    }
    ConcurrencyLimit.Permit permit;
    try {
      permit = limit.acquire();
    } catch (KvException overloaded) {
      new Exchange(request, response, callback).error(overloaded);
      return true;
    }
    Callback releasing = Callback.from(callback, permit::release);
    try {
      if (super.handle(request, response, releasing)) {
        return true;
      }
    } catch (Exception | Error e) {
      permit.release();
      throw e;
    }
    permit.release();
    return false;
  }
}
