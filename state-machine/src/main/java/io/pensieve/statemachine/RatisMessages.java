package io.pensieve.statemachine;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;

/**
 * Pensieve's protobuf messages in and out of Ratis, which carries bytes in its own shaded copy of
 * protobuf. Conversions wrap rather than copy.
 */
public final class RatisMessages {
  private RatisMessages() {}

  public static Message toMessage(MessageLite message) {
    return Message.valueOf(toByteString(message));
  }

  public static ByteString toByteString(MessageLite message) {
    return UnsafeByteOperations.unsafeWrap(message.toByteArray());
  }

  public static <T> T parse(Parser<T> parser, ByteString bytes)
      throws InvalidProtocolBufferException {
    return parser.parseFrom(bytes.asReadOnlyByteBuffer());
  }

  public static <T> T parse(Parser<T> parser, Message message)
      throws InvalidProtocolBufferException {
    return parse(parser, message.getContent());
  }
}
