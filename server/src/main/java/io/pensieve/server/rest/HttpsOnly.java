package io.pensieve.server.rest;

import io.pensieve.proto.v1.ErrorCode;
import io.pensieve.server.kv.KvException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * A TLS node's REST port recognises plaintext HTTP only to refuse it: such a request gets a
 * 400 that says to use https, as etcd answers, rather than bytes a plaintext client cannot read.
 */
final class HttpsOnly extends Handler.Wrapper {
  HttpsOnly(Handler api) {
    super(api);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback)
      throws Exception {
    if (request.isSecure()) {
      return super.handle(request, response, callback);
    }
    response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
    new Exchange(request, response, callback).error(new KvException(
        ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
        "this node serves HTTPS only: use https://" + Request.getServerName(request) + ":"
            + Request.getLocalPort(request) + " and trust the cluster's CA"));
    return true;
  }
}
