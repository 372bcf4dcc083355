package io.pensieve.server.tls;

import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Clients as users build them: trusting a CA file, presenting no certificate. */
public final class TlsClients {
  private TlsClients() {}

  public static HttpClient https(Path ca) throws IOException, GeneralSecurityException {
    return HttpClient.newBuilder().sslContext(trusting(ca))
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  public static ManagedChannel grpc(int port, Path ca) throws IOException {
    return NettyChannelBuilder.forAddress("127.0.0.1", port)
        .sslContext(GrpcSslContexts.forClient().trustManager(ca.toFile()).build())
        .build();
  }

  private static SSLContext trusting(Path ca) throws IOException, GeneralSecurityException {
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    try (InputStream in = Files.newInputStream(ca)) {
      int i = 0;
      for (Certificate certificate : CertificateFactory.getInstance("X.509")
          .generateCertificates(in)) {
        trusted.setCertificateEntry("ca-" + i++, certificate);
      }
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
    trust.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }
}
