package dev.imagine.api.discord;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * The Discord application the bot answers for. From the config file's {@code discord}, each overridable by the
 * environment: {@code IMAGINE_DISCORD_PUBLIC_KEY} (hex, as the developer portal shows it), {@code
 * IMAGINE_DISCORD_APP_ID}, {@code IMAGINE_DISCORD_BOT_TOKEN}, {@code IMAGINE_DISCORD_API_BASE}. Without a public key
 * the interactions endpoint is not served.
 */
public final class DiscordSettings {
    public static final String DEFAULT_API_BASE = "https://discord.com/api/v10";

    @JsonProperty
    public String publicKeyHex;

    @JsonProperty
    public String applicationId;

    @JsonProperty
    public String botToken;

    @JsonProperty
    public String apiBase = DEFAULT_API_BASE;

    /** This, with every {@code IMAGINE_DISCORD_*} variable that is set taking precedence. */
    public DiscordSettings withEnvironment(Map<String, String> env) {
        DiscordSettings merged = new DiscordSettings();
        merged.publicKeyHex = env.getOrDefault("IMAGINE_DISCORD_PUBLIC_KEY", publicKeyHex);
        merged.applicationId = env.getOrDefault("IMAGINE_DISCORD_APP_ID", applicationId);
        merged.botToken = env.getOrDefault("IMAGINE_DISCORD_BOT_TOKEN", botToken);
        merged.apiBase = env.getOrDefault("IMAGINE_DISCORD_API_BASE", apiBase);
        return merged;
    }

    public boolean enabled() {
        return publicKeyHex != null && !publicKeyHex.isBlank();
    }
}
