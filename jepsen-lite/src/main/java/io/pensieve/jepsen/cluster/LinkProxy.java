package io.pensieve.jepsen.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy carrying one direction of one link: the connections one node opens to one port
 * of another. Cut, it behaves as a network that drops every packet: bytes sent are swallowed,
 * nothing comes back, new connections are accepted and then hear nothing, and both ends stay
 * up. Healed, it closes the connections it had silenced (their streams lost bytes, as a
 * long-dropped TCP connection would time out) so that both ends reconnect.
 */
final class LinkProxy implements AutoCloseable {
  private static final int CONNECT_TIMEOUT_MILLIS = 1_000;

  private final ServerSocket listener;
  private final InetSocketAddress target;
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  private volatile boolean cut;
  private volatile boolean closed;

  LinkProxy(InetAddress listenAddress, int port, InetSocketAddress target) throws IOException {
    this.listener = new ServerSocket();
    listener.setReuseAddress(true);
    listener.bind(new InetSocketAddress(listenAddress, port), 128);
    this.target = target;
    Thread acceptor = new Thread(this::acceptLoop, "proxy-" + listenAddress.getHostAddress()
        + ":" + port);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  void cut() {
    cut = true;
    connections.forEach(Connection::silence);
  }

  void heal() {
    cut = false;
    for (Connection connection : connections) {
      if (connection.silenced) {
        connection.close();
      }
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return;
      }
      Connection connection = new Connection(client);
      connections.add(connection);
      if (cut) {
        connection.silence();
        connection.pump(client, null);
        continue;
      }
      try {
        Socket upstream = new Socket();
        upstream.connect(target, CONNECT_TIMEOUT_MILLIS);
        upstream.setTcpNoDelay(true);
        client.setTcpNoDelay(true);
        connection.upstream = upstream;
        connection.pump(client, upstream);
        connection.pump(upstream, client);
      } catch (IOException e) {
        // the node behind is down: the caller sees its connection refused, as it would directly
        connection.close();
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing
    }
    connections.forEach(Connection::close);
  }

  /** One proxied connection: a pump thread per direction. */
  private final class Connection {
    private final Socket client;
    private volatile Socket upstream;
    private volatile boolean silenced;

    Connection(Socket client) {
      this.client = client;
    }

    void silence() {
      silenced = true;
    }

    /** Copies {@code from} to {@code to}, or swallows it while silenced (or with no {@code to}). */
    void pump(Socket from, Socket to) {
      Thread pump = new Thread(() -> {
        byte[] buffer = new byte[64 * 1024];
        try {
          InputStream in = from.getInputStream();
          OutputStream out = to == null ? null : to.getOutputStream();
          int read;
          while ((read = in.read(buffer)) >= 0) {
            if (!silenced && out != null) {
              out.write(buffer, 0, read);
            }
          }
        } catch (IOException e) {
          // either end closed
        } finally {
          close();
        }
      }, "pump");
      pump.setDaemon(true);
      pump.start();
    }

    void close() {
      connections.remove(this);
      closeQuietly(client);
      closeQuietly(upstream);
    }

    private static void closeQuietly(Socket socket) {
      if (socket != null) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // already closed
        }
      }
    }
  }
}
