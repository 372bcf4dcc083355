package io.pensieve.modules;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The node sits at the end of {@code proto} ← {@code state-machine} ← {@code server}: it uses
 * neither the client library nor the tools built on it ({@code cli}, {@code jepsen-lite}).
 */
@AnalyzeClasses(packages = "io.pensieve",
    importOptions = {ImportOption.DoNotIncludeTests.class, ImportOption.DoNotIncludeJars.class})
class ModuleDirectionTest {
  @ArchTest
  static final ArchRule serverUsesNoClientSideModule = noClasses()
      .that().resideInAPackage("io.pensieve.server..")
      .should().dependOnClassesThat().resideInAnyPackage("io.pensieve.client..",
          "io.pensieve.cli..", "io.pensieve.jepsen..");
}
