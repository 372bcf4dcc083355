package io.pensieve.server.rest;

import io.pensieve.server.PensieveNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * HTTP/1.1 over a plain socket, for what java.net.http will not send: a request line it would
 * refuse, a declared Content-Length with no body behind it, a chunked body paced by the test.
 */
final class RawHttp implements AutoCloseable {
  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;

  /** A response: status, headers (lower-case names) and the body its Content-Length gives. */
  @SuppressWarnings("ArrayRecordComponent") // the body as read; a test value, never compared
  record Response(int status, Map<String, String> headers, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  RawHttp(PensieveNode node, Duration readTimeout) throws IOException {
    socket = new Socket(InetAddress.getLoopbackAddress(), node.restPort());
    socket.setSoTimeout((int) readTimeout.toMillis());
    socket.setTcpNoDelay(true);
    out = socket.getOutputStream();
    in = socket.getInputStream();
  }

  void write(String ascii) throws IOException {
    write(ascii.getBytes(StandardCharsets.US_ASCII));
  }

  synchronized void write(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Writes one chunk of a {@code Transfer-Encoding: chunked} body. */
  void writeChunk(byte[] data) throws IOException {
    ByteArrayOutputStream chunk = new ByteArrayOutputStream(data.length + 16);
    chunk.writeBytes((Integer.toHexString(data.length) + "\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    chunk.writeBytes(data);
    chunk.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    write(chunk.toByteArray());
  }

  /** Reads one response; blocks up to the read timeout for each piece of it. */
  Response readResponse() throws IOException {
    String statusLine = readLine();
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP status line: " + statusLine);
    }
    Map<String, String> headers = new TreeMap<>();
    for (String line = readLine(); !line.isEmpty(); line = readLine()) {
      int colon = line.indexOf(':');
      headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
          line.substring(colon + 1).trim());
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    byte[] body = in.readNBytes(length);
    if (body.length < length) {
      throw new IOException("the body ended after " + body.length + " of " + length + " bytes");
    }
    return new Response(Integer.parseInt(parts[1]), headers, body);
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new IOException("the connection closed mid-response");
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
