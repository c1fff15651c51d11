package dev.imagine.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.Configuration;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;

/** The API's configuration (YAML); field names carry their units. */
public class ImagineApiConfiguration extends Configuration {
    @NotEmpty
    private String zkAddress = "127.0.0.1:2181";

    @NotEmpty
    private String imageDir = "var/images";

    @NotEmpty
    private String defaultModelVersion = dev.imagine.kernels.ModelRegistry.DEFAULT_VERSION;

    @NotEmpty
    private String defaultMode = "fast";

    @Min(1000)
    private long zkSessionTimeoutMillis = 10_000;

    /** Helix cluster whose slots serve this API's jobs (capacities and slot counts are read from it). */
    @NotEmpty
    private String helixCluster = "imagine-cluster";

    /** Backpressure: new Relax jobs are refused (429) while this many wait. */
    @Min(1)
    private int maxRelaxDepth = 100_000;

    /** Must match the controller's: positions are computed with the same policy. */
    @Min(0)
    private long relaxPromoteAfterMillis = 600_000;

    /** The history's PostgreSQL; absent, finished jobs stay in ZooKeeper and {@code GET /v1/jobs} is a 503. */
    @jakarta.validation.Valid
    private io.dropwizard.db.DataSourceFactory database;

    @jakarta.validation.Valid
    @jakarta.validation.constraints.NotNull
    private HistorySettings history = new HistorySettings();

    @jakarta.validation.Valid
    @jakarta.validation.constraints.NotNull
    private ImageSettings images = new ImageSettings();

    @jakarta.validation.Valid
    @jakarta.validation.constraints.NotNull
    private ModerationSettings moderation = new ModerationSettings();

    @jakarta.validation.Valid
    @jakarta.validation.constraints.NotNull
    private WebhookSettings webhooks = new WebhookSettings();

    @jakarta.validation.Valid
    @jakarta.validation.constraints.NotNull
    private dev.imagine.api.discord.DiscordSettings discord = new dev.imagine.api.discord.DiscordSettings();

    @JsonProperty
    public dev.imagine.api.discord.DiscordSettings getDiscord() {
        return discord;
    }

    @JsonProperty
    public void setDiscord(dev.imagine.api.discord.DiscordSettings discord) {
        this.discord = discord;
    }

    /** Request bodies above this are a 413. */
    @Min(1024)
    private long maxBodyBytes = 64 * 1024;

    /** The prompt filter: the shipped policy unless {@code policyFile} names the operator's (re-read when it changes). */
    public static final class ModerationSettings {
        @JsonProperty
        public String policyFile;
    }

    /** Completion webhooks: the URL rules and the retry schedule. */
    public static final class WebhookSettings {
        /** Loopback and private addresses are refused unless this is on (the development config has it on). */
        @JsonProperty
        public boolean allowPrivateAddresses = false;

        @Min(10)
        @JsonProperty
        public long pollMillis = 500;

        @Min(1)
        @JsonProperty
        public long initialBackoffMillis = 1_000;

        @Min(1)
        @JsonProperty
        public long maxBackoffMillis = 3_600_000;

        /** Retried for this long after the job finished (at least a day). */
        @Min(24)
        @JsonProperty
        public long giveUpAfterHours = 72;

        @Min(100)
        @JsonProperty
        public long timeoutMillis = 10_000;
    }

    @JsonProperty
    public ModerationSettings getModeration() {
        return moderation;
    }

    @JsonProperty
    public void setModeration(ModerationSettings moderation) {
        this.moderation = moderation;
    }

    @JsonProperty
    public WebhookSettings getWebhooks() {
        return webhooks;
    }

    @JsonProperty
    public void setWebhooks(WebhookSettings webhooks) {
        this.webhooks = webhooks;
    }

    @JsonProperty
    public long getMaxBodyBytes() {
        return maxBodyBytes;
    }

    @JsonProperty
    public void setMaxBodyBytes(long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    /** How long a finished job stays in ZooKeeper before the archiver removes it (it is in PostgreSQL at once). */
    public static final class HistorySettings {
        @Min(0)
        @JsonProperty
        public long retentionSeconds = 300;

        @Min(50)
        @JsonProperty
        public long archiveEveryMillis = 1_000;
    }

    /** Signed image links and the store's lifecycle. */
    public static final class ImageSettings {
        /** HMAC-SHA256 key of image links, 64+ hex digits; empty: a random key per process (links die with it). */
        @JsonProperty
        public String linkKeyHex = "";

        @Min(1)
        @JsonProperty
        public long linkLifetimeSeconds = 7 * 24 * 3600;

        @Min(0)
        @JsonProperty
        public long warmAfterDays = 30;

        @Min(0)
        @JsonProperty
        public long coldAfterDays = 180;

        @Min(0)
        @JsonProperty
        public long previewsAfterMinutes = 60;

        @Min(1)
        @JsonProperty
        public long lifecycleEveryMinutes = 60;
    }

    @JsonProperty
    public io.dropwizard.db.DataSourceFactory getDatabase() {
        return database;
    }

    @JsonProperty
    public void setDatabase(io.dropwizard.db.DataSourceFactory database) {
        this.database = database;
    }

    @JsonProperty
    public HistorySettings getHistory() {
        return history;
    }

    @JsonProperty
    public void setHistory(HistorySettings history) {
        this.history = history;
    }

    @JsonProperty
    public ImageSettings getImages() {
        return images;
    }

    @JsonProperty
    public void setImages(ImageSettings images) {
        this.images = images;
    }

    @JsonProperty
    public String getHelixCluster() {
        return helixCluster;
    }

    @JsonProperty
    public void setHelixCluster(String helixCluster) {
        this.helixCluster = helixCluster;
    }

    @JsonProperty
    public int getMaxRelaxDepth() {
        return maxRelaxDepth;
    }

    @JsonProperty
    public void setMaxRelaxDepth(int maxRelaxDepth) {
        this.maxRelaxDepth = maxRelaxDepth;
    }

    @JsonProperty
    public long getRelaxPromoteAfterMillis() {
        return relaxPromoteAfterMillis;
    }

    @JsonProperty
    public void setRelaxPromoteAfterMillis(long relaxPromoteAfterMillis) {
        this.relaxPromoteAfterMillis = relaxPromoteAfterMillis;
    }

    @JsonProperty
    public String getZkAddress() {
        return zkAddress;
    }

    @JsonProperty
    public void setZkAddress(String zkAddress) {
        this.zkAddress = zkAddress;
    }

    @JsonProperty
    public String getImageDir() {
        return imageDir;
    }

    @JsonProperty
    public void setImageDir(String imageDir) {
        this.imageDir = imageDir;
    }

    @JsonProperty
    public String getDefaultModelVersion() {
        return defaultModelVersion;
    }

    @JsonProperty
    public void setDefaultModelVersion(String defaultModelVersion) {
        this.defaultModelVersion = defaultModelVersion;
    }

    @JsonProperty
    public String getDefaultMode() {
        return defaultMode;
    }

    @JsonProperty
    public void setDefaultMode(String defaultMode) {
        this.defaultMode = defaultMode;
    }

    @JsonProperty
    public long getZkSessionTimeoutMillis() {
        return zkSessionTimeoutMillis;
    }

    @JsonProperty
    public void setZkSessionTimeoutMillis(long zkSessionTimeoutMillis) {
        this.zkSessionTimeoutMillis = zkSessionTimeoutMillis;
    }
}
