package dev.imagine.slurm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

/**
 * Where slurmrestd is and who we are to it: its URL, a JWT ({@code scontrol token}) and the user the
 * token was issued for. {@link #toString} leaves the token out, so an endpoint can be logged.
 */
public final class SlurmEndpoint {
    public static final String URL_ENV = "IMAGINE_SLURM_URL";
    public static final String TOKEN_FILE_ENV = "IMAGINE_SLURM_TOKEN_FILE";
    public static final String TOKEN_ENV = "IMAGINE_SLURM_TOKEN";
    public static final String USER_ENV = "IMAGINE_SLURM_USER";

    private final String url;
    private final String token;
    private final String user;

    public SlurmEndpoint(String url, String token, String user) {
        this.url = url.replaceAll("/+$", "");
        this.token = token == null ? "" : token.strip();
        this.user = user != null && !user.isBlank() ? user : userInToken(this.token);
    }

    /**
     * From explicit values, each falling back to the environment: the token from {@code tokenFile}, else
     * {@value #TOKEN_ENV}, else the file named by {@value #TOKEN_FILE_ENV}.
     */
    public static SlurmEndpoint resolve(String url, Path tokenFile, Map<String, String> env) {
        String resolvedUrl = url != null ? url : env.get(URL_ENV);
        if (resolvedUrl == null || resolvedUrl.isBlank()) {
            throw new SlurmException("no slurmrestd URL: pass --slurm <url> or set " + URL_ENV
                    + " (ops/slurm/local-slurm start prints one)");
        }
        String token;
        if (tokenFile != null) {
            token = readToken(tokenFile);
        } else if (env.get(TOKEN_ENV) != null) {
            token = env.get(TOKEN_ENV);
        } else if (env.get(TOKEN_FILE_ENV) != null) {
            token = readToken(Path.of(env.get(TOKEN_FILE_ENV)));
        } else {
            token = "";
        }
        return new SlurmEndpoint(resolvedUrl, token, env.get(USER_ENV));
    }

    private static String readToken(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip().replaceFirst("^SLURM_JWT=", "");
        } catch (IOException e) {
            throw new SlurmException("cannot read the Slurm token file " + file + " (" + e.getMessage()
                    + "); create one with: scontrol token lifespan=86400 > " + file);
        }
    }

    /** The user a Slurm JWT was issued for (its "sun" claim); slurmrestd wants it as a header too. */
    static String userInToken(String jwt) {
        String[] parts = jwt.split("\\.");
        if (parts.length < 2) {
            return System.getProperty("user.name");
        }
        try {
            JsonNode claims = new ObjectMapper().readTree(Base64.getUrlDecoder().decode(parts[1]));
            return claims.path("sun").asText(System.getProperty("user.name"));
        } catch (IOException | IllegalArgumentException e) {
            return System.getProperty("user.name");
        }
    }

    public String url() {
        return url;
    }

    public String user() {
        return user;
    }

    /** The JWT itself: for request headers only, never for messages or logs. */
    public String token() {
        return token;
    }

    public boolean hasToken() {
        return !token.isEmpty();
    }

    @Override
    public String toString() {
        return url + " as " + user + (hasToken() ? " (token set)" : " (no token)");
    }
}
