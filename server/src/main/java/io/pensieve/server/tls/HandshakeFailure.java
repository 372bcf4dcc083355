package io.pensieve.server.tls;

import java.io.IOException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * A call to another node that failed in its TLS handshake, told in an operator's terms: which
 * certificate was refused and why, rather than the transport's "io exception".
 */
public final class HandshakeFailure extends IOException {
  private HandshakeFailure(String message, Throwable cause) {
    super(message, cause);
  }

  /** The failure re-told, when a TLS handshake with {@code address} caused it. */
  public static Optional<HandshakeFailure> of(Throwable failure, String address) {
    SSLException ssl = null;
    Throwable root = failure;
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (ssl == null && cause instanceof SSLException found) {
        ssl = found;
      }
      root = cause;
    }
    if (ssl == null) {
      return Optional.empty();
    }
    String reason;
    if (root instanceof CertPathBuilderException || root instanceof CertPathValidatorException) {
      reason = "its certificate is not signed by a CA in this node's --tls-ca";
    } else if (root instanceof CertificateException) {
      reason = "its certificate does not fit the address (" + root.getMessage() + ")";
    } else if (String.valueOf(ssl.getMessage()).contains("certificate")) {
      reason = "it refused this node's certificate (" + ssl.getMessage() + ")";
    } else {
      reason = String.valueOf(root.getMessage());
    }
    return Optional.of(new HandshakeFailure("TLS handshake with " + address + " failed: "
        + reason, failure));
  }
}
