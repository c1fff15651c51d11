package dev.imagine.ops.cli.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** A command's output: human text by default, JSON with {@code --json}; always through the command's writer. */
public final class Output {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--json", description = "Print JSON instead of a table.")
    public boolean json;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    public PrintWriter out() {
        return mixee.commandLine().getOut();
    }

    public void printJson(Object value) throws Exception {
        out().println(JSON.writeValueAsString(value));
        out().flush();
    }

    /** A progress line of a long operation (not in --json mode, whose output is one document). */
    public void progress(String line) {
        if (!json) {
            out().println(line);
            out().flush();
        }
    }
}
