package io.pensieve.modules;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The client library uses the public API only: never the node, its state machine or its
 * internal formats, nor the tools built on the client.
 */
@AnalyzeClasses(packages = "io.pensieve",
    importOptions = {ImportOption.DoNotIncludeTests.class, ImportOption.DoNotIncludeJars.class})
class ModuleDirectionTest {
  @ArchTest
  static final ArchRule clientUsesThePublicApiOnly = noClasses()
      .that().resideInAPackage("io.pensieve.client..")
      .should().dependOnClassesThat().resideInAnyPackage("io.pensieve.internal..",
          "io.pensieve.store..", "io.pensieve.statemachine..", "io.pensieve.server..",
          "io.pensieve.cli..", "io.pensieve.jepsen..");
}
