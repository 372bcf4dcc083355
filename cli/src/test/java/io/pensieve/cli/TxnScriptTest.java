package io.pensieve.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.pensieve.proto.v1.Compare;
import io.pensieve.proto.v1.CompareOp;
import io.pensieve.proto.v1.GetResponse;
import io.pensieve.proto.v1.KeyValue;
import io.pensieve.proto.v1.PutResponse;
import io.pensieve.proto.v1.TxnOp;
import io.pensieve.proto.v1.TxnOpResult;
import io.pensieve.proto.v1.TxnResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

/** The lines of {@code pvctl txn}, in etcdctl's format, parsed into requests. */
class TxnScriptTest {
  @Test
  void comparesTakeEachTargetAndOperator() {
    assertThat(TxnScript.compare("value(\"k\") = \"v w\"")).isEqualTo(Compare.newBuilder()
        .setKey(utf8("k")).setOp(CompareOp.COMPARE_OP_EQUAL).setValue(utf8("v w")).build());
    assertThat(TxnScript.compare("version(\"k\") > \"3\"").getVersion()).isEqualTo(3);
    assertThat(TxnScript.compare("mod(\"k\") < \"3\"").getOp())
        .isEqualTo(CompareOp.COMPARE_OP_LESS);
    assertThat(TxnScript.compare("create(\"k\") != \"0\"").getCreateRevision()).isZero();
    assertThat(TxnScript.compare("lease(\"k\") = \"7\"").getLease()).isEqualTo(7);
    assertThat(TxnScript.compare("exists(\"a \\\"b\\\"\") = \"true\"")).satisfies(c -> {
      assertThat(c.getKey()).isEqualTo(utf8("a \"b\""));
      assertThat(c.getExists()).isTrue();
    });
    assertThatThrownBy(() -> TxnScript.compare("size(\"k\") = \"1\""))
        .hasMessageContaining("unknown target size");
    assertThatThrownBy(() -> TxnScript.compare("version(\"k\") = \"x\""))
        .hasMessageContaining("\"x\" is not a whole number");
    assertThatThrownBy(() -> TxnScript.compare("version(k) = 3"))
        .hasMessageContaining("a compare is target(\"key\") op \"operand\"");
  }

  @Test
  void requestsTakeTheOptionsOfTheirCommands() {
    assertThat(TxnScript.request("put k \"two words\" --lease=5").getPut()).satisfies(put -> {
      assertThat(put.getValue()).isEqualTo(utf8("two words"));
      assertThat(put.getLease()).isEqualTo(5);
    });
    assertThat(TxnScript.request("get k").getOpCase()).isEqualTo(TxnOp.OpCase.GET);
    assertThat(TxnScript.request("get k/ --prefix --limit 2").getRange()).satisfies(range -> {
      assertThat(range.getRangeEnd()).isEqualTo(utf8("k0"));
      assertThat(range.getLimit()).isEqualTo(2);
    });
    assertThat(TxnScript.request("del k").getOpCase()).isEqualTo(TxnOp.OpCase.DELETE);
    assertThat(TxnScript.request("del a c").getDeleteRange().getRangeEnd()).isEqualTo(utf8("c"));
    assertThatThrownBy(() -> TxnScript.request("del a c --prefix"))
        .hasMessageContaining("give one of RANGE_END, --prefix and --from-key");
    assertThatThrownBy(() -> TxnScript.request("put k"))
        .hasMessageContaining("cannot read 'put k'").hasMessageContaining("VALUE");
    assertThatThrownBy(() -> TxnScript.request("incr k"))
        .hasMessageContaining("unknown request incr");
  }

  @Test
  void sectionsEndAtAnEmptyLineOrTheEnd() throws IOException {
    BufferedReader in = new BufferedReader(new StringReader("a\nb\n\n\nc\n"));

    assertThat(TxnScript.section(in)).containsExactly("a", "b");
    assertThat(TxnScript.section(in)).isEmpty();
    assertThat(TxnScript.section(in)).containsExactly("c");
    assertThat(TxnScript.section(in)).isEmpty();
  }

  @Test
  void theResultIsPrintedAsEtcdctlPrintsIt() {
    TxnResponse response = TxnResponse.newBuilder().setSucceeded(true)
        .addResults(TxnOpResult.newBuilder().setPut(PutResponse.getDefaultInstance()))
        .addResults(TxnOpResult.newBuilder().setGet(GetResponse.newBuilder().setFound(true)
            .setKv(KeyValue.newBuilder().setKey(utf8("k")).setValue(utf8("v")))))
        .build();

    assertThat(TxnCommand.text(response)).isEqualTo("SUCCESS\n\nOK\n\nk\nv\n");
  }

  private static ByteString utf8(String text) {
    return ByteString.copyFromUtf8(text);
  }
}
