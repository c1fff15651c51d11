package dev.imagine.ops.cli.models;

import picocli.CommandLine.Command;

@Command(name = "models", mixinStandardHelpOptions = true,
        description = "Model versions the ModelAffinity state model knows.",
        subcommands = {ModelsListCommand.class, ModelsAddCommand.class})
public final class ModelsCommand {
}
