package dev.imagine.ops.cli.jobs;

import picocli.CommandLine.Command;

@Command(name = "jobs", mixinStandardHelpOptions = true, description = "One job: show, cancel, requeue.",
        subcommands = {JobsShowCommand.class, JobsCancelCommand.class, JobsRequeueCommand.class})
public final class JobsCommand {
}
