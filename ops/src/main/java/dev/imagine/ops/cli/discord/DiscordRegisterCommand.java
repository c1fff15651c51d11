package dev.imagine.ops.cli.discord;

import dev.imagine.api.discord.DiscordApi;
import dev.imagine.api.discord.DiscordSettings;
import dev.imagine.ops.cli.CliException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code imagine discord register}: registers the global {@code /imagine prompt:<text>} command through Discord's REST
 * API (creating a command with an existing name replaces it, so running this again is harmless). Reads
 * IMAGINE_DISCORD_APP_ID, IMAGINE_DISCORD_BOT_TOKEN and IMAGINE_DISCORD_API_BASE unless given as options.
 */
@Command(name = "register", mixinStandardHelpOptions = true, description = "Register the /imagine command with Discord.")
public final class DiscordRegisterCommand implements Callable<Integer> {
    static final String COMMAND = """
            {"name": "imagine", "type": 1, "description": "Create images from a prompt",
             "options": [{"name": "prompt", "type": 3, "required": true, "max_length": 4000,
                          "description": "What to draw, then flags such as --ar 16:9 --seed 7"}]}""";

    @Spec
    CommandSpec spec;

    @Option(names = "--app-id", description = "Application id (default: IMAGINE_DISCORD_APP_ID).")
    String appId;

    @Option(names = "--bot-token", description = "Bot token (default: IMAGINE_DISCORD_BOT_TOKEN).")
    String botToken;

    @Option(names = "--api-base", description = "Discord REST base (default: IMAGINE_DISCORD_API_BASE or Discord's).")
    String apiBase;

    @Override
    public Integer call() throws Exception {
        DiscordSettings settings = new DiscordSettings().withEnvironment(System.getenv());
        settings.applicationId = appId != null ? appId : settings.applicationId;
        settings.botToken = botToken != null ? botToken : settings.botToken;
        settings.apiBase = apiBase != null ? apiBase : settings.apiBase;
        if (settings.applicationId == null || settings.botToken == null) {
            throw new CliException("set IMAGINE_DISCORD_APP_ID and IMAGINE_DISCORD_BOT_TOKEN (or --app-id, --bot-token): "
                    + "the developer portal shows both", 2);
        }
        DiscordApi.Reply reply;
        try {
            reply = new DiscordApi(settings).registerCommand(COMMAND);
        } catch (java.io.IOException e) {
            throw new CliException("Discord at " + settings.apiBase + " did not answer: " + e.getMessage(), 1);
        }
        if (!reply.ok()) {
            throw new CliException("Discord refused the command (" + reply.status() + "): " + reply.body(), 1);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("Registered /imagine for application %s%n", settings.applicationId);
        out.flush();
        return 0;
    }
}
