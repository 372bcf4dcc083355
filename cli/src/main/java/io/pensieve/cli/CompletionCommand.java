package io.pensieve.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "completion",
    description = {"Prints a shell completion script.",
        "For bash, or for zsh through its bashcompinit."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  source <(pvctl completion bash)",
        "  pvctl completion bash > /etc/bash_completion.d/pvctl",
        "  source <(pvctl completion zsh)     # in ~/.zshrc"})
final class CompletionCommand implements Callable<Integer> {
  /** The shells pvctl writes completion scripts for. */
  enum Shell { BASH, ZSH }

  @Spec
  private CommandSpec spec;

  @Parameters(paramLabel = "SHELL", description = "bash or zsh.")
  private Shell shell;

  @Override
  public Integer call() {
    String bash = AutoComplete.bash(spec.root().name(), spec.root().commandLine());
    String script = shell == Shell.ZSH
        ? "# pvctl completion for zsh, through its bash completion support\n"
            + "autoload -U +X compinit && compinit\n"
            + "autoload -U +X bashcompinit && bashcompinit\n" + bash
        : bash;
    new Output(OutputFormat.TABLE, spec.commandLine().getOut()).raw(script);
    return ExitCode.OK;
  }
}
