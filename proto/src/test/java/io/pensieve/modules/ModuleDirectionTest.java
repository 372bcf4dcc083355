package io.pensieve.modules;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The public API is the root of the module graph ({@code proto} ← {@code state-machine} ←
 * {@code server}; {@code client}, {@code cli} and {@code jepsen-lite} use the API only): it
 * depends on no other Pensieve module.
 */
@AnalyzeClasses(packages = "io.pensieve",
    importOptions = {ImportOption.DoNotIncludeTests.class, ImportOption.DoNotIncludeJars.class})
class ModuleDirectionTest {
  @ArchTest
  static final ArchRule apiDependsOnNoOtherModule = noClasses()
      .that().resideInAnyPackage("io.pensieve.api..", "io.pensieve.proto..")
      .should().dependOnClassesThat().resideInAnyPackage("io.pensieve.internal..",
          "io.pensieve.store..", "io.pensieve.statemachine..", "io.pensieve.server..",
          "io.pensieve.client..", "io.pensieve.cli..", "io.pensieve.jepsen..");
}
